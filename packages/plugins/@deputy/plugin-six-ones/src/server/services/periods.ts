/**
 * Calendar periods of the rules, in Asia/Shanghai dates (YYYY-MM-DD strings, no time zone arithmetic):
 * month `2026-03`, quarter `2026-Q1`, year `2026`, a term `term-<id>` (its start and end), `standing`.
 */
export type Period = { key: string; from: string; to: string };

const pad = (n: number) => String(n).padStart(2, '0');
const lastDay = (year: number, month: number) => new Date(Date.UTC(year, month, 0)).getUTCDate();

export function monthOf(date: string): Period {
  const y = Number(date.slice(0, 4));
  const m = Number(date.slice(5, 7));
  return { key: `${y}-${pad(m)}`, from: `${y}-${pad(m)}-01`, to: `${y}-${pad(m)}-${pad(lastDay(y, m))}` };
}

export function quarterOf(date: string): Period {
  const y = Number(date.slice(0, 4));
  const q = Math.ceil(Number(date.slice(5, 7)) / 3);
  const end = q * 3;
  return { key: `${y}-Q${q}`, from: `${y}-${pad(end - 2)}-01`, to: `${y}-${pad(end)}-${pad(lastDay(y, end))}` };
}

export function yearOf(date: string): Period {
  const y = date.slice(0, 4);
  return { key: y, from: `${y}-01-01`, to: `${y}-12-31` };
}

/** The period of a rule's kind that contains the date (terms and standing rules are handled apart). */
export function periodOf(kind: string, date: string): Period | null {
  if (kind === 'month') return monthOf(date);
  if (kind === 'quarter') return quarterOf(date);
  if (kind === 'year') return yearOf(date);
  return null;
}

/** A period key back to its dates: `2026-03`, `2026-Q1`, `2026`. */
export function parsePeriod(key: string): Period | null {
  if (/^\d{4}-(0[1-9]|1[0-2])$/.test(key)) return monthOf(`${key}-01`);
  const q = /^(\d{4})-Q([1-4])$/.exec(key);
  if (q) return quarterOf(`${q[1]}-${pad(Number(q[2]) * 3)}-01`);
  if (/^\d{4}$/.test(key)) return yearOf(`${key}-01-01`);
  return null;
}

/** The periods of a kind that a year contains (12 months, 4 quarters, 1 year). */
export function periodsOfYear(kind: string, year: number): Period[] {
  if (kind === 'month') return Array.from({ length: 12 }, (_, i) => monthOf(`${year}-${pad(i + 1)}-01`));
  if (kind === 'quarter') return Array.from({ length: 4 }, (_, i) => quarterOf(`${year}-${pad(i * 3 + 1)}-01`));
  if (kind === 'year') return [yearOf(`${year}-01-01`)];
  return [];
}

export const addDays = (date: string, days: number) => {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
};
