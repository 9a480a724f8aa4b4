import type { DemoTown, PluginDeputiesServer } from '@deputy/plugin-deputies';
import {
  auditChanges,
  installPages,
  localizeDefaults,
  PluginPages,
  SuitePageSpec,
  validateFields,
  keepComputed,
  keepSingleRow,
  protectFromDeletion,
  refuseCreatesForOtherStations,
  refuseDirectCreates,
  refuseOutOfScopeWrites,
  registerInCollectionManager,
  scheduleJob,
  suiteCore,
} from '@deputy/plugin-suite-core';
import { deputyPageDefaults } from '@deputy/plugin-deputies';
import { Plugin } from '@nocobase/server';
import type { Model } from '@nocobase/database';
import enUS from '../locale/en-US.json';
import zhCN from '../locale/zh-CN.json';
import pageDefaults from './pages/defaults.json';
import pages from './pages/pages.json';
import snapshots from './pages/snapshots.json';
import statistics from './pages/statistics.json';
import { loadDutyPointsDemo } from './demo';
import { NS } from './fields';
import { registerRecordActions } from './actions/record-actions';
import { registerPublicationActions } from './actions/publication-actions';
import { registerScoreActions } from './actions/score-actions';
import gradeBandSeeds from './seeds/grade-bands.json';
import dutyItemSeeds from './seeds/duty-items.json';
import { newSignInCode } from './services/activity-sign-in';
import { DutyFiling } from './services/filing';
import { Ledger } from './services/ledger';
import { Publication } from './services/publication';
import { TotalsReconciliation } from './services/reconciliation';
import { enforceRecordLifecycle } from './services/record-lifecycle';
import { installReviewWorkflow, Titles } from './services/review-workflow';
import { watchReviewLevels } from './services/review-levels';
import { ReviewRecovery } from './services/review-recovery';
import { grantDutyPermissions } from './services/role-grants';
import { periodRange, Scores } from './services/scores';
import { YearClose } from './services/year-close';

/** The review workflow's node and button titles (zh-CN: what county staff see in the designer and task centre). */
const REVIEW_TITLES: Titles = {
  workflow: zhCN['Duty record review'],
  review: zhCN['Review'],
  update: zhCN['Record the decision'],
  approve: zhCN['Approve'],
  reject: zhCN['Return'],
  comment: zhCN['Review comment'],
  record: zhCN['Duty record'],
};

/** Written by the suite's services only (never through the API); not re-checked on every posting. */
const SYSTEM_WRITTEN = ['pointEntries', 'scoreSnapshots', 'deputyYearGrades', 'activityAttendances'];
/** The ledger's totals, kept by the Ledger and the reconciliation: neither created, edited nor deleted through the API. */
const KEPT_TOTALS = ['pointTotals', 'pointItemTotals'];

export const DUTY_COLLECTIONS = [
  'dutyItems',
  'gradeBands',
  'dutyPointsSettings',
  'dutyActivities',
  'activityAttendances',
  'dutyRecords',
  'pointEntries',
  'pointTotals',
  'pointItemTotals',
  'scorePeriods',
  'scoreSnapshots',
  'pointAppeals',
  'deputyYearGrades',
  'reviewLevels',
];

/** The 统计分析 charts (applyBlueprint `assets.charts`), for the pages that show some of them (the county home). */
export function statisticsCharts(): Record<string, Record<string, unknown>> {
  return statistics[0].blueprint.assets.charts;
}

/** 代表积分制: the 26-item catalogue, duty records and their review, the points ledger and grades. */
export class PluginDutyPointsServer extends Plugin {
  ledger: Ledger;
  scores: Scores;
  publication: Publication;
  filing: DutyFiling;
  yearClose: YearClose;
  reviewRecovery: ReviewRecovery;
  reconciliation: TotalsReconciliation;

  async load() {
    this.ledger = new Ledger(this.db);
    this.reconciliation = new TotalsReconciliation(this.db);
    this.scores = new Scores(this.db);
    const deputiesPlugin = () => this.pm.get('@deputy/plugin-deputies') as PluginDeputiesServer;
    this.publication = new Publication(this.db, this.scores, suiteCore(this.app).calendar);
    const deputies = () => deputiesPlugin().directory;
    enforceRecordLifecycle(this.db, this.ledger);
    // After the lifecycle's own, more specific checks: types, choices, dates, references, lengths of every field.
    validateFields(
      this.app,
      this.db,
      DUTY_COLLECTIONS.filter((n) => !SYSTEM_WRITTEN.includes(n) && !KEPT_TOTALS.includes(n)),
      {
        'scorePeriods.key': (key) =>
          periodRange(String(key)) ? null : 'Give the period as a year (2026) or a quarter (2026-Q3)',
      },
      NS,
    );
    this.filing = new DutyFiling(this.db, deputies);
    // After the lifecycle's transition check: what going to review needs, however the status changes.
    this.filing.watchSubmissions();
    registerRecordActions(this.app, () => this.filing, deputies);
    watchReviewLevels(this.db, REVIEW_TITLES);
    this.reviewRecovery = new ReviewRecovery(this.app);
    this.reviewRecovery.watch();
    this.yearClose = new YearClose(this.db);
    registerPublicationActions(this.app, this.publication, this.yearClose);
    registerScoreActions(this.app, this.scores, this.yearClose, this.reconciliation);
    this.scheduleReconciliation();
    // Catalogue and rule edits, publications, appeal decisions and every status change of a record leave a trail.
    auditChanges(this.db, {
      dutyItems: {},
      gradeBands: {},
      dutyPointsSettings: {},
      scorePeriods: {},
      pointAppeals: {},
      dutyRecords: { create: false },
      reviewLevels: {},
    });
    protectFromDeletion(this.app, this.db, DUTY_COLLECTIONS);
    refuseDirectCreates(this.app, SYSTEM_WRITTEN, '@deputy/plugin-deputies');
    keepComputed(this.app, KEPT_TOTALS, '@deputy/plugin-deputies');
    keepSingleRow(this.app, ['dutyPointsSettings'], '@deputy/plugin-deputies');
    refuseCreatesForOtherStations(this.app, { dutyActivities: 'station' });
    refuseOutOfScopeWrites(this.app, ['dutyRecords', 'pointAppeals', 'dutyActivities']);
    this.db.on('dutyActivities.beforeCreate', (activity: Model) => {
      if (!activity.get('signInCode')) activity.set('signInCode', newSignInCode());
    });
  }

  /**
   * Every night at 01:45 (Asia/Shanghai), once per cluster: the totals are compared with the ledger, every
   * difference is logged and repaired. At start, totals left empty by a restore that skipped them are rebuilt.
   */
  private scheduleReconciliation() {
    scheduleJob(this.app, {
      name: 'duty-points totals reconciliation',
      cronTime: '0 45 1 * * *',
      run: async () => {
        const report = await this.reconciliation.reconcile();
        for (const difference of report.differences)
          this.log.warn('duty-points: a kept total differed from the ledger and was repaired', { difference });
        return report;
      },
      log: this.log,
    });
    // In the background: the rebuild takes the deputies' row locks as a posting does, so postings meanwhile stay
    // exact; until a deputy's chunk is rebuilt its score reads 0.
    this.app.on('afterStart', () => {
      void this.reconciliation
        .rebuildIfEmpty()
        .then((rebuilt) => rebuilt && this.log.warn('duty-points: points totals rebuilt from the ledger'))
        .catch((e: unknown) =>
          this.log.error('duty-points: rebuilding the points totals failed', { error: (e as Error)?.message }),
        );
    });
  }

  async install() {
    await this.ensureDefaults();
  }

  /** The demo town's year of duty records, reviews, activities and publications (demo.ts). */
  async loadDemo(town: DemoTown) {
    return loadDutyPointsDemo(this, town);
  }

  async upgrade() {
    await this.ensureDefaults();
  }

  /** The plugin's pages (我的履职, 履职审核, 积分管理, 积分排行); installed ones are left as they are. */
  async afterEnable() {
    await this.installPages();
  }

  /** The plugin's pages and how they are installed (page-installer.ts); `npm run build:pages` snapshots them. */
  pageSpecs(): PluginPages {
    const defaults = { ...deputyPageDefaults(), ...localizeDefaults(pageDefaults.collections, NS, enUS) };
    return {
      pages: [...pages, ...statistics] as SuitePageSpec[],
      options: { plugin: NS, locale: enUS, defaults, snapshots },
    };
  }

  async installPages() {
    const { pages, options } = this.pageSpecs();
    return installPages(this.app, pages, options);
  }

  /** Idempotent: collections in the collection manager, seeded catalogue and grades, roles, review workflow. */
  private async ensureDefaults() {
    await registerInCollectionManager(this.db, DUTY_COLLECTIONS);
    const items = this.db.getRepository('dutyItems');
    if (!(await items.count())) await items.createMany({ records: dutyItemSeeds });
    const grades = this.db.getRepository('gradeBands');
    if (!(await grades.count())) await grades.createMany({ records: gradeBandSeeds });
    const settings = this.db.getRepository('dutyPointsSettings');
    if (!(await settings.count())) await settings.create({ values: { boardColumns: ['total', 'grade'] } });
    await grantDutyPermissions(this.db);
    // The one level the install starts with (the station head), as its row: written without the levels' hooks,
    // so an instance whose administrators already changed the workflow in the designer keeps their version.
    const levels = this.db.getRepository('reviewLevels');
    if (!(await levels.count()))
      await levels.create({
        values: { sort: 1, title: zhCN['Station review'], titleEn: 'Station review', reviewerType: 'stationHead' },
        hooks: false,
      });
    if (this.db.hasCollection('workflows')) await installReviewWorkflow(this.db, REVIEW_TITLES);
    await this.installPages();
  }
}

export default PluginDutyPointsServer;
