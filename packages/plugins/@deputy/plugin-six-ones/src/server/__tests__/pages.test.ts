import { createSuiteServer, pagesWithoutSnapshot, signedInAs } from '@deputy/test-helpers';
import { MockServer } from '@nocobase/test';
import enUS from '../../locale/en-US.json';
import zhCN from '../../locale/zh-CN.json';
import pages from '../pages/pages.json';

/**
 * plugin-six-ones' pages (六个一达标 with the matrix block, rules, station ledger and leave; 逢6接待), installed
 * with plugin-deputies' page installer, granted to deputies and station staff, installed once.
 */
describe('plugin-six-ones: installed pages', () => {
  let app: MockServer;
  const NS = '@deputy/plugin-six-ones';
  const t = (key: string, ns = NS) => `{{t(${JSON.stringify(key)}, { ns: ${JSON.stringify(ns)} })}}`;
  const routes = () => app.db.getRepository('desktopRoutes');

  beforeAll(async () => {
    app = await createSuiteServer(['@deputy/plugin-deputies', '@deputy/plugin-duty-points', '@deputy/plugin-six-ones'], ['client', 'flow-engine', 'ui-templates', 'ui-layout']);
  });

  afterAll(async () => {
    await app?.destroy();
  });

  it('installs its pages from their built snapshots (npm run build:pages when a page changed)', () => {
    expect(pagesWithoutSnapshot(app, '@deputy/plugin-six-ones')).toEqual([]);
  });

  const tabBlocks = async (title: string) => {
    const page = await routes().findOne({ filter: { type: 'flowPage', title } });
    const tabs = await routes().find({ filter: { parentId: page.get('id') }, sort: ['sort'] });
    const repo: any = app.db.getRepository('flowModels');
    const result = [];
    for (const tab of tabs) {
      const grid = await repo.findModelByParentId(tab.get('schemaUid'), { subKey: 'grid', includeAsyncNode: true });
      result.push(Object.values<any>(grid.subModels.items ?? {}));
    }
    return result;
  };

  it('installs 六个一达标 (matrix block, results, rules, ledger, leave) and 逢6接待, once', async () => {
    const compliance = await tabBlocks(t('Six-ones compliance'));
    expect(compliance.map((blocks) => blocks.map((b: any) => b.stepParams?.resourceSettings?.init?.collectionName ?? b.use))).toEqual([
      ['ruleResults', 'ComplianceMatrixBlockModel'],
      ['dutyRules'],
      ['ledgerEntries'],
      ['deputyLeaves'],
    ]);
    // The matrix is the first row of its tab, above the results table.
    const page = await routes().findOne({ filter: { type: 'flowPage', title: t('Six-ones compliance') } });
    const [firstTab] = await routes().find({ filter: { parentId: page.get('id') }, sort: ['sort'] });
    const grid = await (app.db.getRepository('flowModels') as any).findModelByParentId(firstTab.get('schemaUid'), { subKey: 'grid', includeAsyncNode: true });
    const { rows, rowOrder } = grid.stepParams.gridSettings.grid;
    expect(rows[rowOrder[0]]).toEqual([[compliance[0][1].uid]]);
    // 逢6接待: the sessions with their roster and sign-in activity and an 安排值班 button; the reception sign-ins.
    const reception = await tabBlocks(t('Reception days'));
    expect(reception.map((blocks) => blocks.map((b: any) => b.stepParams.resourceSettings.init.collectionName))).toEqual([['receptionSessions'], ['activityAttendances']]);
    const sessions = JSON.stringify(reception[0][0]);
    for (const field of ['roster', 'activity', 'status']) expect(sessions).toContain(`"fieldPath":"${field}"`);
    expect(sessions).toContain(JSON.stringify(t('Arrange duty')).slice(1, -1));
    expect(JSON.stringify(reception[1][0])).toContain('逢6接待');
    const again = await (app.pm.get(NS) as any).installPages();
    expect(again).toMatchObject({ created: [], failed: [] });
    expect(await routes().count({ filter: { type: 'flowPage', title: t('Six-ones compliance') } })).toBe(1);
  });

  it('shows the pages to deputies and station staff', async () => {
    const titlesFor = async (agent: any) => {
      const res = await agent.resource('desktopRoutes').listAccessible({ tree: true, sort: 'sort' });
      expect(res.status).toBe(200);
      const titles: string[] = [];
      const walk = (list: any[]) => list.forEach((r) => (r.type !== 'tabs' && titles.push(r.title), walk(r.children ?? [])));
      walk(res.body.data);
      return titles;
    };
    for (const role of ['deputy', 'station-staff']) {
      const { agent } = await signedInAs(app, `six-pages-${role}`, [role]);
      expect(await titlesFor(agent)).toEqual(expect.arrayContaining([t('Six-ones compliance'), t('Reception days')]));
    }
  });

  it('has every title in zh-CN and en-US', () => {
    const titles = (pages as any[]).flatMap((p) => [
      p.blueprint.page.title,
      ...p.blueprint.tabs.flatMap((tab: any) => [tab.title, ...tab.blocks.map((b: any) => b.title)]),
    ]);
    for (const title of titles.filter(Boolean)) {
      expect(enUS).toHaveProperty([title]);
      expect(zhCN).toHaveProperty([title]);
    }
  });
});
