import { Plugin } from '@nocobase/client';
import { OpinionDashboardBlockModel } from './models/OpinionDashboardBlockModel';

/**
 * The opinion pages are NocoBase blocks over this plugin's collections. One custom block: 意见建议办理情况,
 * the closure rate and open/overdue figures computed by opinionStats:summary. The public QR form is a
 * server page (/api/opinions:form?token=…).
 */
export class PluginPublicVoiceClient extends Plugin {
  async load() {
    this.flowEngine.registerModels({ OpinionDashboardBlockModel });
  }
}

export default PluginPublicVoiceClient;
