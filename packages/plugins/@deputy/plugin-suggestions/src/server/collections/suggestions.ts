import { defineCollection } from '@nocobase/database';
import { datetimeField, f, readOnly, tt } from '../fields';

export const SUGGESTION_STATUSES = [
  { value: 'draft', label: 'Draft', color: 'default' },
  { value: 'submitted', label: 'Waiting for joint review', color: 'blue' },
  { value: 'returned', label: 'Returned for revision', color: 'orange' },
  { value: 'registered', label: 'Registered', color: 'cyan' },
  { value: 'assigned', label: 'Being handled', color: 'processing' },
  { value: 'answered', label: 'Answered, waiting for feedback', color: 'purple' },
  { value: 'appraisal', label: 'Waiting for the standing committee’s appraisal', color: 'gold' },
  { value: 'closed', label: 'Closed', color: 'green' },
  { value: 'merged', label: 'Merged into another', color: 'default' },
  { value: 'letter', label: 'Handled as a letter', color: 'default' },
  { value: 'withdrawn', label: 'Withdrawn', color: 'default' },
];
export const SUGGESTION_CATEGORIES = [
  { value: 'economy', label: 'Economy and development' },
  { value: 'agriculture', label: 'Agriculture and rural areas' },
  { value: 'urban', label: 'Urban construction and transport' },
  { value: 'education', label: 'Education, science and culture' },
  { value: 'health', label: 'Health and social security' },
  { value: 'environment', label: 'Environment and resources' },
  { value: 'governance', label: 'Governance and the rule of law' },
  { value: 'other', label: 'Other' },
];
export const SUGGESTION_ORIGINS = [
  { value: 'opinion', label: 'A citizen’s opinion' },
  { value: 'visit', label: 'A visit to voters' },
  { value: 'research', label: 'Research or inspection' },
  { value: 'idea', label: 'A golden idea (金点子)' },
  { value: 'other', label: 'Other' },
];
export const SATISFACTION = [
  { value: 'satisfied', label: 'Satisfied', color: 'green' },
  { value: 'basic', label: 'Basically satisfied', color: 'blue' },
  { value: 'unsatisfied', label: 'Unsatisfied', color: 'red' },
];
export const CREDIT_STATUSES = [
  { value: 'filed', label: 'Filed for review', color: 'blue' },
  { value: 'failed', label: 'Could not be filed', color: 'red' },
];

/**
 * 代表建议: written by a lead deputy (co-signed by others), jointly reviewed (联审: returned for revision,
 * accepted, merged or handled as a letter), registered with the session's next number, assigned to handling
 * units (分办), answered per unit and closed once the deputy has given feedback. Status, number and clock are
 * written by the suggestion's steps only (services/suggestion-flow.ts).
 */
export default defineCollection({
  name: 'suggestions',
  title: tt('Deputy suggestions'),
  dumpRules: 'required',
  createdBy: true,
  updatedBy: true,
  indexes: [{ fields: ['sessionId', 'number'], unique: true }],
  fields: [
    f.belongsToField('session', 'Congress session', 'congressSessions', 'title'),
    f.integerField('number', 'Number', readOnly),
    f.stringField('code', 'Suggestion number', readOnly),
    f.stringField('title', 'Title', { allowNull: false, uiSchema: { required: true } }),
    f.textField('content', 'Content', { uiSchema: { required: true } }),
    f.selectField('category', 'Category', SUGGESTION_CATEGORIES, { defaultValue: 'other' }),
    f.belongsToField('leadDeputy', 'Lead deputy', 'deputies', 'name'),
    f.belongsToManyField(
      'coSigners',
      'Co-signing deputies',
      'deputies',
      'suggestionCoSigners',
      'suggestionId',
      'deputyId',
      'name',
    ),
    f.attachmentsField('attachments', 'Attachments', 'suggestionAttachments', 'suggestionId'),
    f.selectField('origin', 'Where it came from', SUGGESTION_ORIGINS, { defaultValue: 'other' }),
    f.textField('originNote', 'About its origin'),
    f.selectField('status', 'Status', SUGGESTION_STATUSES, { defaultValue: 'draft', allowNull: false, ...readOnly }),
    f.textField('reviewNote', 'Joint review note', readOnly),
    f.belongsToField('mergedInto', 'Merged into', 'suggestions', 'code', { onDelete: 'SET NULL', ...readOnly }),
    datetimeField('submittedAt', 'Submitted at'),
    datetimeField('registeredAt', 'Registered at'),
    datetimeField('assignedAt', 'Assigned at'),
    datetimeField('answeredAt', 'Answered at'),
    datetimeField('closedAt', 'Closed at'),
    f.selectField('satisfaction', 'Deputy’s satisfaction', SATISFACTION, readOnly),
    // 重点处理建议: chosen by administrators (a number a year, in the settings), supervised by a leader; closed
    // only by passing the standing committee's 满意度测评, else handled again the next year.
    f.checkboxField('key', 'Key suggestion', readOnly),
    f.integerField('keyYear', 'Key suggestion of the year', readOnly),
    f.belongsToField('supervisor', 'Supervising leader (领衔督办)', 'users', 'nickname', {
      onDelete: 'SET NULL',
      ...readOnly,
    }),
    f.textField('keyNote', 'Leaders handling it, and the year-end report', readOnly),
    f.hasManyField('assignments', 'Handling units', 'suggestionAssignments', 'suggestionId', 'id'),
    f.selectField('creditStatus', 'Duty record', CREDIT_STATUSES, readOnly),
    f.integerField('dutyRecordId', 'Duty record number', readOnly),
    f.textField('creditError', 'Why it could not be filed', readOnly),
  ],
});
