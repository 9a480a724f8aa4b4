import { defineCollection } from '@nocobase/database';
import { f, tt } from '../fields';

export const UNIT_KINDS = [
  { value: 'government', label: 'Government department' },
  { value: 'court', label: 'Court or procuratorate' },
  { value: 'enterprise', label: 'Public enterprise' },
  { value: 'other', label: 'Other' },
];

/** 承办单位: the catalogue of units suggestions are assigned to, edited by administrators. */
export default defineCollection({
  name: 'handlingUnits',
  title: tt('Handling units'),
  dumpRules: 'required',
  createdBy: true,
  updatedBy: true,
  fields: [
    f.stringField('name', 'Unit', { allowNull: false, unique: true, uiSchema: { required: true } }),
    f.selectField('kind', 'Kind', UNIT_KINDS, { defaultValue: 'government' }),
    f.stringField('contactName', 'Contact person'),
    f.phoneField('contactPhone', 'Contact phone'),
    f.checkboxField('active', 'In use', { defaultValue: true }),
    f.integerField('sort', 'Order', { defaultValue: 0 }),
  ],
});
