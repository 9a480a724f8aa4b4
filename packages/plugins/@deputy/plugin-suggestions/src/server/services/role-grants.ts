import type { Database } from '@nocobase/database';
import { ResourceSpec, ScopeSpec, grantPluginPermissions } from '@deputy/plugin-suite-core';
import { tt } from '../fields';

const ME = { $eq: '{{$user.id}}' };
const LEAD = { leadDeputy: { userId: ME } };
const SIGNED = { $or: [LEAD, { coSigners: { userId: ME } }] };
const MY_STATION = { leadDeputy: { station: { staff: { id: ME } } } };

/**
 * A deputy sees the suggestions it leads or co-signs (and their handling), and writes those it leads; station
 * staff see their station's deputies' suggestions; administrators (the 人大 office running 联审 and 交办) all.
 */
export const SCOPES: ScopeSpec[] = [
  { key: 'sg-signed', name: tt('Suggestions I lead or co-sign'), resourceName: 'suggestions', scope: SIGNED },
  { key: 'sg-lead', name: tt('Suggestions I lead'), resourceName: 'suggestions', scope: LEAD },
  {
    key: 'sg-station',
    name: tt('Suggestions of my station’s deputies'),
    resourceName: 'suggestions',
    scope: MY_STATION,
  },
  {
    key: 'sg-signed-assignments',
    name: tt('Suggestions I lead or co-sign'),
    resourceName: 'suggestionAssignments',
    // The $or outside the association: NocoBase's filter parser does not take one nested in it.
    scope: { $or: [{ suggestion: LEAD }, { suggestion: { coSigners: { userId: ME } } }] },
  },
  {
    key: 'sg-lead-assignments',
    name: tt('Suggestions I lead'),
    resourceName: 'suggestionAssignments',
    scope: { suggestion: LEAD },
  },
  {
    key: 'sg-station-assignments',
    name: tt('Suggestions of my station’s deputies'),
    resourceName: 'suggestionAssignments',
    scope: { suggestion: MY_STATION },
  },
  {
    key: 'sg-my-appraisals',
    name: tt('Appraisals I vote in'),
    resourceName: 'appraisalSessions',
    scope: { voters: { id: ME } },
  },
  {
    key: 'sg-my-appraisal-subjects',
    name: tt('Appraisals I vote in'),
    resourceName: 'appraisalSubjects',
    scope: { session: { voters: { id: ME } } },
  },
  {
    key: 'sg-signed-supervision',
    name: tt('Suggestions I lead or co-sign'),
    resourceName: 'supervisionRecords',
    scope: { $or: [{ suggestion: LEAD }, { suggestion: { coSigners: { userId: ME } } }] },
  },
  {
    key: 'sg-station-supervision',
    name: tt('Suggestions of my station’s deputies'),
    resourceName: 'supervisionRecords',
    scope: { suggestion: MY_STATION },
  },
  { key: 'sg-my-turnout', name: tt('My votes'), resourceName: 'appraisalTurnouts', scope: { voterId: ME } },
];

/** What a deputy writes of its suggestion (administrators also the lead deputy). */
export const SUGGESTION_INPUT = [
  'session',
  'sessionId',
  'title',
  'content',
  'category',
  'coSigners',
  'attachments',
  'origin',
  'originNote',
];
/** The named actions of this plugin (each its own ACL action; names are global in NocoBase). */
export const SUGGESTION_ACTIONS = [
  'submitSuggestion',
  'withdrawSuggestion',
  'reviewSuggestion',
  'assignSuggestion',
  'retrySuggestionCredit',
  'extendAssignment',
  'replyAssignment',
  'feedbackAssignment',
  'markKey',
  'addKeySuggestions',
  'castBallots',
  'closeAppraisal',
];

const catalogues = (): ResourceSpec[] =>
  ['congressSessions', 'handlingUnits'].map((name) => ({ name, actions: [{ name: 'view' }] }));

const GRANTS: Record<string, ResourceSpec[]> = {
  deputy: [
    ...catalogues(),
    {
      name: 'suggestions',
      actions: [
        { name: 'view', scope: 'sg-signed' },
        { name: 'create', fields: SUGGESTION_INPUT },
        { name: 'update', scope: 'sg-lead', fields: SUGGESTION_INPUT },
        { name: 'destroy', scope: 'sg-lead' },
        { name: 'submitSuggestion', scope: 'sg-lead' },
        { name: 'withdrawSuggestion', scope: 'sg-lead' },
      ],
    },
    {
      name: 'suggestionAssignments',
      actions: [
        { name: 'view', scope: 'sg-signed-assignments' },
        { name: 'feedbackAssignment', scope: 'sg-lead-assignments' },
      ],
    },
    { name: 'supervisionRecords', actions: [{ name: 'view', scope: 'sg-signed-supervision' }] },
    // 满意度测评: the standing committee's members (deputies) vote in the appraisals they are voters of.
    {
      name: 'appraisalSessions',
      actions: [
        { name: 'view', scope: 'sg-my-appraisals' },
        { name: 'castBallots', scope: 'sg-my-appraisals' },
      ],
    },
    { name: 'appraisalSubjects', actions: [{ name: 'view', scope: 'sg-my-appraisal-subjects' }] },
    // Whether it has voted on a subject (not the ballots: those are nobody's to read but the office's tally).
    { name: 'appraisalTurnouts', actions: [{ name: 'view', scope: 'sg-my-turnout' }] },
  ],
  'station-staff': [
    ...catalogues(),
    {
      name: 'suggestions',
      actions: [
        { name: 'view', scope: 'sg-station' },
        { name: 'export', scope: 'sg-station' },
      ],
    },
    { name: 'suggestionAssignments', actions: [{ name: 'view', scope: 'sg-station-assignments' }] },
    { name: 'supervisionRecords', actions: [{ name: 'view', scope: 'sg-station-supervision' }] },
  ],
};

/** Grants the suite's roles their default permissions on this plugin's collections (only where none exist). */
export async function grantSuggestionPermissions(db: Database) {
  await grantPluginPermissions(db, { scopes: SCOPES, grants: GRANTS, adminActions: SUGGESTION_ACTIONS });
}
