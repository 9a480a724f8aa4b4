import type { Database, FilterWithOperator, Model } from '@nocobase/database';
import { DONE_STATUSES, OPEN_STATUSES } from '../collections/opinions';
import { addDays, asDate, shanghaiDate } from './clock';

export type Range = { from: string; to: string };
export type Scope = { stationIds?: number[] | null; deputyIds?: number[] | null };

/** A period key (2026, 2026-Q3, 2026-05) as its first and last dates. */
export function periodRange(key: string): Range | null {
  let m = /^(\d{4})$/.exec(key);
  if (m) return { from: `${m[1]}-01-01`, to: `${m[1]}-12-31` };
  m = /^(\d{4})-Q([1-4])$/.exec(key);
  if (m) {
    const first = (Number(m[2]) - 1) * 3 + 1;
    const from = `${m[1]}-${String(first).padStart(2, '0')}-01`;
    const next = first + 3 > 12 ? `${Number(m[1]) + 1}-01-01` : `${m[1]}-${String(first + 3).padStart(2, '0')}-01`;
    return { from, to: addDays(next, -1) };
  }
  m = /^(\d{4})-(0[1-9]|1[0-2])$/.exec(key);
  if (m) {
    const next =
      m[2] === '12' ? `${Number(m[1]) + 1}-01-01` : `${m[1]}-${String(Number(m[2]) + 1).padStart(2, '0')}-01`;
    return { from: `${m[1]}-${m[2]}-01`, to: addDays(next, -1) };
  }
  return null;
}

/**
 * 办结率 (closure rate), in percent with one decimal, rounded half up, in integer arithmetic (no floating-point
 * surprises at .x5):
 *
 *     closure rate = opinions received in the period and closed (办结: closed, or converted into a 代表建议)
 *                    ÷ all opinions received in the period
 *
 * Both counts are of the same cohort — the opinions *received* in the period — so the rate of a past period
 * does not change when older cases are closed later, and it can never exceed 100%.
 *
 * 高沙镇 reports "127 件, 办结率 98.2%". No pair of whole numbers with 127 on either side gives 98.2% at one
 * decimal: 127 closed of 129 received is 98.4% (127 ÷ 129 = 0.98450), of 130 is 97.7%; 125 closed of 127
 * received is 98.4%, 124 of 127 is 97.6% (the tests check every denominator and numerator). The published
 * figure was therefore computed on another base than those 127 items (e.g. a different period or the items due
 * by then); this suite keeps the one formula above and reproduces 127 of 129 as 98.4%.
 */
export function closureRate(closed: number, received: number): number | null {
  if (!received) return null;
  return Math.floor((closed * 2000 + received) / (2 * received)) / 10;
}

const round1 = (n: number) => Math.round(n * 10) / 10;
const startOf = (date: string) => new Date(`${date}T00:00:00+08:00`);

/** Open/overdue by class and station, closure rate, time to close and satisfaction, in a scope. */
export class OpinionStats {
  constructor(private db: Database) {}

  private scopeFilter(scope: Scope) {
    const filter: FilterWithOperator = {};
    if (scope.stationIds) filter.stationId = { $in: scope.stationIds.length ? scope.stationIds : [0] };
    if (scope.deputyIds) filter.deputyId = { $in: scope.deputyIds.length ? scope.deputyIds : [0] };
    return filter;
  }

  async summary(range: Range, scope: Scope = {}, now = new Date()) {
    const today = shanghaiDate(now);
    const base = this.scopeFilter(scope);
    const classes: Model[] = await this.db.getRepository('opinionClasses').find({ sort: ['sort', 'id'] });
    const classNames = new Map<number, { name: string; nameEn: string | null }>(
      classes.map((c) => [c.get('id'), { name: c.get('name'), nameEn: c.get('nameEn') }]),
    );
    const cohort: Model[] = await this.db.getRepository('opinions').find({
      filter: { ...base, receivedAt: { $gte: startOf(range.from), $lt: startOf(addDays(range.to, 1)) } },
      fields: ['id', 'status', 'receivedAt', 'closedAt', 'rating', 'opinionClassId', 'stationId'],
    });
    const open: Model[] = await this.db.getRepository('opinions').find({
      filter: { ...base, status: { $in: OPEN_STATUSES } },
      fields: ['id', 'status', 'overdue', 'nextDueOn', 'opinionClassId', 'stationId'],
      appends: ['station'],
    });

    const received = cohort.length;
    const done = cohort.filter((o) => DONE_STATUSES.includes(o.get('status')));
    const days = done
      .filter((o) => o.get('closedAt'))
      .map((o) => (new Date(o.get('closedAt')).getTime() - new Date(o.get('receivedAt')).getTime()) / 86400e3);
    const ratings = cohort.map((o) => Number(o.get('rating'))).filter((r) => r >= 1 && r <= 5);

    const isOverdue = (o: Model) => Boolean(o.get('overdue')) || (asDate(o.get('nextDueOn')) ?? '9999') < today;
    const group = <K extends string | number | null>(
      key: (o: Model) => K,
      label: (k: K, o: Model) => Record<string, unknown>,
    ) => {
      const out = new Map<K | null, Record<string, unknown> & { open: number; overdue: number }>();
      for (const o of open) {
        const k = key(o) ?? null;
        const row = out.get(k) ?? { ...label(k, o), open: 0, overdue: 0 };
        row.open += 1;
        if (isOverdue(o)) row.overdue += 1;
        out.set(k, row);
      }
      return [...out.values()];
    };

    const mediation: Model[] = await this.db.getRepository('mediationCases').find({
      filter: {
        status: 'open',
        ...(scope.stationIds ? { stationId: { $in: scope.stationIds.length ? scope.stationIds : [0] } } : {}),
        ...(scope.deputyIds ? { deputyId: { $in: scope.deputyIds.length ? scope.deputyIds : [0] } } : {}),
      },
      fields: ['id', 'overdue'],
    });

    return {
      period: range,
      received,
      closed: done.length,
      closureRate: closureRate(done.length, received),
      open: open.length,
      overdue: open.filter(isOverdue).length,
      byClass: group(
        (o) => o.get('opinionClassId'),
        (k) => ({
          classId: k,
          name: k ? (classNames.get(k)?.name ?? null) : null,
          nameEn: k ? (classNames.get(k)?.nameEn ?? null) : null,
        }),
      ),
      byStation: group(
        (o) => o.get('stationId'),
        (k, o) => ({ stationId: k, name: o.get('station')?.get('name') ?? null }),
      ),
      averageDaysToClose: days.length ? round1(days.reduce((a, b) => a + b, 0) / days.length) : null,
      satisfaction: {
        ratings: ratings.length,
        average: ratings.length ? Math.round((ratings.reduce((a, b) => a + b, 0) / ratings.length) * 100) / 100 : null,
        // 满意率: rated 4 or 5 stars, of all ratings; same rounding as the closure rate.
        satisfiedRate: closureRate(ratings.filter((r) => r >= 4).length, ratings.length),
      },
      mediation: { open: mediation.length, overdue: mediation.filter((m) => m.get('overdue')).length },
    };
  }
}
