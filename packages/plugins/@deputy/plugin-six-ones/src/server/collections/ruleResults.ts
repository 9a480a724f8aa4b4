import { defineCollection } from '@nocobase/database';
import { f, jsonField, tt } from '../fields';

export const RESULT_STATUSES = [
  { value: 'met', label: 'Met', color: 'green' },
  { value: 'missed', label: 'Missed', color: 'red' },
  { value: 'in-progress', label: 'In progress', color: 'blue' },
  { value: 'exempt', label: 'Exempt', color: 'default' },
];

/**
 * Compliance: one row per subject (a deputy or a station) × rule × period, recomputed when records change and
 * by the nightly job. Computed data: replaced on each computation, never edited by hand.
 */
export default defineCollection({
  name: 'ruleResults',
  title: tt('Compliance results'),
  // Rebuilt from the records, sessions and leaves (on each change, by the nightly job, and for a missing month
  // when the matrix is read): a backup neither needs it (backup-restore's 'skipped') nor snapshots it (runtime).
  dumpRules: 'skipped',
  dataCategory: 'runtime',
  indexes: [{ fields: ['ruleId', 'periodKey', 'deputyId', 'stationId'] }, { fields: ['periodKey', 'stationId'] }],
  fields: [
    f.belongsToField('rule', 'Rule', 'dutyRules', 'name', { onDelete: 'CASCADE' }),
    f.belongsToField('deputy', 'Deputy', 'deputies', 'name', { onDelete: 'CASCADE' }),
    f.belongsToField('station', 'Liaison station', 'liaisonStations', 'name', { onDelete: 'CASCADE' }),
    f.stringField('periodKey', 'Period'),
    f.dateField('periodFrom', 'From'),
    f.dateField('periodTo', 'To'),
    f.integerField('count', 'Count'),
    f.integerField('required', 'Required'),
    f.selectField('status', 'Status', RESULT_STATUSES),
    f.selectField('exemptReason', 'Reason for exemption', [
      { value: 'leave', label: 'On approved leave' },
      { value: 'joined', label: 'Elected during the period' },
      { value: 'left', label: 'Left office during the period' },
    ]),
    jsonField('sourceIds', 'Records that satisfied it'),
  ],
});
