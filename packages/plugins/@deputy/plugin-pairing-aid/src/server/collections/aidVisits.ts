import { defineCollection } from '@nocobase/database';
import { attachmentsField, creditFields, f, tt } from '../fields';

export const VISIT_MODES = [
  { value: 'home', label: 'Home visit' },
  { value: 'phone', label: 'Phone call' },
  { value: 'video', label: 'Video call' },
];

/** 走访: a visit of the paired deputy. Once the household has confirmed it, it no longer changes. */
export default defineCollection({
  name: 'aidVisits',
  title: tt('Visits'),
  dumpRules: 'required',
  createdBy: true,
  updatedBy: true,
  fields: [
    f.belongsToField('pairing', 'Pairing', 'aidPairings', 'label', { uiSchema: { required: true } }),
    f.belongsToField('deputy', 'Deputy', 'deputies', 'name', { uiSchema: { 'x-read-pretty': true } }),
    f.belongsToField('household', 'Household', 'aidHouseholds', 'headName', { uiSchema: { 'x-read-pretty': true } }),
    f.dateField('date', 'Visit date', { uiSchema: { required: true } }),
    f.selectField('mode', 'Mode', VISIT_MODES, { defaultValue: 'home', allowNull: false }),
    // 人次: the people met on the visit.
    f.integerField('personCount', 'People met', {
      defaultValue: 1,
      uiSchema: { 'x-component-props': { min: 1, step: '1' } },
    }),
    f.textField('findings', 'Findings'),
    attachmentsField('photos', 'Photos', 'aidVisitsPhotos', 'visitId'),
    f.checkboxField('householdConfirmed', 'Confirmed by the household'),
    f.textField('followUps', 'Follow-ups'),
    ...creditFields(),
  ],
});
