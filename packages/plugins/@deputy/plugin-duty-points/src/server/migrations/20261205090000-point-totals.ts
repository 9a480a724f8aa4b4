import { Migration } from '@nocobase/server';
import { TotalsReconciliation } from '../services/reconciliation';

/**
 * Scores read maintained totals (pointTotals, pointItemTotals) instead of summing the ledger. An instance
 * upgraded from before gets the two tables here (sync creates what is missing) and fills them from its ledger
 * in one transaction: one DELETE and one set-based INSERT … SELECT … GROUP BY per table, so running it again
 * gives the same rows. The ledger itself is not touched.
 */
export default class extends Migration {
  on = 'afterSync';
  appVersion = '<3.0.0';

  async up() {
    await this.db.getCollection('pointTotals').sync();
    await this.db.getCollection('pointItemTotals').sync();
    await new TotalsReconciliation(this.db).rebuild();
  }
}
