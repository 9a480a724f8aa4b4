import crypto from 'crypto';

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK = '10X98765432';

/** Whether a text is a valid mainland resident ID number: 18 characters with a correct check digit, or the old 15 digits. */
export function isValidIdNumber(id: string) {
  if (/^\d{15}$/.test(id)) return true;
  if (!/^\d{17}[\dX]$/.test(id)) return false;
  return withCheckDigit(id.slice(0, 17)) === id;
}

/** The 18-character ID number of its first 17 digits: the check digit (ISO 7064 MOD 11-2) appended. */
export function withCheckDigit(first17: string) {
  const sum = WEIGHTS.reduce((s, w, i) => s + w * Number(first17[i]), 0);
  return first17 + CHECK[sum % 11];
}

/** 430***********1234: the province code and the last four characters, nothing else. */
export function maskIdNumber(id: string) {
  return `${id.slice(0, 3)}${'*'.repeat(id.length - 7)}${id.slice(-4)}`;
}

/** 李**: a name's first character, the rest hidden (where the reader may not be allowed the household itself). */
export function maskName(name: string) {
  const chars = [...name.trim()];
  return chars.length ? chars[0] + '*'.repeat(Math.max(1, chars.length - 1)) : '';
}

/** Keyed hash to recognise the same person registered twice; never shown and useless without the app key. */
export function hashIdNumber(id: string) {
  const key = process.env.APP_KEY || 'deputy-suite-pairing-aid';
  return crypto.createHmac('sha256', key).update(id).digest('hex');
}

/** Upper case, without spaces. */
export const normalizeIdNumber = (value: unknown) =>
  String(value ?? '')
    .replace(/\s+/g, '')
    .toUpperCase();
