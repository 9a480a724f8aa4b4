import { Plugin } from '@nocobase/server';
import { DeputyDirectory } from './services/deputy-directory';

/**
 * Deputies, liaison stations and grid areas: the records every other plugin of the suite refers to.
 * Collections come from ./collections (auto-loaded by package name) and are `uiManageable`, so
 * plugin-data-source-main copies them into the collection manager on install/enable/upgrade and they can
 * be used by blocks, role permissions and workflows, and extended with fields in the UI.
 */
export class PluginDeputiesServer extends Plugin {
  directory: DeputyDirectory;

  async load() {
    this.directory = new DeputyDirectory(this.db);
  }
}

export default PluginDeputiesServer;
