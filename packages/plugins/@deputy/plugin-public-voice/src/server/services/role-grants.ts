import type { Database } from '@nocobase/database';
import { ResourceSpec, ScopeSpec, grantPluginPermissions } from '@deputy/plugin-suite-core';
import { tt } from '../fields';

const ME = { $eq: '{{$user.id}}' };

/**
 * A deputy sees the opinions addressed to it and the mediation cases it is on; station staff those of their
 * stations; administrators all. The public sees none of this: only its own submission, by tracking code,
 * through the public actions.
 */
export const SCOPES: ScopeSpec[] = [
  {
    key: 'pv-own-opinions',
    name: tt('Opinions addressed to me'),
    resourceName: 'opinions',
    scope: { deputy: { userId: ME } },
  },
  {
    key: 'pv-station-opinions',
    name: tt('Opinions of my station'),
    resourceName: 'opinions',
    scope: { station: { staff: { id: ME } } },
  },
  {
    key: 'pv-own-milestones',
    name: tt('Opinions addressed to me'),
    resourceName: 'opinionMilestones',
    scope: { opinion: { deputy: { userId: ME } } },
  },
  {
    key: 'pv-station-milestones',
    name: tt('Opinions of my station'),
    resourceName: 'opinionMilestones',
    scope: { opinion: { station: { staff: { id: ME } } } },
  },
  {
    key: 'pv-own-mediation',
    name: tt('Mediation cases I am on'),
    resourceName: 'mediationCases',
    scope: { deputy: { userId: ME } },
  },
  {
    key: 'pv-station-mediation',
    name: tt('Mediation cases of my station'),
    resourceName: 'mediationCases',
    scope: { station: { staff: { id: ME } } },
  },
];

export const OPINION_ACTIONS = [
  'classify',
  'assign',
  'progress',
  'answer',
  'closeOpinion',
  'convert',
  'retryOpinionCredit',
  'milestone',
  'closeMediation',
  'retryMediationCredit',
];
const OPINION_INPUT = ['source', 'citizenName', 'citizenPhone', 'category', 'content', 'photos'];
const MEDIATION_INPUT = [
  'title',
  'description',
  'parties',
  'station',
  'stationId',
  'opinion',
  'opinionId',
  'deputy',
  'deputyId',
  'judicialOfficer',
  'judicialOfficerId',
  'judicialOfficerName',
  'gridWorker',
  'gridWorkerId',
  'gridWorkerName',
  'complex',
  'outcome',
  'agreement',
];

const GRANTS: Record<string, ResourceSpec[]> = {
  deputy: [
    { name: 'opinionClasses', actions: [{ name: 'view' }] },
    {
      name: 'opinions',
      actions: [
        { name: 'view', scope: 'pv-own-opinions' },
        { name: 'create', fields: OPINION_INPUT },
        {
          name: 'update',
          scope: 'pv-own-opinions',
          fields: ['citizenName', 'citizenPhone', 'category', 'content', 'photos'],
        },
        { name: 'progress', scope: 'pv-own-opinions' },
        { name: 'answer', scope: 'pv-own-opinions' },
      ],
    },
    { name: 'opinionMilestones', actions: [{ name: 'view', scope: 'pv-own-milestones' }] },
    {
      name: 'mediationCases',
      actions: [
        { name: 'view', scope: 'pv-own-mediation' },
        { name: 'milestone', scope: 'pv-own-mediation' },
      ],
    },
  ],
  'station-staff': [
    { name: 'opinionClasses', actions: [{ name: 'view' }] },
    {
      name: 'opinions',
      actions: [
        { name: 'view', scope: 'pv-station-opinions' },
        { name: 'create', fields: [...OPINION_INPUT, 'deputy', 'deputyId', 'station', 'stationId'] },
        {
          name: 'update',
          scope: 'pv-station-opinions',
          fields: ['citizenName', 'citizenPhone', 'category', 'content', 'photos', 'deputy', 'deputyId'],
        },
        { name: 'export', scope: 'pv-station-opinions' },
        ...['classify', 'assign', 'progress', 'answer', 'closeOpinion', 'convert', 'retryOpinionCredit'].map(
          (name) => ({ name, scope: 'pv-station-opinions' }),
        ),
      ],
    },
    { name: 'opinionMilestones', actions: [{ name: 'view', scope: 'pv-station-milestones' }] },
    {
      name: 'mediationCases',
      actions: [
        { name: 'view', scope: 'pv-station-mediation' },
        { name: 'create', fields: MEDIATION_INPUT },
        {
          name: 'update',
          scope: 'pv-station-mediation',
          fields: MEDIATION_INPUT.filter((f) => !f.startsWith('station')),
        },
        { name: 'milestone', scope: 'pv-station-mediation' },
        { name: 'closeMediation', scope: 'pv-station-mediation' },
        { name: 'retryMediationCredit', scope: 'pv-station-mediation' },
      ],
    },
  ],
};

/** Grants the suite's roles their default permissions on this plugin's collections (only where none exist). */
export async function grantVoicePermissions(db: Database) {
  await grantPluginPermissions(db, { scopes: SCOPES, grants: GRANTS, adminActions: OPINION_ACTIONS });
}
