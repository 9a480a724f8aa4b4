import { defineCollection } from '@nocobase/database';
import { f, tt } from '../fields';

export const SUPERVISION_KINDS = [
  { value: 'general', label: 'General supervision (面上督办)' },
  { value: 'key', label: 'Key supervision (重点督办)' },
  { value: 'daily', label: 'Routine supervision (日常督办)' },
];
export const SUPERVISION_METHODS = [
  { value: 'phone', label: 'By phone' },
  { value: 'meeting', label: 'Meeting with the unit (见面会)' },
  { value: 'onSite', label: 'On site (现场督办)' },
  { value: 'letter', label: 'In writing' },
];

/** 督办: who followed up a suggestion's handling, how, when, and what was found — recorded by the office. */
export default defineCollection({
  name: 'supervisionRecords',
  title: tt('Supervision records'),
  dumpRules: 'required',
  createdBy: true,
  updatedBy: true,
  fields: [
    f.belongsToField('suggestion', 'Suggestion', 'suggestions', 'title', {
      onDelete: 'CASCADE',
      allowNull: false,
      uiSchema: { required: true },
    }),
    f.selectField('kind', 'Kind of supervision', SUPERVISION_KINDS, { defaultValue: 'daily' }),
    f.selectField('method', 'How', SUPERVISION_METHODS, { defaultValue: 'phone' }),
    f.dateField('date', 'Date', { allowNull: false, uiSchema: { required: true } }),
    f.stringField('supervisorName', 'Supervised by'),
    f.textField('findings', 'Findings', { uiSchema: { required: true } }),
    f.attachmentsField('photos', 'Photos', 'supervisionRecordPhotos', 'supervisionRecordId'),
  ],
});
