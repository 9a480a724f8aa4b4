import { createSuiteServer, signedInAs } from '@deputy/test-helpers';
import type { PluginDutyPointsServer } from '@deputy/plugin-duty-points';
import type { Model } from '@nocobase/database';
import { MockServer } from '@nocobase/test';
import type { PluginSixOnesServer } from '../plugin';
import { monthOf, parsePeriod, quarterOf } from '../services/periods';

const Y = new Date().getFullYear() - 1;
/** A row of ruleResults:matrix as the HTTP answer carries it. */
type MatrixRow = { deputyId?: number; stationId?: number; station?: string | null };

/** A station with its head, two deputies with accounts, an administrator; no workflows (records approved directly). */
async function sixOnesWorld() {
  const app = await createSuiteServer([
    '@deputy/plugin-deputies',
    '@deputy/plugin-duty-points',
    '@deputy/plugin-six-ones',
  ]);
  const admin = await signedInAs(app, 'npc', ['npc-admin']);
  const head = await signedInAs(app, 'head', ['station-staff']);
  const otherHead = await signedInAs(app, 'head2', ['station-staff']);
  const d1 = await signedInAs(app, 'deputy1', ['deputy']);
  const d2 = await signedInAs(app, 'deputy2', ['deputy']);
  const station = (
    await admin.agent
      .resource('liaisonStations')
      .create({ values: { name: '高沙镇联络站', headId: head.user.id, staff: [head.user.id] } })
  ).body.data;
  const other = (
    await admin.agent
      .resource('liaisonStations')
      .create({ values: { name: '石江镇联络站', headId: otherHead.user.id, staff: [otherHead.user.id] } })
  ).body.data;
  const mk = async (name: string, userId: number, phone: string) =>
    (await admin.agent.resource('deputies').create({ values: { name, stationId: station.id, userId, phone } })).body
      .data;
  const deputy1 = await mk('代表一', d1.user.id, '13800000001');
  const deputy2 = await mk('代表二', d2.user.id, '13800000002');
  const item = async (code: string) => (await app.db.getRepository('dutyItems').findOne({ filter: { code } })).toJSON();
  // Items such as 学习 and 接待 need evidence: a photo is attached, as a deputy would.
  const photo = await app.db.getRepository('attachments').create({
    values: {
      title: 'photo',
      filename: 'photo.jpg',
      extname: '.jpg',
      mimetype: 'image/jpeg',
      size: 10,
      url: '/storage/uploads/photo.jpg',
    },
  });
  const approve = async (deputyId: number, code: string, date: string) => {
    const r = (
      await admin.agent
        .resource('dutyRecords')
        .create({ values: { deputyId, itemId: (await item(code)).id, date, evidence: [photo.get('id')] } })
    ).body.data;
    await admin.agent.post(`/dutyRecords:submit?filterByTk=${r.id}`).send({});
    const res = await admin.agent.resource('dutyRecords').update({ filterByTk: r.id, values: { status: 'approved' } });
    if (res.status !== 200) throw new Error(JSON.stringify(res.body));
    return r.id as number;
  };
  const plugin = app.pm.get('@deputy/plugin-six-ones') as PluginSixOnesServer;
  const rule = async (code: string) => (await app.db.getRepository('dutyRules').findOne({ filter: { code } })).toJSON();
  const result = async (code: string, periodKey: string, who: { deputyId?: number; stationId?: number }) =>
    (
      await app.db.getRepository('ruleResults').findOne({
        filter: {
          ruleId: (await rule(code)).id,
          periodKey,
          ...(who.deputyId ? { deputyId: who.deputyId } : { deputyId: null, stationId: who.stationId }),
        },
      })
    )?.toJSON();
  return { app, admin, head, otherHead, d1, d2, station, other, deputy1, deputy2, item, approve, plugin, rule, result };
}

describe('plugin-six-ones: the 六个一 rules, compliance and the 逢6 schedule', () => {
  let w: Awaited<ReturnType<typeof sixOnesWorld>>;
  let app: MockServer;

  beforeAll(async () => {
    w = await sixOnesWorld();
    app = w.app;
  });

  afterAll(async () => {
    await app?.destroy();
  });

  it('seeds R1–R9 as editable rules and the ledger sections; periods are calendar months, quarters and years', async () => {
    const codes = ((await app.db.getRepository('dutyRules').find({ sort: ['sort'] })) as Model[]).map((r) =>
      r.get('code'),
    );
    expect(codes).toEqual(['R1', 'R1S', 'R2', 'R2B', 'R3', 'R4', 'R5', 'R6', 'R7', 'R8', 'R9']);
    const r1 = await app.db.getRepository('dutyRules').findOne({ filter: { code: 'R1' }, appends: ['items'] });
    expect((r1.get('items') as Model[]).map((i) => i.get('code'))).toEqual(['D03']);
    expect(await app.db.getRepository('ledgerSections').count()).toBe(12);
    expect(monthOf('2026-02-28')).toEqual({ key: '2026-02', from: '2026-02-01', to: '2026-02-28' });
    expect(monthOf('2024-02-10').to).toBe('2024-02-29');
    expect(quarterOf('2026-12-31')).toEqual({ key: '2026-Q4', from: '2026-10-01', to: '2026-12-31' });
    expect(parsePeriod('2026-13')).toBeNull();
  });

  it('counts a record approved on the last day of a month for that month, at once (incremental)', async () => {
    await w.approve(w.deputy1.id, 'D03', `${Y}-03-31`);
    const march = await w.result('R1', `${Y}-03`, { deputyId: w.deputy1.id });
    expect(march).toMatchObject({
      count: 1,
      required: 1,
      status: 'met',
      periodFrom: `${Y}-03-01`,
      periodTo: `${Y}-03-31`,
    });
    expect(march.sourceIds).toHaveLength(1);
    // The quarter rule R3 (视察) is not satisfied by a study record.
    await w.plugin.compliance.recomputeYear(Y);
    expect(await w.result('R3', `${Y}-Q1`, { deputyId: w.deputy1.id })).toMatchObject({ count: 0, status: 'missed' });
    expect(await w.result('R1', `${Y}-04`, { deputyId: w.deputy1.id })).toMatchObject({ count: 0, status: 'missed' });
  });

  it('exempts a deputy on approved leave, and one elected in the middle of a period', async () => {
    await w.admin.agent.resource('deputyLeaves').create({
      values: { deputyId: w.deputy2.id, from: `${Y}-04-10`, to: `${Y}-04-20`, status: 'approved', reason: '住院' },
    });
    expect(await w.result('R1', `${Y}-04`, { deputyId: w.deputy2.id })).toMatchObject({
      status: 'exempt',
      exemptReason: 'leave',
    });
    await w.admin.agent.resource('deputies').update({ filterByTk: w.deputy2.id, values: { electedOn: `${Y}-05-15` } });
    await w.plugin.compliance.recomputeYear(Y);
    expect(await w.result('R1', `${Y}-05`, { deputyId: w.deputy2.id })).toMatchObject({
      status: 'exempt',
      exemptReason: 'joined',
    });
    expect(await w.result('R1', `${Y}-06`, { deputyId: w.deputy2.id })).toMatchObject({ status: 'missed' });
    // Before the election the rules do not apply at all.
    expect(await w.result('R1', `${Y}-03`, { deputyId: w.deputy2.id })).toBeFalsy();
  });

  it('follows an administrator’s edit of a rule without a restart', async () => {
    const r1 = await w.rule('R1');
    const res = await w.admin.agent.resource('dutyRules').update({ filterByTk: r1.id, values: { requiredCount: 2 } });
    expect(res.status).toBe(200);
    // Results of the current year follow at once; past years with the next full run.
    await w.plugin.compliance.recomputeYear(Y);
    expect(await w.result('R1', `${Y}-03`, { deputyId: w.deputy1.id })).toMatchObject({
      count: 1,
      required: 2,
      status: 'missed',
    });
    await w.admin.agent.resource('dutyRules').update({ filterByTk: r1.id, values: { requiredCount: 1 } });
    await w.plugin.compliance.recomputeYear(Y);
    expect(await w.result('R1', `${Y}-03`, { deputyId: w.deputy1.id })).toMatchObject({ status: 'met' });
  });

  it('counts station activities and the ledger for the station rules', async () => {
    const item = await w.item('D03');
    await w.admin.agent.resource('dutyActivities').create({
      values: { title: '集中学习', itemId: item.id, stationId: w.station.id, date: `${Y}-06-12`, status: 'approved' },
    });
    expect(await w.result('R1S', `${Y}-06`, { stationId: w.station.id })).toMatchObject({ count: 1, status: 'met' });
    const r8 = await w.result('R8', `${Y}-06`, { stationId: w.station.id });
    // The activity completes 活动通知、签到与照片; the other eleven sections still need entries.
    expect(r8).toMatchObject({ count: 1, required: 12, status: 'missed' });
    const [section] = await app.db
      .getRepository('ledgerSections')
      .find({ filter: { source: 'entry' }, sort: ['sort'] });
    const entry = await w.head.agent.resource('ledgerEntries').create({
      values: { stationId: w.station.id, sectionId: section.get('id'), month: `${Y}-06`, note: '制度已上墙' },
    });
    expect(entry.status).toBe(200);
    expect(await w.result('R8', `${Y}-06`, { stationId: w.station.id })).toMatchObject({ count: 2 });
    // Staff of another station cannot add to this station's ledger.
    const foreign = await w.otherHead.agent
      .resource('ledgerEntries')
      .create({ values: { stationId: w.station.id, sectionId: section.get('id'), month: `${Y}-07` } });
    expect(foreign.status).toBe(403);
  });

  it('gives the same results from the nightly full run as from the incremental updates', async () => {
    await w.approve(w.deputy2.id, 'D05', `${Y}-08-02`);
    await w.approve(w.deputy1.id, 'D10', `${Y}-09-30`);
    const snapshot = async () =>
      (
        (await app.db
          .getRepository('ruleResults')
          .find({ filter: { periodKey: { $in: [`${Y}-Q3`, `${Y}-08`, `${Y}-09`] } } })) as Model[]
      )
        .map((r) =>
          [
            r.get('ruleId'),
            r.get('deputyId'),
            r.get('stationId'),
            r.get('periodKey'),
            r.get('count'),
            r.get('status'),
            JSON.stringify(r.get('sourceIds')),
          ].join('|'),
        )
        .sort();
    // Incremental rows exist for what changed; the full run fills the rest: compare the changed slices.
    const incremental = (await snapshot()).filter(
      (r) => r.includes(`|${w.deputy2.id}|`) || r.includes(`|${w.deputy1.id}|`),
    );
    await w.plugin.compliance.recomputeYear(Y);
    const full = (await snapshot()).filter((r) =>
      incremental.some((i) => i.split('|').slice(0, 4).join('|') === r.split('|').slice(0, 4).join('|')),
    );
    expect(incremental.length).toBeGreaterThan(0);
    expect(full).toEqual(incremental);
    expect(await w.result('R3', `${Y}-Q3`, { deputyId: w.deputy2.id })).toMatchObject({ status: 'met' });
  });

  it('moves a reception day on a holiday to the next working day and deducts a rostered no-show, except on leave', async () => {
    await w.plugin.reception.generateMonth('2026-10', [w.station.id]);
    const sessions: Model[] = await app.db
      .getRepository('receptionSessions')
      .find({ filter: { stationId: w.station.id }, sort: ['scheduledOn'], appends: ['roster'] });
    // 6 October 2026 is in the 国庆 holiday: the session moves to Thursday 8 October; the 16th and 26th are working days.
    expect(
      sessions.map((s) => [
        String(s.get('scheduledOn')).slice(0, 10),
        String(s.get('date')).slice(0, 10),
        String(s.get('noticeOn')).slice(0, 10),
      ]),
    ).toEqual([
      ['2026-10-06', '2026-10-08', '2026-10-05'],
      ['2026-10-16', '2026-10-16', '2026-10-13'],
      ['2026-10-26', '2026-10-26', '2026-10-23'],
    ]);
    expect(sessions[0].get('roster').length).toBe(2);
    // Generating again changes nothing.
    expect(await w.plugin.reception.generateMonth('2026-10', [w.station.id])).toBe(0);
    await w.admin.agent
      .resource('deputyLeaves')
      .create({ values: { deputyId: w.deputy2.id, from: '2026-10-08', to: '2026-10-08', status: 'approved' } });
    const before = await app.db.getRepository('pointEntries').count();
    // The nightly job and a manual close at the same moment settle the session once, with one deduction.
    const [first, second] = await Promise.all([
      w.plugin.reception.closeDue('2026-10-09'),
      w.plugin.reception.closeDue('2026-10-09'),
    ]);
    expect({ closed: first.closed + second.closed, deductions: first.deductions + second.deductions }).toEqual({
      closed: 1,
      deductions: 1,
    });
    expect(
      await app.db.getRepository('dutyRecords').count({ filter: { source: { $like: 'reception-no-show:%' } } }),
    ).toBe(1);
    const deduction = await app.db
      .getRepository('dutyRecords')
      .findOne({ filter: { source: { $like: 'reception-no-show:%' } }, appends: ['item'] });
    expect(deduction.get('deputyId')).toBe(w.deputy1.id);
    expect(deduction.get('item').get('code')).toBe('D25');
    expect(deduction.get('awardedPoints')).toBe(-2);
    expect(await app.db.getRepository('pointEntries').count()).toBe(before + 1);
    expect(
      (await app.db.getRepository('receptionSessions').findOne({ filterByTk: sessions[0].get('id') })).get('status'),
    ).toBe('missed');
    // Settling again deducts nothing more.
    expect(await w.plugin.reception.closeDue('2026-10-09')).toEqual({ closed: 0, deductions: 0 });
    expect(await w.result('R2B', '2026-10', { stationId: w.station.id })).toMatchObject({ count: 0, required: 3 });
  });

  it('records a reception when a rostered deputy signs in at a session of today, and shows the public schedule without personal data', async () => {
    const today = new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 10);
    const dp = app.pm.get('@deputy/plugin-duty-points') as PluginDutyPointsServer;
    const activity = await dp.filing.scheduleActivity({
      title: '逢6接待',
      itemCode: 'D10',
      stationId: w.other.id,
      date: today,
    });
    const otherDeputy = await signedInAs(app, 'deputy3', ['deputy']);
    const deputy3 = (
      await w.admin.agent.resource('deputies').create({
        values: { name: '代表三', stationId: w.other.id, userId: otherDeputy.user.id, phone: '13800000003' },
      })
    ).body.data;
    const session = await app.db.getRepository('receptionSessions').create({
      values: {
        stationId: w.other.id,
        scheduledOn: today,
        date: today,
        noticeOn: today,
        activityId: activity.get('id'),
        roster: [deputy3.id],
      },
    });
    const signIn = await otherDeputy.agent.post('/dutyActivities:signIn').send({ code: activity.get('signInCode') });
    expect(signIn.status).toBe(200);
    const r2 = await w.result('R2', today.slice(0, 7), { deputyId: deputy3.id });
    expect(r2).toMatchObject({ count: 1, status: 'met' });
    const board = await app.agent().get(`/receptionSessions:upcoming?stationId=${w.other.id}`);
    expect(board.status).toBe(200);
    expect(board.body.data).toEqual({
      station: { name: '石江镇联络站', address: null },
      sessions: [{ date: today, deputies: ['代表三'] }],
    });
    expect(JSON.stringify(board.body)).not.toContain('1380000');
    const tomorrow = new Date(Date.now() + 8 * 3600e3 + 86400e3).toISOString().slice(0, 10);
    await w.plugin.reception.closeDue(tomorrow);
    expect(
      await app.db
        .getRepository('dutyRecords')
        .count({ filter: { deputyId: deputy3.id, source: { $like: 'reception-no-show:%' } } }),
    ).toBe(0);
    expect(
      (await app.db.getRepository('receptionSessions').findOne({ filterByTk: session.get('id') })).get('status'),
    ).toBe('held');
    const bad = await app.agent().set('X-Locale', 'zh-CN').get('/receptionSessions:upcoming?stationId=abc');
    expect(bad.status).toBe(400);
  });

  it('shows the matrix to each role as far as it may see, and keeps results out of reach for writes', async () => {
    const mine = await w.d1.agent.get(`/ruleResults:matrix?period=${Y}-03`);
    expect(mine.status).toBe(200);
    expect(mine.body.data.deputies.map((d: MatrixRow) => d.deputyId)).toEqual([w.deputy1.id]);
    const r1 = await w.rule('R1');
    expect(mine.body.data.deputies[0].cells[r1.id]).toMatchObject({ status: 'met', count: 1 });
    const staff = await w.head.agent.get(`/ruleResults:matrix?period=${Y}-06`);
    expect(staff.body.data.deputies.map((d: MatrixRow) => d.deputyId).sort()).toEqual([w.deputy1.id, w.deputy2.id]);
    expect(staff.body.data.stations.map((s: MatrixRow) => s.stationId)).toEqual([w.station.id]);
    const otherStaff = await w.otherHead.agent.get(`/ruleResults:matrix?period=${Y}-06`);
    // Only its own station's deputies (代表三, with the standing grid-area rule), never 高沙镇's.
    expect(otherStaff.body.data.deputies.map((d: MatrixRow) => d.station)).not.toContain('高沙镇联络站');
    expect(otherStaff.body.data.deputies.map((d: MatrixRow) => d.deputyId)).not.toContain(w.deputy1.id);
    const list = await w.d1.agent.resource('ruleResults').list({ paginate: false });
    expect(new Set(list.body.data.map((r: { deputyId: number }) => r.deputyId))).toEqual(new Set([w.deputy1.id]));
    expect((await w.admin.agent.resource('ruleResults').create({ values: { status: 'met' } })).status).toBe(403);
    const bad = await w.admin.agent.set('X-Locale', 'zh-CN').get('/ruleResults:matrix?period=2026-13');
    expect(bad.status).toBe(400);
    expect((await app.agent().get(`/ruleResults:matrix?period=${Y}-03`)).status).toBe(401);
  });
});
