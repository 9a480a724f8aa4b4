import type { Database, Model, Transactionable } from '@nocobase/database';

export type SuggestionSettings = {
  replyMonths: number;
  coHandlerMonths: number;
  extensionMonths: number;
  reopenLimit: number;
  reopenMonths: number;
  keyPerYear: number;
  keyItemCode: string;
  leadItemCode: string;
  coSignerItemCode: string;
};

export const DEFAULT_SETTINGS: SuggestionSettings = {
  replyMonths: 3,
  coHandlerMonths: 1,
  extensionMonths: 1,
  reopenLimit: 1,
  reopenMonths: 1,
  keyPerYear: 8,
  keyItemCode: 'D17',
  leadItemCode: 'D16',
  coSignerItemCode: '',
};

const whole = (v: unknown, fallback: number, min: number) =>
  v === null || v === undefined || v === '' || !Number.isInteger(Number(v)) || Number(v) < min ? fallback : Number(v);

/** The settings row (suggestionSettings), with the defaults for anything missing or out of range. */
export async function readSettings(db: Database, options: Transactionable = {}): Promise<SuggestionSettings> {
  const row: Model | null = await db
    .getRepository('suggestionSettings')
    .findOne({ sort: ['id'], transaction: options.transaction });
  const v: Partial<SuggestionSettings> = row?.toJSON() ?? {};
  const d = DEFAULT_SETTINGS;
  return {
    replyMonths: whole(v.replyMonths, d.replyMonths, 1),
    coHandlerMonths: whole(v.coHandlerMonths, d.coHandlerMonths, 1),
    extensionMonths: whole(v.extensionMonths, d.extensionMonths, 1),
    reopenLimit: whole(v.reopenLimit, d.reopenLimit, 0),
    reopenMonths: whole(v.reopenMonths, d.reopenMonths, 1),
    keyPerYear: whole(v.keyPerYear, d.keyPerYear, 1),
    keyItemCode: String(v.keyItemCode ?? '').trim() || d.keyItemCode,
    leadItemCode: String(v.leadItemCode ?? '').trim() || d.leadItemCode,
    coSignerItemCode: String(v.coSignerItemCode ?? '').trim(),
  };
}

/** Today in Beijing time, YYYY-MM-DD. */
export const shanghaiDate = (now: Date) => new Date(now.getTime() + 8 * 3600e3).toISOString().slice(0, 10);

/** `date` (YYYY-MM-DD) plus whole months, on the same day of the month or the month's last day (1-31 + 1 → 2-28). */
export function addMonths(date: string, months: number) {
  const [y, m, d] = date.split('-').map(Number);
  const first = new Date(Date.UTC(y, m - 1 + months, 1));
  const last = new Date(Date.UTC(first.getUTCFullYear(), first.getUTCMonth() + 1, 0)).getUTCDate();
  first.setUTCDate(Math.min(d, last));
  return first.toISOString().slice(0, 10);
}
