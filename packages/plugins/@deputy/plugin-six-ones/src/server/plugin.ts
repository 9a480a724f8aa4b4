import type { DemoTown } from '@deputy/plugin-deputies';
import { onAction, type HookOptions } from '@deputy/plugin-suite-core';
import {
  auditChanges,
  installPages,
  isAdministrator,
  isStationStaff,
  keepComputed,
  keepSingleRow,
  localizeDefaults,
  protectFromDeletion,
  refuseCreatesForOtherStations,
  refuseOutOfScopeWrites,
  registerInCollectionManager,
  scheduleJob,
  shanghaiToday,
  PluginPages,
  SuitePageSpec,
  validateFields,
} from '@deputy/plugin-suite-core';
import { deputyPageDefaults } from '@deputy/plugin-deputies';
import type { Context } from '@nocobase/actions';
import type { Model } from '@nocobase/database';
import { Plugin } from '@nocobase/server';
import { registerComplianceActions } from './actions/compliance-actions';
import { registerReceptionActions } from './actions/reception-actions';
import ledgerSectionSeeds from './seeds/ledger-sections.json';
import ruleSeeds from './seeds/rules.json';
import { loadSixOnesDemo } from './demo';
import { NS } from './fields';
import enUS from '../locale/en-US.json';
import pageDefaults from './pages/defaults.json';
import pages from './pages/pages.json';
import snapshots from './pages/snapshots.json';
import { Compliance } from './services/compliance';
import { addDays, monthOf } from './services/periods';
import { ReceptionSchedule } from './services/reception';
import { Reminders } from './services/reminders';
import { grantSixOnesPermissions } from './services/role-grants';

export const SIX_COLLECTIONS = [
  'dutyRules',
  'ruleResults',
  'deputyLeaves',
  'receptionSessions',
  'sixOnesSettings',
  'ledgerSections',
  'ledgerEntries',
];

const asDate = (v: unknown) => String(v ?? '').slice(0, 10);
/** What database hooks receive besides the row: the change's transaction, when it has one. */

/** "六个一": rules as data, compliance computed and shown, the 逢6 reception schedule and reminders. */
export class PluginSixOnesServer extends Plugin {
  compliance: Compliance;
  reception: ReceptionSchedule;
  reminders: Reminders;

  async load() {
    this.compliance = new Compliance(this.db);
    this.reception = new ReceptionSchedule(this.app);
    this.reminders = new Reminders(this.app);
    validateFields(
      this.app,
      this.db,
      SIX_COLLECTIONS.filter((n) => n !== 'ruleResults'),
    );
    protectFromDeletion(this.app, this.db, SIX_COLLECTIONS);
    refuseOutOfScopeWrites(this.app, ['deputyLeaves', 'receptionSessions', 'ledgerEntries']);
    refuseCreatesForOtherStations(this.app, { ledgerEntries: 'station', receptionSessions: 'station' });
    keepComputed(this.app, ['ruleResults'], '@deputy/plugin-deputies');
    keepSingleRow(this.app, ['sixOnesSettings'], '@deputy/plugin-deputies');
    auditChanges(this.db, { dutyRules: {}, ledgerSections: {}, sixOnesSettings: {}, deputyLeaves: {} });
    registerComplianceActions(this.app, this.compliance);
    registerReceptionActions(this.app, this.reception);
    this.reception.followDateChanges();
    // Leave is requested by the deputy for itself (or by station staff for their deputies), and starts pending.
    onAction(this.app, 'deputyLeaves:create', async (ctx: Context, next) => {
      const values = (ctx.action.params.values ??= {});
      if (!(await isAdministrator(ctx))) {
        const userId: number | undefined = ctx.state.currentUser?.id;
        const own: Model | null = await ctx.db.getRepository('deputies').findOne({ filter: { userId } });
        const requested = values.deputyId ?? values.deputy?.id ?? values.deputy;
        const forOther = requested !== undefined && String(requested) !== String(own?.get('id'));
        if ((await isStationStaff(ctx)) && forOther) {
          const ofMine = await ctx.db
            .getRepository('deputies')
            .count({ filter: { id: requested, 'station.staff.id': userId } });
          if (!ofMine)
            return ctx.throw(
              403,
              ctx.t('You can request leave only for yourself or the deputies of your station', { ns: NS }),
            );
        } else {
          if (!own) return ctx.throw(403, ctx.t('Your account is not linked to a deputy', { ns: NS }));
          values.deputyId = own.get('id');
          delete values.deputy;
          const whitelist = ctx.action.params.whitelist;
          if (Array.isArray(whitelist) && !whitelist.includes('deputyId')) whitelist.push('deputyId');
        }
        values.status = 'pending';
      }
      await next();
    });
    this.recomputeOnChange();
    this.scheduleNightlyJob();
  }

  /**
   * Incremental compliance: each change recomputes the slices it affects once it is committed, each slice in a
   * transaction of its own. Inside the change's transaction, two approvals at once each held one slice's lock
   * while asking for the other's: PostgreSQL aborted one of them (deadlock, found by the demo town's load).
   * A recompute that fails after the commit is logged; the nightly run computes everything again.
   */
  private recomputeOnChange() {
    const c = this.compliance;
    const afterCommit = (options: HookOptions, work: () => Promise<void>) => {
      const run = () =>
        work().catch((e: Error) => {
          this.log.error('compliance recompute after a change failed', { error: e?.message });
        });
      if (options?.transaction?.afterCommit) options.transaction.afterCommit(run);
      else return run();
    };
    this.db.on('dutyRecords.afterSave', async (record: Model, options: HookOptions) => {
      const was = record.previous('status');
      const now = record.get('status');
      if (was === now || (was !== 'approved' && now !== 'approved')) return;
      const scope = { deputyIds: [record.get('deputyId')] };
      await afterCommit(options, () =>
        c.recomputeFor(['records'], asDate(record.get('date')), scope, undefined, record.get('itemId')),
      );
    });
    this.db.on('dutyActivities.afterSave', async (activity: Model, options: HookOptions) => {
      if (!activity.get('stationId')) return;
      const scope = { stationIds: [activity.get('stationId')] };
      await afterCommit(options, async () => {
        await c.recomputeFor(['activities'], asDate(activity.get('date')), scope, undefined, activity.get('itemId'));
        await c.recomputeFor(['ledgerSections'], asDate(activity.get('date')), scope, undefined);
      });
    });
    this.db.on('receptionSessions.afterSave', async (session: Model, options: HookOptions) => {
      await afterCommit(options, () =>
        c.recomputeFor(
          ['receptionSessions', 'ledgerSections'],
          asDate(session.get('date')),
          { stationIds: [session.get('stationId')] },
          undefined,
        ),
      );
    });
    for (const event of ['afterSave', 'afterDestroy']) {
      this.db.on(`ledgerEntries.${event}`, async (entry: Model, options: HookOptions) => {
        await afterCommit(options, () =>
          c.recomputeFor(
            ['ledgerSections'],
            `${entry.get('month')}-01`,
            { stationIds: [entry.get('stationId')] },
            undefined,
          ),
        );
      });
    }
    this.db.on('deputyLeaves.afterSave', async (leave: Model, options: HookOptions) => {
      // Every month the leave touches (at most two years of them).
      await afterCommit(options, async () => {
        let month = monthOf(asDate(leave.get('from')));
        for (let i = 0; i < 24 && month.from <= asDate(leave.get('to')); i++) {
          await c.recomputeFor(['records', 'gridAreas'], month.from, { deputyIds: [leave.get('deputyId')] }, undefined);
          month = monthOf(addDays(month.to, 1));
        }
      });
    });
    // A deputy just added: the periods of today. Elected, leaving or moving: every period of the years concerned.
    this.db.on('deputies.afterCreate', async (deputy: Model, options: HookOptions) => {
      await afterCommit(options, () => c.recomputeDeputy(deputy.get('id'), [], undefined, shanghaiToday()));
    });
    this.db.on('deputies.afterUpdate', async (deputy: Model, options: HookOptions) => {
      const id = deputy.get('id');
      const fields = ['electedOn', 'leftOn', 'status', 'stationId', 'termId'];
      if (!fields.some((name) => deputy.changed(name))) return;
      const thisYear = Number(shanghaiToday().slice(0, 4));
      const years = new Set<number>([thisYear]);
      for (const name of ['electedOn', 'leftOn']) {
        for (const v of [deputy.get(name), deputy.previous(name)]) {
          const y = Number(asDate(v).slice(0, 4));
          if (y && y <= thisYear && y >= thisYear - 1) years.add(y);
        }
      }
      await afterCommit(options, () => c.recomputeDeputy(id, [...years], undefined));
    });
    // Grid areas are set with the deputy (its associations): the standing rule follows.
    this.db.on('deputies.afterSaveWithAssociations', async (deputy: Model, options: HookOptions) => {
      await afterCommit(options, () =>
        c.recomputeFor(['gridAreas'], shanghaiToday(), { deputyIds: [deputy.get('id')] }, undefined),
      );
    });
    // After the associations are saved, so that a rule's new duty items count at once.
    this.db.on('dutyRules.afterSaveWithAssociations', async (rule: Model, options: HookOptions) => {
      // An edited rule: its results of this year follow at once.
      await this.db
        .getModel('ruleResults')
        .destroy({ where: { ruleId: rule.get('id') }, transaction: options.transaction });
      if (!rule.get('active')) return;
      const [fresh] = await c.rules({ id: rule.get('id') }, options.transaction);
      if (!fresh) return;
      const year = Number(shanghaiToday().slice(0, 4));
      for (const period of await c.periodsOf(fresh, year, options.transaction)) {
        if (period.from <= shanghaiToday()) await c.compute(fresh, period, {}, options.transaction);
      }
    });
  }

  /** Every night at 00:30 (Asia/Shanghai): next month's sessions, settle past ones, recompute this year, remind. */
  private scheduleNightlyJob() {
    scheduleJob(this.app, {
      name: 'six-ones nightly',
      cronTime: '0 30 0 * * *',
      run: () => this.nightly(),
      log: this.log,
    });
  }

  async nightly(today = shanghaiToday()) {
    const thisMonth = today.slice(0, 7);
    const nextMonth = monthOf(addDays(monthOf(today).to, 1)).key;
    await this.reception.generateMonth(thisMonth);
    await this.reception.generateMonth(nextMonth);
    const closed = await this.reception.closeDue(today);
    // The year that yesterday belonged to (so the last day of December is settled on 1 January).
    const year = Number(addDays(today, -1).slice(0, 4));
    const slices = await this.compliance.recomputeYear(year);
    const reminders = await this.reminders.send(today);
    const sessionNotices = await this.reminders.sessions(today);
    return { closed, slices, reminders, sessionNotices };
  }

  /** The demo town's 六个一 part (#22): reception sessions, sign-ins, leave, settlement, ledger, compliance. */
  async loadDemo(town: DemoTown) {
    return loadSixOnesDemo(this, town);
  }

  async install() {
    await this.ensureDefaults();
  }

  async upgrade() {
    await this.ensureDefaults();
  }

  /** The plugin's pages (六个一达标, 逢6接待); installed ones are left as they are. */
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

  /** Idempotent: collections in the collection manager, seeded rules, ledger sections, settings, permissions. */
  private async ensureDefaults() {
    await registerInCollectionManager(this.db, SIX_COLLECTIONS);
    const rules = this.db.getRepository('dutyRules');
    if (!(await rules.count())) {
      for (const { itemCodes, ...rule } of ruleSeeds) {
        const items: Model[] = await this.db
          .getRepository('dutyItems')
          .find({ filter: { code: { $in: itemCodes } }, fields: ['id'] });
        await rules.create({ values: { ...rule, items: items.map((i) => i.get('id')) }, hooks: false });
      }
    }
    const sections = this.db.getRepository('ledgerSections');
    if (!(await sections.count())) await sections.createMany({ records: ledgerSectionSeeds });
    const settings = this.db.getRepository('sixOnesSettings');
    if (!(await settings.count())) await settings.create({ values: {} });
    await grantSixOnesPermissions(this.db);
    await this.installPages();
  }
}

export default PluginSixOnesServer;
