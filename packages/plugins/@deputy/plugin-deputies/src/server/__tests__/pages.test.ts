import { createSuiteServer, signedInAs } from '@deputy/app/src/testing';
import { MockServer } from '@nocobase/test';
import enUS from '../../locale/en-US.json';
import zhCN from '../../locale/zh-CN.json';
import pages from '../pages/pages.json';

/**
 * The suite's pages, installed through flow-engine's flowSurfaces:applyBlueprint: created once under the
 * 代表履职 group, granted per role, never duplicated, overwritten or brought back by a later install/upgrade.
 */
describe('plugin-deputies: installed pages', () => {
  let app: MockServer;
  const plugin = () => app.pm.get('@deputy/plugin-deputies') as any;
  const routes = () => app.db.getRepository('desktopRoutes');
  const t = (key: string) => `{{t(${JSON.stringify(key)}, { ns: "@deputy/plugin-deputies" })}}`;

  beforeAll(async () => {
    app = await createSuiteServer(['@deputy/plugin-deputies'], ['client', 'flow-engine']);
  });

  afterAll(async () => {
    await app?.destroy();
  });

  const accessibleTitles = async (agent: any) => {
    const res = await agent.resource('desktopRoutes').listAccessible({ tree: true, sort: 'sort' });
    expect(res.status).toBe(200);
    const titles: string[] = [];
    const walk = (list: any[]) =>
      list.forEach((r) => {
        if (r.type !== 'tabs') titles.push(r.title);
        walk(r.children ?? []);
      });
    walk(res.body.data);
    return titles;
  };

  it('creates each page once under the 代表履职 group, made of NocoBase blocks', async () => {
    const group = await routes().findOne({ filter: { type: 'group', title: t('Deputy duty performance') } });
    expect(group).toBeTruthy();
    const children = await routes().find({ filter: { parentId: group.get('id') }, sort: ['sort'] });
    expect(children.map((r: any) => r.get('title'))).toEqual([t('Deputy information'), t('Liaison stations'), t('Suite settings')]);
    expect(children.every((r: any) => r.get('type') === 'flowPage')).toBe(true);
    const marks = await app.db.getRepository('suitePages').find({ sort: ['id'] });
    expect(marks.map((m: any) => m.get('key'))).toEqual(['group', 'deputies.directory', 'deputies.stations', 'deputies.settings']);

    // 代表信息: a table of deputies, with its actions, stored as flow models.
    const directory = children[0];
    const [tab] = await routes().find({ filter: { parentId: directory.get('id') } });
    const grid: any = await app.db
      .getRepository('flowModels')
      // @ts-ignore FlowModelRepository
      .findModelByParentId(tab.get('schemaUid'), { subKey: 'grid', includeAsyncNode: true });
    const blocks = Object.values(grid.subModels.items ?? {}) as any[];
    expect(blocks.map((b) => b.use)).toEqual(['TableBlockModel']);
    expect(blocks[0].stepParams.resourceSettings.init.collectionName).toBe('deputies');
    // 系统设置: one tab per catalogue.
    const settingsTabs = await routes().find({ filter: { parentId: children[2].get('id') } });
    expect(settingsTabs).toHaveLength(4);
  });

  it('shows each role its own menus only', async () => {
    const { agent: staff } = await signedInAs(app, 'menu-staff', ['station-staff']);
    const { agent: deputy } = await signedInAs(app, 'menu-deputy', ['deputy']);
    const { agent: admin } = await signedInAs(app, 'menu-admin', ['npc-admin']);
    expect(await accessibleTitles(admin)).toEqual(
      expect.arrayContaining([t('Deputy duty performance'), t('Deputy information'), t('Liaison stations'), t('Suite settings')]),
    );
    const staffTitles = await accessibleTitles(staff);
    expect(staffTitles).toEqual([t('Deputy duty performance'), t('Deputy information'), t('Liaison stations')]);
    const deputyTitles = await accessibleTitles(deputy);
    expect(deputyTitles).not.toContain(t('Deputy information'));
    expect(deputyTitles).not.toContain(t('Suite settings'));
  });

  it('never duplicates, overwrites or brings back a page on a later install or upgrade', async () => {
    const group = await routes().findOne({ filter: { type: 'group', title: t('Deputy duty performance') } });
    const [directory, stations] = await routes().find({ filter: { parentId: group.get('id') }, sort: ['sort'] });
    // An administrator renames 代表信息 and deletes 联络站.
    await routes().update({ filterByTk: directory.get('id'), values: { title: '代表名册' } });
    await routes().destroy({ filterByTk: stations.get('id') });
    const before = await routes().count();

    const again = await plugin().installPages();
    expect(again.created).toEqual([]);
    await plugin().upgrade();
    await plugin().afterEnable();

    expect(await routes().count()).toBe(before);
    expect((await routes().findOne({ filterByTk: directory.get('id') })).get('title')).toBe('代表名册');
    expect(await routes().findOne({ filter: { title: t('Liaison stations') } })).toBeNull();
    expect(await routes().count({ filter: { type: 'group', title: t('Deputy duty performance') } })).toBe(1);
  });

  it('has every page title in zh-CN and en-US', () => {
    const titles = (pages as any[]).flatMap((p) => [p.blueprint.page.title, ...p.blueprint.tabs.map((tab: any) => tab.title)]).filter(Boolean);
    for (const title of titles) {
      expect(enUS).toHaveProperty([title]);
      expect(zhCN).toHaveProperty([title]);
    }
  });
});
