import { extendCollection } from '@nocobase/database';
import { checkboxField } from '../field-builders';

/** Accounts the suite creates for deputies start with a password that must be changed. */
export default extendCollection({
  name: 'users',
  fields: [checkboxField('mustChangePassword', 'Must change password', { uiSchema: { 'x-read-pretty': true } })],
});
