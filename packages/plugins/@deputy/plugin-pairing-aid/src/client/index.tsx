import { Plugin } from '@nocobase/client';
import { AidKpiBlockModel } from './models/AidKpiBlockModel';

/**
 * The pairing-assistance pages are NocoBase blocks over this plugin's collections. One custom block:
 * 结对帮扶指标, the KPIs and overdue visits computed by aidKpi:summary and aidKpi:overdue.
 */
export class PluginPairingAidClient extends Plugin {
  async load() {
    this.flowEngine.registerModels({ AidKpiBlockModel });
  }
}

export default PluginPairingAidClient;
