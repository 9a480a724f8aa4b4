import { defineCollection } from '@nocobase/database';
import { f, tt } from '../fields';

/**
 * 积分台账: append-only. One `award` entry when a record is approved (capped by the item's yearly cap),
 * one `reversal` when it is revoked. Totals, ranks and grades are sums over this table and nothing else.
 * The unique (record, kind) index makes a second posting of the same record impossible.
 */
export default defineCollection({
  name: 'pointEntries',
  title: tt('Points ledger'),
  dumpRules: 'required',
  createdBy: true,
  updatedAt: false,
  indexes: [
    { fields: ['recordId', 'kind'], unique: true },
    { fields: ['deputyId', 'year'] },
    // Covers the yearly ranking: an index-only scan sums points per deputy.
    { fields: ['year', 'deputyId', 'points'] },
  ],
  fields: [
    f.belongsToField('deputy', 'Deputy', 'deputies', 'name'),
    f.belongsToField('item', 'Duty item', 'dutyItems', 'name'),
    f.belongsToField('record', 'Duty record', 'dutyRecords', 'id'),
    f.selectField('kind', 'Entry kind', [
      { value: 'award', label: 'Award' },
      { value: 'reversal', label: 'Reversal' },
    ]),
    f.integerField('year', 'Year'),
    f.dateField('date', 'Date'),
    f.integerField('points', 'Points'),
    f.integerField('requestedPoints', 'Points before the cap'),
    f.integerField('itemVersion', 'Item version'),
    f.textField('note', 'Note'),
  ],
});
