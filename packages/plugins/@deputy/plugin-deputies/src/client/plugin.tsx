import { Plugin } from '@nocobase/client';
import { StationOverviewBlockModel } from './models/StationOverviewBlockModel';

export class PluginDeputiesClient extends Plugin {
  async load() {
    // Registered flow models appear under "Add block → Other blocks" on any modern page.
    this.flowEngine.registerModels({ StationOverviewBlockModel });
  }
}

export default PluginDeputiesClient;
