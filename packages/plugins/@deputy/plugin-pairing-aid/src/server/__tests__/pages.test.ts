import { createSuiteServer, migrationOf, pagesWithoutSnapshot, signedInAs } from '@deputy/test-helpers';
import {
  capturePageSnapshot,
  installPages,
  pageDigest,
  PageSnapshot,
  PluginPages,
  templatesOf,
  upgradeInstalledPage,
  withdrawPageFromRoles,
} from '@deputy/plugin-suite-core';
import type { BelongsToManyRepository, Model } from '@nocobase/database';
import type { FlowModelRepository } from '@nocobase/plugin-flow-engine';
import { MockServer } from '@nocobase/test';
import enUS from '../../locale/en-US.json';
import zhCN from '../../locale/zh-CN.json';
import DeputyPageMigration from '../migrations/20261220090000-deputy-pairing-page';
import pages from '../pages/pages.json';
import type { PluginPairingAidServer } from '../plugin';

/** A flow model as findModelByParentId answers it (a tree of plain objects), as far as these tests read it. */
type FlowModelNode = {
  use?: string;
  stepParams?: { resourceSettings?: { init?: { collectionName?: string } } };
  subModels?: { items?: Record<string, FlowModelNode> };
};
type Blueprint = { blueprint: { page: { title: string }; tabs: { title: string; blocks: { title?: string }[] }[] } };

/**
 * plugin-pairing-aid's page (1+N结对帮扶: pairings with the KPI block, visits, households, plans, outcomes),
 * for station staff, and 我的结对帮扶 for deputies (lists), installed with suite-core's page installer, once.
 * The households table shows the masked ID number only.
 */
describe('plugin-pairing-aid: installed page', () => {
  let app: MockServer;
  const NS = '@deputy/plugin-pairing-aid';
  const t = (key: string) => `{{t(${JSON.stringify(key)}, { ns: ${JSON.stringify(NS)} })}}`;
  const routes = () => app.db.getRepository('desktopRoutes');

  beforeAll(async () => {
    app = await createSuiteServer(
      ['@deputy/plugin-deputies', '@deputy/plugin-pairing-aid'],
      ['client', 'flow-engine', 'ui-templates', 'ui-layout'],
    );
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
    const repo = app.db.getRepository('flowModels') as FlowModelRepository;
    const blocks: string[][] = [];
    for (const tab of tabs) {
      const grid: FlowModelNode = await repo.findModelByParentId(tab.get('schemaUid'), {
        subKey: 'grid',
        includeAsyncNode: true,
      });
      blocks.push(
        Object.values(grid.subModels.items ?? {}).map(
          (b) => b.stepParams?.resourceSettings?.init?.collectionName ?? b.use,
        ),
      );
    }
    expect(blocks).toEqual([
      ['aidPairings', 'AidKpiBlockModel'],
      ['aidVisits'],
      ['aidHouseholds'],
      ['aidPlans'],
      ['aidRecords'],
    ]);
    const households = JSON.stringify(
      await repo.findModelByParentId(tabs[2].get('schemaUid'), { subKey: 'grid', includeAsyncNode: true }),
    );
    expect(households).toContain('"fieldPath":"idNumberMasked"');
    expect(await (app.pm.get(NS) as PluginPairingAidServer).installPages()).toMatchObject({ created: [], failed: [] });
    expect(await routes().count({ filter: { type: 'flowPage', title: t('1+N pairing assistance') } })).toBe(1);
  });

  it('installs 我的结对帮扶 for deputies: lists that fit a phone, the KPI block first', async () => {
    const page = await routes().findOne({ filter: { type: 'flowPage', title: t('My 1+N pairings') } });
    const tabs = await routes().find({ filter: { parentId: page.get('id') }, sort: ['sort'] });
    const repo = app.db.getRepository('flowModels') as FlowModelRepository;
    const blocks: string[][] = [];
    for (const tab of tabs) {
      const grid: FlowModelNode = await repo.findModelByParentId(tab.get('schemaUid'), {
        subKey: 'grid',
        includeAsyncNode: true,
      });
      blocks.push(
        Object.values(grid.subModels.items ?? {}).map((b) =>
          [b.use, b.stepParams?.resourceSettings?.init?.collectionName].filter(Boolean).join(':'),
        ),
      );
    }
    expect(blocks.map((tab) => [...tab].sort())).toEqual([
      ['AidKpiBlockModel', 'ListBlockModel:aidHouseholds'],
      ['ListBlockModel:aidVisits'],
      ['ListBlockModel:aidRecords'],
      ['ListBlockModel:aidPlans'],
    ]);
    // The KPI block is the first row of its tab, above the households.
    const grid = await repo.findModelByParentId(tabs[0].get('schemaUid'), { subKey: 'grid', includeAsyncNode: true });
    const { rows, rowOrder } = grid.stepParams.gridSettings.grid;
    const kpi = Object.values<FlowModelNode & { uid: string }>(grid.subModels.items).find(
      (b) => b.use === 'AidKpiBlockModel',
    );
    expect(rows[rowOrder[0]]).toEqual([[kpi.uid]]);
  });

  it('shows deputies their own page and station staff the tables, each only its own', async () => {
    const menus = async (role: string) => {
      const { agent } = await signedInAs(app, `aid-pages-${role}`, [role]);
      const res = await agent.resource('desktopRoutes').listAccessible({ tree: true });
      return JSON.stringify(res.body.data);
    };
    const tables = JSON.stringify(t('1+N pairing assistance')).slice(1, -1);
    const mine = JSON.stringify(t('My 1+N pairings')).slice(1, -1);
    const deputy = await menus('deputy');
    expect(deputy).toContain(mine);
    expect(deputy).not.toContain(tables);
    const staff = await menus('station-staff');
    expect(staff).toContain(tables);
    expect(staff).not.toContain(mine);
  });

  it('takes the staff tables out of the deputy menu of an instance installed before (migration), once', async () => {
    const mark = await app.db.getRepository('suitePages').findOne({ filter: { key: 'pairing-aid.aid' } });
    const routeId = Number(mark.get('routeId'));
    const tabs = await routes().find({ filter: { parentId: routeId } });
    const ids = [routeId, ...tabs.map((r: Model) => r.get('id'))];
    const deputyRoutes = () => app.db.getRepository<BelongsToManyRepository>('roles.desktopRoutes', 'deputy');
    // As an earlier release left it: the deputy role granted the page and its tabs.
    await deputyRoutes().add(ids);
    const staffBefore = await app.db
      .getRepository<BelongsToManyRepository>('roles.desktopRoutes', 'station-staff')
      .count();
    await migrationOf(app, DeputyPageMigration).up();
    expect(await deputyRoutes().count({ filter: { id: { $in: ids } } })).toBe(0);
    expect(await app.db.getRepository<BelongsToManyRepository>('roles.desktopRoutes', 'station-staff').count()).toBe(
      staffBefore,
    );
    // The deputy's own page stays; running it again changes nothing.
    const own = await app.db.getRepository('suitePages').findOne({ filter: { key: 'pairing-aid.mine' } });
    expect(await deputyRoutes().count({ filter: { id: Number(own.get('routeId')) } })).toBe(1);
    expect(await withdrawPageFromRoles(app, 'pairing-aid.aid', ['deputy'])).toBe(0);
  });

  it('has every title in zh-CN and en-US', () => {
    const titles = (pages as Blueprint[]).flatMap((p) => [
      p.blueprint.page.title,
      ...p.blueprint.tabs.flatMap((tab) => [tab.title, ...tab.blocks.map((b) => b.title)]),
    ]);
    for (const title of titles.filter(Boolean)) {
      expect(enUS).toHaveProperty([title]);
      expect(zhCN).toHaveProperty([title]);
    }
  });

  describe('upgrades (#17): an installed page gets a newer release of it only if nobody changed it here', () => {
    const KEY = 'pairing-aid.aid';
    const specs = () => (app.pm.get(NS) as PluginPairingAidServer).pageSpecs();
    const mark = () => app.db.getRepository('suitePages').findOne({ filter: { key: KEY } });
    const installed = async () => {
      const routeId = Number((await mark()).get('routeId'));
      const { page, templates } = await capturePageSnapshot(app, routeId, '');
      return { routeId, digest: pageDigest(page, templates), page };
    };
    /** A release of the page that differs from this one: the visits table's first column titled otherwise. */
    const otherRelease = (base: PageSnapshot, title: string): PageSnapshot => {
      const page: PageSnapshot = JSON.parse(JSON.stringify(base));
      const column = page.flowModels.find((m) => m.options.use === 'TableColumnModel')!;
      column.options.stepParams = { ...column.options.stepParams, tableColumnSettings: { title: { title } } };
      return page;
    };
    const withRelease = (page: PageSnapshot): PluginPages => {
      const { pages, options } = specs();
      return {
        pages,
        options: {
          ...options,
          snapshots: { ...options.snapshots!, pages: { ...options.snapshots!.pages, [KEY]: page } },
        },
      };
    };

    it('replaces an earlier release as shipped, in its place, keeping the menu permissions given since', async () => {
      const { options } = specs();
      const current = options.snapshots!.pages[KEY];
      const templates = options.snapshots!.templates;
      const shipped = pageDigest(current, templatesOf(current, templates));
      expect((await installed()).digest).toBe(shipped);
      // The instance holds an earlier release of the page: the current one, as an upgrade from it would leave it.
      const earlier = otherRelease(current, '旧版本的标题');
      const earlierDigest = pageDigest(earlier, templatesOf(earlier, templates));
      const down = await upgradeInstalledPage(
        app,
        (await installed()).routeId,
        { ...earlier, previousDigests: [shipped] },
        templates,
      );
      expect(down.outcome).toBe('upgraded');
      await (await mark()).update({ routeId: down.routeId });
      const before = await installed();
      expect(before.digest).toBe(earlierDigest);
      // Since then an administrator made a role of its own, gave it the 走访 tab only, and moved the page in the menu.
      await app.db.getRepository('roles').create({ values: { name: 'aid-visit-viewer', title: '走访查看' } });
      const tabs = await routes().find({ filter: { parentId: before.routeId }, sort: ['sort'] });
      await app.db
        .getRepository<BelongsToManyRepository>('roles.desktopRoutes', 'aid-visit-viewer')
        .add([tabs[1].get('id')]);
      await routes().update({ filterByTk: before.routeId, values: { sort: 5 } });

      const result = await installPages(
        app,
        withRelease({ ...current, previousDigests: [earlierDigest] }).pages,
        withRelease({ ...current, previousDigests: [earlierDigest] }).options,
      );
      expect(result).toMatchObject({ upgraded: [KEY], edited: [], created: [], failed: [] });
      const after = await installed();
      expect(after.routeId).not.toBe(before.routeId);
      expect(after.digest).toBe(shipped);
      expect(await routes().findOne({ filterByTk: before.routeId })).toBeNull();
      expect(
        await app.db
          .getRepository('flowModels')
          .count({ filter: { uid: { $in: before.page.flowModels.map((m) => m.uid) } } }),
      ).toBe(0);
      const page = await routes().findOne({ filterByTk: after.routeId });
      expect(page.get('sort')).toBe(5);
      const newTabs = await routes().find({ filter: { parentId: after.routeId }, sort: ['sort'] });
      const rolesOf = async (id: number) =>
        ((await app.db.getRepository('desktopRoutes.roles', id).find()) as Model[]).map((r) => r.get('name')).sort();
      expect(await rolesOf(newTabs[1].get('id'))).toEqual(
        expect.arrayContaining(['aid-visit-viewer', 'station-staff']),
      );
      expect(await rolesOf(newTabs[0].get('id'))).not.toContain('aid-visit-viewer');
      // The station staff still reach it.
      const { agent } = await signedInAs(app, 'aid-pages-after-upgrade', ['station-staff']);
      const res = await agent.resource('desktopRoutes').listAccessible({ tree: true });
      expect(JSON.stringify(res.body.data)).toContain(String(after.routeId));
    });

    it('leaves a page an administrator changed, and says so', async () => {
      const { options } = specs();
      const current = options.snapshots!.pages[KEY];
      const shipped = pageDigest(current, templatesOf(current, options.snapshots!.templates));
      const before = await installed();
      // The administrator edits a block of the page in the UI (here: the visits table's page size).
      const table = before.page.flowModels.find((m) => m.options.use === 'TableBlockModel')!;
      const repo = app.db.getRepository('flowModels') as FlowModelRepository;
      const own = table.options;
      await repo.upsertModel({
        ...own,
        uid: table.uid,
        stepParams: {
          ...own.stepParams,
          tableSettings: { ...own.stepParams?.tableSettings, pageSize: { pageSize: 50 } },
        },
      });
      const edited = await installed();
      expect(edited.digest).not.toBe(before.digest);
      const next = otherRelease(current, '下一版本的标题');
      const release = withRelease({ ...next, previousDigests: [shipped] });
      const result = await installPages(app, release.pages, release.options);
      expect(result).toMatchObject({ upgraded: [], edited: [KEY], failed: [] });
      const after = await installed();
      expect(after.routeId).toBe(before.routeId);
      expect(after.digest).toBe(edited.digest);
    });
  });
});
