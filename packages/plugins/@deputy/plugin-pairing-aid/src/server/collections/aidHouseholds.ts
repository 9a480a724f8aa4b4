import { defineCollection } from '@nocobase/database';
import { f, tt } from '../fields';

export const RISK_LEVELS = [
  { value: 'low', label: 'Low', color: 'green' },
  { value: 'medium', label: 'Medium', color: 'orange' },
  { value: 'high', label: 'High', color: 'red' },
];
export const HOUSEHOLD_SOURCES = [
  { value: 'survey', label: 'Door-to-door survey' },
  { value: 'application', label: 'Application by the household' },
  { value: 'grid', label: 'Recommended by the grid worker' },
  { value: 'other', label: 'Other' },
];

/**
 * 帮扶对象户: a household of a special group. Its ID number is written through the virtual `idNumber`
 * field and only ever stored masked (430***********1234) with a keyed hash to find duplicates; neither
 * the number nor the hash is returned by any API.
 */
export default defineCollection({
  name: 'aidHouseholds',
  title: tt('Assisted households'),
  dumpRules: 'required',
  createdBy: true,
  updatedBy: true,
  fields: [
    f.stringField('headName', 'Head of household', { allowNull: false, uiSchema: { required: true } }),
    {
      type: 'virtual',
      name: 'idNumber',
      hidden: true,
      interface: 'input',
      uiSchema: { type: 'string', title: tt('ID number'), 'x-component': 'Input' },
    },
    f.stringField('idNumberMasked', 'ID number (masked)', { uiSchema: { 'x-read-pretty': true } }),
    // One household per ID number; unique on the field (NocoBase's sync drops a one-column unique index declared in `indexes`).
    { type: 'string', name: 'idNumberHash', hidden: true, unique: true },
    f.stringField('address', 'Address'),
    f.belongsToField('gridArea', 'Grid area', 'gridAreas', 'name', { onDelete: 'SET NULL' }),
    f.belongsToField('station', 'Liaison station', 'liaisonStations', 'name', { onDelete: 'SET NULL' }),
    f.integerField('memberCount', 'Household members', {
      defaultValue: 1,
      uiSchema: { 'x-component-props': { min: 1, step: '1' } },
    }),
    f.textField('members', 'Members'),
    f.belongsToField('category', 'Category', 'aidCategories', 'name', { uiSchema: { required: true } }),
    yuanIncome(),
    f.textField('needs', 'Needs'),
    f.selectField('riskLevel', 'Risk level', RISK_LEVELS, { defaultValue: 'low' }),
    f.checkboxField('consent', 'Consents to pairing and to keeping this record'),
    f.selectField('source', 'Source', HOUSEHOLD_SOURCES, { defaultValue: 'survey' }),
    f.hasManyField('pairings', 'Pairings', 'aidPairings', 'householdId', 'label'),
  ],
});

function yuanIncome() {
  return {
    type: 'decimal',
    name: 'monthlyIncome',
    precision: 14,
    scale: 2,
    interface: 'number',
    uiSchema: {
      type: 'number',
      title: tt('Monthly income (yuan)'),
      'x-component': 'InputNumber',
      'x-component-props': { stringMode: true, step: '0.01', min: 0 },
    },
  };
}
