import { defineCollection } from '@nocobase/database';
import { dateField, hasManyField, selectField, stringField, tt } from '../field-builders';
import { DEPUTY_LEVELS } from './deputies';

/** 届次: a congress term (five years for county and town congresses since 2004). */
export default defineCollection({
  name: 'deputyTerms',
  title: tt('Congress terms'),
  dumpRules: 'required',
  createdBy: true,
  updatedBy: true,
  fields: [
    stringField('name', 'Term name', { allowNull: false, uiSchema: { required: true } }),
    selectField('level', 'Congress level', DEPUTY_LEVELS, { defaultValue: 'town' }),
    dateField('startsOn', 'Starts on'),
    dateField('endsOn', 'Ends on'),
    hasManyField('deputies', 'Deputies', 'deputies', 'termId', 'name'),
  ],
});
