import { defineCollection } from '@nocobase/database';
import { f, readOnly, tt } from '../fields';

export const APPRAISAL_RESULTS = [
  { value: 'passed', label: 'Passed', color: 'green' },
  { value: 'failed', label: 'Failed: handled again', color: 'red' },
];

/** One subject of an appraisal session (a key suggestion) with its tallies and result, written at closing. */
export default defineCollection({
  name: 'appraisalSubjects',
  title: tt('Appraisal subjects'),
  dumpRules: 'required',
  createdBy: true,
  indexes: [{ fields: ['sessionId', 'suggestionId'], unique: true }],
  fields: [
    f.belongsToField('session', 'Appraisal', 'appraisalSessions', 'title', { onDelete: 'CASCADE', ...readOnly }),
    f.belongsToField('suggestion', 'Suggestion', 'suggestions', 'title', readOnly),
    f.stringField('title', 'Subject', readOnly),
    f.integerField('satisfied', 'Satisfied', { defaultValue: 0, ...readOnly }),
    f.integerField('basic', 'Basically satisfied', { defaultValue: 0, ...readOnly }),
    f.integerField('unsatisfied', 'Unsatisfied', { defaultValue: 0, ...readOnly }),
    f.integerField('rate', 'Satisfied or basically satisfied (%)', readOnly),
    f.selectField('result', 'Result', APPRAISAL_RESULTS, readOnly),
  ],
});
