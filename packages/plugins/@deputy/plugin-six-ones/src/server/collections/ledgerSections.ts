import { defineCollection } from '@nocobase/database';
import { f, tt } from '../fields';

/**
 * 每站一套完整台账: the sections of a station's monthly ledger. A section is complete for a month when the
 * suite's own records show it (activities held, reception sessions held) or a ledger entry was uploaded.
 */
export default defineCollection({
  name: 'ledgerSections',
  title: tt('Ledger sections'),
  dumpRules: 'required',
  fields: [
    f.stringField('name', 'Section', { allowNull: false, uiSchema: { required: true } }),
    f.stringField('nameEn', 'Section (English)'),
    f.selectField(
      'source',
      'Completed by',
      [
        { value: 'entry', label: 'An uploaded ledger entry' },
        { value: 'activities', label: 'An approved station activity in the month' },
        { value: 'receptions', label: 'A reception session held in the month' },
      ],
      { defaultValue: 'entry', allowNull: false },
    ),
    f.checkboxField('active', 'Active', { defaultValue: true }),
    f.integerField('sort', 'Sort order', { defaultValue: 0 }),
  ],
});
