/** Periods, deadlines and "today" are reckoned in Asia/Shanghai (UTC+8, no daylight saving). */
export const shanghaiToday = () => new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 10);

/** The date `days` working days (Monday–Friday) after `from`. */
export function addWorkingDays(from: string, days: number) {
  const d = new Date(`${from}T00:00:00Z`);
  let left = days;
  while (left > 0) {
    d.setUTCDate(d.getUTCDate() + 1);
    if (d.getUTCDay() !== 0 && d.getUTCDay() !== 6) left -= 1;
  }
  return d.toISOString().slice(0, 10);
}
