import { Migration } from '@nocobase/server';
import { BOARD_INDEX_FIELDS } from '../collections/scoreSnapshots';

/**
 * The public board reads one station's rows of a period's version in rank order: an instance upgraded from
 * before gets the index that serves it (periodId, version, stationId, rank) on scoreSnapshots. Without it the
 * board filtered every deputy's row of the version. Running it again changes nothing.
 */
export default class extends Migration {
  on = 'afterSync';
  appVersion = '<3.0.0';

  async up() {
    const collection = this.db.getCollection('scoreSnapshots');
    const table = collection.getTableNameWithSchema();
    const queryInterface = this.db.sequelize.getQueryInterface();
    // The column names as stored (underscored instances name them period_id, ...).
    const columns = BOARD_INDEX_FIELDS.map((name) => collection.model.rawAttributes[name].field);
    const existing = (await queryInterface.showIndex(table)) as { fields: { attribute: string }[] }[];
    if (existing.some((index) => index.fields.map((f) => f.attribute).join() === columns.join())) return;
    await queryInterface.addIndex(table, columns);
  }
}
