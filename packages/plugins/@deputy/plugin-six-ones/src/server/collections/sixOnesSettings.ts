import { defineCollection } from '@nocobase/database';
import { f, tt } from '../fields';

/** Settings of the 六个一 rules and the reception schedule, one row, edited by administrators. */
export default defineCollection({
  name: 'sixOnesSettings',
  title: tt('六个一 settings'),
  dumpRules: 'required',
  updatedBy: true,
  fields: [
    f.integerField('noticeDaysBefore', 'Public notice (days before a session)', {
      defaultValue: 3,
      uiSchema: { 'x-component-props': { min: 0, step: '1' } },
    }),
    f.integerField('rosterSize', 'Deputies on duty per session', {
      defaultValue: 2,
      uiSchema: { 'x-component-props': { min: 1, step: '1' } },
    }),
    f.stringField('receptionItemCode', 'Duty item of a reception', { defaultValue: 'D10' }),
    f.stringField('noShowItemCode', 'Deduction item of a missed shift', { defaultValue: 'D25' }),
    f.integerField('remindDaysBeforeEnd', 'Remind this many days before a period ends', {
      defaultValue: 5,
      uiSchema: { 'x-component-props': { min: 0, step: '1' } },
    }),
  ],
});
