import { defineCollection } from '@nocobase/database';
import { f, tt } from '../fields';

/**
 * 会议: a session of the congress (e.g. 第一届人民代表大会第四次会议) or the period between sessions
 * (闭会期间). Suggestions are numbered per session without gaps; `lastNumber` is the counter, written only
 * when a suggestion is registered, under the session's row lock.
 */
export default defineCollection({
  name: 'congressSessions',
  title: tt('Congress sessions'),
  dumpRules: 'required',
  createdBy: true,
  updatedBy: true,
  fields: [
    f.stringField('code', 'Short name (numbers start with it)', {
      allowNull: false,
      unique: true,
      uiSchema: { required: true },
    }),
    f.stringField('title', 'Session', { allowNull: false, uiSchema: { required: true } }),
    f.belongsToField('term', 'Congress term', 'deputyTerms', 'name'),
    f.dateField('openedOn', 'Opens on'),
    f.dateField('submitBy', 'Suggestions submitted by'),
    f.checkboxField('open', 'Open for suggestions', { defaultValue: true }),
    f.integerField('lastNumber', 'Last number given', { defaultValue: 0, uiSchema: { 'x-read-pretty': true } }),
    f.hasManyField('suggestions', 'Suggestions', 'suggestions', 'sessionId', 'title'),
  ],
});
