import { defineCollection } from '@nocobase/database';
import { f, tt } from '../fields';

export const CATEGORIES = [
  { value: 'A', label: 'A Meetings and study' },
  { value: 'B', label: 'B Supervision' },
  { value: 'C', label: 'C Contact with constituents' },
  { value: 'D', label: 'D Suggestions and practical deeds' },
  { value: 'E', label: 'E Pairing assistance and governance' },
  { value: 'F', label: 'F Reporting and discipline' },
];

export const EVIDENCE_CODES = [
  { value: 'Q', label: 'Sign-in' },
  { value: 'P', label: 'Photos' },
  { value: 'R', label: 'Register or visit form' },
  { value: 'D', label: 'Document' },
  { value: 'C', label: 'Third-party confirmation' },
  { value: 'A', label: 'Derived from another module' },
];

/**
 * 积分项目: one scored duty item. Administrators add, retire (active = false), re-point and re-cap items;
 * `version` goes up with each change of points or cap, and ledger entries keep the version they used.
 */
export default defineCollection({
  name: 'dutyItems',
  title: tt('Duty items'),
  dumpRules: 'required',
  createdBy: true,
  updatedBy: true,
  fields: [
    f.stringField('code', 'Item code', { allowNull: false, unique: true, uiSchema: { required: true } }),
    f.integerField('sort', 'Sort order', { defaultValue: 0 }),
    f.selectField('category', 'Category', CATEGORIES, { allowNull: false }),
    f.stringField('name', 'Item name', { allowNull: false, uiSchema: { required: true } }),
    f.stringField('nameEn', 'Item name (English)'),
    f.integerField('points', 'Points per occurrence', { allowNull: false, uiSchema: { required: true } }),
    f.integerField('yearlyCap', 'Yearly cap per deputy', { uiSchema: { 'x-component-props': { min: 0, step: '1' } } }),
    f.multipleSelectField('evidenceCodes', 'Evidence', EVIDENCE_CODES),
    f.checkboxField('evidenceRequired', 'Evidence required'),
    f.checkboxField('isDeduction', 'Deduction'),
    f.integerField('failsGradeAfter', 'Fails the grade after this many in a period'),
    f.checkboxField('active', 'Active', { defaultValue: true }),
    f.integerField('version', 'Version', { defaultValue: 1, uiSchema: { 'x-read-pretty': true } }),
  ],
});
