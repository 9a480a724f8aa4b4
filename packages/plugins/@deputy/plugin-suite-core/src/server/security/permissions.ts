import { createUserProvider, parseJsonTemplate } from '@nocobase/acl';
import type { Context } from '@nocobase/actions';
import type { Collection, Filter, Model } from '@nocobase/database';

/** The suite's own collections: those its plugins define (NocoBase records the defining package as `origin`). */
export function isSuiteCollection(collection: Collection | undefined) {
  return String(collection?.options?.origin ?? '').startsWith('@deputy/');
}

/**
 * What the caller's roles allow on one collection for one action, as NocoBase's ACL computes it
 * (union of the roles, data scope and field list), read once per request.
 * `fields: null` means every field; `filter: null` means every row.
 */
export type Grant = { fields: Set<string> | null; filter: Filter | null; root: boolean };

/** Files reached through a record the caller may read: what a file field shows, nothing about its uploader. */
export const FILE_FIELDS = [
  'id',
  'title',
  'filename',
  'extname',
  'size',
  'mimetype',
  'url',
  'preview',
  'path',
  'meta',
  'storageId',
  'createdAt',
  'updatedAt',
];
/** Users reached from a record (createdBy, reviewer…) by a role that may not read users: a display name at most. */
export const USER_DISPLAY_FIELDS = ['nickname'];

export function rolesOf(ctx: Context): string[] {
  const roles = ctx.state?.currentRoles;
  if (roles?.length) return roles;
  return [ctx.state?.currentRole || 'anonymous'];
}

export function isRoot(ctx: Context) {
  return rolesOf(ctx).includes('root');
}

/** Per request: grants by `collection:action`, with scope filters resolved ({{$user.id}} …). */
export class RequestPermissions {
  private cache = new Map<string, Promise<Grant | null>>();

  constructor(private ctx: Context) {}

  static of(ctx: Context): RequestPermissions {
    if (!ctx.state.deputyPermissions) ctx.state.deputyPermissions = new RequestPermissions(ctx);
    return ctx.state.deputyPermissions;
  }

  grant(collection: string, action: string): Promise<Grant | null> {
    const key = `${collection}:${action}`;
    if (!this.cache.has(key)) this.cache.set(key, this.resolve(collection, action));
    return this.cache.get(key);
  }

  private async resolve(collection: string, action: string): Promise<Grant | null> {
    const ctx = this.ctx;
    if (isRoot(ctx)) return { fields: null, filter: null, root: true };
    const acl = ctx.dataSource?.acl ?? ctx.app.acl;
    const can = acl.can({ roles: rolesOf(ctx), resource: collection, action });
    if (!can) return null;
    const params = can.params ?? {};
    // plugin-acl keeps a grant's association fields apart, as `appends`: they are readable fields too.
    const listed = Array.isArray(params.fields)
      ? params.fields
      : Array.isArray(params.whitelist)
        ? params.whitelist
        : null;
    const fields = listed
      ? new Set<string>([...listed, ...(Array.isArray(params.appends) ? params.appends : [])])
      : null;
    let filter = null;
    if (params.filter && Object.keys(params.filter).length) {
      filter = await parseJsonTemplate(params.filter, {
        state: ctx.state,
        timezone: ctx.get?.('x-timezone'),
        userProvider: createUserProvider({ db: ctx.db, currentUser: ctx.state?.currentUser }),
      });
    }
    return { fields, filter, root: false };
  }

  /** The keys among `keys` of `collection` that lie inside the grant's data scope. */
  async keysInScope(collection: string, action: string, keys: unknown[]): Promise<Set<string>> {
    const grant = await this.grant(collection, action);
    const c = this.ctx.db.getCollection(collection);
    const pk = c.model.primaryKeyAttribute;
    const wanted = [...new Set(keys.filter((k) => k !== null && k !== undefined).map(String))];
    if (!grant || !wanted.length) return new Set();
    if (!grant.filter) return new Set(wanted);
    const rows = await c.repository.find({ filter: { $and: [grant.filter, { [`${pk}.$in`]: wanted }] }, fields: [pk] });
    return new Set(rows.map((r: Model) => String(r.get(pk))));
  }
}

/**
 * Whether a field of a collection may be read under a grant. Passwords only by root; other hidden fields
 * (keyed hashes, sort keys) only where a field list names them.
 */
export function fieldReadable(collection: Collection, name: string, grant: Grant | null) {
  if (!grant) return false;
  if (grant.root) return true;
  const field = collection.getField(name);
  if (field?.type === 'password') return false;
  if (field?.options?.hidden) return !!grant.fields?.has(name);
  if (!grant.fields) return true;
  return grant.fields.has(name);
}
