import { Plugin } from '@nocobase/client';
import { MyPointsBlockModel } from './models/MyPointsBlockModel';

/**
 * The duty-points pages are NocoBase blocks over this plugin's collections. One custom block where NocoBase
 * has none: 我的积分, the points, ranks and cap left computed by dutyScores:mine.
 */
export class PluginDutyPointsClient extends Plugin {
  async load() {
    this.flowEngine.registerModels({ MyPointsBlockModel });
  }
}

export default PluginDutyPointsClient;
