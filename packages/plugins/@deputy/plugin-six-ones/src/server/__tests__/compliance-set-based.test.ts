import { createSuiteServer, SignedIn, signedInAs } from '@deputy/test-helpers';
import type { Model } from '@nocobase/database';
import { MockServer } from '@nocobase/test';
import type { PluginSixOnesServer } from '../plugin';
import { KEEP_IDS } from '../services/compliance';

const Y = new Date().getFullYear() - 1;
const today = () => new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 10);
type Who = { deputyId?: number; stationId?: number };

/**
 * The full recompute (one INSERT … SELECT per rule over every period of the year) against the per-deputy and
 * per-station incremental updates, row for row, on a varied town: leave (approved and pending), a deputy elected
 * mid-year, one leaving mid-year, one gone before the year, one "left" without a date, two terms, grid areas,
 * station activities, reception sessions, a ledger entry, more records than a result keeps. The shared
 * statement could be wrong in both paths alike, so the cells each case decides are also checked by hand.
 */
describe('plugin-six-ones: the set-based full recompute gives the rows of the incremental updates', () => {
  let app: MockServer;
  let admin: SignedIn;
  let plugin: PluginSixOnesServer;
  const ids: Record<string, number> = {};
  let ruleIds: Record<string, number> = {};
  let yearlyIds: number[] = [];
  const rows = async () =>
    ((await app.db.getRepository('ruleResults').find()) as Model[])
      .map((r) =>
        JSON.stringify([
          r.get('ruleId'),
          r.get('deputyId'),
          r.get('stationId'),
          r.get('periodKey'),
          r.get('periodFrom'),
          r.get('periodTo'),
          r.get('count'),
          r.get('required'),
          r.get('status'),
          r.get('exemptReason'),
          r.get('sourceIds'),
        ]),
      )
      .sort();
  const result = async (code: string, periodKey: string, who: Who) =>
    (
      await app.db.getRepository('ruleResults').findOne({
        filter: {
          ruleId: ruleIds[code],
          periodKey,
          ...(who.deputyId ? { deputyId: who.deputyId } : { deputyId: null, stationId: who.stationId }),
        },
      })
    )?.toJSON();

  beforeAll(async () => {
    app = await createSuiteServer(['@deputy/plugin-deputies', '@deputy/plugin-duty-points', '@deputy/plugin-six-ones']);
    plugin = app.pm.get('@deputy/plugin-six-ones') as PluginSixOnesServer;
    admin = await signedInAs(app, 'npc', ['npc-admin']);
    const rules: Model[] = await app.db.getRepository('dutyRules').find();
    ruleIds = Object.fromEntries(rules.map((r) => [r.get('code'), r.get('id')]));
    const items: Model[] = await app.db.getRepository('dutyItems').find();
    const item = Object.fromEntries(items.map((i) => [i.get('code'), i.get('id')]));
    // The town's rows without their hooks: the recomputes below are the subject, not the hooks.
    const make = async (collection: string, values: Record<string, unknown>[]) =>
      (await app.db.getModel(collection).bulkCreate(values, { hooks: false, returning: true })).map((m) =>
        Number(m.get('id')),
      );
    [ids.t1, ids.t2] = await make('deputyTerms', [
      { name: '第十八届', startsOn: '2021-01-01', endsOn: `${Y}-06-30` },
      { name: '第十九届', startsOn: `${Y}-07-01`, endsOn: '2030-06-30' },
    ]);
    [ids.a, ids.b] = await make('liaisonStations', [{ name: '高沙镇联络站' }, { name: '石江镇联络站' }]);
    const d = (name: string, values: Record<string, unknown>) => ({ name, status: 'active', ...values });
    [ids.d1, ids.d2, ids.d3, ids.d4, ids.d5, ids.d6, ids.d7] = await make('deputies', [
      d('代表一', { stationId: ids.a, termId: ids.t1 }),
      d('代表二', { stationId: ids.a, termId: ids.t2, electedOn: `${Y}-05-15` }),
      d('代表三', { stationId: ids.b, termId: ids.t1, status: 'left', leftOn: `${Y}-08-10` }),
      d('代表四', { stationId: ids.b, termId: ids.t1, status: 'left', leftOn: `${Y - 1}-11-30` }),
      d('代表五', { stationId: ids.a, termId: ids.t1 }),
      d('代表六', {}),
      d('代表七', { stationId: ids.b, termId: ids.t1, status: 'left' }),
    ]);
    await make('deputyLeaves', [
      { deputyId: ids.d5, from: `${Y}-04-10`, to: `${Y}-04-20`, status: 'approved' },
      { deputyId: ids.d5, from: `${Y}-06-01`, to: `${Y}-06-10`, status: 'pending' },
    ]);
    [ids.g1, ids.g2] = await make('gridAreas', [{ name: '一片' }, { name: '二片' }]);
    await app.db.getModel('deputiesGridAreas').bulkCreate(
      [
        { deputyId: ids.d1, gridAreaId: ids.g2 },
        { deputyId: ids.d1, gridAreaId: ids.g1 },
        { deputyId: ids.d2, gridAreaId: ids.g1 },
      ],
      { hooks: false },
    );
    const rec = (deputyId: number, code: string, date: string, status = 'approved') => ({
      deputyId,
      itemId: item[code],
      date,
      status,
    });
    await make('dutyRecords', [
      rec(ids.d1, 'D03', `${Y}-01-15`),
      rec(ids.d1, 'D03', `${Y}-03-01`),
      rec(ids.d1, 'D03', `${Y}-03-31`),
      rec(ids.d1, 'D03', `${Y}-04-01`),
      rec(ids.d1, 'D03', `${Y}-02-10`, 'submitted'),
      rec(ids.d1, 'D01', `${Y}-02-11`),
      rec(ids.d1, 'D05', `${Y}-08-20`),
      rec(ids.d1, 'D23', `${Y}-03-03`),
      rec(ids.d2, 'D03', `${Y}-05-20`),
      rec(ids.d2, 'D03', `${Y}-06-02`),
      rec(ids.d3, 'D03', `${Y}-08-05`),
      rec(ids.d3, 'D10', `${Y}-09-15`),
      rec(ids.d5, 'D03', `${Y}-04-12`),
    ]);
    // More surveys than a result keeps, in reverse date order (the ids kept are the lowest, not the earliest).
    yearlyIds = await make(
      'dutyRecords',
      Array.from({ length: KEEP_IDS + 5 }, (_, i) =>
        rec(ids.d1, 'D07', `${Y}-12-${String(28 - (i % 28)).padStart(2, '0')}`),
      ),
    );
    await make('dutyActivities', [
      { title: '集中学习', itemId: item.D03, stationId: ids.a, date: `${Y}-06-12`, status: 'approved' },
      { title: '学习（草稿）', itemId: item.D03, stationId: ids.a, date: `${Y}-07-03`, status: 'draft' },
      { title: '走访', itemId: item.D01, stationId: ids.b, date: `${Y}-09-09`, status: 'approved' },
    ]);
    const session = (stationId: number, date: string, status: string) => ({
      stationId,
      scheduledOn: date,
      date,
      status,
    });
    await make('receptionSessions', [
      session(ids.a, `${Y}-10-06`, 'held'),
      session(ids.a, `${Y}-10-16`, 'held'),
      session(ids.a, `${Y}-10-26`, 'held'),
      session(ids.a, `${Y}-11-06`, 'missed'),
      session(ids.b, `${Y}-10-16`, 'held'),
    ]);
    const [section] = await app.db
      .getRepository('ledgerSections')
      .find({ filter: { source: 'entry' }, sort: ['sort'] });
    await make('ledgerEntries', [{ stationId: ids.a, sectionId: section.get('id'), month: `${Y}-06` }]);
  });

  afterAll(async () => {
    await app?.destroy();
  });

  it('gives every row of the per-deputy and per-station updates, and decides each case as the rules say', async () => {
    const results = app.db.getModel('ruleResults');
    // Incremental: every deputy on its own, every station on its own, each station rule and period.
    await results.destroy({ where: {} });
    for (const deputyId of [ids.d1, ids.d2, ids.d3, ids.d4, ids.d5, ids.d6, ids.d7])
      await plugin.compliance.recomputeDeputy(deputyId, [Y]);
    for (const rule of (await plugin.compliance.rules()).filter((r) => r.subject === 'station'))
      for (const period of await plugin.compliance.periodsOf(rule, Y))
        for (const stationId of [ids.a, ids.b])
          await plugin.compliance.compute(rule, period, { stationIds: [stationId] });
    const incremental = await rows();
    await results.destroy({ where: {} });
    expect(await plugin.compliance.recomputeYear(Y)).toBe(12 * 5 + 4 * 2 + 1 * 2 + 2 + 1);
    const full = await rows();
    expect(incremental.length).toBeGreaterThan(200);
    expect(full).toEqual(incremental);

    // By hand: counts at the month's edges, an unapproved record and another item's count for nothing.
    expect(await result('R1', `${Y}-01`, { deputyId: ids.d1 })).toMatchObject({ count: 1, status: 'met' });
    expect(await result('R1', `${Y}-02`, { deputyId: ids.d1 })).toMatchObject({ count: 0, status: 'missed' });
    expect(await result('R1', `${Y}-03`, { deputyId: ids.d1 })).toMatchObject({ count: 2, status: 'met' });
    expect(await result('R3', `${Y}-Q3`, { deputyId: ids.d1 })).toMatchObject({ count: 1, status: 'met' });
    // The lowest KEEP_IDS ids of the records that satisfied it, ascending; the count of them all.
    const yearly = await result('R5', `${Y}`, { deputyId: ids.d1 });
    expect(yearly).toMatchObject({ count: KEEP_IDS + 5, status: 'met', periodFrom: `${Y}-01-01` });
    expect(yearly.sourceIds).toEqual([...yearlyIds].sort((x, y) => x - y).slice(0, KEEP_IDS));
    // Approved leave exempts (the month, the quarter, the year it touches); pending leave does not.
    for (const [code, key] of [
      ['R1', `${Y}-04`],
      ['R3', `${Y}-Q2`],
      ['R5', `${Y}`],
    ])
      expect(await result(code, key, { deputyId: ids.d5 })).toMatchObject({ status: 'exempt', exemptReason: 'leave' });
    expect(await result('R1', `${Y}-04`, { deputyId: ids.d5 })).toMatchObject({ count: 1 });
    expect(await result('R1', `${Y}-06`, { deputyId: ids.d5 })).toMatchObject({ status: 'missed', exemptReason: null });
    // Elected on 15 May: nothing before, May exempt, June counted; its term still runs (in progress).
    expect(await result('R1', `${Y}-04`, { deputyId: ids.d2 })).toBeFalsy();
    expect(await result('R1', `${Y}-05`, { deputyId: ids.d2 })).toMatchObject({
      status: 'exempt',
      exemptReason: 'joined',
    });
    expect(await result('R1', `${Y}-06`, { deputyId: ids.d2 })).toMatchObject({ count: 1, status: 'met' });
    expect(await result('R7', `term-${ids.t2}`, { deputyId: ids.d2 })).toMatchObject({ status: 'in-progress' });
    expect(await result('R7', `term-${ids.t1}`, { deputyId: ids.d2 })).toBeFalsy();
    expect(await result('R7', `term-${ids.t1}`, { deputyId: ids.d1 })).toMatchObject({ count: 1, status: 'met' });
    // Left on 10 August: July missed, August exempt, nothing after; gone before the year: no row at all.
    expect(await result('R1', `${Y}-07`, { deputyId: ids.d3 })).toMatchObject({ status: 'missed' });
    expect(await result('R1', `${Y}-08`, { deputyId: ids.d3 })).toMatchObject({
      status: 'exempt',
      exemptReason: 'left',
    });
    expect(await result('R2', `${Y}-09`, { deputyId: ids.d3 })).toBeFalsy();
    expect(
      await app.db.getRepository('ruleResults').count({
        filter: { deputyId: ids.d4, periodKey: { $notLike: 'term-%' } },
      }),
    ).toBe(0);
    // … but it served in the term that ran until the middle of the year, and left during it.
    expect(await result('R7', `term-${ids.t1}`, { deputyId: ids.d4 })).toMatchObject({
      status: 'exempt',
      exemptReason: 'left',
    });
    // "Left" without a date: every period applies, none exempt; a deputy of no term has no term row.
    expect(await result('R1', `${Y}-12`, { deputyId: ids.d7 })).toMatchObject({ status: 'missed', exemptReason: null });
    expect(
      await app.db.getRepository('ruleResults').count({ filter: { deputyId: ids.d6, periodKey: { $like: 'term-%' } } }),
    ).toBe(0);
    // The standing rule: today's grid areas, never "in progress"; the stations of the deputies' rows.
    expect(await result('R9', 'standing', { deputyId: ids.d1 })).toMatchObject({
      count: 2,
      status: 'met',
      stationId: ids.a,
      periodFrom: today(),
      sourceIds: [ids.g1, ids.g2],
    });
    expect(await result('R9', 'standing', { deputyId: ids.d5 })).toMatchObject({ count: 0, status: 'missed' });
    expect(await result('R9', 'standing', { deputyId: ids.d3 })).toBeFalsy();
    // Stations: activities of the rule's items only and approved; sessions held; the ledger's sections.
    expect(await result('R1S', `${Y}-06`, { stationId: ids.a })).toMatchObject({ count: 1, status: 'met' });
    expect(await result('R1S', `${Y}-07`, { stationId: ids.a })).toMatchObject({ count: 0, status: 'missed' });
    expect(await result('R1S', `${Y}-09`, { stationId: ids.b })).toMatchObject({ count: 0 });
    expect(await result('R2B', `${Y}-10`, { stationId: ids.a })).toMatchObject({
      count: 3,
      required: 3,
      status: 'met',
    });
    expect(await result('R2B', `${Y}-11`, { stationId: ids.a })).toMatchObject({ count: 0, status: 'missed' });
    expect(await result('R2B', `${Y}-10`, { stationId: ids.b })).toMatchObject({ count: 1, status: 'missed' });
    expect(await result('R8', `${Y}-06`, { stationId: ids.a })).toMatchObject({
      count: 2,
      required: 12,
      status: 'missed',
    });
    expect(await result('R8', `${Y}-09`, { stationId: ids.b })).toMatchObject({ count: 1 });
    expect(await result('R8', `${Y}-10`, { stationId: ids.a })).toMatchObject({ count: 2 });
  });

  it('after one approval over HTTP, the incremental rows are those of a fresh full run', async () => {
    // The station's head reviews the deputies' submissions.
    const head = await signedInAs(app, 'head', ['station-staff']);
    const station = await admin.agent
      .resource('liaisonStations')
      .update({ filterByTk: ids.a, values: { headId: head.user.id, staff: [head.user.id] } });
    expect(station.status).toBe(200);
    const photo = await app.db.getRepository('attachments').create({
      values: { title: 'photo', filename: 'p.jpg', extname: '.jpg', mimetype: 'image/jpeg', size: 1, url: '/p.jpg' },
    });
    const study = await app.db.getRepository('dutyItems').findOne({ filter: { code: 'D03' } });
    const created = await admin.agent.resource('dutyRecords').create({
      values: { deputyId: ids.d1, itemId: study.get('id'), date: `${Y}-02-14`, evidence: [photo.get('id')] },
    });
    expect(created.status).toBe(200);
    const id = created.body.data.id;
    expect((await admin.agent.post(`/dutyRecords:submit?filterByTk=${id}`).send({})).status).toBe(200);
    const approved = await admin.agent
      .resource('dutyRecords')
      .update({ filterByTk: id, values: { status: 'approved' } });
    expect(approved.status).toBe(200);
    expect(await result('R1', `${Y}-02`, { deputyId: ids.d1 })).toMatchObject({
      count: 1,
      status: 'met',
      sourceIds: [id],
    });
    const incremental = await rows();
    await plugin.compliance.recomputeYear(Y);
    expect(await rows()).toEqual(incremental);
  });
});
