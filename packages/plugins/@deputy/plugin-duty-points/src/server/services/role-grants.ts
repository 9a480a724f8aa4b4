import type { Database } from '@nocobase/database';
import { ResourceSpec, ScopeSpec, grantPluginPermissions } from '@deputy/plugin-suite-core';
import { tt } from '../fields';

const MINE = { deputy: { userId: { $eq: '{{$user.id}}' } } };
const MY_STATION = { deputy: { station: { staff: { id: { $eq: '{{$user.id}}' } } } } };

export const SCOPES: ScopeSpec[] = [
  { key: 'duty-own-records', name: tt('My duty records'), resourceName: 'dutyRecords', scope: MINE },
  {
    key: 'duty-own-editable-records',
    name: tt('My drafts and returned records'),
    resourceName: 'dutyRecords',
    scope: { ...MINE, status: { $in: ['draft', 'rejected'] } },
  },
  {
    key: 'duty-station-records',
    name: tt('Duty records of my station'),
    resourceName: 'dutyRecords',
    scope: MY_STATION,
  },
  { key: 'duty-own-points', name: tt('My points'), resourceName: 'pointEntries', scope: MINE },
  { key: 'duty-station-points', name: tt('Points of my station'), resourceName: 'pointEntries', scope: MY_STATION },
  {
    key: 'duty-station-activities',
    name: tt('Activities of my station'),
    resourceName: 'dutyActivities',
    scope: { station: { staff: { id: { $eq: '{{$user.id}}' } } } },
  },
  { key: 'duty-own-appeals', name: tt('My appeals'), resourceName: 'pointAppeals', scope: MINE },
  { key: 'duty-station-appeals', name: tt('Appeals of my station'), resourceName: 'pointAppeals', scope: MY_STATION },
  { key: 'duty-own-attendances', name: tt('My attendances'), resourceName: 'activityAttendances', scope: MINE },
  {
    key: 'duty-station-attendances',
    name: tt('Attendances at my station'),
    resourceName: 'activityAttendances',
    scope: { activity: { station: { staff: { id: { $eq: '{{$user.id}}' } } } } },
  },
  { key: 'duty-own-year-grades', name: tt('My yearly grades'), resourceName: 'deputyYearGrades', scope: MINE },
  {
    key: 'duty-station-year-grades',
    name: tt('Yearly grades of my station'),
    resourceName: 'deputyYearGrades',
    scope: MY_STATION,
  },
];

const RECORD_INPUT = ['deputy', 'deputyId', 'item', 'itemId', 'date', 'quantity', 'description', 'evidence'];

/**
 * Fields of an activity only its station's staff (and administrators) read: with the code, anyone could sign
 * in without being there. Left out of the deputy role's field list (角色和权限 › 联络站活动 › 查看 › 字段).
 */
export const STAFF_ONLY_ACTIVITY_FIELDS = ['signInCode'];

/** Every field of the activities (with the belongs-to foreign keys) but the staff-only ones. */
export function activityFieldsForDeputies(db: Database) {
  const names = new Set<string>();
  for (const [name, field] of db.getCollection('dutyActivities').fields) {
    names.add(name);
    if (field.type === 'belongsTo' && field.options.foreignKey) names.add(field.options.foreignKey);
  }
  return [...names].filter((name) => !STAFF_ONLY_ACTIVITY_FIELDS.includes(name));
}

const grants = (db: Database): Record<string, ResourceSpec[]> => ({
  deputy: [
    { name: 'dutyItems', actions: [{ name: 'view' }] },
    { name: 'gradeBands', actions: [{ name: 'view' }] },
    {
      name: 'dutyRecords',
      actions: [
        { name: 'view', scope: 'duty-own-records' },
        { name: 'create', fields: RECORD_INPUT },
        // status: an edit form may send it back unchanged; a change is refused (提交审核 is dutyRecords:submit).
        {
          name: 'update',
          scope: 'duty-own-editable-records',
          fields: [...RECORD_INPUT.filter((f) => !f.startsWith('deputy')), 'status'],
        },
        { name: 'destroy', scope: 'duty-own-editable-records' },
        { name: 'submit', scope: 'duty-own-editable-records' },
      ],
    },
    { name: 'pointEntries', actions: [{ name: 'view', scope: 'duty-own-points' }] },
    { name: 'scorePeriods', actions: [{ name: 'view' }] },
    // Not the sign-in code: a deputy gets it at the activity (notice, QR code), from the station.
    { name: 'dutyActivities', actions: [{ name: 'view', fields: activityFieldsForDeputies(db) }] },
    {
      name: 'pointAppeals',
      actions: [
        { name: 'view', scope: 'duty-own-appeals' },
        { name: 'create', fields: ['period', 'periodId', 'record', 'recordId', 'kind', 'description'] },
      ],
    },
    { name: 'deputyYearGrades', actions: [{ name: 'view', scope: 'duty-own-year-grades' }] },
    { name: 'activityAttendances', actions: [{ name: 'view', scope: 'duty-own-attendances' }] },
  ],
  'station-staff': [
    { name: 'dutyItems', actions: [{ name: 'view' }] },
    { name: 'gradeBands', actions: [{ name: 'view' }] },
    {
      name: 'dutyRecords',
      actions: [
        { name: 'view', scope: 'duty-station-records' },
        { name: 'create', fields: RECORD_INPUT },
        {
          name: 'update',
          scope: 'duty-station-records',
          fields: [...RECORD_INPUT.filter((f) => !f.startsWith('deputy')), 'status'],
        },
        { name: 'submit', scope: 'duty-station-records' },
      ],
    },
    { name: 'pointEntries', actions: [{ name: 'view', scope: 'duty-station-points' }] },
    { name: 'scorePeriods', actions: [{ name: 'view' }] },
    { name: 'scoreSnapshots', actions: [{ name: 'view' }] },
    {
      name: 'dutyActivities',
      actions: [
        { name: 'view', scope: 'duty-station-activities' },
        { name: 'create' },
        {
          name: 'update',
          scope: 'duty-station-activities',
          fields: ['title', 'item', 'itemId', 'date', 'place', 'status', 'description'],
        },
      ],
    },
    { name: 'activityAttendances', actions: [{ name: 'view', scope: 'duty-station-attendances' }] },
    { name: 'pointAppeals', actions: [{ name: 'view', scope: 'duty-station-appeals' }] },
    { name: 'deputyYearGrades', actions: [{ name: 'view', scope: 'duty-station-year-grades' }] },
  ],
});

/** Grants the suite's roles their default permissions on this plugin's collections (only where none exist). */
export async function grantDutyPermissions(db: Database) {
  await grantPluginPermissions(db, {
    scopes: SCOPES,
    grants: grants(db),
    adminActions: ['submit', 'revoke', 'publish', 'decide', 'closeYear'],
  });
}
