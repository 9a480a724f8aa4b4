import { extendCollection } from '@nocobase/database';
import { tt } from '../field-builders';

/** Accounts the suite creates for deputies start with a password that must be changed. */
export default extendCollection({
  name: 'users',
  fields: [
    {
      type: 'boolean',
      name: 'mustChangePassword',
      defaultValue: false,
      interface: 'checkbox',
      uiSchema: { type: 'boolean', title: tt('Must change password'), 'x-component': 'Checkbox', 'x-read-pretty': true },
    },
  ],
});
