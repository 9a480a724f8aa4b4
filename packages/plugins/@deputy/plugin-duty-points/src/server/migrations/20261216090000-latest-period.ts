import { Migration } from '@nocobase/server';
import type { PluginDutyPointsServer } from '../plugin';

/**
 * 积分排行 opens on the latest published period (`scorePeriods.latest`, set at each publication): an instance
 * upgraded from before gets the mark on the period its published ones end with. Running it again gives the
 * same mark.
 */
export default class extends Migration {
  on = 'afterSync';
  appVersion = '<3.0.0';

  async up() {
    await (this.app.pm.get('@deputy/plugin-duty-points') as PluginDutyPointsServer).publication.markLatest();
  }
}
