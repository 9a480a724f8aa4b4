import { createSuiteServer, recordRealAppPlugins, signedInAs, type TestAgent } from '@deputy/test-helpers';
import { installPages, pageHash, PageSnapshot, PluginPages, SuitePageSpec } from '@deputy/plugin-suite-core';
import type { Model } from '@nocobase/database';
import type { FlowModelRepository } from '@nocobase/plugin-flow-engine';
import { MockServer } from '@nocobase/test';
import type { PluginDeputiesServer } from '../plugin';
import enUS from '../../locale/en-US.json';
import zhCN from '../../locale/zh-CN.json';
import pages from '../pages/pages.json';

/**
 * The suite's pages, installed through flow-engine's flowSurfaces:applyBlueprint: created once under the
 * 代表履职 group, granted per role, never duplicated, overwritten or brought back by a later install/upgrade.
 */
/** flow-engine's JSON (models, their stepParams and subModels), which NocoBase declares no type for: the core's one alias. */
type FlowJson = PageSnapshot['flowModels'][number]['options'];
type RouteNode = { type?: string; title?: string; children?: RouteNode[] };

describe('plugin-deputies: installed pages', () => {
  let app: MockServer;
  const plugin = () => app.pm.get('@deputy/plugin-deputies') as PluginDeputiesServer;
  const routes = () => app.db.getRepository('desktopRoutes');
  const t = (key: string, ns = '@deputy/plugin-deputies') =>
    `{{t(${JSON.stringify(key)}, { ns: ${JSON.stringify(ns)} })}}`;
  // The suite's menu group is the core's (its page installer makes it).
  const GROUP = t('Deputy duty performance', '@deputy/plugin-suite-core');

  beforeAll(async () => {
    // ui-layout: a real install shows a route only in the layouts it is attached to.
    app = await createSuiteServer(['@deputy/plugin-deputies'], ['client', 'flow-engine', 'ui-templates', 'ui-layout']);
  });

  afterAll(async () => {
    await app?.destroy();
  });

  const accessibleTitles = async (agent: TestAgent) => {
    const res = await agent.resource('desktopRoutes').listAccessible({ tree: true, sort: ['sort'] });
    expect(res.status).toBe(200);
    const titles: string[] = [];
    const walk = (list: RouteNode[]) =>
      list.forEach((r) => {
        if (r.type !== 'tabs') titles.push(r.title);
        walk(r.children ?? []);
      });
    walk(res.body.data);
    return titles;
  };

  it('creates each page once under the 代表履职 group, made of NocoBase blocks', async () => {
    const group = await routes().findOne({ filter: { type: 'group', title: GROUP } });
    expect(group).toBeTruthy();
    const children = await routes().find({ filter: { parentId: group.get('id') }, sort: ['sort'] });
    expect(children.map((r: Model) => r.get('title'))).toEqual([
      t('Deputy information'),
      t('Liaison stations'),
      t('Suite settings'),
    ]);
    expect(children.every((r: Model) => r.get('type') === 'flowPage')).toBe(true);
    const marks = await app.db.getRepository('suitePages').find({ sort: ['id'] });
    expect(marks.map((m: Model) => m.get('key'))).toEqual([
      'group',
      'deputies.directory',
      'deputies.stations',
      'deputies.settings',
    ]);

    // 代表信息: a table of deputies, with its actions, stored as flow models.
    const directory = children[0];
    const [tab] = await routes().find({ filter: { parentId: directory.get('id') } });
    const grid: FlowJson = await (app.db.getRepository('flowModels') as FlowModelRepository).findModelByParentId(
      tab.get('schemaUid'),
      { subKey: 'grid', includeAsyncNode: true },
    );
    const blocks = Object.values(grid.subModels.items ?? {}) as FlowJson[];
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
      expect.arrayContaining([GROUP, t('Deputy information'), t('Liaison stations'), t('Suite settings')]),
    );
    const staffTitles = await accessibleTitles(staff);
    expect(staffTitles).toEqual([GROUP, t('Deputy information'), t('Liaison stations')]);
    const deputyTitles = await accessibleTitles(deputy);
    expect(deputyTitles).not.toContain(t('Deputy information'));
    expect(deputyTitles).not.toContain(t('Suite settings'));
  });

  it('never duplicates, overwrites or brings back a page on a later install or upgrade', async () => {
    const group = await routes().findOne({ filter: { type: 'group', title: GROUP } });
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
    expect(await routes().count({ filter: { type: 'group', title: GROUP } })).toBe(1);
  });

  it('has every page title in zh-CN and en-US', () => {
    const titles = (pages as unknown as SuitePageSpec[])
      .flatMap((p) => [p.blueprint.page.title, ...p.blueprint.tabs.map((tab) => tab.title)])
      .filter(Boolean);
    for (const title of titles) {
      expect(enUS).toHaveProperty([title]);
      expect(zhCN).toHaveProperty([title]);
    }
  });

  /** A page as its rows say, with uids and route ids named by where they first appear: equal pages compare equal. */
  const canonicalPage = async (key: string) => {
    const mark: Model | null = await app.db.getRepository('suitePages').findOne({ filter: { key } });
    const page: Model = await routes().findOne({ filterByTk: mark.get('routeId') });
    const tabs: Model[] = await routes().find({ filter: { parentId: page.get('id') }, sort: ['sort'] });
    const repo = app.db.getRepository('flowModels') as FlowModelRepository;
    const tree = {
      route: { ...page.toJSON(), tabs: tabs.map((t) => t.toJSON()) },
      page: await repo.findModelByParentId(page.get('schemaUid'), { subKey: 'page', includeAsyncNode: true }),
      grids: await Promise.all(
        tabs.map((t) => repo.findModelByParentId(t.get('schemaUid'), { subKey: 'grid', includeAsyncNode: true })),
      ),
    };
    // The popup templates the page opens (ui-templates), with their models, in the order the page refers to them.
    const templates: { row: unknown; model: FlowJson }[] = [];
    const refs = (v: unknown, out: string[] = []) => {
      if (Array.isArray(v)) v.forEach((x) => refs(x, out));
      else if (v && typeof v === 'object')
        for (const [k, x] of Object.entries(v))
          k === 'popupTemplateUid' && typeof x === 'string' ? out.push(x) : refs(x, out);
      return out;
    };
    for (let pending = refs(tree), seen = new Set<string>(); pending.length;) {
      const next: string[] = [];
      for (const templateUid of pending) {
        if (seen.has(templateUid)) continue;
        seen.add(templateUid);
        const row: Model | null = await app.db.getRepository('flowModelTemplates').findOne({ filterByTk: templateUid });
        const model = row && (await repo.findModelById(row.get('targetUid'), { includeAsyncNode: true }));
        templates.push({ row: row?.toJSON(), model });
        next.push(...refs(model));
      }
      pending = next;
    }
    const names = new Map<string, string>();
    const ids = new Set([page.get('id'), ...tabs.map((t) => t.get('id'))].map(String));
    const known = new Set<string>();
    const collect = (v: unknown) => {
      if (Array.isArray(v)) return v.forEach(collect);
      if (v && typeof v === 'object') {
        const o = v as Record<string, unknown>;
        for (const k of [
          'uid',
          'schemaUid',
          'menuSchemaUid',
          'tabSchemaName',
          'targetUid',
          'popupTemplateUid',
          'templateUid',
        ])
          if (typeof o[k] === 'string') known.add(o[k] as string);
        Object.values(v).forEach(collect);
      }
    };
    collect(tree);
    collect(templates);
    // NocoBase leaves a few generated uids that name no model (a popup grid's `props.rows`): uid-shaped words count too.
    const uidLike = (m: string) => known.has(m) || ids.has(m) || /^[a-z0-9]{11}$/.test(m);
    const name = (s: string) =>
      s.replace(/[A-Za-z0-9_]+/g, (m) => (uidLike(m) ? (names.get(m) ?? names.set(m, `#${names.size}`).get(m)) : m));
    const walk = (v: unknown): unknown => {
      if (typeof v === 'string') return name(v);
      if (typeof v === 'number') return ids.has(String(v)) ? name(String(v)) : v;
      if (Array.isArray(v)) return v.map(walk);
      if (v && typeof v === 'object') {
        const skip = ['createdAt', 'updatedAt', 'sort', 'parentId', 'id', 'name'];
        return Object.fromEntries(
          Object.keys(v)
            .sort()
            .filter((k) => !skip.includes(k))
            .map((k) => [name(k), walk((v as Record<string, unknown>)[k])]),
        );
      }
      return v;
    };
    // Templates are named on their own and sorted: models of equal sort come back in either order.
    const canonical = walk(tree) as FlowJson;
    const own = templates.map((template) => {
      names.clear();
      return JSON.stringify(walk(template));
    });
    return { ...canonical, templates: own.sort() };
  };

  /** Each model of a canonical page (templates included) as its class and field, sorted. */
  const modelsOf = (canonical: FlowJson) => {
    const out: string[] = [];
    const walk = (v: FlowJson) => {
      if (Array.isArray(v)) return v.forEach(walk);
      if (!v || typeof v !== 'object') return;
      if (typeof v.use === 'string')
        out.push(
          `${v.use} ${JSON.stringify(v.stepParams?.fieldSettings?.init ?? v.stepParams?.resourceSettings?.init ?? {})}`,
        );
      Object.values(v).forEach(walk);
    };
    walk({ ...canonical, templates: canonical.templates.map((t: string) => JSON.parse(t)) });
    return out.sort();
  };

  it('installs its pages from the built snapshots: the same rows applyBlueprint writes, in a fraction of the time', async () => {
    const { pages: specs, options } = plugin().pageSpecs() as PluginPages;
    // Every page has a snapshot taken from the blueprint this instance would apply (else: npm run build:pages).
    for (const page of specs)
      expect([page.key, options.snapshots?.pages[page.key]?.hash]).toEqual([page.key, pageHash(app, page, options)]);
    const page = specs.find((p) => p.key === 'deputies.stations');
    const models = () => app.db.getRepository('flowModels').count();
    const remove = async () => {
      const mark: Model | null = await app.db.getRepository('suitePages').findOne({ filter: { key: page.key } });
      if (mark)
        await routes().destroy({ filter: { $or: [{ id: mark.get('routeId') }, { parentId: mark.get('routeId') }] } });
      await app.db.getRepository('suitePages').destroy({ filter: { key: page.key } });
    };

    await remove();
    let before = await models();
    let started = Date.now();
    const inserted = await installPages(app, [page], options);
    const snapshotMs = Date.now() - started;
    expect(inserted).toMatchObject({ created: [page.key], fromSnapshot: [page.key], failed: [] });
    expect(await models()).toBe(before + options.snapshots.pages[page.key].flowModels.length);
    const fromSnapshot = await canonicalPage(page.key);

    // As on a new instance: no popup templates yet, so the blueprint saves its own.
    await remove();
    for (const name of ['flowModelTemplateUsages', 'flowModelTemplates'])
      await app.db.getCollection(name).model.destroy({ where: {}, hooks: false });
    await recordRealAppPlugins(app);
    before = await models();
    started = Date.now();
    const applied = await installPages(app, [page], { ...options, snapshots: undefined });
    const blueprintMs = Date.now() - started;
    expect(applied).toMatchObject({ created: [page.key], fromSnapshot: [], failed: [] });
    // The snapshot holds every row the blueprint wrote (the page's models and its templates'), and the same ones.
    const snapshot = options.snapshots.pages[page.key];
    const templateModels = snapshot.templates.reduce(
      (n, uid) => n + options.snapshots.templates[uid].flowModels.length,
      0,
    );
    expect(await models()).toBe(before + snapshot.flowModels.length + templateModels);
    const fromBlueprint = await canonicalPage(page.key);
    if (app.db.sequelize.getDialect() === 'sqlite') {
      // The snapshots are built on SQLite: there the blueprint gives the same rows, to the letter.
      expect(fromSnapshot).toEqual(fromBlueprint);
    } else {
      // Elsewhere NocoBase lists a collection's fields in another order, which orders the fields of the popups
      // it generates (users: alphabetical on PostgreSQL): the same models, in another order.
      expect(modelsOf(fromSnapshot)).toEqual(modelsOf(fromBlueprint));
    }
    console.log(`[pages] ${page.key}: from its snapshot in ${snapshotMs} ms, from its blueprint in ${blueprintMs} ms`);

    // A snapshot of another blueprint (or NocoBase version) is never used: the page is applied.
    await remove();
    const stale = {
      ...options.snapshots,
      pages: { [page.key]: { ...options.snapshots.pages[page.key], hash: 'another blueprint' } },
    };
    expect(await installPages(app, [page], { ...options, snapshots: stale })).toMatchObject({
      created: [page.key],
      fromSnapshot: [],
    });
  });
});
