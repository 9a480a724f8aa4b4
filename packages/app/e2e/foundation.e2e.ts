/**
 * The foundation in a real browser: the admin UI loads with the suite's plugins enabled, no plugin fails
 * to load, none of our bundles logs an error, and a page shows a block from our client plugin.
 */
import type { Browser } from 'playwright-core';
import { ADMIN, apiAs, BASE_URL, launchBrowser, screenshot, signInThroughUI, watchProblems } from './support';

// The distribution's plugin list (CommonJS, shared with scripts/start.js).
// eslint-disable-next-line @typescript-eslint/no-require-imports -- a CommonJS module without types
const suite = require('../src/index.js');

let browser: Browser;

beforeAll(async () => {
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
});

describe('foundation', () => {
  it('serves the suite plugins to the browser as AMD bundles named after their packages', async () => {
    const api = await apiAs(ADMIN.account, ADMIN.password);
    const enabled: any[] = await api('pm:listEnabled');
    const ours = enabled.filter((p) => p.packageName?.startsWith('@deputy/'));
    // Every plugin of the distribution is enabled and served.
    expect(ours.map((p) => p.packageName)).toEqual(expect.arrayContaining(suite.suitePlugins));
    for (const plugin of ours) {
      const res = await fetch(`${BASE_URL}${plugin.url}`);
      expect(res.status).toBe(200);
      expect(await res.text()).toMatch(new RegExp(`^define\\("${plugin.packageName}"`));
    }
  });

  it('loads the admin UI in zh-CN without plugin load failures or errors from our bundles', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const problems = watchProblems(page);
    await signInThroughUI(page, ADMIN.account, ADMIN.password);
    await page.waitForLoadState('networkidle');
    await screenshot(page, 'admin-home-desktop');
    const ours = problems.filter((p) => /@deputy|requirejs|Script error|plugin asset/i.test(p));
    expect(ours).toEqual([]);
    expect(await page.locator('html').getAttribute('lang')).toMatch(/zh/i);
    await page.close();
  });

  it('renders the station overview block of plugin-deputies on a page, with data from the API', async () => {
    const api = await apiAs(ADMIN.account, ADMIN.password);
    const station = await api('liaisonStations:create', { name: `高沙镇联络站-${Date.now()}`, town: '高沙镇' });
    await api('deputies:create', { name: '张三', stationId: station.id, phone: `139${Date.now() % 1e8}` });
    // A modern page made with NocoBase's page builder, holding our block as an administrator would place it.
    const created = await api('flowSurfaces:createPage', { title: '联络站概览', icon: 'TeamOutlined' });
    await api('flowModels:save', {
      uid: `station-overview-${Date.now()}`,
      use: 'StationOverviewBlockModel',
      parentId: created.gridUid,
      subKey: 'items',
      subType: 'array',
      stepParams: {},
    });

    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const problems = watchProblems(page);
    await signInThroughUI(page, ADMIN.account, ADMIN.password);
    await page.goto(`${BASE_URL}/admin/${created.pageSchemaUid}`);
    const block = page.getByTestId('deputy-station-overview');
    await block.waitFor({ timeout: 60000 });
    await expect(block.getByText('在任代表数').first().isVisible()).resolves.toBe(true);
    await block.getByText(station.name).waitFor({ timeout: 30000 });
    await screenshot(page, 'station-overview-desktop');
    await page.setViewportSize({ width: 390, height: 844 });
    await screenshot(page, 'station-overview-mobile');
    expect(problems.filter((p) => /@deputy|StationOverview/i.test(p))).toEqual([]);
    await page.close();
  });
});
