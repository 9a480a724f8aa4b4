import type { DemoTown } from '@deputy/plugin-deputies';
import { onAction } from '@deputy/plugin-suite-core';
import {
  auditChanges,
  installPages,
  keepSingleRow,
  localizeDefaults,
  protectFromDeletion,
  refuseOutOfScopeWrites,
  registerInCollectionManager,
  scheduleJob,
  PluginPages,
  SuitePageSpec,
  validateFields,
} from '@deputy/plugin-suite-core';
import { deputyPageDefaults } from '@deputy/plugin-deputies';
import type { Context } from '@nocobase/actions';
import { Plugin } from '@nocobase/server';
import { guardCreates } from './actions/access';
import { registerKpiActions } from './actions/kpi-actions';
import { registerPairingActions } from './actions/pairing-actions';
import enUS from '../locale/en-US.json';
import { NS } from './fields';
import pageDefaults from './pages/defaults.json';
import pages from './pages/pages.json';
import snapshots from './pages/snapshots.json';
import assistanceTypeSeeds from './seeds/assistance-types.json';
import categorySeeds from './seeds/categories.json';
import { loadPairingAidDemo } from './demo';
import { AidCrediting } from './services/crediting';
import { AidKpi } from './services/kpi';
import { VisitReminders } from './services/visit-reminders';
import { enforceAidRules } from './services/lifecycle';
import { grantAidPermissions } from './services/role-grants';

export const AID_COLLECTIONS = [
  'aidSettings',
  'aidCategories',
  'aidAssistanceTypes',
  'aidHouseholds',
  'aidPairings',
  'aidPlans',
  'aidVisits',
  'aidRecords',
];

/** "1+N" 结对帮扶: households, pairings with the N limit, versioned plans, visits, outcomes and their KPIs. */
export class PluginPairingAidServer extends Plugin {
  kpi: AidKpi;
  crediting: AidCrediting;
  visitReminders: VisitReminders;

  async load() {
    this.kpi = new AidKpi(this.db);
    this.crediting = new AidCrediting(this.app, this.db);
    this.visitReminders = new VisitReminders(this.app, this.kpi);
    // Every morning at 07:00 (Asia/Shanghai): remind overdue visits.
    scheduleJob(this.app, {
      name: 'pairing-aid visit reminders',
      cronTime: '0 0 7 * * *',
      run: () => this.visitReminders.send(),
      log: this.log,
    });
    enforceAidRules(this.db);
    // After this plugin's own, more specific rules: the suite's checks of every field (types, choices, dates, references, lengths).
    validateFields(this.app, this.db, AID_COLLECTIONS);
    guardCreates(this.app);
    registerPairingActions(this.app);
    registerKpiActions(this.app, this.kpi, this.crediting);
    protectFromDeletion(this.app, this.db, AID_COLLECTIONS);
    keepSingleRow(this.app, ['aidSettings'], '@deputy/plugin-deputies');
    refuseOutOfScopeWrites(this.app, ['aidHouseholds', 'aidPairings', 'aidPlans', 'aidVisits', 'aidRecords']);
    // Who changed a household, a pairing (opened, closed, transferred), a plan, a visit or an outcome, and the
    // catalogues: when, before and after. The ID number is hidden in aidHouseholds, so only its masked form is kept.
    auditChanges(this.db, Object.fromEntries(AID_COLLECTIONS.map((name) => [name, {}])));
    // A confirmed visit or outcome is credited to the deputy's duty record once it is committed.
    for (const name of ['aidVisits', 'aidRecords']) {
      for (const action of ['create', 'update']) {
        onAction(this.app, `${name}:${action}`, async (ctx: Context, next) => {
          await next();
          if (ctx.status >= 400 || !this.crediting.dutyPoints()) return;
          await this.crediting.creditPending();
          const body = Array.isArray(ctx.body) ? ctx.body : [ctx.body];
          for (const row of body) if (row?.reload && row.get('id')) await row.reload();
        });
      }
    }
  }

  async install() {
    await this.ensureDefaults();
  }

  /** The demo town's households, pairings, plans, visits and outcomes (#22; deputyDemo:load). */
  async loadDemo(town: DemoTown) {
    return loadPairingAidDemo(this, town);
  }

  async upgrade() {
    await this.ensureDefaults();
  }

  /** The plugin's page (1+N结对帮扶, with the KPI block); an installed one is left as it is. */
  async afterEnable() {
    await this.installPages();
  }

  /** The plugin's pages and how they are installed (page-installer.ts); `npm run build:pages` snapshots them. */
  pageSpecs(): PluginPages {
    const defaults = { ...deputyPageDefaults(), ...localizeDefaults(pageDefaults.collections, NS, enUS) };
    return { pages: pages as SuitePageSpec[], options: { plugin: NS, locale: enUS, defaults, snapshots } };
  }

  async installPages() {
    const { pages, options } = this.pageSpecs();
    return installPages(this.app, pages, options);
  }

  /** Idempotent: collections in the collection manager, the seeded lists and settings, role permissions. */
  private async ensureDefaults() {
    await registerInCollectionManager(this.db, AID_COLLECTIONS);
    const settings = this.db.getRepository('aidSettings');
    if (!(await settings.count()))
      await settings.create({
        values: { maxPairingsPerDeputy: 3, visitItemCode: 'D20', outcomeItemCode: 'D21', defaultVisitIntervalDays: 90 },
      });
    const categories = this.db.getRepository('aidCategories');
    if (!(await categories.count())) await categories.createMany({ records: categorySeeds });
    const types = this.db.getRepository('aidAssistanceTypes');
    if (!(await types.count())) await types.createMany({ records: assistanceTypeSeeds });
    await grantAidPermissions(this.db);
    await this.installPages();
  }
}

export default PluginPairingAidServer;
