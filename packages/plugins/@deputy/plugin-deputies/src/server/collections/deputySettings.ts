import { defineCollection } from '@nocobase/database';
import { integerField, tt } from '../field-builders';

/** Settings of the deputy registry, one row, edited by administrators in the UI (系统设置). */
export default defineCollection({
  name: 'deputySettings',
  title: tt('Deputy registry settings'),
  dumpRules: 'required',
  updatedBy: true,
  fields: [
    integerField('maxGridAreasPerDeputy', 'Grid areas per deputy at most', {
      defaultValue: 1,
      allowNull: false,
      uiSchema: { 'x-component-props': { min: 1, step: '1' } },
    }),
    integerField('maxSignInFailures', 'Failed sign-ins before the account locks', { defaultValue: 5, uiSchema: { 'x-component-props': { min: 1, step: '1' } } }),
    integerField('signInLockMinutes', 'Lock duration (minutes)', { defaultValue: 15, uiSchema: { 'x-component-props': { min: 1, step: '1' } } }),
    integerField('passwordMinLength', 'Minimum password length', { defaultValue: 8, uiSchema: { 'x-component-props': { min: 6, step: '1' } } }),
  ],
});
