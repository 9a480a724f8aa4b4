import { defineCollection } from '@nocobase/database';
import { attachmentsField, creditFields, f, tt, yuanField } from '../fields';

/**
 * 帮扶成效: what the pairing achieved (a legal-aid case, relief obtained, a flat, a job, a donation …).
 * `amount` is what a form shows and takes; `amountFen` is the exact value in integer fen that the KPIs sum.
 */
export default defineCollection({
  name: 'aidRecords',
  title: tt('Assistance outcomes'),
  dumpRules: 'required',
  createdBy: true,
  updatedBy: true,
  fields: [
    f.belongsToField('pairing', 'Pairing', 'aidPairings', 'label', { uiSchema: { required: true } }),
    f.belongsToField('deputy', 'Deputy', 'deputies', 'name', { uiSchema: { 'x-read-pretty': true } }),
    f.belongsToField('household', 'Household', 'aidHouseholds', 'headName', { uiSchema: { 'x-read-pretty': true } }),
    f.belongsToField('type', 'Assistance type', 'aidAssistanceTypes', 'name', { uiSchema: { required: true } }),
    f.dateField('date', 'Date', { uiSchema: { required: true } }),
    yuanField('amount', 'Amount (yuan)', { defaultValue: 0 }),
    {
      type: 'bigInt',
      name: 'amountFen',
      defaultValue: 0,
      interface: 'integer',
      uiSchema: { type: 'number', title: tt('Amount (fen)'), 'x-component': 'InputNumber', 'x-read-pretty': true },
    },
    f.integerField('units', 'Units (flats, jobs)', {
      defaultValue: 0,
      uiSchema: { 'x-component-props': { min: 0, step: '1' } },
    }),
    f.stringField('counterpartAgency', 'Counterpart agency'),
    f.textField('description', 'Description'),
    attachmentsField('proof', 'Proof', 'aidRecordsProof', 'recordId'),
    f.checkboxField('confirmed', 'Confirmed'),
    ...creditFields(),
  ],
});
