import { defineCollection } from '@nocobase/database';
import { dateField, selectField, stringField, tt } from '../fields/field-builders';

/**
 * 工作日历: the days that differ from "Monday–Friday work, weekends off" — statutory holidays and the
 * adjusted working weekends (调休). Seeded from China's published schedule; administrators add local
 * holidays and next year's schedule in the UI. Reception days and appeal windows are counted with it.
 */
export default defineCollection({
  name: 'workCalendarDays',
  title: tt('Work calendar'),
  dumpRules: 'required',
  updatedBy: true,
  fields: [
    dateField('date', 'Date', { allowNull: false, unique: true, uiSchema: { required: true } }),
    selectField(
      'kind',
      'Kind of day',
      [
        { value: 'holiday', label: 'Holiday', color: 'red' },
        { value: 'workday', label: 'Working day (adjusted)', color: 'blue' },
      ],
      { allowNull: false, defaultValue: 'holiday', uiSchema: { required: true } },
    ),
    stringField('name', 'Name'),
  ],
});
