import { Op, type Database, type Model, type Transaction } from '@nocobase/database';
import { shanghaiToday, WorkCalendar } from '@deputy/plugin-suite-core';
import { DutyError } from './errors';
import { periodRange, Scores } from './scores';

/** A snapshot row as the public board reads it. */
/** How many (version, station) boards are kept in memory: every station of a county's latest periods. */
const BOARD_VERSIONS_KEPT = 500;
type BoardRow = { deputyName: string; stationName: string | null; total: number; grade: string | null; rank: number };

/**
 * 评分—公示: publishing a period freezes every active deputy's score as a new snapshot version, opens the
 * appeal window and shows it on the public board. Re-publishing after appeals issues the next version;
 * earlier versions stay, so nothing published is ever lost.
 */
export class Publication {
  constructor(
    private db: Database,
    private scores: Scores,
    private calendar: WorkCalendar,
  ) {}

  async publish(periodId: number | string, userId: number | undefined, t: (key: string) => string) {
    return this.db.sequelize.transaction(async (transaction) => {
      const periods = this.db.getRepository('scorePeriods');
      const period: Model | null = await periods.findOne({ filterByTk: periodId, transaction });
      if (!period) throw new DutyError(t('The period does not exist'), 404);
      if (period.get('status') === 'closed') throw new DutyError(t('This year is already closed'));
      const range = periodRange(period.get('key'));
      if (!range) throw new DutyError(t('Give the period as a year (2026) or a quarter (2026-Q3)'));
      if (range.to >= shanghaiToday()) throw new DutyError(t('A period can be published only after it has ended'));
      const version = Number(period.get('version') || 0) + 1;
      const ranking = await this.scores.ranking(period.get('key'));
      const stations = new Map(
        (await this.db.getRepository('liaisonStations').find({ fields: ['id', 'name'], transaction })).map(
          (s: Model) => [s.get('id'), s.get('name')],
        ),
      );
      // The earlier version stays as published; it is only no longer the current one. (Snapshots are append-only
      // to everyone else: this bookkeeping update skips their hooks.)
      await this.db
        .getModel('scoreSnapshots')
        .update(
          { current: false },
          { where: { periodId: period.get('id'), current: true }, transaction, hooks: false },
        );
      await insertInChunks(
        this.db,
        'scoreSnapshots',
        ranking.map((s) => ({
          periodId: period.get('id'),
          version,
          deputyId: s.deputyId,
          deputyName: s.name,
          stationId: s.stationId,
          stationName: stations.get(s.stationId) ?? null,
          total: s.total,
          rank: s.rank,
          stationRank: s.stationRank,
          grade: s.grade,
          current: true,
          createdById: userId,
        })),
        transaction,
      );
      const today = shanghaiToday();
      await periods.update({
        filterByTk: period.get('id'),
        values: {
          status: 'published',
          version,
          publishedOn: today,
          appealDeadline: await this.calendar.addWorkingDays(today, Number(period.get('appealWorkingDays') ?? 5)),
        },
        transaction,
      });
      await this.markLatest(transaction);
      return { periodId: period.get('id'), version, deputies: ranking.length };
    });
  }

  /**
   * Marks the latest published period (`latest`, what 积分排行 opens on): of the published and closed ones, the
   * one that ends last; a year before its own fourth quarter (they end on the same day). Re-issuing an earlier
   * period after appeals does not move the mark. Bookkeeping, like `current` on the snapshots: no hooks.
   */
  async markLatest(transaction?: Transaction) {
    const model = this.db.getModel('scorePeriods');
    const published = (await model.findAll({
      attributes: ['id', 'key'],
      where: { status: ['published', 'closed'] },
      raw: true,
      transaction,
    })) as unknown as { id: number; key: string }[];
    const rank = (key: string) => {
      const range = periodRange(key);
      return range ? `${range.to}${range.isYear ? 1 : 0}` : '';
    };
    const latest = published.sort((a, b) => rank(b.key).localeCompare(rank(a.key)))[0];
    await model.update(
      { latest: false },
      { where: { latest: true, ...(latest ? { id: { [Op.ne]: latest.id } } : {}) }, transaction, hooks: false },
    );
    if (latest) await model.update({ latest: true }, { where: { id: latest.id }, transaction, hooks: false });
  }

  /**
   * A version's rows of one station (or of all), as the board shows them. A published version is frozen (a new
   * publication makes a new version), so they are kept once read: the board is what every visitor of every
   * station's wall reads, and reading them again was most of its cost after NocoBase's own. Keyed by the version,
   * so a node of a cluster never shows rows another node's publication replaced.
   */
  private boardRows = new Map<string, BoardRow[]>();

  private async versionRows(periodId: number, version: number, stationId?: number) {
    const key = `${periodId}|${version}|${stationId ?? ''}`;
    const kept = this.boardRows.get(key);
    if (kept) {
      // Most recently read last: the first key is the one to drop.
      this.boardRows.delete(key);
      this.boardRows.set(key, kept);
      return kept;
    }
    // Plain rows of the columns shown, by the (period, version, station, rank) index.
    const rows = (await this.db.getModel('scoreSnapshots').findAll({
      attributes: ['deputyName', 'stationName', 'total', 'grade', 'rank'],
      where: { periodId, version, ...(stationId ? { stationId } : {}) },
      order: [
        ['rank', 'ASC'],
        ['deputyName', 'ASC'],
        ['id', 'ASC'],
      ],
      raw: true,
    })) as unknown as BoardRow[];
    this.boardRows.set(key, rows);
    if (this.boardRows.size > BOARD_VERSIONS_KEPT) this.boardRows.delete(this.boardRows.keys().next().value!);
    return rows;
  }

  /** The public board: latest version of each published period, only the columns the settings allow. */
  async board(filter: { periodKey?: string; stationId?: number }) {
    // Plain rows here too (no model instances): every visitor of every station's wall reads these two.
    const periods = (await this.db.getModel('scorePeriods').findAll({
      attributes: ['id', 'key', 'title', 'publishedOn', 'version'],
      // A closed year stays on the board.
      where: { status: ['published', 'closed'], ...(filter.periodKey ? { key: filter.periodKey } : {}) },
      order: [['key', 'DESC']],
      raw: true,
    })) as unknown as { id: number; key: string; title: string | null; publishedOn: string | null; version: number }[];
    const settings = (await this.db.getModel('dutyPointsSettings').findOne({
      attributes: ['boardColumns'],
      raw: true,
    })) as unknown as { boardColumns: string[] | string | null } | null;
    // A JSON column comes back as text on MySQL/MariaDB.
    const stored = settings?.boardColumns;
    const columns: string[] = (typeof stored === 'string' ? JSON.parse(stored) : stored) ?? ['total', 'grade'];
    const result = [];
    for (const period of periods) {
      const rows = await this.versionRows(period.id, period.version, filter.stationId);
      result.push({
        period: period.key,
        title: period.title || period.key,
        publishedOn: period.publishedOn,
        version: period.version,
        rows: rows.map((r) => ({
          name: r.deputyName,
          station: r.stationName,
          ...(columns.includes('total') ? { total: r.total } : {}),
          ...(columns.includes('grade') ? { grade: r.grade } : {}),
          ...(columns.includes('rank') ? { rank: r.rank } : {}),
        })),
      });
    }
    return result;
  }
}

/**
 * Frozen rows (snapshots, grades) written in bulk, a thousand per statement, in the caller's transaction: one
 * INSERT per chunk instead of one per deputy (publishing 10,000 deputies row by row took minutes). These
 * collections have no per-row hooks of the suite; NocoBase's own field hooks (ids) run for bulk inserts too.
 */
export async function insertInChunks(
  db: Database,
  collection: string,
  rows: Record<string, unknown>[],
  transaction: Transaction,
) {
  const model = db.getModel(collection);
  for (let i = 0; i < rows.length; i += 1000) await model.bulkCreate(rows.slice(i, i + 1000), { transaction });
}
