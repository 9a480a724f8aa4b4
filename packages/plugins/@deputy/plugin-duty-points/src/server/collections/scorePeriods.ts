import { defineCollection } from '@nocobase/database';
import { f, tt } from '../fields';

/**
 * 积分周期: a quarter (`2026-Q1`) or a year (`2026`). Publishing freezes a snapshot of scores (a new version
 * each time it is re-issued after appeals), opens the appeal window and puts it on the public board.
 * `latest` marks the published period that ends last (on a tie the year): 积分排行 opens on it.
 */
export default defineCollection({
  name: 'scorePeriods',
  title: tt('Score periods'),
  dumpRules: 'required',
  createdBy: true,
  updatedBy: true,
  fields: [
    f.stringField('key', 'Period', {
      allowNull: false,
      unique: true,
      uiSchema: { required: true, description: '2026 / 2026-Q1' },
    }),
    f.stringField('title', 'Title'),
    f.selectField(
      'status',
      'Status',
      [
        { value: 'open', label: 'Open', color: 'blue' },
        { value: 'published', label: 'Published', color: 'green' },
        { value: 'closed', label: 'Closed', color: 'default' },
      ],
      { defaultValue: 'open' },
    ),
    f.integerField('version', 'Published version', { defaultValue: 0, uiSchema: { 'x-read-pretty': true } }),
    f.integerField('appealWorkingDays', 'Appeal window (working days)', {
      defaultValue: 5,
      uiSchema: { 'x-component-props': { min: 0, step: '1' } },
    }),
    f.dateField('publishedOn', 'Published on', { uiSchema: { 'x-read-pretty': true } }),
    f.dateField('appealDeadline', 'Appeals until', { uiSchema: { 'x-read-pretty': true } }),
    f.checkboxField('latest', 'Latest published', { defaultValue: false, uiSchema: { 'x-read-pretty': true } }),
  ],
});
