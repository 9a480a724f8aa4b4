import { defineCollection } from '@nocobase/database';
import { f, tt } from '../fields';

/** Which headline figure of the KPIs an assistance type adds to. */
export const KPI_GROUPS = [
  { value: 'legalAid', label: 'Legal-aid cases' },
  { value: 'relief', label: 'Hardship relief (yuan)' },
  { value: 'housing', label: 'Flats arranged' },
  { value: 'jobs', label: 'Jobs matched' },
  { value: 'school', label: 'School aid and donations' },
  { value: 'medical', label: 'Medical referrals' },
  { value: 'goods', label: 'Goods and cash donated' },
  { value: 'other', label: 'Other' },
];

/** 帮扶成效类型: 法律援助, 困难救助, 住房协调, … — an editable list. */
export default defineCollection({
  name: 'aidAssistanceTypes',
  title: tt('Assistance types'),
  dumpRules: 'required',
  updatedBy: true,
  sortable: true,
  fields: [
    f.stringField('code', 'Code', { allowNull: false, unique: true, uiSchema: { required: true } }),
    f.stringField('name', 'Name', { allowNull: false, uiSchema: { required: true } }),
    f.selectField('kpiGroup', 'Counts in', KPI_GROUPS, { defaultValue: 'other', allowNull: false }),
    f.checkboxField('active', 'In use', { defaultValue: true }),
  ],
});
