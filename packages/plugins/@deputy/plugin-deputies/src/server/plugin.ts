import crypto from 'crypto';
import type { Model } from '@nocobase/database';
import { Plugin } from '@nocobase/server';
import {
  auditChanges,
  installPages,
  keepSingleRow,
  localizeDefaults,
  PluginPages,
  protectFromDeletion,
  refuseCreatesForOtherStations,
  refuseOutOfScopeWrites,
  registerInCollectionManager,
  SuitePageSpec,
  daysOfMonth,
  validateFields,
} from '@deputy/plugin-suite-core';
import enUS from '../locale/en-US.json';
import { registerDeputyActions } from './actions/deputy-actions';
import { registerDemoLoad } from './demo/demo-load';
import { NS } from './fields';
import { DeputyDirectory } from './services/deputy-directory';
import { installRoleDefaults } from './services/deputy-roles';
import { declareReadActions, registerDeputyWriteGuard } from './services/deputy-write-guard';
import { enforceGridAreaLimit } from './services/grid-area-limit';
import pageDefaults from './pages/defaults.json';
import pages from './pages/pages.json';
import snapshots from './pages/snapshots.json';

/** The collections this plugin defines in ./collections (auto-loaded by package name). */
export const DEPUTY_COLLECTIONS = [
  'deputyTerms',
  'liaisonStations',
  'gridAreas',
  'deputies',
  'deputyGroups',
  'deputySettings',
];

/** Field groups of the popups NocoBase generates for deputies and stations, for every plugin's pages. */
export function deputyPageDefaults() {
  return localizeDefaults(pageDefaults.collections, NS, enUS);
}

/** Deputies, liaison stations, grid areas, terms and groups: the records every other plugin refers to. */
export class PluginDeputiesServer extends Plugin {
  directory: DeputyDirectory;

  async load() {
    this.directory = new DeputyDirectory(this.db);
    protectFromDeletion(this.app, this.db, DEPUTY_COLLECTIONS);
    refuseOutOfScopeWrites(this.app, DEPUTY_COLLECTIONS);
    enforceGridAreaLimit(this.db, NS);
    registerDeputyWriteGuard(this.app, NS);
    declareReadActions(['deputies:me']);
    registerDeputyActions(this.app, NS);
    registerDemoLoad(this.app);
    validateFields(this.app, this.db, DEPUTY_COLLECTIONS, { 'liaisonStations.receptionDays': daysOfMonth });
    keepSingleRow(this.app, ['deputySettings'], NS);
    refuseCreatesForOtherStations(this.app, { gridAreas: 'station', deputyGroups: 'station' });
    auditChanges(this.db, { deputies: {}, liaisonStations: {}, gridAreas: {}, deputyTerms: {}, deputySettings: {} });
    // Unguessable tokens for the public QR codes (码上找代表); never derived from ids.
    const giveToken = (model: Model) => {
      if (!model.get('qrToken')) model.set('qrToken', crypto.randomBytes(12).toString('base64url'));
    };
    for (const name of ['deputies', 'liaisonStations']) {
      this.db.on(`${name}.beforeCreate`, giveToken);
      // Excel import creates rows in bulk.
      this.db.on(`${name}.beforeBulkCreate`, (models: Model[]) => models.forEach(giveToken));
    }
  }

  async install() {
    await this.ensureDefaults();
  }

  async upgrade() {
    await this.ensureDefaults();
  }

  /** The suite's pages: on install, upgrade and re-enable; pages already installed are left as they are. */
  async afterEnable() {
    await this.installPages();
  }

  /** The plugin's pages and how they are installed (page-installer.ts); `npm run build:pages` snapshots them. */
  pageSpecs(): PluginPages {
    return {
      pages: pages as SuitePageSpec[],
      options: { plugin: NS, locale: enUS, defaults: deputyPageDefaults(), snapshots },
    };
  }

  async installPages() {
    const { pages, options } = this.pageSpecs();
    return installPages(this.app, pages, options);
  }

  /** Idempotent: registers collections, the settings row and the suite's roles when missing. */
  private async ensureDefaults() {
    await registerInCollectionManager(this.db, DEPUTY_COLLECTIONS);
    const settings = this.db.getRepository('deputySettings');
    if (!(await settings.count())) await settings.create({ values: { maxGridAreasPerDeputy: 1 } });
    await installRoleDefaults(this.db);
    await this.installPages();
  }
}

export default PluginDeputiesServer;
