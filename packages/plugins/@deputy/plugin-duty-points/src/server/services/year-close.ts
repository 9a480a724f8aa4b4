import type { Database, Model } from '@nocobase/database';
import { shanghaiToday } from '@deputy/plugin-suite-core';
import { DutyError } from './errors';
import { insertInChunks } from './publication';
import { periodRange } from './scores';

export type ReelectionStatus = 'eligible' | 'not-eligible' | 'pending';

/**
 * Closing a year and what follows from it: each deputy's grade goes into its duty file (deputyYearGrades),
 * and 连任推荐 reads those grades over the deputy's term.
 */
export class YearClose {
  constructor(private db: Database) {}

  /** Closes a published year once its appeal window has passed and no appeal is pending. */
  async close(periodId: number | string, userId: number | undefined, t: (key: string) => string) {
    return this.db.sequelize.transaction(async (transaction) => {
      const periods = this.db.getRepository('scorePeriods');
      const period: Model | null = await periods.findOne({
        filterByTk: periodId,
        transaction,
        lock: transaction.LOCK.UPDATE,
      });
      if (!period) throw new DutyError(t('The period does not exist'), 404);
      const range = periodRange(period.get('key'));
      if (!range?.isYear) throw new DutyError(t('Only a year can be closed'));
      if (period.get('status') === 'closed') throw new DutyError(t('This year is already closed'));
      if (period.get('status') !== 'published') throw new DutyError(t('Publish the year before closing it'));
      if (shanghaiToday() <= String(period.get('appealDeadline')))
        throw new DutyError(t('The appeal window is still open'));
      const pending = await this.db
        .getRepository('pointAppeals')
        .count({ filter: { periodId: period.get('id'), status: 'pending' }, transaction });
      if (pending) throw new DutyError(t('Decide the pending appeals before closing the year'));
      const version = period.get('version');
      const snapshots: Model[] = await this.db
        .getRepository('scoreSnapshots')
        .find({ filter: { periodId: period.get('id'), version }, transaction });
      const bands: Model[] = await this.db.getRepository('gradeBands').find({ transaction });
      const passing = new Map(bands.map((b) => [b.get('name'), !!b.get('passing')]));
      await insertInChunks(
        this.db,
        'deputyYearGrades',
        snapshots.map((s) => ({
          deputyId: s.get('deputyId'),
          year: Number(period.get('key')),
          periodId: period.get('id'),
          snapshotVersion: version,
          total: s.get('total'),
          rank: s.get('rank'),
          grade: s.get('grade'),
          passing: passing.get(s.get('grade')) ?? false,
          createdById: userId,
        })),
        transaction,
      );
      await periods.update({ filterByTk: period.get('id'), values: { status: 'closed' }, transaction });
      return { year: Number(period.get('key')), deputies: snapshots.length };
    });
  }

  /**
   * 连任推荐 for the deputies of a term: the grade of each year of the term so far, and whether the deputy
   * is eligible (every year closed and at most the allowed number not passing), not eligible (already
   * more failures than allowed), or pending (years still open).
   */
  async reelection(termId: number | string) {
    const term: Model | null = await this.db.getRepository('deputyTerms').findOne({ filterByTk: termId });
    if (!term) return null;
    const settings: Model | null = await this.db.getRepository('dutyPointsSettings').findOne();
    const allowed = Number(settings?.get('reelectionAllowedFailures') ?? 0);
    const thisYear = Number(shanghaiToday().slice(0, 4));
    const first = Number(String(term.get('startsOn') || thisYear).slice(0, 4));
    const last = Math.min(Number(String(term.get('endsOn') || thisYear).slice(0, 4)), thisYear);
    const years = Array.from({ length: Math.max(0, last - first + 1) }, (_, i) => first + i);
    const deputies: Model[] = await this.db
      .getRepository('deputies')
      .find({ filter: { termId }, fields: ['id', 'name', 'stationId'], sort: ['id'] });
    const grades: Model[] = await this.db.getRepository('deputyYearGrades').find({
      filter: { deputyId: { $in: deputies.map((d) => d.get('id')) }, year: { $in: years } },
    });
    const byDeputy = new Map<number, Map<number, Model>>();
    for (const g of grades) {
      if (!byDeputy.has(g.get('deputyId'))) byDeputy.set(g.get('deputyId'), new Map());
      byDeputy.get(g.get('deputyId')).set(g.get('year'), g);
    }
    return {
      term: { id: term.get('id'), name: term.get('name'), years },
      allowedFailures: allowed,
      deputies: deputies.map((d) => {
        const mine = byDeputy.get(d.get('id')) ?? new Map<number, Model>();
        const perYear = years.map((year) => {
          const g = mine.get(year);
          return {
            year,
            grade: g?.get('grade') ?? null,
            total: g?.get('total') ?? null,
            passing: g ? !!g.get('passing') : null,
          };
        });
        const failures = perYear.filter((y) => y.passing === false).length;
        const open = perYear.filter((y) => y.passing === null).length;
        const status: ReelectionStatus = failures > allowed ? 'not-eligible' : open ? 'pending' : 'eligible';
        return {
          deputyId: d.get('id'),
          name: d.get('name'),
          stationId: d.get('stationId'),
          years: perYear,
          failures,
          status,
        };
      }),
    };
  }
}
