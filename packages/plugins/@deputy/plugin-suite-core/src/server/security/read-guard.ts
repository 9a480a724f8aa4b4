import type { Context, Next } from '@nocobase/actions';
import type { Collection, Database, Field, Model } from '@nocobase/database';
import type { Application } from '@nocobase/server';
import { NS } from '../fields/field-builders';
import {
  fieldReadable,
  FILE_FIELDS,
  Grant,
  isRoot,
  isSuiteCollection,
  RequestPermissions,
  USER_DISPLAY_FIELDS,
} from './permissions';

const ASSOCIATIONS = new Set(['belongsTo', 'hasOne', 'hasMany', 'belongsToMany', 'belongsToArray']);
const LOGIC = new Set(['$and', '$or', '$not']);
/** Standard actions whose answer is records of the resource's collection. */
const RECORD_ANSWERS = new Set(['list', 'get', 'create', 'update', 'firstOrCreate', 'updateOrCreate']);

const isAssociation = (field: Field | undefined) => field && ASSOCIATIONS.has(field.type);
const targetOf = (db: Database, field: Field): Collection | undefined => db.getCollection(field.target);
/** A record as JSON, or a plain object of an answer. */
type JsonRow = Record<string, unknown>;

/** The suite collection a request is about (its own, or either end of an association route), else null. */
export function suiteCollectionsOf(ctx: Context) {
  const { resourceName } = ctx.action ?? {};
  if (!resourceName) return null;
  const [sourceName, association] = String(resourceName).split('.');
  const source = ctx.db.getCollection(sourceName);
  if (!source) return null;
  const target = association ? ctx.db.getCollection(resourceName) : source;
  if (!isSuiteCollection(source) && !isSuiteCollection(target)) return null;
  return { source, target, association: association ?? null };
}

/**
 * The paths of a filter (or sort) that reach a field the caller may not read, e.g. `createdBy.password`
 * or `phone` for a role whose field list leaves the phone out. Filtering on such a field answers yes/no
 * about its value, so it is refused like reading it.
 */
export async function unreadablePaths(
  ctx: Context,
  collection: Collection,
  filter: unknown,
  paths: string[] = [],
  prefix = '',
): Promise<string[]> {
  const perms = RequestPermissions.of(ctx);
  if (Array.isArray(filter)) {
    for (const item of filter) await unreadablePaths(ctx, collection, item, paths, prefix);
    return paths;
  }
  if (!filter || typeof filter !== 'object') return paths;
  for (const [key, value] of Object.entries(filter)) {
    if (key.startsWith('$')) {
      if (LOGIC.has(key)) await unreadablePaths(ctx, collection, value, paths, prefix);
      continue;
    }
    let current = collection;
    let walked = prefix;
    let nested = true;
    for (const segment of key.split('.')) {
      if (segment.startsWith('$')) {
        nested = false;
        break;
      }
      const field = current.getField(segment);
      if (!field && !current.model.rawAttributes[segment]) {
        nested = false;
        break;
      }
      walked = walked ? `${walked}.${segment}` : segment;
      const grant = await perms.grant(current.name, 'view');
      if (!fieldReadable(current, segment, grant)) {
        paths.push(walked);
        nested = false;
        break;
      }
      if (!isAssociation(field)) {
        nested = false;
        break;
      }
      current = targetOf(ctx.db, field);
      if (!current) {
        nested = false;
        break;
      }
    }
    // `{ createdBy: { password: { $like } } }`: the object below an association filters the target.
    if (nested) await unreadablePaths(ctx, current, value, paths, walked);
  }
  return paths;
}

/** Sort keys (`-createdBy.email`) as filter paths. */
const sortPaths = (sort: unknown) =>
  (Array.isArray(sort) ? sort : typeof sort === 'string' ? sort.split(',') : [])
    .map((s) => String(s).trim().replace(/^-/, ''))
    .filter(Boolean)
    .reduce((o, path) => ({ ...o, [path]: true }), {} as Record<string, unknown>);

/** Export columns (`dataIndex: ['station', 'staff', 'email']`) as filter paths. */
const columnPaths = (columns: unknown) =>
  (Array.isArray(columns) ? columns : [])
    .map((c: { dataIndex?: unknown } | null) => (Array.isArray(c?.dataIndex) ? c.dataIndex.join('.') : c?.dataIndex))
    .filter((p): p is string => typeof p === 'string' && !!p)
    .reduce((o, path) => ({ ...o, [path]: true }), {} as Record<string, unknown>);

/**
 * Removes from records what the caller may not read of the collections they reach: an appended
 * association obeys its target's field list and data scope for the caller's roles; users (createdBy,
 * reviewer…) show a display name unless the role may read users; files show their file fields only.
 */
class AnswerFilter {
  private grants = new Map<string, Grant | null>();
  private scoped = new Map<string, Set<string>>();
  private allowed = new Map<string, Set<string>>();

  constructor(private ctx: Context) {}

  private async grantOf(name: string) {
    if (!this.grants.has(name)) this.grants.set(name, await RequestPermissions.of(this.ctx).grant(name, 'view'));
    return this.grants.get(name);
  }

  /** First pass: the grants of every collection reached, and the keys of rows under a data scope. */
  private async collect(value: unknown, collection: Collection) {
    if (Array.isArray(value)) {
      for (const v of value) await this.collect(v, collection);
      return;
    }
    if (!value || typeof value !== 'object') return;
    const grant = await this.grantOf(collection.name);
    const pk = collection.model.primaryKeyAttribute;
    const row = value as JsonRow;
    if (grant?.filter && row[pk] !== undefined) {
      if (!this.scoped.has(collection.name)) this.scoped.set(collection.name, new Set());
      this.scoped.get(collection.name).add(String(row[pk]));
    }
    for (const [key, v] of Object.entries(row)) {
      const field = collection.getField(key);
      if (isAssociation(field) && v && typeof v === 'object') {
        const target = targetOf(this.ctx.db, field);
        if (target) await this.collect(v, target);
      }
    }
  }

  /**
   * `chosen`: rows a custom action chose to answer with (the deputy's own record of deputies:me, the record a
   * sign-in filed). Their own values stay, except hidden ones (passwords, keyed hashes); what they carry
   * along — appended associations — obeys the caller's permissions as in a list.
   */
  async apply(rows: unknown[], root: Collection, chosen = false) {
    const plain = rows.map((r) => (r && typeof (r as Model).toJSON === 'function' ? (r as Model).toJSON() : r));
    for (const row of plain) {
      for (const [key, v] of Object.entries((row ?? {}) as JsonRow)) {
        const field = root.getField(key);
        if (isAssociation(field) && v && typeof v === 'object') {
          const target = targetOf(this.ctx.db, field);
          if (target) await this.collect(v, target);
        }
      }
    }
    await this.grantOf(root.name);
    const perms = RequestPermissions.of(this.ctx);
    for (const [name, keys] of this.scoped) this.allowed.set(name, await perms.keysInScope(name, 'view', [...keys]));
    return plain.map((row) => (chosen ? this.cleanChosen(row, root) : this.cleanRow(row, root, true)));
  }

  /** An association's value: each row it holds, cleaned as a row of its target (null when none may be read). */
  private cleanAssociated(value: unknown, target: Collection) {
    if (Array.isArray(value)) return value.map((v) => this.cleanRow(v, target)).filter((v) => v !== undefined);
    const cleaned = this.cleanRow(value, target);
    return cleaned === undefined ? null : cleaned;
  }

  private cleanChosen(row: unknown, collection: Collection) {
    if (!row || typeof row !== 'object') return row;
    return this.cleanFields(row, collection, (key, field) => field?.type !== 'password' && !field?.options?.hidden);
  }

  private cleanRow(row: unknown, collection: Collection, isRootRow = false): unknown {
    if (!row || typeof row !== 'object') return row;
    const grant = this.grants.get(collection.name);
    if (collection.name === 'attachments' && !isRootRow && !grant?.root) {
      return Object.fromEntries(Object.entries(row).filter(([k]) => FILE_FIELDS.includes(k)));
    }
    if (!grant) {
      if (isRootRow) return this.cleanAssociations(row, collection, null);
      if (collection.name === 'users')
        return Object.fromEntries(Object.entries(row).filter(([k]) => USER_DISPLAY_FIELDS.includes(k)));
      return undefined;
    }
    if (!isRootRow && grant.filter) {
      const pk = collection.model.primaryKeyAttribute;
      if (!this.allowed.get(collection.name)?.has(String((row as JsonRow)[pk]))) return undefined;
    }
    return this.cleanAssociations(row, collection, grant, isRootRow);
  }

  private cleanAssociations(row: object, collection: Collection, grant: Grant | null, isRootRow = true) {
    return this.cleanFields(row, collection, (key, field) => {
      // Values a list adds that are not fields (through-table rows, counts): kept at the top level only.
      if (!field && !collection.model.rawAttributes[key]) return isRootRow;
      return grant ? fieldReadable(collection, key, grant) : !isAssociation(field);
    });
  }

  /** The values `keep` lets through; each association among them cleaned as rows of its target. */
  private cleanFields(row: object, collection: Collection, keep: (key: string, field: Field | undefined) => boolean) {
    const out: JsonRow = {};
    for (const [key, value] of Object.entries(row)) {
      const field = collection.getField(key);
      if (!keep(key, field)) continue;
      if (!isAssociation(field) || value === null || value === undefined) {
        out[key] = value;
        continue;
      }
      const target = targetOf(this.ctx.db, field);
      if (target) out[key] = this.cleanAssociated(value, target);
    }
    return out;
  }
}

/** Resources the suite defines besides its collections (public board, KPIs, statistics…): `defineSuiteResource`. */
const SUITE_RESOURCES = new Set<string>();

/** Defines a suite resource that is not a collection; the records its actions answer with are pruned like lists'. */
export function defineSuiteResource(
  app: Application,
  options: { name: string; actions: Parameters<Application['resourceManager']['define']>[0]['actions'] },
) {
  SUITE_RESOURCES.add(options.name);
  app.resourceManager.define(options);
}

/** Database records anywhere in a custom action's answer, pruned as chosen rows of their collections. */
async function pruneRecords(ctx: Context, value: unknown, filter: AnswerFilter, depth = 0): Promise<unknown> {
  if (!value || typeof value !== 'object' || Buffer.isBuffer(value) || depth > 5) return value;
  const collection = (value.constructor as typeof Model | undefined)?.collection;
  if (collection && typeof (value as Model).toJSON === 'function')
    return (await filter.apply([value], collection, true))[0];
  if (Array.isArray(value)) return Promise.all(value.map((v) => pruneRecords(ctx, v, filter, depth + 1)));
  if (Object.getPrototypeOf(value) !== Object.prototype) return value;
  const out: JsonRow = {};
  for (const [k, v] of Object.entries(value)) out[k] = await pruneRecords(ctx, v, filter, depth + 1);
  return out;
}

/**
 * The suite's read guard, one middleware for every suite resource:
 * - before the ACL: filters, sorts and export columns on fields the caller may not read are refused;
 *   an association route needs a source record the caller may read;
 * - after the action: records in the answer keep only what the caller may read, at every depth; records in
 *   a custom action's answer keep their own values and lose what they carry along that the caller may not read.
 * Root is not limited.
 */
export function registerReadGuard(app: Application) {
  app.resourceManager.use(
    async function deputyQueryGuard(ctx: Context, next: Next) {
      const ends = suiteCollectionsOf(ctx);
      if (!ends || isRoot(ctx)) return next();
      const params = ctx.action.params ?? {};
      const probe = {
        $and: [params.filter ?? {}, sortPaths(params.sort), columnPaths(params.columns ?? params.values?.columns)],
      };
      const bad = await unreadablePaths(ctx, ends.target, probe);
      if (bad.length) {
        return ctx.throw(
          400,
          ctx.t('You cannot filter or sort by a field you may not read: {{fields}}', {
            ns: NS,
            fields: [...new Set(bad)].join(', '),
          }),
        );
      }
      if (ends.association && ctx.action.sourceId !== undefined) {
        const visible = await RequestPermissions.of(ctx).keysInScope(ends.source.name, 'view', [ctx.action.sourceId]);
        if (!visible.size)
          return ctx.throw(404, ctx.t('The record does not exist or is outside your permissions', { ns: NS }));
      }
      await next();
    },
    { tag: 'deputy-query-guard', after: 'setCurrentRole', before: 'acl' },
  );

  app.resourceManager.use(
    async function deputyAnswerFilter(ctx: Context, next: Next) {
      await next();
      const ends = suiteCollectionsOf(ctx);
      if (isRoot(ctx) || ctx.status >= 300 || !ctx.body) return;
      if (!ends || !RECORD_ANSWERS.has(ctx.action.actionName)) {
        // A custom action (of a suite collection or a suite resource): the records in its answer, at any depth.
        if (ends || SUITE_RESOURCES.has(ctx.action.resourceName))
          ctx.body = await pruneRecords(ctx, ctx.body, new AnswerFilter(ctx));
        return;
      }
      const filter = new AnswerFilter(ctx);
      const body = ctx.body;
      if (Array.isArray(body)) ctx.body = await filter.apply(body, ends.target);
      else if (Array.isArray(body.rows)) ctx.body = { ...body, rows: await filter.apply(body.rows, ends.target) };
      else if (typeof body === 'object' && !Buffer.isBuffer(body))
        ctx.body = (await filter.apply([body], ends.target))[0];
    },
    { tag: 'deputy-answer-filter', after: 'acl' },
  );
}
