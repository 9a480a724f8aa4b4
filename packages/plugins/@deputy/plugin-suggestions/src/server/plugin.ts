import type { DemoTown } from '@deputy/plugin-deputies';
import { deputyPageDefaults } from '@deputy/plugin-deputies';
import {
  auditChanges,
  installPages,
  keepSingleRow,
  localizeDefaults,
  PluginPages,
  protectFromDeletion,
  refuseDirectCreates,
  refuseOutOfScopeWrites,
  registerInCollectionManager,
  scheduleJob,
  SuitePageSpec,
  validateFields,
} from '@deputy/plugin-suite-core';
import { Plugin } from '@nocobase/server';
import enUS from '../locale/en-US.json';
import { loadSuggestionsDemo } from './demo';
import { registerSuggestionActions } from './actions/suggestion-actions';
import { f, NS } from './fields';
import pageDefaults from './pages/defaults.json';
import pages from './pages/pages.json';
import snapshots from './pages/snapshots.json';
import { Appraisal } from './services/appraisal';
import { OverdueAssignments } from './services/overdue';
import { SuggestionCrediting } from './services/crediting';
import { grantSuggestionPermissions } from './services/role-grants';
import { enforceSuggestionRules } from './services/rules';
import { DEFAULT_SETTINGS } from './services/settings';
import { SuggestionFlow } from './services/suggestion-flow';

export const SUGGESTION_COLLECTIONS = [
  'suggestionSettings',
  'congressSessions',
  'handlingUnits',
  'suggestions',
  'suggestionAssignments',
  'appraisalSessions',
  'appraisalSubjects',
  'appraisalBallots',
  'appraisalTurnouts',
  'supervisionRecords',
];

/** 代表建议 "提办督": filing, 联审 with numbering per session, 交办 to handling units, replies, the deputy's feedback. */
export class PluginSuggestionsServer extends Plugin {
  flow: SuggestionFlow;
  crediting: SuggestionCrediting;
  appraisal: Appraisal;
  overdue: OverdueAssignments;

  async load() {
    // With plugin-public-voice (loaded before this plugin): the opinion a suggestion came from.
    if (this.db.getCollection('opinions'))
      this.db.extendCollection({
        name: 'suggestions',
        fields: [
          f.belongsToField('opinion', 'From citizen opinion', 'opinions', 'trackingCode', {
            onDelete: 'SET NULL',
            uiSchema: { 'x-read-pretty': true },
          }),
        ],
      });
    this.flow = new SuggestionFlow(this.app);
    this.crediting = new SuggestionCrediting(this.app);
    this.appraisal = new Appraisal(this.app);
    this.overdue = new OverdueAssignments(this.app);
    enforceSuggestionRules(this.db);
    // After this plugin's own rules: the suite's checks of every field (types, choices, dates, references, lengths).
    validateFields(this.app, this.db, SUGGESTION_COLLECTIONS);
    registerSuggestionActions(this.app, this.flow, this.crediting, this.appraisal);
    protectFromDeletion(this.app, this.db, SUGGESTION_COLLECTIONS);
    refuseDirectCreates(
      this.app,
      ['suggestionAssignments', 'appraisalSubjects', 'appraisalBallots', 'appraisalTurnouts'],
      '@deputy/plugin-deputies',
    );
    keepSingleRow(this.app, ['suggestionSettings'], '@deputy/plugin-deputies');
    refuseOutOfScopeWrites(this.app, ['suggestions', 'appraisalSessions']);
    auditChanges(this.db, { congressSessions: {}, handlingUnits: {}, suggestionSettings: {}, supervisionRecords: {} });
    // Every day at 08:30 (Asia/Shanghai): overdue assignments marked and reminded (督办).
    scheduleJob(this.app, {
      name: 'suggestions daily',
      cronTime: '0 30 8 * * *',
      run: () => this.overdue.run(),
      log: this.log,
    });
  }

  /** The demo town's 代表建议 part (#22): a session, units, a dozen suggestions through every step, an appraisal. */
  async loadDemo(town: DemoTown) {
    return loadSuggestionsDemo(this, town);
  }

  async install() {
    await this.ensureDefaults();
  }

  async upgrade() {
    await this.ensureDefaults();
  }

  /** The plugin's pages (我的建议, 代表建议); installed ones are left as they are. */
  async afterEnable() {
    await this.installPages();
  }

  /** The plugin's pages and how they are installed (page-installer.ts); `npm run build:pages` snapshots them. */
  pageSpecs(): PluginPages {
    const defaults = { ...deputyPageDefaults(), ...localizeDefaults(pageDefaults.collections, NS, enUS) };
    return {
      pages: pages as SuitePageSpec[],
      options: { plugin: NS, locale: enUS, defaults, snapshots },
    };
  }

  async installPages() {
    const { pages, options } = this.pageSpecs();
    return installPages(this.app, pages, options);
  }

  /** Idempotent: collections in the collection manager, the settings row, role permissions, pages. */
  private async ensureDefaults() {
    await registerInCollectionManager(this.db, SUGGESTION_COLLECTIONS);
    const settings = this.db.getRepository('suggestionSettings');
    if (!(await settings.count())) await settings.create({ values: { ...DEFAULT_SETTINGS } });
    await grantSuggestionPermissions(this.db);
    await this.installPages();
  }
}

export default PluginSuggestionsServer;
