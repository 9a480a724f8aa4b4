import { defineCollection } from '@nocobase/database';
import { f, tt } from '../fields';

export const MEASURES = [
  { value: 'policy', label: 'Policy entitlements' },
  { value: 'medical', label: 'Medical care' },
  { value: 'school', label: 'Schooling' },
  { value: 'jobs', label: 'Employment' },
  { value: 'legalAid', label: 'Legal aid' },
  { value: 'housing', label: 'Housing' },
  { value: 'relief', label: 'Temporary relief' },
  { value: 'care', label: 'Psychological care' },
];

/**
 * 帮扶方案: the tailored plan of a pairing (量身制定). Versions are kept: a change is a new row with the next
 * version number, which becomes the current one; earlier versions are never changed or deleted.
 */
export default defineCollection({
  name: 'aidPlans',
  title: tt('Assistance plans'),
  dumpRules: 'required',
  createdBy: true,
  updatedBy: true,
  indexes: [{ fields: ['pairingId', 'version'], unique: true }],
  fields: [
    f.belongsToField('pairing', 'Pairing', 'aidPairings', 'label', { uiSchema: { required: true } }),
    f.belongsToField('deputy', 'Deputy', 'deputies', 'name', { uiSchema: { 'x-read-pretty': true } }),
    f.belongsToField('household', 'Household', 'aidHouseholds', 'headName', { uiSchema: { 'x-read-pretty': true } }),
    f.integerField('version', 'Version', { uiSchema: { 'x-read-pretty': true } }),
    f.checkboxField('current', 'Current version', { uiSchema: { 'x-read-pretty': true } }),
    f.textField('goals', 'Goals', { uiSchema: { required: true } }),
    f.multipleSelectField('measures', 'Measures', MEASURES),
    f.stringField('responsibleParty', 'Responsible party'),
    f.dateField('dueDate', 'Due date'),
    f.dateField('reviewDate', 'Review date'),
    f.textField('changeNote', 'What changed'),
  ],
});
