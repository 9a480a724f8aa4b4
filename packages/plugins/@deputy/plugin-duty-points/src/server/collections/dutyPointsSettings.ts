import { defineCollection } from '@nocobase/database';
import { f, tt } from '../fields';

/** Settings of the points system, one row, edited by administrators (系统设置). */
export default defineCollection({
  name: 'dutyPointsSettings',
  title: tt('Points settings'),
  dumpRules: 'required',
  updatedBy: true,
  fields: [
    f.multipleSelectField(
      'boardColumns',
      'Columns on the public board',
      [
        { value: 'total', label: 'Total points' },
        { value: 'grade', label: 'Grade' },
        { value: 'rank', label: 'Rank' },
      ],
      { defaultValue: ['total', 'grade'] },
    ),
    // 连任推荐: a deputy is eligible when its term's closed years are all passing grades (by the grade bands'
    // "counts as passing"), allowing this many exceptions.
    f.integerField('reelectionAllowedFailures', 'Non-passing years allowed for re-election', {
      defaultValue: 0,
      uiSchema: { 'x-component-props': { min: 0, step: '1' } },
    }),
  ],
});
