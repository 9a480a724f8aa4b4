import { onAction } from '../security/action-hooks';
import type { Context, Next } from '@nocobase/actions';
import type { Database, Field, Model, Transactionable } from '@nocobase/database';
import type { Application } from '@nocobase/server';
import { NS } from './field-builders';
import { Refusal, type TranslateOptions } from '../errors/refusals';

/** A refusal with a 400 and a message in the caller's language; thrown in the transaction, so nothing is kept. */
export class FieldError extends Refusal {}

/** A rule of its own for one field, returning a message key when the value is wrong. */
export type FieldRule = (value: unknown) => string | null;
/** A save's options: its transaction, and the request it comes from when it does. */
type SaveOptions = Transactionable & { context?: Context };
/** An option of a select field. */
type Choice = { value: unknown };

const TITLE = /{{\s*t\(\s*(['"`])([^'"`]+)\1\s*(?:,\s*{\s*ns:\s*(['"`])([^'"`]+)\3\s*})?\s*\)\s*}}/;
const INT_MAX = 2147483647;
/** varchar(255) in PostgreSQL and MySQL; text fields are kept to what a person writes. */
const MAX_STRING = 255;
const MAX_TEXT = 20000;
const SKIP = new Set(['id', 'createdAt', 'updatedAt', 'createdById', 'updatedById', 'createdBy', 'updatedBy', 'sort']);

const isBlank = (v: unknown) => v === null || v === undefined || (typeof v === 'string' && v.trim() === '');
const isDate = (v: unknown) => {
  if (typeof v !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(v)) return false;
  const d = new Date(`${v}T00:00:00Z`);
  const year = Number(v.slice(0, 4));
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === v && year >= 1900 && year <= 2100;
};
const asDateString = (v: unknown) =>
  v instanceof Date ? v.toISOString().slice(0, 10) : typeof v === 'string' ? v.slice(0, 10) : v;

/** Days of the month for reception days (逢6: 6, 16, 26): whole numbers 1–31, no repeats. */
export const daysOfMonth: FieldRule = (value) =>
  Array.isArray(value) &&
  value.every((d) => Number.isInteger(Number(d)) && Number(d) >= 1 && Number(d) <= 31) &&
  new Set(value.map(Number)).size === value.length
    ? null
    : '{{field}} must be days of the month from 1 to 31';

export const phoneNumber: FieldRule = (value) =>
  isBlank(value) || /^\+?[0-9][0-9\- ]{4,19}$/.test(String(value)) ? null : '{{field}} is not a valid phone number';

/**
 * Checks every save of the given collections against their own field definitions, whoever saves (a form,
 * the API, an import, a workflow): required fields, whole numbers within range (and the field's minimum),
 * choices of select fields, real dates (1900–2100), references to rows that exist, text lengths, phone
 * numbers, plus the rules given for particular fields. NocoBase itself stores most of these as sent
 * (SQLite has no foreign keys; selects and dates are not checked), or fails with a database message.
 */
export function validateFields(
  app: Application,
  db: Database,
  names: string[],
  rules: Record<string, FieldRule> = {},
  rulesNs = NS,
) {
  const label = (field: Field, options: TranslateOptions) => {
    const title = field.options?.uiSchema?.title;
    const parsed = typeof title === 'string' ? TITLE.exec(title) : null;
    const key = parsed ? parsed[2] : title || field.name;
    const t = options?.context?.t;
    return t ? t(key, { ns: parsed?.[4] ? [parsed[4], 'client'] : ['lm-collections', 'client'] }) : key;
  };
  const fail = (options: TranslateOptions, key: string, vars: Record<string, unknown>) => {
    const t = options?.context?.t;
    const text = t
      ? t(key, { ns: [NS, rulesNs], ...vars })
      : Object.entries(vars).reduce((s, [k, v]) => s.replace(`{{${k}}}`, String(v)), key);
    throw new FieldError(text);
  };

  // Ids that are not whole numbers reach PostgreSQL as "invalid input syntax for type bigint": refused
  // first, as a record that does not exist.
  const isId = (v: unknown) => /^\d{1,15}$/.test(String(v));
  app.resourceManager.use(
    async function refuseMalformedIds(ctx: Context, next: Next) {
      const { resourceName, params } = ctx.action ?? {};
      if (names.includes(resourceName) && params?.filterByTk !== undefined) {
        const tks = Array.isArray(params.filterByTk) ? params.filterByTk : [params.filterByTk];
        if (!tks.every(isId))
          return ctx.throw(404, ctx.t('The record does not exist or is outside your permissions', { ns: NS }));
      }
      await next();
    },
    { tag: `deputy-malformed-ids-${names[0]}`, after: 'auth' },
  );

  for (const name of names) {
    // Shapes that break NocoBase before any hook (a list field sent as text, a reference that is not an id)
    // are refused at the API.
    for (const action of ['create', 'update']) {
      onAction(app, `${name}:${action}`, async (ctx, next) => {
        const collection = db.getCollection(name);
        const values = ctx.action.params.values ?? {};
        for (const [key, value] of Object.entries(values)) {
          const field: Field | undefined = collection?.getField(key);
          if (field?.options?.type === 'array' && value !== null && value !== undefined && !Array.isArray(value)) {
            return ctx.throw(400, ctx.t('{{field}} must be a list', { ns: NS, field: label(field, { context: ctx }) }));
          }
          const reference: Field | undefined = [...(collection?.fields.values() ?? [])].find(
            (f: Field) => f.options.type === 'belongsTo' && f.options.foreignKey === key,
          );
          if (reference && !isBlank(value) && !isId(value)) {
            return ctx.throw(
              400,
              ctx.t('{{field}} refers to a record that does not exist', {
                ns: NS,
                field: label(reference, { context: ctx }),
              }),
            );
          }
        }
        await next();
      });
    }

    db.on(`${name}.beforeSave`, async (model: Model, options: SaveOptions) => {
      const collection = db.getCollection(name);
      const isNew = model.isNewRecord;
      for (const field of collection.fields.values() as Iterable<Field>) {
        const o = field.options;
        if (SKIP.has(o.name) || o.hidden) continue;
        const ui = o.uiSchema ?? {};
        const vars = () => ({ field: label(field, options) });
        if (o.type === 'belongsTo') {
          const fk = o.foreignKey;
          if (!isNew && !model.changed(fk)) continue;
          const value = model.get(fk);
          if (isBlank(value)) {
            if (ui.required && (isNew || model.changed(fk))) fail(options, 'Fill in {{field}}', vars());
            continue;
          }
          const exists =
            /^\d+$/.test(String(value)) && Number(value) <= Number.MAX_SAFE_INTEGER
              ? await db.getRepository(o.target).count({ filterByTk: value, transaction: options.transaction })
              : 0;
          if (!exists) fail(options, '{{field}} refers to a record that does not exist', vars());
          continue;
        }
        if (!['string', 'text', 'integer', 'dateOnly', 'array', 'bigInt'].includes(o.type)) continue;
        if (!isNew && !model.changed(o.name)) continue;
        const value = model.get(o.name);
        if (isBlank(value)) {
          // A required field may be left out when it has a default, never sent empty.
          const defaulted = (value === null || value === undefined) && o.defaultValue !== undefined;
          if ((o.allowNull === false || ui.required) && !defaulted) fail(options, 'Fill in {{field}}', vars());
          if (typeof value === 'string' && o.interface === 'select')
            fail(options, '{{field}}: choose one of the listed options', vars());
          continue;
        }
        if (o.type === 'integer' || o.type === 'bigInt') {
          const n =
            typeof value === 'number' || (typeof value === 'string' && /^-?\d+$/.test(value.trim()))
              ? Number(value)
              : NaN;
          if (!Number.isInteger(n)) fail(options, '{{field}} must be a whole number', vars());
          if (Math.abs(n) > INT_MAX) fail(options, '{{field}} is too large', vars());
          const min = ui['x-component-props']?.min;
          if (typeof min === 'number' && n < min)
            fail(options, '{{field}} must be at least {{min}}', { ...vars(), min });
          model.set(o.name, n);
        } else if (o.type === 'dateOnly') {
          if (!isDate(asDateString(value))) fail(options, '{{field}} must be a date such as 2026-03-16', vars());
        } else if (o.type === 'string') {
          if (typeof value !== 'string' && typeof value !== 'number') fail(options, '{{field}} must be text', vars());
          if (String(value).length > (o.length ?? MAX_STRING))
            fail(options, '{{field}} is too long: at most {{max}} characters', {
              ...vars(),
              max: o.length ?? MAX_STRING,
            });
          if (o.interface === 'select' && Array.isArray(ui.enum) && !ui.enum.some((c: Choice) => c.value === value)) {
            fail(options, '{{field}}: choose one of the listed options', vars());
          }
          if (o.interface === 'phone' && phoneNumber(value)) fail(options, phoneNumber(value)!, vars());
        } else if (o.type === 'text') {
          if (typeof value !== 'string') fail(options, '{{field}} must be text', vars());
          if (value.length > MAX_TEXT)
            fail(options, '{{field}} is too long: at most {{max}} characters', { ...vars(), max: MAX_TEXT });
        } else if (o.type === 'array' && o.interface === 'multipleSelect' && Array.isArray(ui.enum)) {
          if (!Array.isArray(value) || value.some((v) => !ui.enum.some((c: Choice) => c.value === v)))
            fail(options, '{{field}}: choose one of the listed options', vars());
        }
        const rule = rules[`${name}.${o.name}`];
        const problem = rule?.(value);
        if (problem) fail(options, problem, vars());
      }
    });
  }
}
