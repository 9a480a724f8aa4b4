import {
  createSuiteServer,
  pagesWithoutSnapshot,
  recordRealAppPlugins,
  signedInAs,
  type ApiRow,
  type SignedIn,
  type TestAgent,
} from '@deputy/test-helpers';
import { idNumber } from '../../../../plugin-pairing-aid/src/server/__tests__/setup';
import type { Model } from '@nocobase/database';
import type { FlowModelRepository } from '@nocobase/plugin-flow-engine';
import type { Plugin } from '@nocobase/server';
import { MockServer } from '@nocobase/test';
import { generateFlowModelRdFromToken, transformFilter } from '@nocobase/utils';
import type { PluginDutyPointsServer } from '../plugin';

/** A chart block as findModelByParentId answers it (a tree of plain objects), as far as these tests read it. */
type FlowModelNode = {
  uid: string;
  use?: string;
  stepParams?: unknown;
  subModels?: { items?: Record<string, FlowModelNode> };
};
/** A measure, dimension or order of a chart's stored builder query. */
type QueryItem = { field: string | string[]; alias?: string; format?: string };
/** A chart's stored builder query. */
type ChartQuery = {
  mode: 'builder';
  collectionPath: string[];
  measures?: QueryItem[];
  dimensions?: QueryItem[];
  orders?: QueryItem[];
  filter?: Parameters<typeof transformFilter>[0];
};
type Chart = { block: FlowModelNode; query: ChartQuery };
/** A row of charts:queryData, by the query's aliases. */
type ChartRow = Record<string, string | number>;
/** What the test calls of plugin-six-ones (not a dependency of this plugin). */
type SixOnes = Plugin & { compliance: { recomputeYear(year: number): Promise<number> } };

/**
 * 统计分析 with the whole suite enabled: besides duty-points' own charts it shows points by station, the
 * 六个一 compliance by rule and the 1+N visits per month (collections of six-ones and pairing-aid). Each chart's
 * stored query runs through data-visualization's charts:queryData as the roles that see the page, so station
 * staff get their station's rows only (the ACL's data scopes apply to charts too).
 */
describe('plugin-duty-points: 统计分析 over the whole suite', () => {
  let app: MockServer;
  let w: { admin: SignedIn; staffA: SignedIn; staffB: SignedIn; stationA: ApiRow; stationB: ApiRow };
  const t = (key: string) => `{{t(${JSON.stringify(key)}, { ns: "@deputy/plugin-duty-points" })}}`;
  const year = new Date().getFullYear() - 1;

  beforeAll(async () => {
    app = await createSuiteServer(
      [
        '@deputy/plugin-deputies',
        '@deputy/plugin-duty-points',
        '@deputy/plugin-six-ones',
        '@deputy/plugin-pairing-aid',
      ],
      ['client', 'flow-engine', 'ui-templates', 'ui-layout', 'data-visualization', 'action-bulk-update'],
    );
    // flowSurfaces offers chart blocks and bulk-update buttons once their plugins are recorded as enabled (as in a real install).
    await recordRealAppPlugins(app);
    await (app.pm.get('@deputy/plugin-duty-points') as PluginDutyPointsServer).installPages();

    const admin = await signedInAs(app, 'stat-admin', ['npc-admin']);
    const staffA = await signedInAs(app, 'stat-staffA', ['station-staff']);
    const staffB = await signedInAs(app, 'stat-staffB', ['station-staff']);
    const users = [
      await signedInAs(app, 'stat-a1', ['deputy']),
      await signedInAs(app, 'stat-a2', ['deputy']),
      await signedInAs(app, 'stat-b1', ['deputy']),
    ];
    const ok = (res: { status: number; body: { data?: ApiRow } }) => {
      if (res.status !== 200) throw new Error(JSON.stringify(res.body));
      return res.body.data;
    };
    const station = async (name: string, staff: SignedIn) =>
      ok(
        await admin.agent
          .resource('liaisonStations')
          .create({ values: { name, headId: staff.user.id, staff: [staff.user.id] } }),
      );
    const stationA = await station('荣家湾镇联络站', staffA);
    const stationB = await station('新墙镇联络站', staffB);
    const deputy = async (name: string, stationId: number, userId: number) =>
      ok(
        await admin.agent
          .resource('deputies')
          .create({ values: { name, stationId, userId, electedOn: `${year - 2}-01-01` } }),
      );
    const [a1, a2, b1] = [
      await deputy('代表甲一', stationA.id, users[0].user.id),
      await deputy('代表甲二', stationA.id, users[1].user.id),
      await deputy('代表乙一', stationB.id, users[2].user.id),
    ];

    // 1+N: A1 visits twice in March and once in April, B1 once in March.
    const categoryId = (await app.db.getRepository('aidCategories').findOne({ filter: { code: 'subsistence' } })).get(
      'id',
    );
    let serial = 0;
    const pairing = async (staff: SignedIn, stationId: number, deputyId: number) => {
      serial += 1;
      const household = ok(
        await admin.agent.resource('aidHouseholds').create({
          values: {
            headName: `户主${serial}`,
            idNumber: idNumber(`43062119600101${String(200 + serial)}`),
            categoryId,
            stationId,
            consent: true,
          },
        }),
      );
      return ok(
        await staff.agent
          .resource('aidPairings')
          .create({ values: { deputyId, householdId: household.id, startDate: `${year}-01-02` } }),
      );
    };
    const pA = await pairing(staffA, stationA.id, a1.id);
    const pB = await pairing(staffB, stationB.id, b1.id);
    for (const [who, p, date] of [
      [users[0], pA, `${year}-03-05`],
      [users[0], pA, `${year}-03-20`],
      [users[0], pA, `${year}-04-02`],
      [users[2], pB, `${year}-03-11`],
    ] as const) {
      ok(await who.agent.resource('aidVisits').create({ values: { pairingId: p.id, date, mode: 'home' } }));
    }

    // Published scores (frozen by the publication service; written here as it would): the year's current
    // version 2 (the latest published period), the version 1 it replaced, and the year before.
    const periods = app.db.getRepository('scorePeriods');
    const period = await periods.create({ values: { key: String(year), status: 'published', version: 2 } });
    const before = await periods.create({ values: { key: String(year - 1), status: 'published', version: 1 } });
    await app.db.getModel('scorePeriods').update({ latest: true }, { where: { id: period.get('id') }, hooks: false });
    const snapshot = (p: Model, version: number, current: boolean, rows: [ApiRow, ApiRow, number, string][]) =>
      Promise.all(
        rows.map(([d, s, total, grade]) =>
          app.db.getRepository('scoreSnapshots').create({
            values: {
              periodId: p.get('id'),
              version,
              deputyId: d.id,
              deputyName: d.name,
              stationId: s.id,
              stationName: s.name,
              total,
              grade,
              current,
            },
          }),
        ),
      );
    await snapshot(period, 2, true, [
      [a1, stationA, 10, '合格'],
      [a2, stationA, 20, '合格'],
      [b1, stationB, 7, '合格'],
    ]);
    await snapshot(period, 1, false, [
      [a1, stationA, 90, '优秀'],
      [a2, stationA, 90, '优秀'],
      [b1, stationB, 90, '优秀'],
    ]);
    await snapshot(before, 1, true, [
      [a1, stationA, 30, '不合格'],
      [b1, stationB, 40, '不合格'],
    ]);
    // The ledger (as the review posts it) and duty records: deputies of both stations, this year and the last.
    const item = await app.db.getRepository('dutyItems').findOne({ filter: { code: 'D01' } });
    const ledger: [ApiRow, number, number][] = [
      [a1, year, 10],
      [a2, year, 4],
      [b1, year, 6],
      [a1, year - 1, 3],
    ];
    for (const [d, y, points] of ledger)
      await app.db.getRepository('pointEntries').create({
        values: { deputyId: d.id, itemId: item.get('id'), kind: 'award', year: y, date: `${y}-03-01`, points },
        hooks: false,
      });
    for (const [d, status] of [
      [a1, 'approved'],
      [b1, 'submitted'],
    ] as const)
      await app.db.getRepository('dutyRecords').create({
        values: { deputyId: d.id, itemId: item.get('id'), date: `${year}-03-01`, quantity: 1, status },
        hooks: false,
      });
    // 六个一 results of the year, as the nightly job computes them.
    await app.pm.get<SixOnes>('@deputy/plugin-six-ones').compliance.recomputeYear(year);
    w = { admin, staffA, staffB, stationA, stationB };
  });

  afterAll(async () => {
    await app?.destroy();
  });

  /** The chart blocks of 统计分析 by their title, with the query each stores. */
  const charts = async () => {
    const routes = app.db.getRepository('desktopRoutes');
    const page = await routes.findOne({ filter: { type: 'flowPage', title: t('Statistics') } });
    const [tab] = await routes.find({ filter: { parentId: page.get('id') }, sort: ['sort'] });
    const grid: FlowModelNode = await (app.db.getRepository('flowModels') as FlowModelRepository).findModelByParentId(
      tab.get('schemaUid'),
      { subKey: 'grid', includeAsyncNode: true },
    );
    const found: Record<string, Chart> = {};
    for (const block of Object.values(grid.subModels.items ?? {}).filter((b) => b.use === 'ChartBlockModel')) {
      let query: ChartQuery | undefined;
      const walk = (node: unknown) => {
        if (!node || typeof node !== 'object' || query) return;
        const fields = node as Record<string, unknown>;
        if (Array.isArray(fields.collectionPath) && fields.mode === 'builder') query = fields as ChartQuery;
        else Object.values(fields).forEach(walk);
      };
      walk(block.stepParams);
      found[JSON.stringify(block.stepParams).match(/\{\{t\(\\"([^\\]+)\\"/)?.[1]] = { block, query };
    }
    return found;
  };

  /**
   * charts:queryData with a chart block's stored builder query, shaped the way data-visualization's ChartResource
   * sends it: `rd` names the block for the caller's session (without it the server answers no rows).
   */
  const run = async (agent: TestAgent, { block, query }: Chart, extra?: Record<string, unknown>) => {
    // superagent keeps the login's `auth` among the agent's defaults, which it does not declare.
    const defaults = (agent as unknown as { _defaults?: { fn: string; args?: string[] }[] })._defaults;
    const token = defaults?.find((d) => d.fn === 'auth')?.args?.[0];
    const [dataSource, collection] = query.collectionPath;
    const alias = (item: QueryItem) => item.alias || [].concat(item.field).join('.');
    const res = await agent.post('/charts:queryData').send({
      mode: 'builder',
      dataSource,
      collection,
      measures: query.measures,
      dimensions: (query.dimensions ?? []).map((d) => (d.format && !d.alias ? { ...d, alias: alias(d) } : d)),
      orders: (query.orders ?? []).map((o) => ({ ...o, alias: alias(o) })),
      // As the chart block sends it: its filter group made a NocoBase filter.
      filter:
        query.filter && extra
          ? { $and: [transformFilter(query.filter), extra] }
          : query.filter
            ? transformFilter(query.filter)
            : extra,
      rd: generateFlowModelRdFromToken(block.uid, token),
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body.data as ChartRow[];
  };

  it('installs the suite’s pages from their built snapshots, 统计分析 with all seven charts included', () => {
    for (const name of [
      '@deputy/plugin-deputies',
      '@deputy/plugin-duty-points',
      '@deputy/plugin-six-ones',
      '@deputy/plugin-pairing-aid',
    ]) {
      expect([name, pagesWithoutSnapshot(app, name)]).toEqual([name, []]);
    }
  });

  it('shows the suite’s seven charts, the three over six-ones and pairing-aid included', async () => {
    const found = await charts();
    expect(Object.keys(found).sort()).toEqual(
      [
        'Points by deputy',
        'Points by duty item',
        'Duty records by status',
        'Grades in the latest published period',
        'Average points per deputy by liaison station',
        'Six-ones compliance by rule',
        '1+N visits per month',
      ].sort(),
    );
    expect(Object.values(found).every(({ block, query }) => block.use === 'ChartBlockModel' && query)).toBe(true);
    expect(found['Six-ones compliance by rule'].query.collectionPath).toEqual(['main', 'ruleResults']);
    // A count of `id` is dropped from the query (ruleResults has no declared id field for the ACL's field check): count a field.
    expect(found['Six-ones compliance by rule'].query.measures).toEqual([
      { field: 'status', aggregation: 'count', alias: 'results' },
    ]);
    expect(found['1+N visits per month'].query.collectionPath).toEqual(['main', 'aidVisits']);
  });

  it('counts 1+N visits per month, a station’s staff their station’s only', async () => {
    const chart = (await charts())['1+N visits per month'];
    const months = (rows: ChartRow[]) => rows.map((r) => [r.date, Number(r.visits)]);
    expect(months(await run(w.admin.agent, chart))).toEqual([
      [`${year}-03`, 3],
      [`${year}-04`, 1],
    ]);
    expect(months(await run(w.staffA.agent, chart))).toEqual([
      [`${year}-03`, 2],
      [`${year}-04`, 1],
    ]);
    expect(months(await run(w.staffB.agent, chart))).toEqual([[`${year}-03`, 1]]);
  });

  it('averages the published points per deputy by station', async () => {
    const chart = (await charts())['Average points per deputy by liaison station'];
    const rows = await run(w.staffA.agent, chart);
    const points = (r: ChartRow) => [r.period, r.station, Number(r.points)];
    // Published scores are public in the county: staff compare all stations. Each period's current version only.
    expect(rows.map(points).sort()).toEqual(
      [
        [String(year), '荣家湾镇联络站', 15],
        [String(year), '新墙镇联络站', 7],
        [String(year - 1), '荣家湾镇联络站', 30],
        [String(year - 1), '新墙镇联络站', 40],
      ].sort(),
    );
  });

  it('counts the grades of the latest published period, its current version only', async () => {
    const chart = (await charts())['Grades in the latest published period'];
    const rows = await run(w.staffA.agent, chart);
    expect(rows.map((r) => [r.grade, Number(r.deputies)])).toEqual([['合格', 3]]);
  });

  it('narrows every chart by the 联络站 chosen above them, and the ledger’s charts by 年度', async () => {
    const found = await charts();
    const routes = app.db.getRepository('desktopRoutes');
    const page = await routes.findOne({ filter: { type: 'flowPage', title: t('Statistics') } });
    const [tab] = await routes.find({ filter: { parentId: page.get('id') }, sort: ['sort'] });
    const grid = await (app.db.getRepository('flowModels') as FlowModelRepository).findModelByParentId(
      tab.get('schemaUid'),
      { subKey: 'grid', includeAsyncNode: true },
    );
    // One filter form, first, with the two fields (NocoBase's filter form block).
    const [form] = Object.values<any>(grid.subModels.items);
    expect(form.use).toBe('FilterFormBlockModel');
    const fieldOf = (path: string) =>
      JSON.stringify(form).includes(`"fieldPath":"${path}"`) &&
      Object.values<any>(form.subModels.grid.subModels.items).find(
        (i) => i.stepParams?.fieldSettings?.init?.fieldPath === path,
      );
    const station = fieldOf('station');
    const yearField = fieldOf('year');
    expect([!!station, !!yearField]).toEqual([true, true]);
    // What the grid's filter manager connects each field to: every chart, each by its own path.
    const byTitle = (uid: string) => Object.entries(found).find(([, c]) => c.block.uid === uid)?.[0];
    const connected = (field: any) =>
      Object.fromEntries(
        (grid.filterManager as any[])
          .filter((c) => c.filterId === field.uid)
          .map((c) => [byTitle(c.targetId), c.filterPaths]),
      );
    expect(connected(station)).toEqual({
      'Points by deputy': ['deputy.station.id'],
      'Points by duty item': ['deputy.station.id'],
      'Duty records by status': ['deputy.station.id'],
      'Grades in the latest published period': ['station.id'],
      'Average points per deputy by liaison station': ['station.id'],
      'Six-ones compliance by rule': ['station.id'],
      '1+N visits per month': ['deputy.station.id'],
    });
    expect(connected(yearField)).toEqual({ 'Points by deputy': ['year'], 'Points by duty item': ['year'] });
    // Each path filters its chart's query on the server as the client sends it: the administrator choosing
    // station A sees what station A's own staff see (their data scope), or station A's rows of the county's.
    const atA = (path: string) => ({ [path]: { $eq: w.stationA.id } });
    const months = (rows: ChartRow[]) => rows.map((r) => [r.date, Number(r.visits)]);
    expect(months(await run(w.admin.agent, found['1+N visits per month'], atA('deputy.station.id')))).toEqual([
      [`${year}-03`, 2],
      [`${year}-04`, 1],
    ]);
    const stations = await run(w.admin.agent, found['Average points per deputy by liaison station'], atA('station.id'));
    expect([...new Set(stations.map((r) => r.station))]).toEqual(['荣家湾镇联络站']);
    const deputies = await run(w.admin.agent, found['Points by deputy'], atA('deputy.station.id'));
    expect(deputies.length).toBeGreaterThan(0);
    expect(deputies.every((r) => String(r.deputy).startsWith('代表甲'))).toBe(true);
    const pointsOf = (rows: ChartRow[]) => rows.map((r) => [r.deputy, Number(r.points)]).sort();
    expect(pointsOf(deputies)).toEqual([
      ['代表甲一', 13],
      ['代表甲二', 4],
    ]);
    expect(pointsOf(await run(w.admin.agent, found['Points by deputy'], { year: { $eq: year - 1 } }))).toEqual([
      ['代表甲一', 3],
    ]);
    const grades = await run(w.admin.agent, found['Grades in the latest published period'], atA('station.id'));
    expect(grades.map((r) => [r.grade, Number(r.deputies)])).toEqual([['合格', 2]]);
    // Station A's staff see station A's rows of these already (their data scope): the same rows filtered to A.
    for (const title of ['Points by duty item', 'Duty records by status', 'Six-ones compliance by rule'])
      expect(await run(w.staffA.agent, found[title], atA(connected(station)[title][0])), title).toEqual(
        await run(w.staffA.agent, found[title]),
      );
  });

  it('shows the 六个一 results by rule and status, a station’s staff their station’s only', async () => {
    const chart = (await charts())['Six-ones compliance by rule'];
    const expected = async (filter: Record<string, unknown>) => {
      const results: Model[] = await app.db.getRepository('ruleResults').find({ filter, appends: ['rule'] });
      const counts: Record<string, number> = {};
      for (const r of results) {
        const key = `${r.get('rule').get('name')}|${r.get('status')}`;
        counts[key] = (counts[key] ?? 0) + 1;
      }
      return counts;
    };
    const got = (rows: ChartRow[]) => Object.fromEntries(rows.map((r) => [`${r.rule}|${r.status}`, Number(r.results)]));
    const all = await expected({});
    expect(Object.keys(all).length).toBeGreaterThan(0);
    expect(got(await run(w.admin.agent, chart))).toEqual(all);
    const mine = await expected({ stationId: w.stationA.id });
    expect(Object.keys(mine).length).toBeGreaterThan(0);
    expect(got(await run(w.staffA.agent, chart))).toEqual(mine);
  });
});
