import { defineCollection } from '@nocobase/database';
import { belongsToField, stringField, textField, tt } from '../fields/field-builders';

/** Reminders the suite has sent (六个一 rules, overdue 1+N visits…): one per key, so none is sent twice. */
export default defineCollection({
  name: 'reminderLog',
  title: tt('Reminders sent'),
  // A log: backed up with NocoBase's optional log group, as its own workflow runs and tasks are.
  dumpRules: { group: 'log' },
  fields: [
    stringField('key', 'Key', { unique: true }),
    belongsToField('user', 'User', 'users', 'nickname', { onDelete: 'CASCADE' }),
    stringField('title', 'Title'),
    textField('content', 'Content'),
  ],
});
