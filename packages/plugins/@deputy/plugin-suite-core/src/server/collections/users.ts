import { extendCollection } from '@nocobase/database';
import { checkboxField, integerField } from '../fields/field-builders';

/** Accounts the suite creates for deputies start with a password that must be changed. */
export default extendCollection({
  name: 'users',
  fields: [
    checkboxField('mustChangePassword', 'Must change password', { uiSchema: { 'x-read-pretty': true } }),
    // Sign-in lockout (sign-in-protection.ts): failures in a row, and until when the account is locked.
    integerField('failedSignIns', 'Failed sign-ins in a row', { defaultValue: 0, uiSchema: { 'x-read-pretty': true } }),
    {
      type: 'date',
      name: 'lockedUntil',
      interface: 'datetime',
      uiSchema: {
        type: 'string',
        title: '{{t("Locked until", { ns: "@deputy/plugin-deputies" })}}',
        'x-component': 'DatePicker',
        'x-component-props': { showTime: true },
        'x-read-pretty': true,
      },
    },
  ],
});
