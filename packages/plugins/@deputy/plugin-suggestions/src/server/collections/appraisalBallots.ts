import { defineCollection } from '@nocobase/database';
import { f, readOnly, tt } from '../fields';
import { SATISFACTION } from './suggestions';

/** A voter's secret ballot on one subject: one per voter and subject, never changed. */
export default defineCollection({
  name: 'appraisalBallots',
  title: tt('Appraisal ballots'),
  dumpRules: 'required',
  createdBy: true,
  updatedAt: false,
  indexes: [{ fields: ['subjectId', 'voterId'], unique: true }],
  fields: [
    f.belongsToField('session', 'Appraisal', 'appraisalSessions', 'title', { onDelete: 'CASCADE', ...readOnly }),
    f.belongsToField('subject', 'Subject', 'appraisalSubjects', 'title', { onDelete: 'CASCADE', ...readOnly }),
    f.belongsToField('voter', 'Voter', 'users', 'nickname', readOnly),
    f.selectField('choice', 'Ballot', SATISFACTION, { allowNull: false, ...readOnly }),
  ],
});
