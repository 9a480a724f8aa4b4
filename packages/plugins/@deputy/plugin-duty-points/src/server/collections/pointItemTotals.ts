import { defineCollection } from '@nocobase/database';
import { f, tt } from '../fields';

/**
 * A deputy's points of a year per duty item (what the cap left is read from), and how many of its records of
 * the item stand (awards minus reversals: the grade fails after enough of an item such as 弄虚作假). Kept with
 * pointTotals by the Ledger and reconciled like it.
 */
export default defineCollection({
  name: 'pointItemTotals',
  title: tt('Points totals per item'),
  dumpRules: 'skipped',
  dataCategory: 'runtime',
  createdAt: false,
  updatedAt: false,
  indexes: [
    { fields: ['deputyId', 'itemId', 'year'], unique: true },
    // The deputies failing the grade: an item's standing records in a year.
    { fields: ['itemId', 'year', 'standing'] },
  ],
  fields: [
    f.belongsToField('deputy', 'Deputy', 'deputies', 'name'),
    f.belongsToField('item', 'Duty item', 'dutyItems', 'name'),
    f.integerField('year', 'Year'),
    f.integerField('points', 'Points'),
    f.integerField('standing', 'Standing records'),
  ],
});
