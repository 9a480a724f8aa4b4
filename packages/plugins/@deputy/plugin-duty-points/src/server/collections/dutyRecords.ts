import { defineCollection } from '@nocobase/database';
import { f, tt } from '../fields';

export const RECORD_STATUSES = [
  { value: 'draft', label: 'Draft', color: 'default' },
  { value: 'submitted', label: 'Submitted', color: 'blue' },
  { value: 'approved', label: 'Approved', color: 'green' },
  { value: 'rejected', label: 'Rejected', color: 'orange' },
  { value: 'revoked', label: 'Revoked', color: 'red' },
];

/**
 * 履职记录: what a deputy did, with evidence. draft → submitted → approved | rejected; approved → revoked.
 * Nobody edits an approved record: it is revoked (with a reason) and filed again.
 */
export default defineCollection({
  name: 'dutyRecords',
  title: tt('Duty records'),
  dumpRules: 'required',
  createdBy: true,
  updatedBy: true,
  fields: [
    f.belongsToField('deputy', 'Deputy', 'deputies', 'name', { uiSchema: { required: true } }),
    f.belongsToField('item', 'Duty item', 'dutyItems', 'name', { uiSchema: { required: true } }),
    // Presence and range are checked by the record lifecycle, with a clear message.
    f.dateField('date', 'Date', { uiSchema: { required: true } }),
    f.integerField('quantity', 'Quantity', { defaultValue: 1 }),
    f.textField('description', 'Description'),
    {
      type: 'belongsToMany',
      name: 'evidence',
      target: 'attachments',
      through: 'dutyRecordsEvidence',
      foreignKey: 'recordId',
      otherKey: 'attachmentId',
      interface: 'attachment',
      uiSchema: {
        title: tt('Evidence'),
        'x-component': 'Upload.Attachment',
        'x-use-component-props': 'useAttachmentFieldProps',
        'x-component-props': { accept: 'image/*,application/pdf', multiple: true },
      },
    },
    f.selectField('status', 'Status', RECORD_STATUSES, { defaultValue: 'draft', allowNull: false }),
    f.belongsToField('reviewer', 'Reviewer', 'users', 'nickname', {
      onDelete: 'SET NULL',
      uiSchema: { 'x-read-pretty': true },
    }),
    f.textField('reviewComment', 'Review comment'),
    // What the record said when it was returned (filing.ts): it goes to review again only once changed.
    // Bookkeeping, not a UI field (no interface): pages and forms never show it.
    { type: 'text', name: 'returnedContent' },
    f.textField('revokeReason', 'Reason for revocation'),
    f.checkboxField('possibleDuplicate', 'Possible duplicate', { uiSchema: { 'x-read-pretty': true } }),
    f.integerField('awardedPoints', 'Points awarded', { uiSchema: { 'x-read-pretty': true } }),
    // Set when another part of the suite filed the record (e.g. aid-visit:12); never twice for one source.
    f.stringField('source', 'Filed by', { uiSchema: { 'x-read-pretty': true } }),
  ],
});
