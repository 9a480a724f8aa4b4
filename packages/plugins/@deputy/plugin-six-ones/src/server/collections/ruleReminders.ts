import { defineCollection } from '@nocobase/database';
import { f, tt } from '../fields';

/** Reminders sent (one per user and day), so the nightly job never repeats one. */
export default defineCollection({
  name: 'ruleReminders',
  title: tt('Reminders sent'),
  dumpRules: 'required',
  fields: [
    f.stringField('key', 'Key', { unique: true }),
    f.belongsToField('user', 'User', 'users', 'nickname', { onDelete: 'CASCADE' }),
    f.textField('content', 'Content'),
  ],
});
