import { defineCollection } from '@nocobase/database';
import { f, tt } from '../fields';

export const PAIRING_STATUSES = [
  { value: 'active', label: 'Active', color: 'green' },
  { value: 'closed', label: 'Closed', color: 'default' },
  { value: 'transferred', label: 'Transferred', color: 'blue' },
];
export const END_REASONS = [
  { value: 'resolved', label: 'Out of difficulty' },
  { value: 'movedAway', label: 'Moved away' },
  { value: 'deceased', label: 'Deceased' },
  { value: 'reassigned', label: 'Handed to another deputy' },
  { value: 'other', label: 'Other' },
];

/**
 * 结对: one deputy and one household. At most N active pairings per deputy (aidSettings) and one active
 * pairing per household; active → closed | transferred, never back; a transfer closes this pairing and
 * opens the next one (previousPairing), so the history stays.
 */
export default defineCollection({
  name: 'aidPairings',
  title: tt('Pairings'),
  // Forms pick a pairing by its label: NocoBase's generated forms leave out an association shown by its id.
  titleField: 'label',
  dumpRules: 'required',
  createdBy: true,
  updatedBy: true,
  fields: [
    // "deputy · household", kept by the hooks (lifecycle.ts): how a pairing is chosen and shown everywhere.
    f.stringField('label', 'Pairing', { uiSchema: { 'x-read-pretty': true } }),
    f.belongsToField('deputy', 'Deputy', 'deputies', 'name', { uiSchema: { required: true } }),
    f.belongsToField('household', 'Household', 'aidHouseholds', 'headName', { uiSchema: { required: true } }),
    f.dateField('startDate', 'Start date', { uiSchema: { required: true } }),
    f.dateField('endDate', 'End date'),
    f.selectField('status', 'Status', PAIRING_STATUSES, { defaultValue: 'active', allowNull: false }),
    f.selectField('endReason', 'Reason for ending', END_REASONS),
    f.textField('endNote', 'Note on ending'),
    f.belongsToField('previousPairing', 'Transferred from', 'aidPairings', 'label', {
      onDelete: 'SET NULL',
      uiSchema: { 'x-read-pretty': true },
    }),
    f.hasManyField('plans', 'Assistance plans', 'aidPlans', 'pairingId', 'version'),
    f.hasManyField('visits', 'Visits', 'aidVisits', 'pairingId', 'date'),
    f.hasManyField('records', 'Assistance outcomes', 'aidRecords', 'pairingId', 'date'),
  ],
});
