/**
 * Bad input (issue #8): for the suite's create, update and custom actions, a generated set of invalid
 * payloads — wrong types, missing fields, huge strings, negative or non-numeric amounts, dates out of range,
 * unknown foreign keys, injection strings — sent by an administrator (the widest permissions).
 *
 * Each must be refused with a clear message (4xx, a sentence in the caller's language, not a template, a
 * stack or a database error) and change no row. Injection strings in free-text fields are legitimate text:
 * they must be stored verbatim and nothing else happens.
 */
import type { Http } from './permissions-matrix';

export type Probe = {
  label: string;
  resource: string;
  /** The request; `id` is the target row of an update or custom action. */
  request: (ids: Record<string, number>) => { method: 'GET' | 'POST'; url: string; body?: unknown };
  expect: 'refuse' | 'verbatim';
  /** For 'verbatim': the field and the text that must be stored. */
  verbatim?: [string, string];
  /** Sent without signing in (the public form), instead of as the administrator. */
  anonymous?: boolean;
};

export type BadInputResult = {
  tried: number;
  refusedClearly: number;
  storedVerbatim: number;
  rowsChanged: number;
  problems: string[];
};

const HUGE = 'x'.repeat(100_000);
export const SQL = `'); DROP TABLE "dutyRecords"; --`;
const SCRIPT = '<script>alert(document.cookie)</script><img src=x onerror=alert(1)>';
/** A script short enough for a name field (50 characters at most). */
export const SHORT_SCRIPT = '<img src=x onerror=alert(1)>';
const UNCLEAR =
  /\{\{\s*t\(|Sequelize|SQLITE|violates|syntax error|invalid input|null value in column|notNull Violation|Internal Server Error|Cannot read|undefined|is not a function|^Error$|value too long|out of range for type/i;

/** Invalid values for a field of a kind, each with a label. */
function invalidValues(kind: string): [string, unknown][] {
  switch (kind) {
    case 'integer':
      return [
        ['text for a number', 'abc'],
        ['a fraction', 1.5],
        ['a huge number', 1e15],
        ['an object', { $gt: 1 }],
      ];
    case 'positive':
      return [
        ['text for a number', 'abc'],
        ['a negative number', -5],
        ['a fraction', 1.5],
        ['a huge number', 1e15],
      ];
    case 'date':
      return [
        ['not a date', 'not-a-date'],
        ['an impossible date', '2025-13-45'],
        ['a date before 1900', '1800-01-01'],
      ];
    case 'pastDate':
      return [
        ['not a date', 'not-a-date'],
        ['an impossible date', '2025-13-45'],
        ['a date before 1900', '1800-01-01'],
        ['a date in the future', '2999-12-31'],
      ];
    case 'fk':
      return [
        ['an unknown reference', 999999],
        ['text for a reference', 'abc'],
      ];
    case 'required':
      return [
        ['an empty value', ''],
        ['null', null],
      ];
    case 'select':
      return [['an unknown choice', 'bogus-choice']];
    case 'string':
      return [['a 100,000-character string', HUGE]];
    case 'amount':
      return [
        ['a negative amount', '-100'],
        ['text for an amount', 'abc'],
        ['a sub-fen amount', '1.234'],
        ['a huge amount', '1e20'],
      ];
    case 'mobile':
      return [
        ['letters for a phone number', 'abcdefghijk'],
        ['a too short phone number', '123'],
      ];
    case 'daysOfMonth':
      return [
        ['day 0', [0]],
        ['day 45', [45]],
        ['text for a day', ['x']],
      ];
    default:
      return [];
  }
}

/** A create probe per invalid value of each listed field, on top of otherwise valid values. */
export function createProbes(
  resource: string,
  valid: (ids: Record<string, number>) => Record<string, unknown>,
  fields: Record<string, string[]>,
): Probe[] {
  const probes: Probe[] = [];
  for (const [field, kinds] of Object.entries(fields)) {
    for (const kind of kinds) {
      for (const [label, value] of invalidValues(kind)) {
        probes.push({
          label: `${resource}:create with ${label} in ${field}`,
          resource,
          expect: 'refuse',
          request: (ids) => ({ method: 'POST', url: `/${resource}:create`, body: { ...valid(ids), [field]: value } }),
        });
      }
    }
  }
  return probes;
}

/** An update probe per invalid value of each listed field, aimed at the row ids[target]. */
export function updateProbes(resource: string, target: string, fields: Record<string, string[]>): Probe[] {
  const probes: Probe[] = [];
  for (const [field, kinds] of Object.entries(fields)) {
    for (const kind of kinds) {
      for (const [label, value] of invalidValues(kind)) {
        probes.push({
          label: `${resource}:update with ${label} in ${field}`,
          resource,
          expect: 'refuse',
          request: (ids) => ({
            method: 'POST',
            url: `/${resource}:update?filterByTk=${ids[target]}`,
            body: { [field]: value },
          }),
        });
      }
    }
  }
  return probes;
}

/** Injection strings in free-text fields: stored as they are, as text. `action` and `stored` for custom actions (the public form). */
export function textProbes(
  resource: string,
  valid: (ids: Record<string, number>) => Record<string, unknown>,
  field: string,
  {
    action = `${resource}:create`,
    stored = field,
    anonymous = false,
    texts = [SQL, SCRIPT],
  }: { action?: string; stored?: string; anonymous?: boolean; texts?: string[] } = {},
): Probe[] {
  return texts.map((text) => ({
    label: `${action} with ${text === SQL ? 'an SQL injection' : 'a script'} in ${field}`,
    resource,
    expect: 'verbatim' as const,
    verbatim: [stored, text] as [string, string],
    anonymous,
    request: (ids) => ({ method: 'POST', url: `/${action}`, body: { ...valid(ids), [field]: text } }),
  }));
}

/** Runs the probes; `snapshot` returns every row of a resource (as the administrator) to detect any change. */
export async function runProbes(
  http: Http,
  token: string,
  ids: Record<string, number>,
  probes: Probe[],
  snapshot: (resource: string) => Promise<string>,
): Promise<BadInputResult> {
  const result: BadInputResult = { tried: 0, refusedClearly: 0, storedVerbatim: 0, rowsChanged: 0, problems: [] };
  // `resource` may name several, comma-separated (an opinion and its photos).
  const rowsOf = async (resources: string) => (await Promise.all(resources.split(',').map(snapshot))).join('\n');
  const occurrences = (haystack: string, text: string) => haystack.split(JSON.stringify(text).slice(1, -1)).length - 1;
  for (const probe of probes) {
    result.tried += 1;
    const before = await rowsOf(probe.resource);
    const { method, url, body } = probe.request(ids);
    const res = await http(method, url, body, probe.anonymous ? undefined : token);
    const after = await rowsOf(probe.resource);
    const message: string = res.body?.errors?.[0]?.message ?? '';
    if (probe.expect === 'refuse') {
      if (before !== after) {
        result.rowsChanged += 1;
        result.problems.push(`${probe.label}: rows changed (status ${res.status})`);
      }
      if (res.status >= 400 && res.status < 500 && message && !UNCLEAR.test(message)) result.refusedClearly += 1;
      else result.problems.push(`${probe.label}: ${res.status} ${JSON.stringify(message || res.body).slice(0, 160)}`);
    } else {
      const [field, text] = probe.verbatim!;
      // Answered back as sent, or (the public form answers only a tracking code) stored once more as sent.
      const stored = res.body?.data?.[field] === text || occurrences(after, text) > occurrences(before, text);
      if (res.status === 200 && stored) result.storedVerbatim += 1;
      else result.problems.push(`${probe.label}: ${res.status} ${JSON.stringify(res.body).slice(0, 160)}`);
    }
  }
  return result;
}
