import { defineCollection } from '@nocobase/database';
import { attachmentsField, creditFields, datetimeField, f, readOnly, tt } from '../fields';

export const OPINION_SOURCES = [
  { value: 'qr', label: 'QR code (码上找代表)' },
  { value: 'reception', label: 'Station reception' },
  { value: 'visit', label: 'Deputy visit' },
  { value: 'hotline', label: '12345 hotline' },
];
export const OPINION_CATEGORIES = [
  { value: 'infrastructure', label: 'Roads, water and power' },
  { value: 'livelihood', label: 'Livelihood and social security' },
  { value: 'environment', label: 'Environment and sanitation' },
  { value: 'education', label: 'Education and health' },
  { value: 'safety', label: 'Public safety' },
  { value: 'dispute', label: 'Dispute between neighbours' },
  { value: 'governance', label: 'Government services' },
  { value: 'other', label: 'Other' },
];
export const OPINION_STATUSES = [
  { value: 'received', label: 'Received', color: 'default' },
  { value: 'classified', label: 'Classified', color: 'cyan' },
  { value: 'assigned', label: 'Assigned', color: 'blue' },
  { value: 'inProgress', label: 'In progress', color: 'processing' },
  { value: 'answered', label: 'Answered', color: 'orange' },
  { value: 'closed', label: 'Closed', color: 'green' },
  { value: 'converted', label: 'Converted to a deputy suggestion', color: 'purple' },
];
export const OPEN_STATUSES = ['received', 'classified', 'assigned', 'inProgress'];
export const DONE_STATUSES = ['closed', 'converted'];

/**
 * 意见建议: what a citizen raised — through a deputy's or station's QR code, at a reception, on a visit or
 * from the 12345 hotline — handled to closure on its class's clock. Status and clock change only through the
 * opinion actions (classify, assign, progress, answer, close, convert), each leaving a milestone.
 */
export default defineCollection({
  name: 'opinions',
  title: tt('Opinions and suggestions'),
  dumpRules: 'required',
  createdBy: true,
  updatedBy: true,
  indexes: [{ fields: ['status'] }],
  fields: [
    // Unique on the field (NocoBase's sync drops a one-column unique index declared in `indexes`).
    f.stringField('trackingCode', 'Tracking code', { ...readOnly, unique: true }),
    f.selectField('source', 'Source', OPINION_SOURCES, { defaultValue: 'reception', allowNull: false }),
    f.belongsToField('deputy', 'Deputy', 'deputies', 'name', { onDelete: 'SET NULL' }),
    f.belongsToField('station', 'Liaison station', 'liaisonStations', 'name', { onDelete: 'SET NULL' }),
    f.stringField('citizenName', 'Name of the citizen', { uiSchema: { required: true } }),
    f.phoneField('citizenPhone', 'Phone of the citizen'),
    f.selectField('category', 'Category', OPINION_CATEGORIES, { defaultValue: 'other', allowNull: false }),
    f.textField('content', 'Opinion or suggestion', { uiSchema: { required: true } }),
    attachmentsField('photos', 'Photos', 'opinionsPhotos', 'opinionId'),
    f.selectField('status', 'Status', OPINION_STATUSES, { defaultValue: 'received', allowNull: false, ...readOnly }),
    f.belongsToField('opinionClass', 'Class', 'opinionClasses', 'name', { onDelete: 'RESTRICT', ...readOnly }),
    f.stringField('handlingUnit', 'Handling unit', readOnly),
    datetimeField('receivedAt', 'Received at', readOnly),
    f.dateField('dueOn', 'Answer due on', readOnly),
    f.dateField('nextDueOn', 'Next step due on', readOnly),
    f.integerField('escalationLevel', 'Handled at level (1–4)', readOnly),
    f.checkboxField('overdue', 'Overdue', readOnly),
    f.integerField('overdueCount', 'Deadlines missed', { defaultValue: 0, ...readOnly }),
    f.textField('answer', 'Answer', readOnly),
    datetimeField('answeredAt', 'Answered at', readOnly),
    datetimeField('closedAt', 'Closed at', readOnly),
    f.stringField('suggestionRef', 'Deputy suggestion it became', readOnly),
    f.integerField('rating', 'Satisfaction (1–5 stars)', readOnly),
    f.textField('ratingComment', 'Comment on the result', readOnly),
    f.hasManyField('milestones', 'Milestones', 'opinionMilestones', 'opinionId', 'kind', { sortBy: ['at', 'id'] }),
    ...creditFields(),
  ],
});
