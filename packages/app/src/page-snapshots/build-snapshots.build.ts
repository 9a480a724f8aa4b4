import fs from 'fs';
import path from 'path';
import { capturePages, carryPageHistory, PluginPages } from '@deputy/plugin-suite-core';
import {
  createSuiteServer,
  pagesWithoutSnapshot,
  recordRealAppPlugins,
  SUITE_PLUGINS as SUITE,
} from '@deputy/test-helpers';

/**
 * `npm run build:pages`: applies every page of the suite from its blueprint (DEPUTY_PAGE_SNAPSHOTS=off) in a
 * real app and writes the rows each page is made of to `src/server/pages/snapshots.json` of its plugin
 * (page-snapshots.ts). Run it after changing a page, its defaults, a collection a page shows, or NocoBase.
 * With `-- --changed` (DEPUTY_PAGE_SNAPSHOTS=on) the pages whose snapshot still fits are installed from it and
 * only the others are applied from their blueprints.
 */
const BUILT_INS = [
  'client',
  'flow-engine',
  'ui-templates',
  'data-visualization',
  'action-bulk-update',
  'calendar',
  'block-workbench',
];
const PLUGINS_DIR = path.resolve(__dirname, '../../../plugins/@deputy');

describe('page snapshots', () => {
  it('applies every page from its blueprint and writes its rows', async () => {
    expect(['off', 'on']).toContain(process.env.DEPUTY_PAGE_SNAPSHOTS);
    const app: any = await createSuiteServer(SUITE, BUILT_INS);
    try {
      // The pages the enable installed were built without the real app's plugins recorded: built again with them.
      await recordRealAppPlugins(app);
      // Everything those pages left: routes, models and the popup templates NocoBase saved from them.
      for (const name of [
        'suitePages',
        'desktopRoutes',
        'flowModelTreePath',
        'flowModels',
        'flowModelTemplateUsages',
        'flowModelTemplates',
      ]) {
        await app.db.getCollection(name).model.destroy({ where: {}, hooks: false });
      }
      const withPages = SUITE.map((name) => app.pm.get(name)).filter(
        (plugin) => typeof plugin.pageSpecs === 'function',
      );
      if (process.env.DEPUTY_PAGE_SNAPSHOTS === 'on')
        for (const plugin of withPages) {
          const { options } = plugin.pageSpecs() as PluginPages;
          const stale = pagesWithoutSnapshot(app, options.plugin);
          console.log(`[build:pages] ${options.plugin}: from blueprints: ${stale.join(', ') || 'none'}`);
        }
      for (const plugin of withPages) {
        const result = await plugin.installPages();
        expect(result.failed).toEqual([]);
        expect(result.created).toEqual((plugin.pageSpecs() as PluginPages).pages.map((p) => p.key));
      }
      for (const plugin of withPages) {
        const { pages, options } = plugin.pageSpecs() as PluginPages;
        const name = options.plugin;
        const file = path.join(PLUGINS_DIR, name.replace('@deputy/', ''), 'src/server/pages/snapshots.json');
        // The digests of the versions shipped before travel on, so upgrades recognise them (page-upgrade.ts).
        const shipped = fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, 'utf8')) : undefined;
        const snapshots = carryPageHistory(shipped, await capturePages(app, pages, options));
        fs.writeFileSync(file, JSON.stringify(snapshots) + '\n');
        const rows = Object.values(snapshots.pages).reduce((n, p) => n + p.flowModels.length, 0);
        console.log(
          `[build:pages] ${name}: ${pages.length} pages, ${rows} flow models → ${path.relative(process.cwd(), file)}`,
        );
      }
    } finally {
      await app.destroy();
    }
  }, 3600000);
});
