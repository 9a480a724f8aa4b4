import { defineCollection } from '@nocobase/database';
import { selectField, stringField, textField, tt } from '../fields/field-builders';

const timeField = (name: string, title: string) => ({
  type: 'date',
  name,
  interface: 'datetime',
  uiSchema: {
    type: 'datetime',
    title: tt(title),
    'x-component': 'DatePicker',
    'x-component-props': { showTime: true },
    'x-read-pretty': true,
  },
});

/**
 * 定时任务记录: each run of a scheduled job of the suite (六个一 nightly, opinion escalation, visit reminders).
 * One row per job and scheduled minute, under a unique key: on a cluster of NocoBase instances sharing the
 * database, the instance that writes the row runs the job and the others skip it. Administrators see here
 * that every job ran, how long it took, and why one failed.
 */
export default defineCollection({
  name: 'scheduledJobRuns',
  title: tt('Scheduled job runs'),
  // A log: backed up with NocoBase's optional log group, as its own workflow runs and tasks are.
  dumpRules: { group: 'log' },
  indexes: [{ fields: ['name', 'slot'], unique: true }],
  fields: [
    stringField('name', 'Job'),
    stringField('slot', 'Scheduled for'),
    selectField('status', 'Status', [
      { value: 'running', label: 'Running', color: 'blue' },
      { value: 'done', label: 'Done', color: 'green' },
      { value: 'failed', label: 'Failed', color: 'red' },
    ]),
    stringField('instance', 'Instance'),
    timeField('startedAt', 'Started at'),
    timeField('finishedAt', 'Finished at'),
    textField('message', 'Message'),
  ],
});
