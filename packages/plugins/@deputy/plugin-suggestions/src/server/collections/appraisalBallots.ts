import { defineCollection } from '@nocobase/database';
import { f, readOnly, tt } from '../fields';
import { SATISFACTION } from './suggestions';

/**
 * A secret ballot on one subject: its choice only — who cast it is kept apart (appraisalTurnouts), and neither
 * the time nor the order of the keys links the two (random keys, no timestamps, no creator). Never changed.
 */
export default defineCollection({
  name: 'appraisalBallots',
  title: tt('Appraisal ballots'),
  dumpRules: 'required',
  timestamps: false,
  createdBy: false,
  updatedBy: false,
  fields: [
    f.belongsToField('session', 'Appraisal', 'appraisalSessions', 'title', { onDelete: 'CASCADE', ...readOnly }),
    f.belongsToField('subject', 'Subject', 'appraisalSubjects', 'title', { onDelete: 'CASCADE', ...readOnly }),
    f.selectField('choice', 'Ballot', SATISFACTION, { allowNull: false, ...readOnly }),
  ],
});
