import { defineCollection } from '@nocobase/database';
import { f, tt } from '../fields';

export const CLASS_SCHEMES = [
  { value: 'liangjin', label: '两进三分四联 (窑湾)' },
  { value: 'gaosha', label: '当场答复·月内办结·三月清零 (高沙)' },
  { value: 'other', label: 'Other' },
];

/** Who handles an opinion, from the station up to the standing committee's supervision; escalation climbs this ladder. */
export const ESCALATION_LEVELS = [
  { value: 1, label: 'Liaison station or village' },
  { value: 2, label: 'Town or street government' },
  { value: 3, label: 'County departments' },
  { value: 4, label: 'Supervision by the county NPC standing committee' },
];
export const TOP_LEVEL = 4;

/**
 * 意见分类: the classes opinions are triaged into, with their clock — an editable table. Seeded with both
 * schemes of the seeds: 小微事 (closed within a week), 急难事 (pushed weekly), 大要事 (advanced monthly), and
 * 简单 (answered on the spot), 一般 (closed within the month), 重大 (cleared within three months).
 *
 * - deadlineDays: the opinion is answered within this many days of its receipt (0 = the same day); empty when
 *   the class has no closing deadline, only a progress cadence.
 * - reminderDays: while open, a progress milestone is due this many days after the last one (急难事 7, 大要事 30).
 * - escalationLevel: the level the class is handled at first; a missed deadline escalates one level up.
 */
export default defineCollection({
  name: 'opinionClasses',
  title: tt('Opinion classes'),
  dumpRules: 'required',
  updatedBy: true,
  sortable: true,
  fields: [
    f.stringField('code', 'Code', { allowNull: false, unique: true, uiSchema: { required: true } }),
    f.stringField('name', 'Name', { allowNull: false, uiSchema: { required: true } }),
    f.stringField('nameEn', 'Name in English'),
    f.selectField('scheme', 'Scheme', CLASS_SCHEMES, { defaultValue: 'other' }),
    f.textField('description', 'Scope'),
    f.integerField('deadlineDays', 'Answer within (days)', {
      uiSchema: { 'x-component-props': { min: 0, step: '1' } },
    }),
    f.checkboxField('workingDays', 'Counted in working days'),
    f.integerField('reminderDays', 'Report progress every (days)', {
      uiSchema: { 'x-component-props': { min: 1, step: '1' } },
    }),
    f.integerField('escalationLevel', 'Handled first at level (1–4)', {
      defaultValue: 1,
      allowNull: false,
      uiSchema: { 'x-component-props': { min: 1, max: 4, step: '1' } },
    }),
    f.checkboxField('active', 'In use', { defaultValue: true }),
  ],
});
