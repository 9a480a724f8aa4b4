import { Plugin } from '@nocobase/client';
import { ComplianceMatrixBlockModel } from './models/ComplianceMatrixBlockModel';

/**
 * The 六个一 pages are NocoBase blocks over this plugin's collections (rules, results, sessions, leave,
 * ledger). One custom block where NocoBase has none: the compliance matrix, coloured by status.
 */
export class PluginSixOnesClient extends Plugin {
  async load() {
    this.flowEngine.registerModels({ ComplianceMatrixBlockModel });
  }
}

export default PluginSixOnesClient;
