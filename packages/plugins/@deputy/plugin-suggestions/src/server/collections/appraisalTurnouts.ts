import { defineCollection } from '@nocobase/database';
import { f, readOnly, tt } from '../fields';

/** Who has voted on which subject of an appraisal (not how): one row per voter and subject, never changed. */
export default defineCollection({
  name: 'appraisalTurnouts',
  title: tt('Appraisal turnout'),
  dumpRules: 'required',
  createdBy: false,
  updatedAt: false,
  indexes: [{ fields: ['subjectId', 'voterId'], unique: true }],
  fields: [
    f.belongsToField('session', 'Appraisal', 'appraisalSessions', 'title', { onDelete: 'CASCADE', ...readOnly }),
    f.belongsToField('subject', 'Subject', 'appraisalSubjects', 'title', { onDelete: 'CASCADE', ...readOnly }),
    f.belongsToField('voter', 'Voter', 'users', 'nickname', readOnly),
  ],
});
