import type { Database } from '@nocobase/database';
import { ResourceSpec, ScopeSpec, grantPluginPermissions } from '@deputy/plugin-suite-core';
import { tt } from '../fields';

const MY_STATION = { station: { staff: { id: { $eq: '{{$user.id}}' } } } };

export const SCOPES: ScopeSpec[] = [
  {
    key: 'six-own-results',
    name: tt('My compliance'),
    resourceName: 'ruleResults',
    scope: { deputy: { userId: { $eq: '{{$user.id}}' } } },
  },
  { key: 'six-station-results', name: tt('Compliance of my station'), resourceName: 'ruleResults', scope: MY_STATION },
  {
    key: 'six-own-leaves',
    name: tt('My leave'),
    resourceName: 'deputyLeaves',
    scope: { deputy: { userId: { $eq: '{{$user.id}}' } } },
  },
  {
    key: 'six-station-leaves',
    name: tt('Leave at my station'),
    resourceName: 'deputyLeaves',
    scope: { deputy: { station: { staff: { id: { $eq: '{{$user.id}}' } } } } },
  },
  {
    key: 'six-station-sessions',
    name: tt('Reception sessions of my station'),
    resourceName: 'receptionSessions',
    scope: MY_STATION,
  },
  {
    // A deputy's reception days: its station's and those it is rostered on at another station.
    key: 'six-my-sessions',
    name: tt('Reception sessions of my station or with me on duty'),
    resourceName: 'receptionSessions',
    scope: {
      $or: [
        { station: { deputies: { userId: { $eq: '{{$user.id}}' } } } },
        { roster: { userId: { $eq: '{{$user.id}}' } } },
      ],
    },
  },
  { key: 'six-station-ledger', name: tt('Ledger of my station'), resourceName: 'ledgerEntries', scope: MY_STATION },
];

const GRANTS: Record<string, ResourceSpec[]> = {
  deputy: [
    { name: 'dutyRules', actions: [{ name: 'view' }] },
    { name: 'ruleResults', actions: [{ name: 'view', scope: 'six-own-results' }] },
    {
      name: 'deputyLeaves',
      actions: [
        { name: 'view', scope: 'six-own-leaves' },
        { name: 'create', fields: ['from', 'to', 'reason'] },
      ],
    },
    { name: 'receptionSessions', actions: [{ name: 'view', scope: 'six-my-sessions' }] },
    { name: 'ledgerSections', actions: [{ name: 'view' }] },
  ],
  'station-staff': [
    { name: 'dutyRules', actions: [{ name: 'view' }] },
    { name: 'ruleResults', actions: [{ name: 'view', scope: 'six-station-results' }] },
    {
      name: 'deputyLeaves',
      actions: [
        { name: 'view', scope: 'six-station-leaves' },
        { name: 'create', fields: ['deputy', 'deputyId', 'from', 'to', 'reason'] },
        { name: 'update', scope: 'six-station-leaves', fields: ['status'] },
      ],
    },
    {
      name: 'receptionSessions',
      actions: [
        { name: 'view', scope: 'six-station-sessions' },
        { name: 'update', scope: 'six-station-sessions', fields: ['date', 'noticeOn', 'roster'] },
        // Their own station's only: generateSessions acts on the stations the caller may arrange.
        { name: 'generateSessions' },
      ],
    },
    { name: 'ledgerSections', actions: [{ name: 'view' }] },
    {
      name: 'ledgerEntries',
      actions: [
        { name: 'view', scope: 'six-station-ledger' },
        { name: 'create' },
        { name: 'update', scope: 'six-station-ledger', fields: ['note', 'files'] },
      ],
    },
  ],
};

/** Default permissions of the suite's roles on the 六个一 collections (only where none exist). */
export async function grantSixOnesPermissions(db: Database) {
  await grantPluginPermissions(db, {
    scopes: SCOPES,
    grants: GRANTS,
    adminActions: ['recomputeCompliance', 'generateSessions', 'closeDue'],
  });
}
