/**
 * Money is exact: yuan amounts are parsed from their decimal text into integer fen (never through a float
 * multiplication), stored as integers and summed by the database; yuan are shown from fen with integer maths.
 */
export type MoneyProblem = 'negative' | 'format';

/** Fen of a yuan amount given as text or number ("135000", 1234.5, "0.01"), or the reason it is refused. */
export function yuanToFen(value: unknown): { fen: number } | { problem: MoneyProblem } {
  if (value === null || value === undefined || value === '') return { fen: 0 };
  const text = String(value).trim();
  if (/^-/.test(text) && Number(text) !== 0) return { problem: 'negative' };
  const m = /^-?(\d{1,13})(?:\.(\d{0,2})0*)?$/.exec(text);
  if (!m) return { problem: 'format' };
  const fen = Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0'));
  return Number.isSafeInteger(fen) ? { fen } : { problem: 'format' };
}

/** "135000.00" for 13500000 fen. */
export function fenToYuan(fen: number | string | bigint | null | undefined) {
  const n = BigInt(fen ?? 0);
  const zero = BigInt(0);
  const hundred = BigInt(100);
  const abs = n < zero ? -n : n;
  return `${n < zero ? '-' : ''}${abs / hundred}.${String(abs % hundred).padStart(2, '0')}`;
}
