import { defineCollection } from '@nocobase/database';
import { f, tt } from '../fields';

export const REVIEWER_TYPES = [
  { value: 'stationHead', label: "The head of the deputy's station" },
  { value: 'users', label: 'The people chosen below' },
];

/**
 * 审核级别: the levels a submitted duty record goes through, in order (积分管理 › 审核级别). Administrators add,
 * reorder or remove levels here; each change gives the review workflow a new version built from them
 * (review-levels.ts). A 退回 at any level ends the review; the points post when the last level approves.
 */
export default defineCollection({
  name: 'reviewLevels',
  title: tt('Review levels'),
  dumpRules: 'required',
  createdBy: true,
  updatedBy: true,
  fields: [
    f.integerField('sort', 'Order', { defaultValue: 1 }),
    f.stringField('title', 'Level', { allowNull: false, uiSchema: { required: true } }),
    f.stringField('titleEn', 'Level (English)'),
    f.selectField('reviewerType', 'Who reviews', REVIEWER_TYPES, { defaultValue: 'stationHead', allowNull: false }),
    // Any one of them decides (the manual node's "one assignee" mode).
    f.belongsToManyField('reviewers', 'Reviewers', 'users', 'reviewLevelsReviewers', 'levelId', 'userId', 'nickname'),
  ],
});
