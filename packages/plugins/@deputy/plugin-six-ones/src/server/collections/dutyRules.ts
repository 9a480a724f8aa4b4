import { defineCollection } from '@nocobase/database';
import { f, tt } from '../fields';

export const RULE_SUBJECTS = [
  { value: 'deputy', label: 'Each deputy' },
  { value: 'station', label: 'Each station' },
];
export const RULE_PERIODS = [
  { value: 'month', label: 'Month' },
  { value: 'quarter', label: 'Quarter' },
  { value: 'year', label: 'Year' },
  { value: 'term', label: 'Term' },
  { value: 'standing', label: 'Standing' },
];
/** What a rule counts. */
export const RULE_MEASURES = [
  { value: 'records', label: 'Approved duty records of the items' },
  { value: 'activities', label: 'Approved station activities of the items' },
  { value: 'receptionSessions', label: 'Reception sessions held' },
  { value: 'gridAreas', label: 'Grid areas assigned' },
  { value: 'ledgerSections', label: 'Ledger sections complete' },
];

/**
 * 六个一 rules as data: who must do what, how often, how many times. Seeded with R1–R9 of the 高沙镇
 * scheme; administrators change counts, periods and matching items, or add rules, and the matrix follows.
 */
export default defineCollection({
  name: 'dutyRules',
  title: tt('Duty rules (六个一)'),
  dumpRules: 'required',
  updatedBy: true,
  fields: [
    f.stringField('code', 'Rule code', { allowNull: false, unique: true, uiSchema: { required: true } }),
    f.stringField('name', 'Rule', { allowNull: false, uiSchema: { required: true } }),
    f.stringField('nameEn', 'Rule (English)'),
    f.selectField('subject', 'Applies to', RULE_SUBJECTS, { allowNull: false, defaultValue: 'deputy' }),
    f.selectField('period', 'Period', RULE_PERIODS, { allowNull: false, defaultValue: 'month' }),
    f.selectField('measure', 'Counts', RULE_MEASURES, { allowNull: false, defaultValue: 'records' }),
    f.belongsToManyField(
      'items',
      'Duty items that satisfy it',
      'dutyItems',
      'dutyRulesItems',
      'ruleId',
      'itemId',
      'name',
    ),
    f.integerField('requiredCount', 'Required count (0: all ledger sections)', {
      allowNull: false,
      defaultValue: 1,
      uiSchema: { 'x-component-props': { min: 0, step: '1' } },
    }),
    f.checkboxField('exemptOnLeave', 'Approved leave exempts', { defaultValue: true }),
    f.checkboxField('exemptNewcomers', 'Deputies elected or leaving in the period are exempt', { defaultValue: true }),
    f.checkboxField('active', 'Active', { defaultValue: true }),
    f.integerField('sort', 'Sort order', { defaultValue: 0 }),
    f.textField('description', 'Description'),
  ],
});
