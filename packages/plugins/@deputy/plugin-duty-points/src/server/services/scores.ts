import type { Database } from '@nocobase/database';
import { Op } from 'sequelize';

export type GradeBand = { name: string; nameEn?: string; minPoints: number | null; passing: boolean };
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
 * Scores derived from the ledger only: totals per deputy for a period, ranks (1 = most points; equal
 * totals share a rank) in the jurisdiction and in each station, and the grade from the editable bands.
 * A deputy with enough standing records of an item that fails the grade (弄虚作假: one) fails whatever its total.
 */
export class Scores {
  constructor(private db: Database) {}

  async bands(): Promise<GradeBand[]> {
    const rows = await this.db.getRepository('gradeBands').find({ sort: ['sort'] });
    return rows
      .map((r: any) => ({
        name: r.get('name'),
        nameEn: r.get('nameEn'),
        minPoints: r.get('minPoints'),
        passing: !!r.get('passing'),
      }))
      .sort((a, b) => (b.minPoints ?? -Infinity) - (a.minPoints ?? -Infinity));
  }

  /** One deputy's year: total, ranks, grade, and per item what it earned and how much of the cap is left. */
  async summary(deputyId: number, year: number) {
    const range = periodRange(String(year));
    const { sequelize } = this.db;
    const rows: any[] = await this.db.getCollection('pointEntries').model.findAll({
      attributes: ['itemId', [sequelize.fn('SUM', sequelize.col('points')), 'posted']],
      where: { deputyId, ...periodWhere(range) },
      group: ['itemId'],
      raw: true,
    });
    const posted = new Map(rows.map((r) => [Number(r.itemId), Number(r.posted) || 0]));
    const deputy: any = await this.db
      .getRepository('deputies')
      .findOne({ filterByTk: deputyId, fields: ['id', 'name', 'stationId'] });
    const total = [...posted.values()].reduce((a, b) => a + b, 0);
    const rank = 1 + (await this.countAhead(total, range.year));
    const stationRank = 1 + (await this.countAhead(total, range.year, deputy?.get('stationId')));
    const grade = this.gradeOf(
      total,
      await this.bands(),
      (await this.failingDeputies(range.from, range.to)).has(deputyId),
    );
    const items = await this.db.getRepository('dutyItems').find({ filter: { active: true }, sort: ['sort'] });
    return {
      year,
      score: deputy
        ? {
            deputyId,
            name: deputy.get('name'),
            stationId: deputy.get('stationId'),
            total,
            rank,
            stationRank,
            grade: grade?.name ?? null,
            passing: grade?.passing ?? false,
          }
        : null,
      items: items.map((i: any) => {
        const got = posted.get(i.get('id')) ?? 0;
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

  /** How many active deputies (of a station, when given) scored more than `total` in the range: one SQL aggregate. */
  private async countAhead(total: number, year: number, stationId?: number) {
    const entries = this.db.getCollection('pointEntries').model;
    const deputies = this.db.getCollection('deputies').model;
    const qi = this.db.sequelize.getQueryInterface();
    const col = (model: any, attr: string) => qi.quoteIdentifier(model.rawAttributes[attr].field);
    const table = (model: any) => (qi as any).queryGenerator.quoteTable(model.getTableName());
    const sql = `SELECT COUNT(*) AS n FROM (
        SELECT d.${col(deputies, 'id')} AS id, COALESCE(SUM(p.${col(entries, 'points')}), 0) AS total
        FROM ${table(deputies)} d LEFT JOIN ${table(entries)} p
          ON p.${col(entries, 'deputyId')} = d.${col(deputies, 'id')} AND p.${col(entries, 'year')} = :year
        WHERE d.${col(deputies, 'status')} = 'active' ${stationId ? `AND d.${col(deputies, 'stationId')} = :stationId` : ''}
        GROUP BY d.${col(deputies, 'id')}) t WHERE t.total > :total`;
    const [row]: any = await this.db.sequelize.query(sql, {
      replacements: { year, total, stationId },
      plain: false,
      type: 'SELECT' as any,
    });
    return Number(row?.n ?? 0);
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
    const deputies: any[] = await this.db.getCollection('deputies').model.findAll({
      attributes: ['id', 'name', 'stationId'],
      where: { status: 'active' },
      raw: true,
    });
    const { sequelize } = this.db;
    const rows: any[] = await this.db.getCollection('pointEntries').model.findAll({
      attributes: ['deputyId', [sequelize.fn('SUM', sequelize.col('points')), 'total']],
      where: periodWhere(range),
      group: ['deputyId'],
      raw: true,
    });
    const totals = new Map(rows.map((r) => [Number(r.deputyId), Number(r.total) || 0]));
    const failing = await this.failingDeputies(range.from, range.to);
    const bands = await this.bands();
    const scores = deputies.map((d: any) => {
      const total = totals.get(d.id) ?? 0;
      // Grade bands are yearly thresholds: a quarter is ranked, not graded.
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

  /** Deputies with at least `failsGradeAfter` standing (not revoked) records of an item that fails the grade. */
  private async failingDeputies(from: string, to: string) {
    const items = await this.db
      .getRepository('dutyItems')
      .find({ filter: { failsGradeAfter: { $gt: 0 } }, fields: ['id', 'failsGradeAfter'] });
    const failing = new Set<number>();
    for (const item of items) {
      const rows: any[] = await this.db.getCollection('pointEntries').model.findAll({
        attributes: ['deputyId', 'kind'],
        where: { itemId: item.get('id'), date: { [Op.between]: [from, to] } },
        raw: true,
      });
      const standing = new Map<number, number>();
      for (const r of rows)
        standing.set(Number(r.deputyId), (standing.get(Number(r.deputyId)) ?? 0) + (r.kind === 'award' ? 1 : -1));
      for (const [deputyId, n] of standing) if (n >= Number(item.get('failsGradeAfter'))) failing.add(deputyId);
    }
    return failing;
  }
}

/** A year is matched on the ledger's year column (covered by an index), a quarter on its dates. */
function periodWhere(range: { year: number; isYear: boolean; from: string; to: string }) {
  return range.isYear ? { year: range.year } : { date: { [Op.between]: [range.from, range.to] } };
}

/** Competition ranking ("1, 2, 2, 4") within groups. */
function rankBy(scores: Score[], groupOf: (s: Score) => string, key: 'rank' | 'stationRank') {
  const groups = new Map<string, Score[]>();
  for (const s of scores) groups.set(groupOf(s), [...(groups.get(groupOf(s)) ?? []), s]);
  for (const list of groups.values()) {
    list.sort((a, b) => b.total - a.total);
    list.forEach((s, i) => (s[key] = i > 0 && list[i - 1].total === s.total ? list[i - 1][key] : i + 1));
  }
}
