import crypto from 'crypto';
import { Plugin } from '@nocobase/server';
import enUS from '../locale/en-US.json';
import zhCN from '../locale/zh-CN.json';
import { registerDeputyActions } from './actions/deputy-actions';
import { registerDemoLoad } from './demo/demo-load';
import { NS } from './field-builders';
import { protectFromDeletion, registerInCollectionManager } from './services/collection-registration';
import { auditChanges } from './services/audit-trail';
import { applyDeploymentDefaults } from './services/deployment-defaults';
import { DeputyDirectory } from './services/deputy-directory';
import { declareReadActions, registerDeputyWriteGuard } from './services/deputy-write-guard';
import { answerMalformedRequests } from './security/malformed-requests';
import { answerDatabaseOutages } from './services/database-outage';
import { registerReadGuard } from './security/read-guard';
import { registerWriteGuard } from './security/write-guard';
import { guardFileAccess } from './security/file-access';
import { Notifier } from './services/notifier';
import { translateFieldErrors } from './services/field-error-messages';
import { daysOfMonth, validateFields } from './services/field-validation';
import { enforceGridAreaLimit } from './services/grid-area-limit';
import { installPages, localizeDefaults, PluginPages, SuitePageSpec } from './services/page-installer';
import { installRoleDefaults } from './services/role-defaults';
import pageDefaults from './pages/defaults.json';
import pages from './pages/pages.json';
import snapshots from './pages/snapshots.json';
import { refuseCreatesForOtherStations, refuseOutOfScopeWrites } from './services/scope-guard';
import { protectSignIn } from './services/sign-in-protection';
import { keepComputed, keepSingleRow, refuseDirectCreates } from './services/system-data-guard';
import { trustProxy } from './services/trust-proxy';
import { shanghaiToday, WorkCalendar } from './services/work-calendar';

/** The collections this plugin defines in ./collections (auto-loaded by package name). */
export const DEPUTY_COLLECTIONS = ['deputyTerms', 'liaisonStations', 'gridAreas', 'deputies', 'deputyGroups', 'deputySettings', 'workCalendarDays', 'auditTrail', 'reminderLog', 'scheduledJobRuns'];

/** Field groups of the popups NocoBase generates for deputies and stations, for every plugin's pages. */
export function deputyPageDefaults() {
  return localizeDefaults(pageDefaults.collections, NS, enUS);
}

/** Deputies, liaison stations, grid areas, terms and groups: the records every other plugin refers to. */
export class PluginDeputiesServer extends Plugin {
  directory: DeputyDirectory;
  calendar: WorkCalendar;
  notifier: Notifier;

  async load() {
    // Behind nginx: the client's address from X-Forwarded-For when APP_TRUST_PROXY says so (README).
    trustProxy(this.app);
    this.directory = new DeputyDirectory(this.db);
    this.calendar = new WorkCalendar(this.db);
    this.notifier = new Notifier(this.app);
    protectFromDeletion(this.app, this.db, DEPUTY_COLLECTIONS);
    refuseOutOfScopeWrites(this.app, DEPUTY_COLLECTIONS);
    enforceGridAreaLimit(this.db, NS);
    registerDeputyWriteGuard(this.app, NS);
    // What every request to a suite collection obeys, whoever calls (README, Security).
    registerReadGuard(this.app);
    registerWriteGuard(this.app);
    guardFileAccess(this.app);
    answerMalformedRequests(this.app);
    answerDatabaseOutages(this.app);
    declareReadActions(['deputies:me']);
    registerDeputyActions(this.app, NS);
    registerDemoLoad(this.app);
    protectSignIn(this.app, NS);
    translateFieldErrors(this.app);
    validateFields(this.app, this.db, DEPUTY_COLLECTIONS.filter((n) => !['auditTrail', 'reminderLog', 'scheduledJobRuns'].includes(n)), { 'liaisonStations.receptionDays': daysOfMonth });
    refuseDirectCreates(this.app, ['auditTrail', 'reminderLog'], NS);
    // Written by the jobs themselves; nobody creates, edits or deletes a run.
    keepComputed(this.app, ['scheduledJobRuns'], NS);
    keepSingleRow(this.app, ['deputySettings'], NS);
    refuseCreatesForOtherStations(this.app, { gridAreas: 'station', deputyGroups: 'station' });
    auditChanges(this.db, { deputies: {}, liaisonStations: {}, gridAreas: {}, deputyTerms: {}, deputySettings: {}, workCalendarDays: {} });
    // Unguessable tokens for the public QR codes (码上找代表); never derived from ids.
    const giveToken = (model: any) => {
      if (!model.get('qrToken')) model.set('qrToken', crypto.randomBytes(12).toString('base64url'));
    };
    for (const name of ['deputies', 'liaisonStations']) {
      this.db.on(`${name}.beforeCreate`, giveToken);
      // Excel import creates rows in bulk.
      this.db.on(`${name}.beforeBulkCreate`, (models: any[]) => models.forEach(giveToken));
    }
  }

  async install() {
    await this.ensureDefaults();
    await applyDeploymentDefaults(this.db, {
      'zh-CN': zhCN['Deputy duty performance'],
      'en-US': enUS['Deputy duty performance'],
    });
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
    return { pages: pages as SuitePageSpec[], options: { plugin: NS, locale: enUS, defaults: deputyPageDefaults(), snapshots } };
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
    // This year's and next year's statutory holidays, where published; never overwrites an administrator's days.
    const year = Number(shanghaiToday().slice(0, 4));
    await this.calendar.seedStatutory([year - 1, year, year + 1]);
    await this.notifier.ensureChannel();
    await this.installPages();
  }
}

export default PluginDeputiesServer;
