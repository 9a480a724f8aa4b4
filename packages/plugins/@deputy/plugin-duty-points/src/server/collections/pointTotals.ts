import { defineCollection } from '@nocobase/database';
import { f, tt } from '../fields';

/**
 * A deputy's points of a year: the sum of its ledger entries, kept by the Ledger in the transaction that posts
 * each entry (after the deputy's row lock), so a score and a rank are index lookups rather than a ledger scan.
 * Derived data: the reconciliation (services/totals.ts) compares it with the ledger and repairs it, and rebuilds
 * it when a restore leaves it empty; a backup does not need it. Nobody writes it through the API.
 */
export default defineCollection({
  name: 'pointTotals',
  title: tt('Points totals'),
  dumpRules: 'skipped',
  dataCategory: 'runtime',
  createdAt: false,
  updatedAt: false,
  indexes: [
    { fields: ['deputyId', 'year'], unique: true },
    // The rank: how many deputies of the year have more points.
    { fields: ['year', 'total'] },
  ],
  fields: [
    f.belongsToField('deputy', 'Deputy', 'deputies', 'name'),
    f.integerField('year', 'Year'),
    f.integerField('total', 'Total points'),
  ],
});
