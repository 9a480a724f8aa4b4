import type { Database } from '@nocobase/database';
import { Migration } from '@nocobase/server';

/**
 * Roles, data scopes and grants as ordinary NocoBase records: administrators change them in 角色和权限 after
 * install; these helpers only create what is missing, so an administrator's changes stay.
 */

export type Action = { name: string; scope?: string; fields?: string[] };
/** A role as NocoBase stores it, with the grants it starts with. */
export type RoleSpec = {
  name: string;
  title: string;
  description?: string;
  resources: ResourceSpec[];
  [option: string]: unknown;
};
export type ScopeSpec = { key: string; name: string; resourceName: string; scope: Record<string, any> };
export type ResourceSpec = { name: string; actions: Action[] };

/** Every field of a collection, with the foreign keys of its belongs-to fields (e.g. deputyId). */
function allFieldsOf(db: Database, collection: string) {
  const names = new Set<string>();
  for (const [name, field] of db.getCollection(collection).fields) {
    names.add(name);
    if (field.type === 'belongsTo' && field.options.foreignKey) names.add(field.options.foreignKey);
  }
  return [...names];
}

/** Creates the data scopes that do not exist yet (by key); returns key → id. */
export async function ensureScopes(db: Database, specs: ScopeSpec[]) {
  const scopes = db.getRepository('dataSourcesRolesResourcesScopes');
  const ids: Record<string, number> = {};
  for (const s of specs) {
    const existing = await scopes.findOne({ filter: { key: s.key } });
    ids[s.key] = (existing ?? (await scopes.create({ values: { ...s, dataSourceKey: 'main' } }))).get('id') as number;
  }
  return ids;
}

/**
 * Grants a role its permissions on resources it has no configuration for yet; an administrator's later
 * changes are never overwritten. Permissions are stored where NocoBase 2.x keeps them (the main data
 * source's `dataSourcesRolesResources*`), so they show in 角色和权限 and NocoBase's hooks write them to the ACL.
 */
export async function grantResources(
  db: Database,
  roleName: string,
  specs: ResourceSpec[],
  scopeIds: Record<string, number>,
) {
  const resources = db.getRepository('dataSourcesRolesResources');
  for (const r of specs) {
    if (await resources.findOne({ filter: { roleName, dataSourceKey: 'main', name: r.name } })) continue;
    await resources.create({
      values: {
        roleName,
        dataSourceKey: 'main',
        name: r.name,
        usingActionsConfig: true,
        actions: r.actions.map((a) => ({
          name: a.name,
          // NocoBase reads an empty field list as "no fields": list them all, as the permissions UI does.
          fields: a.fields ?? allFieldsOf(db, r.name),
          ...(a.scope ? { scopeId: scopeIds[a.scope] } : {}),
        })),
      },
    });
  }
}

/** Creates the scopes and roles that do not exist yet, with their grants; never touches existing ones. */
export async function installRoles(db: Database, roles: RoleSpec[], scopes: ScopeSpec[]) {
  const scopeIds = await ensureScopes(db, scopes);
  const repo = db.getRepository('roles');
  for (const { resources, ...role } of roles) {
    if (!(await repo.findOne({ filter: { name: role.name } }))) await repo.create({ values: role });
    await grantResources(db, role.name, resources, scopeIds);
  }
}

/**
 * A plugin's default permissions, said once for every plugin of the suite: its data scopes, its grants to
 * the suite's roles (only where none exist, so administrators' changes stay), and its own actions added to
 * the 人大 administrator's general strategy.
 */
export async function grantPluginPermissions(
  db: Database,
  plugin: { scopes: ScopeSpec[]; grants: Record<string, ResourceSpec[]>; adminActions: string[] },
) {
  const scopeIds = await ensureScopes(db, plugin.scopes);
  for (const [role, specs] of Object.entries(plugin.grants)) {
    if (await db.getRepository('roles').findOne({ filter: { name: role } }))
      await grantResources(db, role, specs, scopeIds);
  }
  const admin: any = await db.getRepository('roles').findOne({ filter: { name: 'npc-admin' } });
  if (!admin) return;
  const actions: string[] = admin.get('strategy')?.actions ?? [];
  const wanted = [...new Set([...actions, ...plugin.adminActions])];
  if (wanted.length !== actions.length) {
    await db
      .getRepository('roles')
      .update({ filterByTk: 'npc-admin', values: { strategy: { ...admin.get('strategy'), actions: wanted } } });
  }
}

/**
 * For upgrades: a role's granted actions on a collection as installed (the `dataSourcesRolesResourcesActions`
 * repository and the id of the role's resource row), or null where the role has no grant on the collection
 * (never given, or an administrator removed it) — then an upgrade leaves it alone.
 */
export async function roleGrantsOn(db: Database, roleName: string, collection: string) {
  if (!db.hasCollection('dataSourcesRolesResourcesActions')) return null;
  const resource: any = await db
    .getRepository('dataSourcesRolesResources')
    .findOne({ filter: { roleName, dataSourceKey: 'main', name: collection } });
  if (!resource) return null;
  return { resourceId: resource.get('id'), actions: db.getRepository('dataSourcesRolesResourcesActions') };
}

/**
 * For upgrades: takes fields out of a role's grants on a collection (e.g. a code that became staff-only),
 * leaving every other field and anything else an administrator changed there. Updated through the
 * repository, so NocoBase writes the narrowed grant to the ACL at once. Running it again changes nothing.
 */
export async function withdrawFields(
  db: Database,
  roleName: string,
  collection: string,
  actionNames: string[],
  fields: string[],
) {
  const grants = await roleGrantsOn(db, roleName, collection);
  if (!grants) return;
  const { actions, resourceId } = grants;
  for (const grant of (await actions.find({
    filter: { rolesResourceId: resourceId, name: { $in: actionNames } },
  })) as any[]) {
    const current: string[] = grant.get('fields') ?? [];
    const kept = current.filter((f) => !fields.includes(f));
    if (kept.length !== current.length) await actions.update({ filterByTk: grant.get('id'), values: { fields: kept } });
  }
}

export type ActionRename = { resource: string; from: string; to: string };

/**
 * For upgrades: an action renamed (NocoBase's action names are global, so a generic `close` of one plugin
 * was every plugin's `close`) keeps the grants administrators gave under the old name. Each role's grant of
 * `from` on `resource` becomes `to`, its fields and data scope kept; through the repository, so NocoBase
 * writes the grant to the ACL at once. A role strategy listing `from` (or `from:own`) also lists `to`; the
 * old name stays there, for another resource's rename may still read it, and names no action any more.
 * Running it again changes nothing.
 */
export async function renameGrantedActions(db: Database, renames: ActionRename[]) {
  if (!db.hasCollection('dataSourcesRolesResourcesActions')) return;
  const resources = db.getRepository('dataSourcesRolesResources');
  const actions = db.getRepository('dataSourcesRolesResourcesActions');
  for (const { resource, from, to } of renames) {
    for (const granted of await resources.find({ filter: { dataSourceKey: 'main', name: resource } })) {
      const rolesResourceId = granted.get('id');
      const old = await actions.findOne({ filter: { rolesResourceId, name: from } });
      // Installed after the rename too (its grants added under the new name): the new grant is the one kept.
      if (!old || (await actions.findOne({ filter: { rolesResourceId, name: to } }))) continue;
      await actions.update({ filterByTk: old.get('id'), values: { name: to } });
    }
  }
  const roles = db.getRepository('roles');
  for (const role of await roles.find({ fields: ['name', 'strategy'] })) {
    const strategy = role.get('strategy');
    const listed: string[] = Array.isArray(strategy?.actions) ? strategy.actions : [];
    const wanted = [...listed];
    for (const { from, to } of renames) {
      for (const suffix of ['', ':own'])
        if (listed.includes(from + suffix) && !wanted.includes(to + suffix)) wanted.push(to + suffix);
    }
    if (wanted.length !== listed.length)
      await roles.update({ filterByTk: role.get('name'), values: { strategy: { ...strategy, actions: wanted } } });
  }
}

/**
 * The migration of a release that renamed actions: `export default actionRenameMigration([...])`. After load
 * (the ACL's collections exist), before 3.0; running it again changes nothing.
 */
export function actionRenameMigration(renames: ActionRename[]) {
  return class ActionRenameMigration extends Migration {
    on = 'afterLoad' as const;
    appVersion = '<3.0.0';

    async up() {
      await renameGrantedActions(this.db, renames);
    }
  };
}
