import { defineCollection } from '@nocobase/database';
import { f, tt } from '../fields';
import { DEPUTY_LEVELS } from './deputies';

/** 届次: a congress term (five years for county and town congresses since 2004). */
export default defineCollection({
  name: 'deputyTerms',
  title: tt('Congress terms'),
  dumpRules: 'required',
  createdBy: true,
  updatedBy: true,
  fields: [
    f.stringField('name', 'Term name', { allowNull: false, uiSchema: { required: true } }),
    f.selectField('level', 'Congress level', DEPUTY_LEVELS, { defaultValue: 'town' }),
    f.dateField('startsOn', 'Starts on'),
    f.dateField('endsOn', 'Ends on'),
    f.hasManyField('deputies', 'Deputies', 'deputies', 'termId', 'name'),
  ],
});
