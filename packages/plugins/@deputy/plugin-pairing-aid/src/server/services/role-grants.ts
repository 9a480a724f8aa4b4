import type { Database } from '@nocobase/database';
import { ResourceSpec, ScopeSpec, grantPluginPermissions } from '@deputy/plugin-suite-core';
import { tt } from '../fields';

const ME = { $eq: '{{$user.id}}' };
const MINE = { deputy: { userId: ME } };
const MY_STATION = { deputy: { station: { staff: { id: ME } } } };

/**
 * Household records are seen by the deputy it is actively paired with, that deputy's station staff (and the
 * staff of the station the household is registered at) and administrators — nobody else.
 */
export const SCOPES: ScopeSpec[] = [
  {
    key: 'aid-own-households',
    name: tt('Households paired with me'),
    resourceName: 'aidHouseholds',
    scope: { pairings: { status: 'active', ...MINE } },
  },
  {
    key: 'aid-station-households',
    name: tt('Households of my station'),
    resourceName: 'aidHouseholds',
    scope: { $or: [{ station: { staff: { id: ME } } }, { pairings: { status: 'active', ...MY_STATION } }] },
  },
  ...['aidPairings', 'aidPlans', 'aidVisits', 'aidRecords'].flatMap((resourceName) => [
    { key: `aid-own-${resourceName}`, name: tt('My pairings and their records'), resourceName, scope: MINE },
    {
      key: `aid-station-${resourceName}`,
      name: tt('Pairings of my station and their records'),
      resourceName,
      scope: MY_STATION,
    },
  ]),
];

/** What anyone allowed may see of a household: never the ID number nor its hash. */
export const HOUSEHOLD_VIEW_FIELDS = [
  'id',
  'headName',
  'idNumberMasked',
  'address',
  'gridArea',
  'gridAreaId',
  'station',
  'stationId',
  'memberCount',
  'members',
  'category',
  'categoryId',
  'monthlyIncome',
  'needs',
  'riskLevel',
  'consent',
  'source',
  'pairings',
  'createdAt',
  'updatedAt',
];
/** What a household's forms write: what is seen of it, but the full ID number instead of the masked one. */
const HOUSEHOLD_INPUT = [
  'idNumber',
  ...HOUSEHOLD_VIEW_FIELDS.filter((f) => !['id', 'idNumberMasked', 'pairings', 'createdAt', 'updatedAt'].includes(f)),
];
const DEPUTY_HOUSEHOLD_INPUT = ['address', 'memberCount', 'members', 'monthlyIncome', 'needs', 'riskLevel'];
const PLAN_INPUT = [
  'pairing',
  'pairingId',
  'goals',
  'measures',
  'responsibleParty',
  'dueDate',
  'reviewDate',
  'changeNote',
];
const VISIT_INPUT = [
  'pairing',
  'pairingId',
  'date',
  'mode',
  'personCount',
  'findings',
  'photos',
  'householdConfirmed',
  'followUps',
];
const RECORD_INPUT = [
  'pairing',
  'pairingId',
  'type',
  'typeId',
  'date',
  'amount',
  'units',
  'counterpartAgency',
  'description',
  'proof',
  'confirmed',
];

/**
 * The confirmation of a visit or an outcome: set by the station's staff (or administrators), never by the
 * deputy who made the visit or achieved the outcome, so it is not in the deputy role's create/update fields.
 * Only confirmed outcomes count in the KPIs and are credited to the deputy.
 */
export const CONFIRMATION_FIELDS = { aidVisits: 'householdConfirmed', aidRecords: 'confirmed' } as const;
/** Each credited collection's retry, named for it (NocoBase's action names are global). */
export const CREDIT_RETRY_ACTIONS = { aidVisits: 'retryVisitCredit', aidRecords: 'retryOutcomeCredit' } as const;

const lists = (): ResourceSpec[] =>
  ['aidSettings', 'aidCategories', 'aidAssistanceTypes'].map((name) => ({ name, actions: [{ name: 'view' }] }));

const work = (who: 'own' | 'station'): ResourceSpec[] =>
  (
    [
      ['aidPlans', PLAN_INPUT],
      ['aidVisits', VISIT_INPUT],
      ['aidRecords', RECORD_INPUT],
    ] as const
  ).map(([name, all]) => {
    // The deputy's own work: everything but the confirmation, which its station's staff give.
    const input: string[] =
      who === 'own' ? all.filter((f) => f !== CONFIRMATION_FIELDS[name as keyof typeof CONFIRMATION_FIELDS]) : [...all];
    return {
      name,
      actions: [
        { name: 'view', scope: `aid-${who}-${name}` },
        { name: 'create', fields: input },
        { name: 'update', scope: `aid-${who}-${name}`, fields: input.filter((f) => !f.startsWith('pairing')) },
        ...(name === 'aidPlans' ? [] : [{ name: 'destroy', scope: `aid-${who}-${name}` }]),
        // A station's credit retry, within its own resource's scope.
        ...(name === 'aidPlans' || who === 'own'
          ? []
          : [{ name: CREDIT_RETRY_ACTIONS[name], scope: `aid-station-${name}` }]),
      ],
    };
  });

const GRANTS: Record<string, ResourceSpec[]> = {
  deputy: [
    ...lists(),
    {
      name: 'aidHouseholds',
      actions: [
        { name: 'view', scope: 'aid-own-households', fields: HOUSEHOLD_VIEW_FIELDS },
        { name: 'update', scope: 'aid-own-households', fields: DEPUTY_HOUSEHOLD_INPUT },
      ],
    },
    { name: 'aidPairings', actions: [{ name: 'view', scope: 'aid-own-aidPairings' }] },
    ...work('own'),
  ],
  'station-staff': [
    ...lists(),
    {
      name: 'aidHouseholds',
      actions: [
        { name: 'view', scope: 'aid-station-households', fields: HOUSEHOLD_VIEW_FIELDS },
        { name: 'create', fields: HOUSEHOLD_INPUT },
        { name: 'update', scope: 'aid-station-households', fields: HOUSEHOLD_INPUT },
        { name: 'export', scope: 'aid-station-households', fields: HOUSEHOLD_VIEW_FIELDS },
      ],
    },
    {
      name: 'aidPairings',
      actions: [
        { name: 'view', scope: 'aid-station-aidPairings' },
        { name: 'create', fields: ['deputy', 'deputyId', 'household', 'householdId', 'startDate'] },
        { name: 'update', scope: 'aid-station-aidPairings', fields: ['startDate', 'endNote'] },
        { name: 'closePairing', scope: 'aid-station-aidPairings' },
        { name: 'transfer', scope: 'aid-station-aidPairings' },
      ],
    },
    ...work('station'),
  ],
};

/** Grants the suite's roles their default permissions on this plugin's collections (only where none exist). */
export async function grantAidPermissions(db: Database) {
  await grantPluginPermissions(db, {
    scopes: SCOPES,
    grants: GRANTS,
    adminActions: ['closePairing', 'transfer', ...Object.values(CREDIT_RETRY_ACTIONS)],
  });
}
