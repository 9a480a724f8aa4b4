import type { Context, Next } from '@nocobase/actions';
import type { Collection, Field, Model } from '@nocobase/database';
import type { Application } from '@nocobase/server';
import { NS } from '../fields/field-builders';
import { onAction } from './action-hooks';
import { isRoot, isSuiteCollection, RequestPermissions } from './permissions';
import { suiteCollectionsOf } from './read-guard';

const WRITES = ['create', 'update', 'firstOrCreate', 'updateOrCreate'];
const ASSOCIATIONS = new Set(['belongsTo', 'hasOne', 'hasMany', 'belongsToMany', 'belongsToArray']);

/** The keys an association value names: `5`, `{id: 5}`, `[5, {id: 6}]`; new nested rows (no key) name none. */
function keysOf(value: unknown, key: string): unknown[] {
  if (value === null || value === undefined) return [];
  if (Array.isArray(value)) return value.flatMap((v) => keysOf(v, key));
  if (typeof value === 'object') {
    const named = (value as Record<string, unknown>)[key];
    return named === undefined || named === null ? [] : [named];
  }
  return [value];
}

/** Whether an association value holds a nested object without a key: a row to be created. */
const newRowsOf = (value: unknown, key: string): boolean =>
  Array.isArray(value)
    ? value.some((v) => newRowsOf(v, key))
    : !!value &&
      typeof value === 'object' &&
      ((value as Record<string, unknown>)[key] === undefined || (value as Record<string, unknown>)[key] === null);

const refuse = (ctx: Context, status: number, key: string, vars: Record<string, unknown> = {}) =>
  ctx.throw(status, ctx.t(key, { ns: NS, ...vars }));

/**
 * What a write may point to. After NocoBase's own check of nested values (which leaves references as
 * keys), every reference a non-root caller writes must lie in its reach:
 * - a record it links to (belongs-to, many-to-many) is one it may read — inside its data scope;
 * - a record it takes over (has-many, has-one: the other row's foreign key changes) is one it may update;
 * - a file is its own upload, already on this record, or one its roles may read in the file collection
 *   (no attaching someone else's photo to read it through one's own record).
 * Users (reviewer, judicial officer…) are people to point at, not data in reach, and are not limited here.
 */
async function checkReferences(ctx: Context, next: Next) {
  if (isRoot(ctx) || String(ctx.action.resourceName).includes('.')) return next();
  const collection = ctx.db.getCollection(ctx.action.resourceName);
  const values = ctx.action.params.values;
  if (!collection || !values || typeof values !== 'object') return next();
  const perms = RequestPermissions.of(ctx);
  for (const row of Array.isArray(values) ? values : [values]) {
    if (!row || typeof row !== 'object') continue;
    for (const field of collection.fields.values() as Iterable<Field>) {
      if (!ASSOCIATIONS.has(field.type)) continue;
      const target = ctx.db.getCollection(field.target);
      if (!target || target.name === 'users') continue;
      const targetKey =
        field.type === 'hasOne'
          ? target.model.primaryKeyAttribute
          : (field.targetKey ?? target.model.primaryKeyAttribute);
      // A nested value without a key creates a row of the target (NocoBase's check also drops the key of a
      // nested update the role's field list does not name — which turns it into a create). Suite records are
      // created on their own resource, where their checks run; other rows need the create permission.
      const fresh = newRowsOf(row[field.name], targetKey);
      if (fresh && (isSuiteCollection(target) || !(await perms.grant(target.name, 'create')))) {
        return refuse(ctx, 403, 'Create this record on its own, not inside another one: {{field}}', {
          field: field.name,
        });
      }
      const keys = keysOf(row[field.name], targetKey);
      if (field.type === 'belongsTo' && row[field.foreignKey] !== undefined && row[field.foreignKey] !== null)
        keys.push(row[field.foreignKey]);
      if (!keys.length) continue;
      if (target.name === 'attachments') {
        await checkFiles(ctx, collection, field, keys);
        continue;
      }
      const action = field.type === 'hasMany' || field.type === 'hasOne' ? 'update' : 'view';
      const inReach = await perms.keysInScope(target.name, action, keys);
      const outside = [...new Set(keys.map(String))].filter((k) => !inReach.has(k));
      if (outside.length)
        return refuse(ctx, 403, 'This refers to records outside your permissions: {{field}}', { field: field.name });
    }
  }
  await next();
}

/** Files: the caller's own uploads, those already linked to the record being updated, or files it may read as such. */
async function checkFiles(ctx: Context, collection: Collection, field: Field, keys: unknown[]) {
  const wanted = [...new Set(keys.map(String))];
  const own = await ctx.db.getRepository('attachments').find({
    filter: { id: { $in: wanted }, createdById: ctx.state.currentUser?.id ?? -1 },
    fields: ['id'],
  });
  const allowed = new Set(own.map((a: Model) => String(a.get('id'))));
  const { filterByTk } = ctx.action.params;
  if (ctx.action.actionName !== 'create' && filterByTk !== undefined && wanted.some((k) => !allowed.has(k))) {
    const linked = await ctx.db.getRepository(`${collection.name}.${field.name}`, filterByTk).find({ fields: ['id'] });
    for (const a of linked) allowed.add(String(a.get('id')));
  }
  const rest = wanted.filter((k) => !allowed.has(k));
  // Someone granted the file collection itself (administrators) may link what it may read there.
  if (rest.length)
    for (const k of await RequestPermissions.of(ctx).keysInScope('attachments', 'view', rest)) allowed.add(k);
  if (wanted.some((k) => !allowed.has(k))) {
    refuse(ctx, 403, 'Only files you uploaded yourself can be attached: {{field}}', { field: field.name });
  }
}

/**
 * Association routes (`dutyRecords/7/evidence:add`, `aidPairings/3/visits:create`) reach a suite record
 * around the checks of its own resource (scopes, states, cross-station references). Reads stay (the source
 * must be readable, see the read guard); changes are made on the record's own resource, for everyone.
 */
async function refuseAssociationWrites(ctx: Context, next: Next) {
  const ends = suiteCollectionsOf(ctx);
  if (ends?.association && !['list', 'get'].includes(ctx.action.actionName)) {
    return refuse(ctx, 403, 'Change this on the record itself, not through an association of another record');
  }
  await next();
}

export function registerWriteGuard(app: Application) {
  app.resourceManager.use(refuseAssociationWrites, {
    tag: 'deputy-association-routes',
    after: 'setCurrentRole',
    before: 'acl',
  });
  const guarded = new Set<string>();
  const guard = (collection: Collection) => {
    if (!isSuiteCollection(collection) || guarded.has(collection.name)) return;
    guarded.add(collection.name);
    for (const action of WRITES) onAction(app, `${collection.name}:${action}`, checkReferences, { backstop: true });
  };
  for (const collection of app.db.collections.values()) guard(collection);
  app.db.on('afterDefineCollection', guard);
}
