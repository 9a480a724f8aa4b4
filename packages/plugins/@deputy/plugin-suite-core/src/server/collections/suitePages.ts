import { defineCollection } from '@nocobase/database';
import { stringField, tt } from '../fields/field-builders';

/**
 * The menus and pages the suite installed, one row per stable key (page-installer.ts). A key present here
 * is never installed again: an administrator's later changes to the page — or its removal — stand.
 */
export default defineCollection({
  name: 'suitePages',
  title: tt('Installed pages'),
  dumpRules: 'required',
  fields: [
    stringField('key', 'Key', { unique: true }),
    stringField('plugin', 'Plugin'),
    stringField('schemaUid', 'Page'),
    { type: 'bigInt', name: 'routeId' },
  ],
});
