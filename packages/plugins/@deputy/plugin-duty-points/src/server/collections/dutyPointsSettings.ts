import { defineCollection } from '@nocobase/database';
import { f, tt } from '../fields';

/** Settings of the points system, one row, edited by administrators (系统设置). */
export default defineCollection({
  name: 'dutyPointsSettings',
  title: tt('Points settings'),
  dumpRules: 'required',
  updatedBy: true,
  fields: [
    f.multipleSelectField('boardColumns', 'Columns on the public board', [
      { value: 'total', label: 'Total points' },
      { value: 'grade', label: 'Grade' },
      { value: 'rank', label: 'Rank' },
    ], { defaultValue: ['total', 'grade'] }),
  ],
});
