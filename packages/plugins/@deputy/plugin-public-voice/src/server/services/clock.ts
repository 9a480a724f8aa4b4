import crypto from 'crypto';

/** The Asia/Shanghai calendar date (YYYY-MM-DD) of a moment. */
export const shanghaiDate = (at: Date) => new Date(at.getTime() + 8 * 3600e3).toISOString().slice(0, 10);

/** A date string (YYYY-MM-DD) from what the database returns for a dateOnly field. */
export const asDate = (v: unknown) => (v ? String(v instanceof Date ? v.toISOString() : v).slice(0, 10) : null);

export function addDays(date: string, days: number) {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** Whole calendar days from one date to another (negative when `to` is earlier). */
export const daysBetween = (from: string, to: string) =>
  Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86400e3);

// No 0/O, 1/I/L: a code read over the phone or copied from a slip of paper is typed right.
const ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';
export const TRACKING_CODE = /^YJ[2-9A-HJKMNP-Z]{10}$/;

/** A tracking code like YJ7K3M9QX2WB: 31^10 ≈ 8·10^14 codes, drawn at random, so codes cannot be guessed in sequence. */
export function newTrackingCode() {
  const bytes = crypto.randomBytes(10);
  return `YJ${Array.from(bytes, (b) => ALPHABET[b % ALPHABET.length]).join('')}`;
}

/** A code as a citizen may type it: spaces, dashes and lower case accepted. */
export const normalizeTrackingCode = (v: unknown) =>
  String(v ?? '')
    .replace(/[\s-]/g, '')
    .toUpperCase()
    .slice(0, 40);
