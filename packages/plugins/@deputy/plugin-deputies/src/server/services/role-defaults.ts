import type { Database } from '@nocobase/database';
import { tt } from '../field-builders';

/**
 * The suite's roles and their default data scopes. They are ordinary NocoBase roles, scopes and
 * permissions: administrators change them in 角色和权限 after install; install only creates what is missing.
 */

// "{{$user.id}}" is resolved by NocoBase's ACL to the signed-in user.
const OWN_STATION = { station: { staff: { id: { $eq: '{{$user.id}}' } } } };
export const SCOPES = [
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

type Action = { name: string; scope?: string; fields?: string[] };
const resource = (name: string, actions: Action[]) => ({ name, actions });

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
    allowConfigure: false,
    allowNewMenu: false,
    snippets: ['!ui.*', '!pm', '!pm.*'],
    strategy: { actions: [] },
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
    ],
  },
  {
    name: 'deputy',
    title: tt('Deputy'),
    description: tt('Deputy: its own profile and records; other deputies’ public fields'),
    allowConfigure: false,
    allowNewMenu: false,
    snippets: ['!ui.*', '!pm', '!pm.*'],
    strategy: { actions: [] },
    resources: [
      resource('deputies', [
        { name: 'view', fields: DEPUTY_PUBLIC_FIELDS },
        { name: 'update', scope: 'deputy-self', fields: DEPUTY_SELF_EDITABLE },
      ]),
      resource('liaisonStations', [{ name: 'view', fields: STATION_PUBLIC_FIELDS }]),
      resource('gridAreas', [{ name: 'view' }]),
      resource('deputyGroups', [{ name: 'view' }]),
      resource('deputyTerms', [{ name: 'view' }]),
    ],
  },
];

/**
 * Creates the suite's scopes and roles that do not exist yet; never touches existing ones. Permissions are
 * stored where NocoBase 2.x keeps them (the main data source's `dataSourcesRolesResources*`), so they show
 * in 角色和权限 and are written to the ACL by NocoBase's own hooks.
 */
export async function installRoleDefaults(db: Database) {
  const scopes = db.getRepository('dataSourcesRolesResourcesScopes');
  const scopeIds: Record<string, number> = {};
  for (const s of SCOPES) {
    const existing = await scopes.findOne({ filter: { key: s.key } });
    scopeIds[s.key] = (existing ?? (await scopes.create({ values: { ...s, dataSourceKey: 'main' } }))).get('id') as number;
  }
  const roles = db.getRepository('roles');
  const resources = db.getRepository('dataSourcesRolesResources');
  for (const { resources: permissions, ...role } of ROLES) {
    if (await roles.findOne({ filter: { name: role.name } })) continue;
    await roles.create({ values: role });
    for (const r of permissions) {
      await resources.create({
        values: {
          roleName: role.name,
          dataSourceKey: 'main',
          name: r.name,
          usingActionsConfig: true,
          actions: r.actions.map((a) => ({
            name: a.name,
            // NocoBase reads an empty field list as "no fields": list them all, as the permissions UI does.
            fields: a.fields ?? [...db.getCollection(r.name).fields.keys()],
            ...(a.scope ? { scopeId: scopeIds[a.scope] } : {}),
          })),
        },
      });
    }
  }
}
