import { defineCollection } from '@nocobase/database';
import { f, tt } from '../fields';

/**
 * 联络站活动: a study session, inspection, reception… organised by a station. Once approved, deputies sign in
 * with its code and each sign-in becomes the attendee's approved duty record (the sign-in is the evidence).
 * The 六个一 checks read the same activities and records.
 */
export default defineCollection({
  name: 'dutyActivities',
  title: tt('Station activities'),
  dumpRules: 'required',
  createdBy: true,
  updatedBy: true,
  fields: [
    f.stringField('title', 'Activity', { allowNull: false, uiSchema: { required: true } }),
    f.belongsToField('item', 'Duty item', 'dutyItems', 'name', { uiSchema: { required: true } }),
    f.belongsToField('station', 'Liaison station', 'liaisonStations', 'name'),
    f.dateField('date', 'Date', { uiSchema: { required: true } }),
    f.stringField('place', 'Place'),
    f.selectField(
      'status',
      'Status',
      [
        { value: 'planned', label: 'Planned', color: 'default' },
        { value: 'approved', label: 'Approved', color: 'green' },
        { value: 'closed', label: 'Closed', color: 'red' },
      ],
      { defaultValue: 'planned' },
    ),
    f.stringField('signInCode', 'Sign-in code', { unique: true, uiSchema: { 'x-read-pretty': true } }),
    f.textField('description', 'Description'),
    f.hasManyField('attendances', 'Attendances', 'activityAttendances', 'activityId', 'id'),
  ],
});
