import { Migration } from '@nocobase/server';

/**
 * Published scores carry a `current` mark on the latest version of each period (the 积分排行 page shows those
 * rows only). An instance upgraded from before marks, for each period, the rows of the version it has
 * published last; earlier versions stay unmarked. Running it again gives the same marks.
 */
export default class extends Migration {
  on = 'afterSync';
  appVersion = '<3.0.0';

  async up() {
    const snapshots = this.db.getModel('scoreSnapshots');
    for (const period of await this.db.getRepository('scorePeriods').find({ fields: ['id', 'version'] })) {
      const where = { periodId: period.get('id') };
      await snapshots.update({ current: false }, { where, hooks: false });
      await snapshots.update({ current: true }, { where: { ...where, version: period.get('version') }, hooks: false });
    }
  }
}
