import fs from 'fs';
import path from 'path';
import type { DemoTown } from '@deputy/plugin-deputies';
import { deputyPageDefaults } from '@deputy/plugin-deputies';
import {
  auditChanges,
  installPages,
  localizeDefaults,
  PluginPages,
  PluginPageSnapshots,
  SuitePageSpec,
  keepComputed,
  keepSingleRow,
  protectFromDeletion,
  refuseDirectCreates,
  refuseOutOfScopeWrites,
  registerInCollectionManager,
  scheduleJob,
  validateFields,
} from '@deputy/plugin-suite-core';
import { Plugin } from '@nocobase/server';
import { registerCardActions } from './actions/card-actions';
import { registerMediationActions } from './actions/mediation-actions';
import { registerOpinionActions } from './actions/opinion-actions';
import { registerPublicActions } from './actions/public-actions';
import { keepReferencesInStation } from './actions/reference-guard';
import { registerStatsActions } from './actions/stats-actions';
import { loadPublicVoiceDemo } from './demo';
import { NS } from './fields';
import enUS from '../locale/en-US.json';
import pageDefaults from './pages/defaults.json';
import pages from './pages/pages.json';
import classSeeds from './seeds/opinion-classes.json';
import { VoiceCrediting } from './services/crediting';
import { Mediation } from './services/mediation';
import { OpinionFlow } from './services/opinion-flow';
import { PublicIntake } from './services/public-intake';
import { grantVoicePermissions } from './services/role-grants';
import { enforceVoiceRules } from './services/rules';
import { DEFAULT_SETTINGS } from './services/settings';
import { OpinionStats } from './services/stats';

export const VOICE_COLLECTIONS = [
  'publicVoiceSettings',
  'opinionClasses',
  'opinions',
  'opinionMilestones',
  'mediationCases',
];

/** 码上找代表 and the closed loop of 群众意见建议: public QR form, classification on a clock, escalation, 一三六九 mediation, dashboards. */
export class PluginPublicVoiceServer extends Plugin {
  flow: OpinionFlow;
  intake: PublicIntake;
  mediation: Mediation;
  stats: OpinionStats;
  crediting: VoiceCrediting;

  async load() {
    this.flow = new OpinionFlow(this.app);
    this.intake = new PublicIntake(this.app, this.flow);
    this.mediation = new Mediation(this.app);
    this.stats = new OpinionStats(this.db);
    this.crediting = new VoiceCrediting(this.app);
    enforceVoiceRules(this.db, this.mediation);
    // After this plugin's own rules: the suite's checks of every field (types, choices, dates, references, lengths).
    validateFields(
      this.app,
      this.db,
      VOICE_COLLECTIONS.filter((n) => n !== 'opinionMilestones'),
    );
    registerPublicActions(this.app, this.intake);
    registerOpinionActions(this.app, this.flow, this.intake, this.crediting);
    registerMediationActions(this.app, this.mediation, this.crediting);
    keepReferencesInStation(this.app);
    registerStatsActions(this.app, this.stats);
    registerCardActions(this.app);
    protectFromDeletion(this.app, this.db, VOICE_COLLECTIONS);
    refuseDirectCreates(this.app, ['opinionMilestones'], '@deputy/plugin-deputies');
    keepSingleRow(this.app, ['publicVoiceSettings'], '@deputy/plugin-deputies');
    // The public form's counters: written by the rate limiter only (no role is granted them either).
    keepComputed(this.app, ['publicVoiceRateLimits'], '@deputy/plugin-deputies');
    refuseOutOfScopeWrites(this.app, ['opinions', 'mediationCases']);
    auditChanges(this.db, { opinionClasses: {}, publicVoiceSettings: {} });
    // Every day at 00:20 (Asia/Shanghai): escalate overdue opinions, flag overdue mediation milestones.
    // (It was added on afterStart, after the cron manager had started its jobs, and so never ran.)
    scheduleJob(this.app, {
      name: 'public-voice daily',
      cronTime: '0 20 0 * * *',
      run: () => this.daily(),
      log: this.log,
    });
  }

  /** The daily job, with the clock passed in (tests pass a fake "now"); it also drops the rate limiter's ended windows. */
  async daily(now = new Date()) {
    const opinions = await this.flow.escalateOverdue(now);
    const mediation = await this.mediation.checkOverdue(now);
    await this.intake.limiter.prune(now);
    return { opinions, mediation };
  }

  /** Shorthand of the daily job's first half: escalates every opinion whose next step is overdue at `now`. */
  escalateOverdue(now = new Date()) {
    return this.flow.escalateOverdue(now);
  }

  /** The demo town's public-voice part (#22): a year of opinions through the flow, the daily job, mediation cases. */
  async loadDemo(town: DemoTown) {
    return loadPublicVoiceDemo(this, town);
  }

  async install() {
    await this.ensureDefaults();
  }

  async upgrade() {
    await this.ensureDefaults();
  }

  /** The plugin's pages (群众意见, 我收到的意见, 矛盾调解); installed ones are left as they are. */
  async afterEnable() {
    await this.installPages();
  }

  /** The plugin's pages and how they are installed (page-installer.ts); `npm run build:pages` snapshots them. */
  pageSpecs(): PluginPages {
    const defaults = { ...deputyPageDefaults(), ...localizeDefaults(pageDefaults.collections, NS, enUS) };
    return {
      pages: pages as SuitePageSpec[],
      options: { plugin: NS, locale: enUS, defaults, snapshots: builtSnapshots() },
    };
  }

  async installPages() {
    const { pages, options } = this.pageSpecs();
    return installPages(this.app, pages, options);
  }

  /** Idempotent: collections in the collection manager, the seeded classes and settings, role permissions. */
  private async ensureDefaults() {
    await registerInCollectionManager(this.db, VOICE_COLLECTIONS);
    const settings = this.db.getRepository('publicVoiceSettings');
    if (!(await settings.count())) await settings.create({ values: { ...DEFAULT_SETTINGS } });
    const classes = this.db.getRepository('opinionClasses');
    if (!(await classes.count())) await classes.createMany({ records: classSeeds });
    await grantVoicePermissions(this.db);
    await this.installPages();
  }
}

/**
 * The rows `npm run build:pages` built from the blueprints (pages/snapshots.json, copied into dist with the
 * other assets). Read when present: until the first build a page is applied from its blueprint at install.
 */
function builtSnapshots(): PluginPageSnapshots | undefined {
  const file = path.join(__dirname, 'pages', 'snapshots.json');
  return fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, 'utf8')) as PluginPageSnapshots) : undefined;
}

export default PluginPublicVoiceServer;
