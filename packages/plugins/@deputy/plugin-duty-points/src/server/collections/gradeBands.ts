import { defineCollection } from '@nocobase/database';
import { f, tt } from '../fields';

/** 等次: grade bands by total points; the band with the highest minimum not above the total applies. */
export default defineCollection({
  name: 'gradeBands',
  title: tt('Grade bands'),
  dumpRules: 'required',
  updatedBy: true,
  fields: [
    f.stringField('name', 'Grade', { allowNull: false, uiSchema: { required: true } }),
    f.stringField('nameEn', 'Grade (English)'),
    f.integerField('minPoints', 'Minimum points'),
    f.integerField('sort', 'Sort order', { defaultValue: 0 }),
    f.checkboxField('passing', 'Counts as passing', { defaultValue: true }),
  ],
});
