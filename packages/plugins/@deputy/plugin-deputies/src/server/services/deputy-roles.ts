import type { Database } from '@nocobase/database';
import { installRoles } from '@deputy/plugin-suite-core';
import type { Action, RoleSpec, ScopeSpec } from '@deputy/plugin-suite-core';
import { tt } from '../fields';

/**
 * The suite's roles (人大 administrator, station staff, deputy) and their default data scopes and grants on the
 * deputies' collections; the other plugins add their own grants (grantPluginPermissions).
 */
// "{{$user.id}}" is resolved by NocoBase's ACL to the signed-in user.
const OWN_STATION = { station: { staff: { id: { $eq: '{{$user.id}}' } } } };
export const SCOPES: ScopeSpec[] = [
  {
    key: 'deputy-own-station-deputies',
    name: tt('Deputies of my station'),
    resourceName: 'deputies',
    scope: OWN_STATION,
  },
  {
    key: 'deputy-self',
    name: tt('My own deputy record'),
    resourceName: 'deputies',
    scope: { userId: { $eq: '{{$user.id}}' } },
  },
  {
    key: 'deputy-own-stations',
    name: tt('My stations'),
    resourceName: 'liaisonStations',
    scope: { staff: { id: { $eq: '{{$user.id}}' } } },
  },
  {
    key: 'deputy-own-station-grids',
    name: tt('Grid areas of my station'),
    resourceName: 'gridAreas',
    scope: OWN_STATION,
  },
  {
    key: 'deputy-own-station-groups',
    name: tt('Deputy groups of my station'),
    resourceName: 'deputyGroups',
    scope: OWN_STATION,
  },
];

/** What anyone signed in may see of other deputies (no phone, no account, no QR token). */
export const DEPUTY_PUBLIC_FIELDS = [
  'id',
  'name',
  'gender',
  'level',
  'constituency',
  'station',
  'stationId',
  'term',
  'termId',
  'duties',
  'status',
  'gridAreas',
  'groups',
];
/** What a deputy may change of its own record: not its station, status, account or term. */
export const DEPUTY_SELF_EDITABLE = ['phone', 'occupation', 'party', 'duties'];
const STATION_PUBLIC_FIELDS = [
  'id',
  'name',
  'town',
  'address',
  'parent',
  'parentId',
  'receptionDays',
  'phone',
  'description',
];

const resource = (name: string, actions: Action[]) => ({ name, actions });

/** Roles that work with data only: no UI designer, no plugin manager, nothing beyond their listed resources. */
const WORKING_ROLE = {
  allowConfigure: false,
  allowNewMenu: false,
  snippets: ['!ui.*', '!pm', '!pm.*'],
  strategy: { actions: [] },
};

export const ROLES: RoleSpec[] = [
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
          fields: [
            'name',
            'gender',
            'level',
            'constituency',
            'phone',
            'occupation',
            'party',
            'duties',
            'gridAreas',
            'term',
          ],
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

/** Creates the suite's scopes and roles that do not exist yet; never touches existing ones. */
export async function installRoleDefaults(db: Database) {
  await installRoles(db, ROLES, SCOPES);
}
