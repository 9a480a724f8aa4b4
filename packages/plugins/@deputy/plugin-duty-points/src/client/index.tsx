import { Plugin } from '@nocobase/client';
import { MyPointsBlockModel } from './models/MyPointsBlockModel';
import { keepScannedSignInCode } from './sign-in-link';

/**
 * The duty-points pages are NocoBase blocks over this plugin's collections. One custom block where NocoBase
 * has none: 我的积分, the points, ranks and cap left computed by dutyScores:mine. A scanned activity QR card's
 * code is kept for the 活动签到 tile (sign-in-link.ts).
 */
export class PluginDutyPointsClient extends Plugin {
  async load() {
    this.flowEngine.registerModels({ MyPointsBlockModel });
    keepScannedSignInCode();
  }
}

export default PluginDutyPointsClient;
