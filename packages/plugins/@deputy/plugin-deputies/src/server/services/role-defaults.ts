import type { Database } from '@nocobase/database';
import { tt } from '../field-builders';

/**
 * The suite's roles and their default data scopes. They are ordinary NocoBase roles, scopes and
 * permissions: administrators change them in 角色和权限 after install; install only creates what is missing.
 */

// "{{$user.id}}" is resolved by NocoBase's ACL to the signed-in user.
const OWN_STATION = { station: { staff: { id: { $eq: '{{$user.id}}' } } } };
export const SCOPES: ScopeSpec[] = [
  { key: 'deputy-own-station-deputies', name: tt('Deputies of my station'), resourceName: 'deputies', scope: OWN_STATION },
  { key: 'deputy-self', name: tt('My own deputy record'), resourceName: 'deputies', scope: { userId: { $eq: '{{$user.id}}' } } },
  { key: 'deputy-own-stations', name: tt('My stations'), resourceName: 'liaisonStations', scope: { staff: { id: { $eq: '{{$user.id}}' } } } },
  { key: 'deputy-own-station-grids', name: tt('Grid areas of my station'), resourceName: 'gridAreas', scope: OWN_STATION },
  { key: 'deputy-own-station-groups', name: tt('Deputy groups of my station'), resourceName: 'deputyGroups', scope: OWN_STATION },
];

/** What anyone signed in may see of other deputies (no phone, no account, no QR token). */
export const DEPUTY_PUBLIC_FIELDS = ['id', 'name', 'gender', 'level', 'constituency', 'station', 'stationId', 'term', 'termId', 'duties', 'status', 'gridAreas', 'groups'];
/** What a deputy may change of its own record: not its station, status, account or term. */
export const DEPUTY_SELF_EDITABLE = ['phone', 'occupation', 'party', 'duties'];
const STATION_PUBLIC_FIELDS = ['id', 'name', 'town', 'address', 'parent', 'parentId', 'receptionDays', 'phone', 'description'];

export type Action = { name: string; scope?: string; fields?: string[] };
const resource = (name: string, actions: Action[]) => ({ name, actions });

/** Roles that work with data only: no UI designer, no plugin manager, nothing beyond their listed resources. */
const WORKING_ROLE = {
  allowConfigure: false,
  allowNewMenu: false,
  snippets: ['!ui.*', '!pm', '!pm.*'],
  strategy: { actions: [] },
};

export const ROLES = [
  {
    name: 'npc-admin',
    title: tt('NPC administrator'),
    description: tt('NPC administrator: manages everything of the suite, its catalogues, rules, forms and workflows'),
    allowConfigure: true,
    allowNewMenu: true,
    snippets: ['ui.*', 'pm', 'pm.*'],
    strategy: { actions: ['create', 'view', 'update', 'destroy', 'export', 'importXlsx', 'createAccount'] },
    resources: [],
  },
  {
    name: 'station-staff',
    title: tt('Station staff'),
    description: tt('Station staff: its own station, its deputies, grid areas and groups'),
    ...WORKING_ROLE,
    resources: [
      resource('deputies', [
        { name: 'view', scope: 'deputy-own-station-deputies' },
        {
          name: 'update',
          scope: 'deputy-own-station-deputies',
          fields: ['name', 'gender', 'level', 'constituency', 'phone', 'occupation', 'party', 'duties', 'gridAreas', 'term'],
        },
        { name: 'export', scope: 'deputy-own-station-deputies' },
      ]),
      resource('liaisonStations', [
        { name: 'view', scope: 'deputy-own-stations' },
        { name: 'update', scope: 'deputy-own-stations', fields: ['address', 'phone', 'receptionDays', 'description'] },
      ]),
      resource('gridAreas', [
        { name: 'view', scope: 'deputy-own-station-grids' },
        { name: 'create' },
        { name: 'update', scope: 'deputy-own-station-grids', fields: ['name', 'description', 'deputies'] },
      ]),
      resource('deputyGroups', [
        { name: 'view', scope: 'deputy-own-station-groups' },
        { name: 'create' },
        { name: 'update', scope: 'deputy-own-station-groups', fields: ['name', 'leader', 'members'] },
      ]),
      resource('deputyTerms', [{ name: 'view' }]),
      resource('workCalendarDays', [{ name: 'view' }]),
    ],
  },
  {
    name: 'deputy',
    title: tt('Deputy'),
    description: tt('Deputy: its own profile and records; other deputies’ public fields'),
    ...WORKING_ROLE,
    resources: [
      resource('deputies', [
        { name: 'view', fields: DEPUTY_PUBLIC_FIELDS },
        { name: 'update', scope: 'deputy-self', fields: DEPUTY_SELF_EDITABLE },
      ]),
      resource('liaisonStations', [{ name: 'view', fields: STATION_PUBLIC_FIELDS }]),
      resource('gridAreas', [{ name: 'view' }]),
      resource('deputyGroups', [{ name: 'view' }]),
      resource('deputyTerms', [{ name: 'view' }]),
      resource('workCalendarDays', [{ name: 'view' }]),
    ],
  },
];

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
export async function grantResources(db: Database, roleName: string, specs: ResourceSpec[], scopeIds: Record<string, number>) {
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

/** Creates the suite's scopes and roles that do not exist yet; never touches existing ones. */
export async function installRoleDefaults(db: Database) {
  const scopeIds = await ensureScopes(db, SCOPES);
  const roles = db.getRepository('roles');
  for (const { resources, ...role } of ROLES) {
    if (!(await roles.findOne({ filter: { name: role.name } }))) await roles.create({ values: role });
    await grantResources(db, role.name, resources, scopeIds);
  }
}

/**
 * A plugin's default permissions, said once for every plugin of the suite: its data scopes, its grants to
 * the suite's roles (only where none exist, so administrators' changes stay), and its own actions added to
 * the 人大 administrator's general strategy.
 */
export async function grantPluginPermissions(db: Database, plugin: { scopes: ScopeSpec[]; grants: Record<string, ResourceSpec[]>; adminActions: string[] }) {
  const scopeIds = await ensureScopes(db, plugin.scopes);
  for (const [role, specs] of Object.entries(plugin.grants)) {
    if (await db.getRepository('roles').findOne({ filter: { name: role } })) await grantResources(db, role, specs, scopeIds);
  }
  const admin: any = await db.getRepository('roles').findOne({ filter: { name: 'npc-admin' } });
  if (!admin) return;
  const actions: string[] = admin.get('strategy')?.actions ?? [];
  const wanted = [...new Set([...actions, ...plugin.adminActions])];
  if (wanted.length !== actions.length) {
    await db.getRepository('roles').update({ filterByTk: 'npc-admin', values: { strategy: { ...admin.get('strategy'), actions: wanted } } });
  }
}

/**
 * For upgrades: takes fields out of a role's grants on a collection (e.g. a code that became staff-only),
 * leaving every other field and anything else an administrator changed there. Updated through the
 * repository, so NocoBase writes the narrowed grant to the ACL at once. Running it again changes nothing.
 */
export async function withdrawFields(db: Database, roleName: string, collection: string, actionNames: string[], fields: string[]) {
  if (!db.hasCollection('dataSourcesRolesResourcesActions')) return;
  const resource: any = await db.getRepository('dataSourcesRolesResources').findOne({ filter: { roleName, dataSourceKey: 'main', name: collection } });
  if (!resource) return;
  const actions = db.getRepository('dataSourcesRolesResourcesActions');
  for (const grant of (await actions.find({ filter: { rolesResourceId: resource.get('id'), name: { $in: actionNames } } })) as any[]) {
    const current: string[] = grant.get('fields') ?? [];
    const kept = current.filter((f) => !fields.includes(f));
    if (kept.length !== current.length) await actions.update({ filterByTk: grant.get('id'), values: { fields: kept } });
  }
}
