import { defineCollection } from '@nocobase/database';
import { datetimeField, f, tt } from '../fields';

export const MILESTONE_KINDS = [
  { value: 'received', label: 'Received' },
  { value: 'classified', label: 'Classified' },
  { value: 'assigned', label: 'Assigned' },
  { value: 'progress', label: 'Progress' },
  { value: 'answered', label: 'Answered' },
  { value: 'closed', label: 'Closed' },
  { value: 'converted', label: 'Converted to a deputy suggestion' },
  { value: 'escalated', label: 'Escalated' },
  { value: 'rated', label: 'Rated' },
];

/**
 * 办理节点: the timestamped history of an opinion (双公开 of progress). Append-only: written by the opinion
 * actions and the escalation job, never changed or deleted. `note` is what the citizen sees when tracking.
 */
export default defineCollection({
  name: 'opinionMilestones',
  title: tt('Opinion milestones'),
  dumpRules: 'required',
  createdBy: true,
  fields: [
    f.belongsToField('opinion', 'Opinion', 'opinions', 'trackingCode', { onDelete: 'CASCADE' }),
    f.selectField('kind', 'Milestone', MILESTONE_KINDS, { allowNull: false }),
    datetimeField('at', 'At'),
    f.textField('note', 'Note'),
    f.integerField('level', 'Level'),
  ],
});
