import { createSuiteServer, pagesWithoutSnapshot, signedInAs } from '@deputy/app/src/testing';
import { MockServer } from '@nocobase/test';
import enUS from '../../locale/en-US.json';
import zhCN from '../../locale/zh-CN.json';
import pages from '../pages/pages.json';

/**
 * plugin-pairing-aid's page (1+N结对帮扶: pairings with the KPI block, visits, households, plans, outcomes),
 * installed with plugin-deputies' page installer, granted to deputies and station staff, installed once.
 * The households table shows the masked ID number only.
 */
describe('plugin-pairing-aid: installed page', () => {
  let app: MockServer;
  const NS = '@deputy/plugin-pairing-aid';
  const t = (key: string) => `{{t(${JSON.stringify(key)}, { ns: ${JSON.stringify(NS)} })}}`;
  const routes = () => app.db.getRepository('desktopRoutes');

  beforeAll(async () => {
    app = await createSuiteServer(['@deputy/plugin-deputies', '@deputy/plugin-pairing-aid'], ['client', 'flow-engine', 'ui-templates', 'ui-layout']);
  });

  afterAll(async () => {
    await app?.destroy();
  });

  it('installs its pages from their built snapshots (npm run build:pages when a page changed)', () => {
    expect(pagesWithoutSnapshot(app, '@deputy/plugin-pairing-aid')).toEqual([]);
  });

  it('installs 1+N结对帮扶 with its tabs and the KPI block, once', async () => {
    const page = await routes().findOne({ filter: { type: 'flowPage', title: t('1+N pairing assistance') } });
    const tabs = await routes().find({ filter: { parentId: page.get('id') }, sort: ['sort'] });
    const repo: any = app.db.getRepository('flowModels');
    const blocks = [];
    for (const tab of tabs) {
      const grid = await repo.findModelByParentId(tab.get('schemaUid'), { subKey: 'grid', includeAsyncNode: true });
      blocks.push(Object.values<any>(grid.subModels.items ?? {}).map((b) => b.stepParams?.resourceSettings?.init?.collectionName ?? b.use));
    }
    expect(blocks).toEqual([['aidPairings', 'AidKpiBlockModel'], ['aidVisits'], ['aidHouseholds'], ['aidPlans'], ['aidRecords']]);
    const households = JSON.stringify(await repo.findModelByParentId(tabs[2].get('schemaUid'), { subKey: 'grid', includeAsyncNode: true }));
    expect(households).toContain('"fieldPath":"idNumberMasked"');
    expect((await (app.pm.get(NS) as any).installPages())).toMatchObject({ created: [], failed: [] });
    expect(await routes().count({ filter: { type: 'flowPage', title: t('1+N pairing assistance') } })).toBe(1);
  });

  it('shows the page to deputies and station staff', async () => {
    for (const role of ['deputy', 'station-staff']) {
      const { agent } = await signedInAs(app, `aid-pages-${role}`, [role]);
      const res = await agent.resource('desktopRoutes').listAccessible({ tree: true });
      expect(JSON.stringify(res.body.data)).toContain(JSON.stringify(t('1+N pairing assistance')).slice(1, -1));
    }
  });

  it('has every title in zh-CN and en-US', () => {
    const titles = (pages as any[]).flatMap((p) => [p.blueprint.page.title, ...p.blueprint.tabs.flatMap((tab: any) => [tab.title, ...tab.blocks.map((b: any) => b.title)])]);
    for (const title of titles.filter(Boolean)) {
      expect(enUS).toHaveProperty([title]);
      expect(zhCN).toHaveProperty([title]);
    }
  });
});
