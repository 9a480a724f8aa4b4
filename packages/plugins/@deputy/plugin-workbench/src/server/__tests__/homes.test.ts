import {
  createSuiteServer,
  deputyOf,
  menuPagesOf,
  pagesWithoutSnapshot,
  recordRealAppPlugins,
  SignedIn,
  signedInAs,
  stationHeadedBy,
  SUITE_PLUGINS,
} from '@deputy/test-helpers';
import type { BelongsToManyRepository } from '@nocobase/database';
import type { FlowModelRepository } from '@nocobase/plugin-flow-engine';
import { MockServer } from '@nocobase/test';
import type { PluginWorkbenchServer } from '../plugin';
import enUS from '../../locale/en-US.json';
import zhCN from '../../locale/zh-CN.json';
import pages from '../pages/pages.json';

const NS = '@deputy/plugin-workbench';
const t = (key: string) => `{{t(${JSON.stringify(key)}, { ns: ${JSON.stringify(NS)} })}}`;
const BUILT_INS = [
  'client',
  'flow-engine',
  'ui-templates',
  'ui-layout',
  'data-visualization',
  'action-bulk-update',
  'block-workbench',
];
const HOMES = { 'npc-admin': 'County overview', 'station-staff': 'Station workbench', deputy: 'My workbench' };

type FilterGroup = {
  logic: '$and' | '$or';
  items: (FilterGroup | { path: string; operator: string; value: unknown })[];
};
type Block = {
  uid: string;
  use: string;
  stepParams?: {
    resourceSettings?: { init?: { collectionName?: string } };
    listSettings?: {
      dataScope?: { filter?: FilterGroup };
      defaultSorting?: { sort?: { field: string; direction: 'asc' | 'desc' }[] };
    };
    cardSettings?: { titleDescription?: { title?: string } };
  };
};
const day = (offset: number) => new Date(Date.now() + 8 * 3600e3 + offset * 86400e3).toISOString().slice(0, 10);

/** The NocoBase filter a list block's data scope sends, with the signed-in user's id put in as the client does. */
function toFilter(group: FilterGroup, userId: number): Record<string, unknown> {
  return {
    [group.logic]: group.items.map((item) =>
      'logic' in item
        ? toFilter(item, userId)
        : { [item.path]: { [item.operator]: item.value === '{{ctx.user.id}}' ? userId : item.value } },
    ),
  };
}

/**
 * plugin-workbench: the first page of each role (全县概览, 联络站工作台, 我的工作台), made of NocoBase's lists and
 * charts and the other plugins' blocks, opening the suite's menu; their lists answer each role its own work.
 */
describe('plugin-workbench: a home for each role', () => {
  let app: MockServer;
  let w: {
    admin: SignedIn;
    headA: SignedIn;
    d1: SignedIn & { deputyId: number };
    d2: SignedIn & { deputyId: number };
    ids: Record<string, string>;
  };
  const routes = () => app.db.getRepository('desktopRoutes');

  beforeAll(async () => {
    app = await createSuiteServer([...SUITE_PLUGINS, NS], BUILT_INS);
    // Chart blocks are offered once data-visualization is recorded as enabled, as in a real install.
    await recordRealAppPlugins(app);
    await (app.pm.get(NS) as unknown as PluginWorkbenchServer).installPages();

    const admin = await signedInAs(app, 'wb-admin', ['npc-admin']);
    const headA = await signedInAs(app, 'wb-headA', ['station-staff']);
    const headB = await signedInAs(app, 'wb-headB', ['station-staff']);
    const stationA = (await stationHeadedBy(admin.agent, '高沙镇联络站', headA)).id;
    const stationB = (await stationHeadedBy(admin.agent, '石江镇联络站', headB)).id;
    const deputy = async (username: string, name: string, stationId: number) => {
      const who = await signedInAs(app, username, ['deputy']);
      return { ...who, deputyId: (await deputyOf(admin.agent, name, stationId, who.user.id)).id };
    };
    const d1 = await deputy('wb-d1', '代表甲', stationA);
    const d2 = await deputy('wb-d2', '代表乙', stationB);
    const item = await app.db.getRepository('dutyItems').findOne({ filter: { code: 'D01' } });
    const ids: Record<string, string> = {};
    // Names by `collection:id`, to read a list's answer by name.
    const row = async (name: string, collection: string, values: Record<string, unknown>) => {
      const id = (await app.db.getRepository(collection).create({ values, hooks: false })).get('id') as number;
      ids[`${collection}:${id}`] = name;
      return id;
    };
    const record = (name: string, deputyId: number, status: string) =>
      row(name, 'dutyRecords', { deputyId, itemId: item.get('id'), date: day(-3), quantity: 1, status });
    await record('d1Draft', d1.deputyId, 'draft');
    await record('d1Rejected', d1.deputyId, 'rejected');
    await record('d1Submitted', d1.deputyId, 'submitted');
    await record('d1Approved', d1.deputyId, 'approved');
    await record('d2Draft', d2.deputyId, 'draft');
    await record('d2Submitted', d2.deputyId, 'submitted');
    const session = async (name: string, stationId: number, date: string, roster: number[], status = 'planned') => {
      const id = await row(name, 'receptionSessions', { stationId, scheduledOn: date, date, status });
      await app.db.getRepository<BelongsToManyRepository>('receptionSessions.roster', id).set(roster);
    };
    await session('aNext', stationA, day(5), [d1.deputyId]);
    await session('aPast', stationA, day(-5), [d1.deputyId], 'held');
    await session('aUnstaffed', stationA, day(9), []);
    await session('bNext', stationB, day(5), [d2.deputyId]);
    const activity = (name: string, stationId: number, date: string, status: string) =>
      row(name, 'dutyActivities', { title: name, itemId: item.get('id'), stationId, date, status });
    await activity('aComing', stationA, day(2), 'approved');
    await activity('aToday', stationA, day(0), 'approved');
    await activity('aOver', stationA, day(-2), 'approved');
    await activity('aPlanned', stationA, day(4), 'planned');
    await activity('bComing', stationB, day(2), 'approved');
    w = { admin, headA, d1, d2, ids };
  });

  afterAll(async () => {
    await app?.destroy();
  });

  it('installs its homes from their built snapshots (npm run build:pages when a page changed)', () => {
    expect(pagesWithoutSnapshot(app, NS)).toEqual([]);
  });

  it("opens the suite's menu: each role's first page is its own home, and it sees no other role's", async () => {
    const agents = { 'npc-admin': w.admin.agent, 'station-staff': w.headA.agent, deputy: w.d1.agent };
    for (const [role, agent] of Object.entries(agents)) {
      const seen = await menuPagesOf(agent);
      expect(seen[0], role).toBe(t(HOMES[role as keyof typeof HOMES]));
      if (role !== 'npc-admin') {
        const others = Object.values(HOMES).filter((title) => title !== HOMES[role as keyof typeof HOMES]);
        for (const title of others) expect(seen, role).not.toContain(t(title));
      }
    }
    // Installing again changes nothing.
    const again = await (app.pm.get(NS) as unknown as PluginWorkbenchServer).installPages();
    expect(again).toMatchObject({ created: [], failed: [] });
    expect(await routes().count({ filter: { type: 'flowPage', title: t('My workbench') } })).toBe(1);
  });

  const blocksOf = async (title: string) => {
    const page = await routes().findOne({ filter: { type: 'flowPage', title: t(title) } });
    const [tab] = await routes().find({ filter: { parentId: page.get('id') }, sort: ['sort'] });
    const grid = await (app.db.getRepository('flowModels') as FlowModelRepository).findModelByParentId(
      tab.get('schemaUid'),
      { subKey: 'grid', includeAsyncNode: true },
    );
    return Object.values(grid.subModels.items ?? {}) as Block[];
  };
  const what = (b: Block) =>
    b.use === 'ChartBlockModel' ? 'chart' : (b.stepParams?.resourceSettings?.init?.collectionName ?? b.use);

  it("is made of NocoBase's lists and charts and the suite's blocks", async () => {
    expect((await blocksOf('County overview')).map(what)).toEqual([
      'scorePeriods',
      'pointAppeals',
      'chart',
      'chart',
      'chart',
      'StationOverviewBlockModel',
      'OpinionDashboardBlockModel',
      'AidKpiBlockModel',
    ]);
    expect((await blocksOf('Station workbench')).map(what)).toEqual([
      'dutyRecords',
      'receptionSessions',
      'dutyActivities',
      'OpinionDashboardBlockModel',
      'ComplianceMatrixBlockModel',
      'StationOverviewBlockModel',
    ]);
    expect((await blocksOf('My workbench')).map(what)).toEqual([
      'ActionPanelBlockModel',
      'dutyRecords',
      'receptionSessions',
      'dutyActivities',
      'MyPointsBlockModel',
      'ComplianceMatrixBlockModel',
      'AidKpiBlockModel',
    ]);
    const lists = [
      ...(await blocksOf('County overview')),
      ...(await blocksOf('Station workbench')),
      ...(await blocksOf('My workbench')),
    ].filter((b) => b.use === 'ListBlockModel');
    expect(lists).toHaveLength(8);
    // Each list says what it lists (NocoBase drops the title of a page's only data block).
    for (const list of lists) expect(list.stepParams.cardSettings?.titleDescription?.title).toMatch(/^\{\{t\(/);
    // The deputy's first tile, 活动签到: a labelled JS action of NocoBase's action panel that runs
    // dutyActivities:signIn with the code typed, or kept from a scanned QR card.
    const [panel] = await blocksOf('My workbench');
    const tiles = Object.values<Block>((panel as unknown as { subModels: { actions: Block[] } }).subModels.actions);
    expect(tiles.map((a) => a.use)).toEqual(['JSActionModel']);
    const tile = JSON.stringify(tiles[0]);
    expect(tile).toContain(JSON.stringify(t('Sign in to an activity')).slice(1, -1));
    expect(tile).toContain('QrcodeOutlined');
    expect(tile).toContain("action: 'dutyActivities:signIn'");
    expect(tile).toContain('sessionStorage.getItem(KEPT)');
  });

  /** What a home's list shows the agent: its collection, data scope and sorting, through the HTTP API. */
  const listed = async (home: string, collection: string, who: SignedIn) => {
    const block = (await blocksOf(home)).find((b) => what(b) === collection && b.use === 'ListBlockModel');
    const settings = block.stepParams.listSettings;
    const sort = (settings.defaultSorting?.sort ?? []).map((s) => (s.direction === 'desc' ? '-' : '') + s.field);
    const res = await who.agent
      .resource(collection)
      .list({ filter: toFilter(settings.dataScope.filter, who.user.id), sort, pageSize: 50 });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return (res.body.data as { id: number }[]).map((r) => w.ids[`${collection}:${r.id}`] ?? `other ${r.id}`);
  };

  it("answers a deputy its records to finish, its station's coming reception days and activities", async () => {
    expect((await listed('My workbench', 'dutyRecords', w.d1)).sort()).toEqual(['d1Draft', 'd1Rejected']);
    // The deputy's station's coming days with who is on duty (the roster's user ids are not the deputy's to read,
    // so "mine only" cannot be a filter of the page); another station's days are out of its reach.
    expect(await listed('My workbench', 'receptionSessions', w.d1)).toEqual(['aNext', 'aUnstaffed']);
    expect(await listed('My workbench', 'receptionSessions', w.d2)).toEqual(['bNext']);
    const coming = await listed('My workbench', 'dutyActivities', w.d1);
    expect(coming).toEqual(expect.arrayContaining(['aToday', 'aComing']));
    expect(coming).not.toEqual(expect.arrayContaining(['aOver']));
    expect(coming.indexOf('aToday')).toBeLessThan(coming.indexOf('aComing'));
    expect(coming).not.toContain('aPlanned');
  });

  it("answers station staff their station's records to review and its coming reception days", async () => {
    expect(await listed('Station workbench', 'dutyRecords', w.headA)).toEqual(['d1Submitted']);
    expect(await listed('Station workbench', 'receptionSessions', w.headA)).toEqual(['aNext', 'aUnstaffed']);
    expect(await listed('Station workbench', 'dutyActivities', w.headA)).toEqual(['aToday', 'aComing']);
  });

  it('answers administrators the periods still to publish and the appeals still to decide', async () => {
    const periods = app.db.getRepository('scorePeriods');
    const open = await periods.create({ values: { key: '2026-Q3', title: '2026年第三季度', status: 'open' } });
    const published = await periods.create({
      values: { key: '2026-Q2', title: '2026年第二季度', status: 'published' },
    });
    w.ids[`scorePeriods:${open.get('id')}`] = 'q3';
    w.ids[`scorePeriods:${published.get('id')}`] = 'q2';
    const listedPeriods = await listed('County overview', 'scorePeriods', w.admin);
    expect(listedPeriods).toContain('q3');
    expect(listedPeriods).not.toContain('q2');
    const appeal = async (name: string, status: string) => {
      const values = {
        periodId: published.get('id'),
        deputyId: w.d1.deputyId,
        kind: 'missing',
        description: name,
        status,
      };
      const id = (await app.db.getRepository('pointAppeals').create({ values, hooks: false })).get('id');
      w.ids[`pointAppeals:${id}`] = name;
    };
    await appeal('older', 'pending');
    await appeal('decided', 'accepted');
    await appeal('newer', 'pending');
    expect(await listed('County overview', 'pointAppeals', w.admin)).toEqual(['older', 'newer']);
  });

  it('has every title and description in zh-CN and en-US', () => {
    type Spec = {
      blueprint: { page: { title: string }; tabs: { blocks: { title?: string; description?: string }[] }[] };
    };
    const texts = (pages as Spec[]).flatMap((p) => [
      p.blueprint.page.title,
      ...p.blueprint.tabs.flatMap((tab) => tab.blocks.flatMap((b) => [b.title, b.description])),
    ]);
    for (const text of texts.filter(Boolean)) {
      expect(enUS).toHaveProperty([text]);
      expect(zhCN).toHaveProperty([text]);
    }
    expect(Object.keys(zhCN).sort()).toEqual(Object.keys(enUS).sort());
  });
});
