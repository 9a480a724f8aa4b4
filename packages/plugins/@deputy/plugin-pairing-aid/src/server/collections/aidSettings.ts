import { defineCollection } from '@nocobase/database';
import { f, tt } from '../fields';

/** Settings of 1+N pairing assistance, one row, edited by administrators (系统设置). */
export default defineCollection({
  name: 'aidSettings',
  title: tt('Pairing assistance settings'),
  dumpRules: 'required',
  updatedBy: true,
  fields: [
    // N in "1+N": active pairings one deputy may hold at most.
    f.integerField('maxPairingsPerDeputy', 'Active pairings per deputy at most (N)', {
      defaultValue: 3,
      allowNull: false,
      uiSchema: { 'x-component-props': { min: 1, step: '1' } },
    }),
    // Which duty items (dutyItems.code of plugin-duty-points) a confirmed visit and a confirmed outcome earn.
    f.stringField('visitItemCode', 'Duty item credited for a confirmed visit', { defaultValue: 'D20' }),
    f.stringField('outcomeItemCode', 'Duty item credited for a confirmed outcome', { defaultValue: 'D21' }),
    f.integerField('defaultVisitIntervalDays', 'Visit interval in days when the category sets none', {
      defaultValue: 90,
      allowNull: false,
      uiSchema: { 'x-component-props': { min: 1, step: '1' } },
    }),
  ],
});
