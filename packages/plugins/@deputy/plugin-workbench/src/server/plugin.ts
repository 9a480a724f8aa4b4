import { installPages, PluginPages, SuitePageSpec } from '@deputy/plugin-suite-core';
import { statisticsCharts } from '@deputy/plugin-duty-points';
import { Plugin } from '@nocobase/server';
import enUS from '../locale/en-US.json';
import pages from './pages/pages.json';
import snapshots from './pages/snapshots.json';

export const NS = '@deputy/plugin-workbench';

/** The plugins whose collections the homes show: their page defaults (popup field groups) apply here too. */
const SHOWN_PLUGINS = [
  '@deputy/plugin-deputies',
  '@deputy/plugin-duty-points',
  '@deputy/plugin-six-ones',
  '@deputy/plugin-pairing-aid',
  '@deputy/plugin-public-voice',
];

/**
 * The homes of the three roles (工作台): for administrators the county's figures and the periods to publish,
 * for station staff what waits for them (review, opinions, reception days), for deputies their records to
 * finish, duty days, points and 六个一 gaps. They open the suite's menu group, so NocoBase, which opens the first
 * page a user may see, lands each role on its own. Made of NocoBase's blocks (lists, charts) and the blocks the
 * other plugins register; a block over a plugin that is not enabled is left out.
 */
export class PluginWorkbenchServer extends Plugin {
  /** The homes and how they are installed (page-installer.ts); `npm run build:pages` snapshots them. */
  pageSpecs(): PluginPages {
    // The county home shows some of 统计分析's charts: the same definitions, not a copy.
    const charts = statisticsCharts();
    const homes = (pages as SuitePageSpec[]).map((page) => {
      const used = page.blueprint.tabs.flatMap((tab) => tab.blocks.map((b) => b.chart).filter(Boolean));
      if (!used.length) return page;
      const assets = { charts: Object.fromEntries(used.map((key: string) => [key, charts[key]])) };
      return { ...page, blueprint: { ...page.blueprint, assets } };
    });
    return {
      pages: homes,
      options: { plugin: NS, locale: enUS, defaults: this.shownDefaults(), snapshots, first: true },
    };
  }

  /** The `defaults.collections` of the enabled plugins whose collections the homes show. */
  private shownDefaults() {
    const defaults = {};
    for (const name of SHOWN_PLUGINS) {
      const plugin = this.pm.get(name) as unknown as { enabled?: boolean; pageSpecs?: () => PluginPages } | undefined;
      if (plugin?.enabled && plugin.pageSpecs) Object.assign(defaults, plugin.pageSpecs().options.defaults);
    }
    return defaults;
  }

  async installPages() {
    const { pages, options } = this.pageSpecs();
    return installPages(this.app, pages, options);
  }

  async install() {
    await this.installPages();
  }

  async upgrade() {
    await this.installPages();
  }

  async afterEnable() {
    await this.installPages();
  }
}

export default PluginWorkbenchServer;
