import { Plugin } from '@nocobase/server';
import enUS from '../locale/en-US.json';
import zhCN from '../locale/zh-CN.json';
import { protectFromDeletion, registerInCollectionManager } from './services/collection-registration';
import { DeputyDirectory } from './services/deputy-directory';
import { NS } from './field-builders';
import { applyDeploymentDefaults } from './services/deployment-defaults';

/** The collections this plugin defines in ./collections (auto-loaded by package name). */
export const DEPUTY_COLLECTIONS = ['liaisonStations', 'deputies'];

/**
 * Deputies, liaison stations and grid areas: the records every other plugin of the suite refers to.
 */
export class PluginDeputiesServer extends Plugin {
  directory: DeputyDirectory;

  async load() {
    this.directory = new DeputyDirectory(this.db);
    protectFromDeletion(this.app, this.db, DEPUTY_COLLECTIONS, NS);
  }

  async install() {
    await registerInCollectionManager(this.db, DEPUTY_COLLECTIONS);
    await applyDeploymentDefaults(this.db, {
      'zh-CN': zhCN['Deputy duty performance'],
      'en-US': enUS['Deputy duty performance'],
    });
  }

  async upgrade() {
    await registerInCollectionManager(this.db, DEPUTY_COLLECTIONS);
  }
}

export default PluginDeputiesServer;
