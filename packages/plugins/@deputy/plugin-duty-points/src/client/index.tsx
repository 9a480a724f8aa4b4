import { Plugin } from '@nocobase/client';

/** The duty-points pages are NocoBase blocks over this plugin's collections; nothing custom is needed yet. */
export class PluginDutyPointsClient extends Plugin {}

export default PluginDutyPointsClient;
