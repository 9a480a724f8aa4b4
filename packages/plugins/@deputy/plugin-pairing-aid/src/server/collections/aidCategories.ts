import { defineCollection } from '@nocobase/database';
import { f, tt } from '../fields';

/** 帮扶对象类别: 低保, 特困供养, 残疾, 留守老人, … — an editable list, each with its visit interval. */
export default defineCollection({
  name: 'aidCategories',
  title: tt('Household categories'),
  dumpRules: 'required',
  updatedBy: true,
  sortable: true,
  fields: [
    f.stringField('code', 'Code', { allowNull: false, unique: true, uiSchema: { required: true } }),
    f.stringField('name', 'Name', { allowNull: false, uiSchema: { required: true } }),
    // Quarterly by default; weekly for left-behind elderly (溆浦县水东镇).
    f.integerField('visitIntervalDays', 'Visit at least every (days)', {
      uiSchema: { 'x-component-props': { min: 1, step: '1' } },
    }),
    f.checkboxField('active', 'In use', { defaultValue: true }),
  ],
});
