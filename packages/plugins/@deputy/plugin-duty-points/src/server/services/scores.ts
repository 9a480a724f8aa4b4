import type { Database, Model } from '@nocobase/database';
import { Op, QueryTypes } from 'sequelize';
import { sqlNames } from './sql';

export type GradeBand = { name: string; nameEn?: string; minPoints: number | null; passing: boolean };
type ItemTotal = { itemId: number; points: number; standing: number };
type DeputyRow = { id: number; name: string; stationId: number | null; total: number };
export type Score = {
  deputyId: number;
  name: string;
  stationId: number | null;
  total: number;
  rank: number;
  stationRank: number;
  grade: string | null;
  passing: boolean;
};

/** Dates of a period, inclusive; a year is `YYYY`, a quarter `YYYY-Qn`. */
export function periodRange(key: string) {
  const year = Number(key.slice(0, 4));
  const q = /^\d{4}-Q([1-4])$/.exec(key);
  if (!q && !/^\d{4}$/.test(key)) return null;
  if (!q) return { year, isYear: true, from: `${year}-01-01`, to: `${year}-12-31` };
  const n = Number(q[1]);
  const endMonth = n * 3;
  const lastDay = new Date(Date.UTC(year, endMonth, 0)).getUTCDate();
  return {
    year,
    isYear: false,
    from: `${year}-${String(endMonth - 2).padStart(2, '0')}-01`,
    to: `${year}-${String(endMonth).padStart(2, '0')}-${lastDay}`,
  };
}

/**
 * Scores derived from the ledger only (read from its kept totals, see ledger.ts): totals per deputy for a period,
 * ranks (1 = most points; equal totals share a rank) in the jurisdiction and in each station, and the grade from
 * the editable bands.
 * A deputy with enough standing records of an item that fails the grade (弄虚作假: one) fails whatever its total.
 */
export class Scores {
  constructor(private db: Database) {}

  async bands(): Promise<GradeBand[]> {
    const rows = await this.db.getRepository('gradeBands').find({ sort: ['sort'] });
    return rows
      .map((r: Model) => ({
        name: r.get('name'),
        nameEn: r.get('nameEn'),
        minPoints: r.get('minPoints'),
        passing: !!r.get('passing'),
      }))
      .sort((a, b) => (b.minPoints ?? -Infinity) - (a.minPoints ?? -Infinity));
  }

  /**
   * One deputy's year: total, ranks, grade, and per item what it earned and how much of the cap is left — from
   * the maintained totals (pointTotals, pointItemTotals): index lookups and two indexed counts, no ledger scan.
   */
  async summary(deputyId: number, year: number) {
    const [deputy, kept, itemRows, bands, items] = await Promise.all([
      this.db.getRepository('deputies').findOne({ filterByTk: deputyId, fields: ['id', 'name', 'stationId'] }),
      this.db.getModel('pointTotals').findOne({ where: { deputyId, year }, attributes: ['total'], raw: true }),
      this.db.getModel('pointItemTotals').findAll({
        where: { deputyId, year },
        attributes: ['itemId', 'points', 'standing'],
        raw: true,
      }),
      this.bands(),
      this.db.getRepository('dutyItems').find({ filter: { active: true }, sort: ['sort'] }),
    ]);
    const posted = new Map<number, ItemTotal>((itemRows as unknown as ItemTotal[]).map((r) => [Number(r.itemId), r]));
    const total = Number((kept as unknown as { total: number } | null)?.total ?? 0);
    const stationId: number | null = deputy?.get('stationId') ?? null;
    const [ahead, aheadInStation, failing] = await Promise.all([
      this.countAhead(total, year),
      this.countAhead(total, year, stationId),
      this.failingItems().then((fails) => fails.some((f) => Number(posted.get(f.itemId)?.standing ?? 0) >= f.after)),
    ]);
    const grade = this.gradeOf(total, bands, failing);
    return {
      year,
      score: deputy
        ? {
            deputyId,
            name: deputy.get('name'),
            stationId: deputy.get('stationId'),
            total,
            rank: 1 + ahead,
            stationRank: 1 + aheadInStation,
            grade: grade?.name ?? null,
            passing: grade?.passing ?? false,
          }
        : null,
      items: items.map((i: Model) => {
        const got = Number(posted.get(i.get('id'))?.points ?? 0);
        const cap = i.get('yearlyCap');
        return {
          itemId: i.get('id'),
          code: i.get('code'),
          name: i.get('name'),
          points: i.get('points'),
          yearlyCap: cap,
          posted: got,
          capLeft: cap === null || cap === undefined ? null : Math.max(0, cap - got),
        };
      }),
    };
  }

  /**
   * How many active deputies (of a station, when given) have more than `total` points in the year. Those with
   * a kept total: an index range on (year, total) joined to their deputy rows. Those without one have 0 points,
   * and are ahead only of a negative total (deductions).
   */
  private async countAhead(total: number, year: number, stationId?: number | null) {
    const d = sqlNames(this.db, 'deputies');
    const t = sqlNames(this.db, 'pointTotals');
    const inStation = stationId ? `AND d.${d.col('stationId')} = :stationId` : '';
    const count = async (sql: string) => {
      const [row] = await this.db.sequelize.query<{ n: number | string }>(sql, {
        replacements: { year, total, stationId },
        type: QueryTypes.SELECT,
      });
      return Number(row?.n ?? 0);
    };
    const withTotal = await count(
      `SELECT COUNT(*) AS n FROM ${t.table} t JOIN ${d.table} d ON d.${d.col('id')} = t.${t.col('deputyId')}
       WHERE t.${t.col('year')} = :year AND t.${t.col('total')} > :total
         AND d.${d.col('status')} = 'active' ${inStation}`,
    );
    if (total >= 0) return withTotal;
    return (
      withTotal +
      (await count(
        `SELECT COUNT(*) AS n FROM ${d.table} d WHERE d.${d.col('status')} = 'active' ${inStation}
         AND NOT EXISTS (SELECT 1 FROM ${t.table} t
           WHERE t.${t.col('deputyId')} = d.${d.col('id')} AND t.${t.col('year')} = :year)`,
      ))
    );
  }

  gradeOf(total: number, bands: GradeBand[], failed: boolean) {
    if (failed) return bands.find((b) => !b.passing) ?? null;
    return bands.find((b) => b.minPoints === null || total >= b.minPoints) ?? null;
  }

  /** All active deputies (optionally of one station) with their period scores, best first. */
  async ranking(periodKey: string, options: { stationId?: number } = {}): Promise<Score[]> {
    const range = periodRange(periodKey);
    if (!range) return [];
    // Plain rows: a county has thousands of deputies and no model instances are needed here.
    const deputies = range.isYear ? await this.yearRows(range.year) : await this.quarterRows(range);
    // Grade bands are yearly thresholds: a quarter is ranked, not graded (nor its failing items counted).
    const failing = range.isYear ? await this.failingDeputies(range.year) : new Set<number>();
    const bands = await this.bands();
    const scores = deputies.map((d) => {
      const { total } = d;
      const grade = range.isYear ? this.gradeOf(total, bands, failing.has(d.id)) : null;
      return {
        deputyId: d.id,
        name: d.name,
        stationId: d.stationId,
        total,
        rank: 0,
        stationRank: 0,
        grade: grade?.name ?? null,
        passing: grade?.passing ?? false,
      };
    });
    rankBy(scores, () => 'all', 'rank');
    rankBy(scores, (s) => String(s.stationId), 'stationRank');
    const result = options.stationId ? scores.filter((s) => s.stationId === options.stationId) : scores;
    return result.sort((a, b) => a.rank - b.rank || a.deputyId - b.deputyId);
  }

  /** The active deputies with their kept totals of the year: pointTotals joined to the deputies, one query. */
  private async yearRows(year: number): Promise<DeputyRow[]> {
    const d = sqlNames(this.db, 'deputies');
    const t = sqlNames(this.db, 'pointTotals');
    const rows = await this.db.sequelize.query<{ id: number; name: string; station: number | null; total: number }>(
      `SELECT d.${d.col('id')} AS id, d.${d.col('name')} AS name, d.${d.col('stationId')} AS station,
              t.${t.col('total')} AS total
       FROM ${d.table} d LEFT JOIN ${t.table} t ON t.${t.col('deputyId')} = d.${d.col('id')} AND t.${t.col('year')} = :year
       WHERE d.${d.col('status')} = 'active'`,
      { replacements: { year }, type: QueryTypes.SELECT },
    );
    return rows.map((r) => ({
      id: Number(r.id),
      name: r.name,
      stationId: r.station === null ? null : Number(r.station),
      total: Number(r.total) || 0,
    }));
  }

  /** The active deputies with their points in a quarter. */
  private async quarterRows(range: { from: string; to: string }): Promise<DeputyRow[]> {
    const deputies = (await this.db.getModel('deputies').findAll({
      attributes: ['id', 'name', 'stationId'],
      where: { status: 'active' },
      raw: true,
    })) as unknown as Omit<DeputyRow, 'total'>[];
    const totals = await this.ledgerTotals(range);
    return deputies.map((r) => ({ ...r, total: totals.get(r.id) ?? 0 }));
  }

  /** A quarter's totals per deputy, summed over the ledger's entries of its dates (totals are kept per year). */
  private async ledgerTotals(range: { from: string; to: string }) {
    const { sequelize } = this.db;
    const rows = (await this.db.getModel('pointEntries').findAll({
      attributes: ['deputyId', [sequelize.fn('SUM', sequelize.col('points')), 'total']],
      where: { date: { [Op.between]: [range.from, range.to] } },
      group: ['deputyId'],
      raw: true,
    })) as unknown as { deputyId: number; total: number | string }[];
    return new Map(rows.map((r) => [Number(r.deputyId), Number(r.total) || 0]));
  }

  /** The items that fail the grade after `after` standing (not revoked) records of them in a year. */
  private async failingItems() {
    const items = await this.db
      .getRepository('dutyItems')
      .find({ filter: { failsGradeAfter: { $gt: 0 } }, fields: ['id', 'failsGradeAfter'] });
    return items.map((i: Model) => ({ itemId: Number(i.get('id')), after: Number(i.get('failsGradeAfter')) }));
  }

  /** Deputies with at least `failsGradeAfter` standing records of an item that fails the grade, in the year. */
  private async failingDeputies(year: number) {
    const failing = new Set<number>();
    for (const { itemId, after } of await this.failingItems()) {
      const rows = (await this.db.getModel('pointItemTotals').findAll({
        attributes: ['deputyId'],
        where: { itemId, year, standing: { [Op.gte]: after } },
        raw: true,
      })) as unknown as { deputyId: number }[];
      for (const r of rows) failing.add(Number(r.deputyId));
    }
    return failing;
  }
}

/** Competition ranking ("1, 2, 2, 4") within groups. */
function rankBy(scores: Score[], groupOf: (s: Score) => string, key: 'rank' | 'stationRank') {
  const groups = new Map<string, Score[]>();
  for (const s of scores) {
    const group = groups.get(groupOf(s));
    if (group) group.push(s);
    else groups.set(groupOf(s), [s]);
  }
  for (const list of groups.values()) {
    list.sort((a, b) => b.total - a.total);
    list.forEach((s, i) => (s[key] = i > 0 && list[i - 1].total === s.total ? list[i - 1][key] : i + 1));
  }
}
