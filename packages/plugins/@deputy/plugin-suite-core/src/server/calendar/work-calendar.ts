import type { Database, Model } from '@nocobase/database';
import { getDayDetail } from 'chinese-days';

/** Periods, deadlines and "today" are reckoned in Asia/Shanghai (UTC+8, no daylight saving). */
export const shanghaiToday = () => new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 10);

const iso = (d: Date) => d.toISOString().slice(0, 10);
const nextDay = (date: string) => {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return iso(d);
};
const isWeekend = (date: string) => [0, 6].includes(new Date(`${date}T00:00:00Z`).getUTCDay());

/**
 * China's statutory holidays and adjusted working days (调休) of the given years, as rows of
 * workCalendarDays: the days whose status differs from the plain weekday/weekend rule. Years the
 * published schedule does not cover yet give no rows (administrators enter them when announced).
 */
export function statutoryDays(years: number[]) {
  const rows: { date: string; kind: 'holiday' | 'workday'; name: string }[] = [];
  for (const year of years) {
    for (let d = `${year}-01-01`; d.startsWith(String(year)); d = nextDay(d)) {
      const detail = getDayDetail(d);
      if (detail.work === !isWeekend(d)) continue;
      const name = String(detail.name).split(',')[1] || String(detail.name);
      rows.push({ date: d, kind: detail.work ? 'workday' : 'holiday', name: detail.work ? `${name}调休` : name });
    }
  }
  return rows;
}

/**
 * Working days: Monday–Friday, except the holidays in workCalendarDays, plus the adjusted working
 * weekends listed there. Reads the table on every call so an administrator's edit applies at once.
 */
export class WorkCalendar {
  constructor(private db: Database) {}

  /** The exceptions between two dates (inclusive), by date. */
  async exceptions(from: string, to: string): Promise<Map<string, string>> {
    const rows = await this.db.getRepository('workCalendarDays').find({
      filter: { date: { $gte: from, $lte: to } },
      fields: ['date', 'kind'],
    });
    return new Map(rows.map((r: Model) => [String(r.get('date')).slice(0, 10), r.get('kind')]));
  }

  private static working(date: string, exceptions: Map<string, string>) {
    const kind = exceptions.get(date);
    if (kind) return kind === 'workday';
    return !isWeekend(date);
  }

  async isWorkingDay(date: string) {
    return WorkCalendar.working(date, await this.exceptions(date, date));
  }

  /** The date itself when it is a working day, otherwise the first working day after it. */
  async nextWorkingDay(date: string) {
    const exceptions = await this.exceptions(date, addDays(date, 60));
    let d = date;
    while (!WorkCalendar.working(d, exceptions)) d = nextDay(d);
    return d;
  }

  /** The date `days` working days after `from` (an appeal window of 5 working days ends on that date). */
  async addWorkingDays(from: string, days: number) {
    const exceptions = await this.exceptions(from, addDays(from, days * 3 + 60));
    let d = from;
    let left = days;
    while (left > 0) {
      d = nextDay(d);
      if (WorkCalendar.working(d, exceptions)) left -= 1;
    }
    return d;
  }

  /** Seeds the statutory schedule for the years it covers, keeping any day an administrator entered. */
  async seedStatutory(years: number[]) {
    const repo = this.db.getRepository('workCalendarDays');
    const rows = statutoryDays(years);
    if (!rows.length) return 0;
    const existing = await this.exceptions(rows[0].date, rows[rows.length - 1].date);
    const missing = rows.filter((r) => !existing.has(r.date));
    if (missing.length) await repo.createMany({ records: missing });
    return missing.length;
  }
}

export function addDays(date: string, days: number) {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return iso(d);
}
