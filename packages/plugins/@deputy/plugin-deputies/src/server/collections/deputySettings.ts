import { defineCollection } from '@nocobase/database';
import { f, tt } from '../fields';

/** Settings of the deputy registry, one row, edited by administrators in the UI (系统设置). */
export default defineCollection({
  name: 'deputySettings',
  title: tt('Deputy registry settings'),
  dumpRules: 'required',
  updatedBy: true,
  fields: [
    f.integerField('maxGridAreasPerDeputy', 'Grid areas per deputy at most', {
      defaultValue: 1,
      allowNull: false,
      uiSchema: { 'x-component-props': { min: 1, step: '1' } },
    }),
    f.integerField('maxSignInFailures', 'Failed sign-ins before the account locks', {
      defaultValue: 5,
      uiSchema: { 'x-component-props': { min: 1, step: '1' } },
    }),
    f.integerField('signInLockMinutes', 'Lock duration (minutes)', {
      defaultValue: 15,
      uiSchema: { 'x-component-props': { min: 1, step: '1' } },
    }),
    f.integerField('passwordMinLength', 'Minimum password length', {
      defaultValue: 8,
      uiSchema: { 'x-component-props': { min: 6, step: '1' } },
    }),
  ],
});
