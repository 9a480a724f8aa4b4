import { defineCollection } from '@nocobase/database';
import { datetimeField, f, readOnly, tt } from '../fields';
import { SATISFACTION } from './suggestions';

export const ASSIGNMENT_ROLES = [
  { value: 'lead', label: 'Lead unit', color: 'blue' },
  { value: 'assist', label: 'Assisting unit', color: 'default' },
];
export const ASSIGNMENT_STATUSES = [
  { value: 'handling', label: 'Handling', color: 'processing' },
  { value: 'replied', label: 'Replied', color: 'purple' },
  { value: 'reopened', label: 'Handling again', color: 'orange' },
  { value: 'accepted', label: 'Accepted by the deputy', color: 'green' },
];
/** 办理结果: A solved or adopted, B being solved or planned, C not possible for now (explained), D kept for reference. */
export const RESULT_CODES = [
  { value: 'A', label: 'A — solved or adopted', color: 'green' },
  { value: 'B', label: 'B — being solved or planned', color: 'blue' },
  { value: 'C', label: 'C — cannot be solved for now (explained)', color: 'orange' },
  { value: 'D', label: 'D — kept for reference', color: 'default' },
];

/**
 * 分办: one handling unit's part of a registered suggestion — lead or assisting, due by the settings' limit
 * (3 months for the lead, 1 for assisting units, extendable), its written reply with a result code, and the
 * lead deputy's satisfaction with it. Written by the suggestion's steps only.
 */
export default defineCollection({
  name: 'suggestionAssignments',
  title: tt('Suggestion assignments'),
  dumpRules: 'required',
  createdBy: true,
  updatedBy: true,
  indexes: [{ name: 'suggestion_assignments_one_part_per_unit', fields: ['suggestionId', 'unitId'], unique: true }],
  fields: [
    // The key columns of the unique index, declared here: the relations to them resolve later in the load.
    { type: 'bigInt', name: 'suggestionId' },
    { type: 'bigInt', name: 'unitId' },
    f.belongsToField('suggestion', 'Suggestion', 'suggestions', 'title', { onDelete: 'CASCADE', ...readOnly }),
    f.belongsToField('unit', 'Handling unit', 'handlingUnits', 'name', readOnly),
    f.selectField('role', 'Role', ASSIGNMENT_ROLES, { defaultValue: 'lead', allowNull: false, ...readOnly }),
    f.selectField('status', 'Status', ASSIGNMENT_STATUSES, {
      defaultValue: 'handling',
      allowNull: false,
      ...readOnly,
    }),
    f.dateField('dueOn', 'Reply due on', readOnly),
    // Set by the daily job once the due date passed unanswered; kept after the reply (the on-time rate counts it).
    f.checkboxField('overdue', 'Overdue', readOnly),
    f.textField('extensionReason', 'Why the limit was extended', readOnly),
    f.integerField('extensions', 'Extensions', { defaultValue: 0, ...readOnly }),
    f.textField('reply', 'Reply', readOnly),
    f.selectField('resultCode', 'Result', RESULT_CODES, readOnly),
    datetimeField('repliedAt', 'Replied at'),
    f.selectField('satisfaction', 'Deputy’s satisfaction', SATISFACTION, readOnly),
    f.textField('feedbackNote', 'Deputy’s feedback', readOnly),
    datetimeField('feedbackAt', 'Feedback at'),
    f.integerField('reopenCount', 'Handled again (times)', { defaultValue: 0, ...readOnly }),
  ],
});
