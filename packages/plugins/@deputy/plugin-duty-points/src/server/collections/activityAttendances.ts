import { defineCollection } from '@nocobase/database';
import { f, tt } from '../fields';

/** 签到: one deputy at one activity, with the duty record the sign-in created. */
export default defineCollection({
  name: 'activityAttendances',
  title: tt('Activity sign-ins'),
  dumpRules: 'required',
  createdBy: true,
  indexes: [{ fields: ['activityId', 'deputyId'], unique: true }],
  fields: [
    f.belongsToField('activity', 'Activity', 'dutyActivities', 'title'),
    f.belongsToField('deputy', 'Deputy', 'deputies', 'name'),
    f.belongsToField('record', 'Duty record', 'dutyRecords', 'id', { onDelete: 'SET NULL' }),
  ],
});
