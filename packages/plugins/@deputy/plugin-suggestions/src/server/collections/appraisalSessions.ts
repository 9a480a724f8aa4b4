import { defineCollection } from '@nocobase/database';
import { datetimeField, f, readOnly, tt } from '../fields';

export const APPRAISAL_STATUSES = [
  { value: 'open', label: 'Voting', color: 'processing' },
  { value: 'closed', label: 'Results announced', color: 'green' },
];
export const APPRAISAL_SUBJECT_TYPES = [{ value: 'keySuggestion', label: 'Key suggestions' }];

/**
 * 满意度测评: an appraisal session of the standing committee — its voters, the subjects they appraise (here the
 * year's key suggestions), the pass line (the share of 满意 and 基本满意 ballots a subject needs), and the
 * results once closed. Subjects are taken in when it opens; ballots are secret (only the tallies are shown).
 */
export default defineCollection({
  name: 'appraisalSessions',
  title: tt('Appraisal sessions'),
  dumpRules: 'required',
  createdBy: true,
  updatedBy: true,
  fields: [
    f.stringField('title', 'Appraisal', { allowNull: false, uiSchema: { required: true } }),
    f.integerField('year', 'Year', { allowNull: false, uiSchema: { required: true } }),
    f.selectField('subjectType', 'Subjects', APPRAISAL_SUBJECT_TYPES, { defaultValue: 'keySuggestion' }),
    f.integerField('passRate', 'Pass line (% satisfied or basically satisfied)', {
      defaultValue: 60,
      uiSchema: { 'x-component-props': { min: 1, max: 100, step: '1' } },
    }),
    f.belongsToManyField('voters', 'Voters', 'users', 'appraisalVoters', 'sessionId', 'userId', 'nickname'),
    f.selectField('status', 'Status', APPRAISAL_STATUSES, { defaultValue: 'open', allowNull: false, ...readOnly }),
    datetimeField('closedAt', 'Results announced at'),
    f.hasManyField('subjects', 'Subjects', 'appraisalSubjects', 'sessionId', 'title'),
  ],
});
