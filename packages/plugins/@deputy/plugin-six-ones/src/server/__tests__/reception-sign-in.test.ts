import { createSuiteServer, migrationOf, SignedIn, signedInAs, TestAgent } from '@deputy/test-helpers';
import type { PluginDutyPointsServer } from '@deputy/plugin-duty-points';
import type { Model } from '@nocobase/database';
import Migration from '../migrations/20261215090000-deputy-session-scope';
import { MockServer } from '@nocobase/test';

type Account = SignedIn;
type Agent = TestAgent;

const today = () => new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 10);

/**
 * Issue #15, item 8, for the 逢6 reception sessions: a session's sign-in code (its activity's) is read by the
 * staff of the session's station only, whichever way a session is read; a sign-in needs the deputy to be of
 * the station or on the session's roster.
 */
describe('plugin-six-ones: reception sign-ins need a deputy expected there, and the code stays with the staff', () => {
  let app: MockServer;
  type Deputy = Account & { record: { id: number } };
  let w: {
    admin: Account;
    headA: Account;
    headB: Account;
    stationA: { id: number };
    stationB: { id: number };
    a1: Deputy;
    a2: Deputy;
    b1: Deputy;
    b2: Deputy;
    code: string;
    activityId: number;
    sessionId: number;
  };

  beforeAll(async () => {
    app = await createSuiteServer(['@deputy/plugin-deputies', '@deputy/plugin-duty-points', '@deputy/plugin-six-ones']);
    const admin = await signedInAs(app, 'npc', ['npc-admin']);
    const headA = await signedInAs(app, 'headA', ['station-staff']);
    const headB = await signedInAs(app, 'headB', ['station-staff']);
    const station = async (name: string, head: Account) =>
      (
        await admin.agent
          .resource('liaisonStations')
          .create({ values: { name, headId: head.user.id, staff: [head.user.id] } })
      ).body.data;
    const stationA = await station('高沙镇联络站', headA);
    const stationB = await station('石江镇联络站', headB);
    const deputy = async (username: string, name: string, stationId: number) => {
      const who = await signedInAs(app, username, ['deputy']);
      const record = (
        await admin.agent.resource('deputies').create({ values: { name, stationId, userId: who.user.id } })
      ).body.data;
      return { ...who, record };
    };
    const a1 = await deputy('a1', '代表甲一', stationA.id); // of station A, on B's roster
    const a2 = await deputy('a2', '代表甲二', stationA.id); // of station A, not on the roster
    const b1 = await deputy('b1', '代表乙一', stationB.id); // of station B, not on the roster
    const b2 = await deputy('b2', '代表乙二', stationB.id); // of station B, on the roster
    // Station B's reception session of today: its activity (approved, with a code) and its roster.
    const dp = app.pm.get('@deputy/plugin-duty-points') as PluginDutyPointsServer;
    const activity = await dp.filing.scheduleActivity({
      title: `逢6接待 ${today()}`,
      itemCode: 'D10',
      stationId: stationB.id,
      date: today(),
    });
    const session = await app.db.getRepository('receptionSessions').create({
      values: {
        stationId: stationB.id,
        scheduledOn: today(),
        date: today(),
        noticeOn: today(),
        activityId: activity.get('id'),
        roster: [b2.record.id, a1.record.id],
      },
    });
    w = {
      admin,
      headA,
      headB,
      stationA,
      stationB,
      a1,
      a2,
      b1,
      b2,
      code: activity.get('signInCode'),
      activityId: activity.get('id'),
      sessionId: session.get('id'),
    };
  });

  afterAll(async () => {
    await app?.destroy();
  });

  const snapshot = async () => ({
    records: await app.db.getRepository('dutyRecords').count(),
    attendances: await app.db.getRepository('activityAttendances').count(),
    entries: await app.db.getRepository('pointEntries').count(),
    session: (await app.db.getRepository('receptionSessions').findOne({ filterByTk: w.sessionId })).toJSON(),
  });

  it('refuses a deputy neither of the station nor on the roster, in zh-CN and en-US, and changes nothing', async () => {
    const before = await snapshot();
    const zh = await w.a2.agent.set('X-Locale', 'zh-CN').post('/dutyActivities:signIn').send({ code: w.code });
    expect(zh.status).toBe(403);
    expect(zh.body.errors[0].message).toBe('只有本活动所属联络站的代表或排班代表才能签到');
    const en = await w.a2.agent.set('X-Locale', 'en-US').post('/dutyActivities:signIn').send({ code: w.code });
    expect(en.status).toBe(403);
    expect(en.body.errors[0].message).toBe(
      'Only the deputies of the activity’s station, or on its roster, can sign in to it',
    );
    expect(await snapshot()).toEqual(before);
    expect(await app.db.getRepository('dutyRecords').count({ filter: { deputyId: w.a2.record.id } })).toBe(0);
  });

  it('lets the rostered deputies and the deputies of the station sign in', async () => {
    for (const who of ['a1', 'b2', 'b1'] as const) {
      const res = await w[who].agent.post('/dutyActivities:signIn').send({ code: w.code });
      expect(res.status, `${who}: ${JSON.stringify(res.body)}`).toBe(200);
      const record = await app.db
        .getRepository('dutyRecords')
        .findOne({ filterByTk: res.body.data.recordId, appends: ['item'] });
      expect(record.get('deputyId')).toBe(w[who].record.id);
      expect(record.get('status')).toBe('approved');
      expect(record.get('item').get('code')).toBe('D10');
    }
    expect(await app.db.getRepository('activityAttendances').count({ filter: { activityId: w.activityId } })).toBe(3);
  });

  it('shows the code of a session to no deputy and no other station’s staff, however the session is read', async () => {
    const reads = [
      (a: Agent) => a.resource('receptionSessions').list({ appends: ['activity'], pageSize: 100 }),
      (a: Agent) =>
        a
          .resource('receptionSessions')
          .list({ appends: ['activity', 'activity.attendances.activity'], fields: ['id', 'activity.signInCode'] }),
      (a: Agent) => a.resource('receptionSessions').get({ filterByTk: w.sessionId, appends: ['activity'] }),
      (a: Agent) => a.resource('receptionSessions.activity', w.sessionId).get({}),
      (a: Agent) => a.resource('activityAttendances').list({ appends: ['activity'] }),
      (a: Agent) => a.resource('dutyActivities').get({ filterByTk: w.activityId }),
    ];
    for (const who of ['a1', 'a2', 'b1', 'b2', 'headA'] as const) {
      for (const [i, read] of reads.entries()) {
        const res = await read(w[who].agent);
        expect(JSON.stringify(res.body), `${who}, read ${i}`).not.toContain(w.code);
      }
    }
    // The deputies do see the session and its activity's title.
    const seen = await w.b2.agent.resource('receptionSessions').get({ filterByTk: w.sessionId, appends: ['activity'] });
    expect(seen.status).toBe(200);
    expect(seen.body.data.activity?.title).toBe(`逢6接待 ${today()}`);
    // Filtering sessions on the code answers nothing either.
    const probe = async (code: string) => {
      const res = await w.a2.agent.resource('receptionSessions').list({ filter: { 'activity.signInCode': code } });
      return res.status >= 400
        ? `refused ${res.status}`
        : JSON.stringify(res.body.data.map((s: { id: number }) => s.id));
    };
    expect(await probe(w.code)).toBe(await probe('ZZZZZZZZ'));
    // The session's own station staff read it.
    const staff = await w.headB.agent
      .resource('receptionSessions')
      .get({ filterByTk: w.sessionId, appends: ['activity'] });
    expect(staff.body.data.activity?.signInCode).toBe(w.code);
  });

  it('moves a session’s sign-in activity with the session when the staff change its day', async () => {
    const tomorrow = new Date(Date.now() + 32 * 3600e3).toISOString().slice(0, 10);
    const moved = await w.headB.agent
      .resource('receptionSessions')
      .update({ filterByTk: w.sessionId, values: { date: tomorrow } });
    expect(moved.status).toBe(200);
    const activity: Model = await app.db.getRepository('dutyActivities').findOne({ filterByTk: w.activityId });
    expect([String(activity.get('date')).slice(0, 10), activity.get('title')]).toEqual([
      tomorrow,
      `逢6接待 ${tomorrow}`,
    ]);
    // Back to today, for nothing else changed.
    expect(
      (await w.headB.agent.resource('receptionSessions').update({ filterByTk: w.sessionId, values: { date: today() } }))
        .status,
    ).toBe(200);
    expect(
      String((await app.db.getRepository('dutyActivities').findOne({ filterByTk: w.activityId })).get('date')).slice(
        0,
        10,
      ),
    ).toBe(today());
  });

  it('refuses held / not held through update (settling decides it, with the no-show deductions), in zh-CN and en-US, changing nothing', async () => {
    const before = await snapshot();
    const messages = {
      'zh-CN': '接待场次是否举行由“结算已过场次”按签到结算（含缺席扣分）；编辑场次不能修改其状态',
      'en-US':
        'A session is settled as held or not held by Settle past sessions, from its sign-ins; editing it does not change its status',
    };
    for (const who of [w.headB, w.admin]) {
      for (const [status, locale] of [
        ['held', 'zh-CN'],
        ['missed', 'en-US'],
      ] as const) {
        const res = await who.agent
          .set('X-Locale', locale)
          .post(`/receptionSessions:update?filterByTk=${w.sessionId}`)
          .send({ status, noticeOn: '2020-01-01' });
        expect([res.status, res.body.errors?.[0]?.message]).toEqual([400, messages[locale]]);
      }
    }
    // Out of the caller's reach, refused too (here by the station scope, first).
    expect(
      (await w.headA.agent.post(`/receptionSessions:update?filterByTk=${w.sessionId}`).send({ status: 'held' })).status,
    ).toBe(404);
    expect(await snapshot()).toEqual(before);
    // The status it has, sent back by an edit form, is no change.
    expect(
      (
        await w.headB.agent
          .post(`/receptionSessions:update?filterByTk=${w.sessionId}`)
          .send({ status: 'planned', noticeOn: today() })
      ).status,
    ).toBe(200);
  });

  it('generates and settles the sessions of one station when asked for one, and refuses a station that does not exist', async () => {
    const month = '2031-03';
    const sessionsOf = (stationId: number) =>
      app.db
        .getRepository('receptionSessions')
        .count({ filter: { stationId, scheduledOn: { $gte: `${month}-01`, $lte: `${month}-31` } } });
    const res = await w.admin.agent
      .post('/receptionSessions:generateSessions')
      .send({ month, stationId: w.stationA.id });
    expect(res.status).toBe(200);
    expect(res.body.data.created).toBe(3);
    expect([await sessionsOf(w.stationA.id), await sessionsOf(w.stationB.id)]).toEqual([3, 0]);
    for (const [locale, message] of [
      ['zh-CN', '请选择已有的联络站'],
      ['en-US', 'Choose an existing station'],
    ]) {
      const bad = await w.admin.agent
        .set('X-Locale', locale)
        .post('/receptionSessions:generateSessions')
        .send({ month, stationId: 99999 });
      expect([bad.status, bad.body.errors?.[0]?.message]).toEqual([400, message]);
    }
    expect(await sessionsOf(w.stationB.id)).toBe(0);
    // Settling one station leaves the other's past sessions planned.
    const past = await app.db.getRepository('receptionSessions').create({
      values: {
        stationId: w.stationA.id,
        scheduledOn: '2020-01-06',
        date: '2020-01-06',
        noticeOn: '2020-01-03',
        roster: [],
      },
    });
    const settleB = await w.admin.agent.post('/receptionSessions:closeDue').send({ stationId: w.stationB.id });
    expect(settleB.status).toBe(200);
    expect(
      (await app.db.getRepository('receptionSessions').findOne({ filterByTk: past.get('id') })).get('status'),
    ).toBe('planned');
    expect(
      (await w.admin.agent.post('/receptionSessions:closeDue').send({ stationId: w.stationA.id })).body.data.closed,
    ).toBe(1);
    expect(
      (await app.db.getRepository('receptionSessions').findOne({ filterByTk: past.get('id') })).get('status'),
    ).toBe('missed');
    // Station staff make their own station's sessions (逢6接待 › 生成接待日, through namedActions:run as the
    // button does), never another station's; a deputy cannot.
    const staffMonth = '2031-04';
    const staffSessions = (stationId: number) =>
      app.db
        .getRepository('receptionSessions')
        .count({ filter: { stationId, scheduledOn: { $gte: `${staffMonth}-01`, $lte: `${staffMonth}-30` } } });
    const own = await w.headA.agent
      .post('/namedActions:run')
      .send({ action: 'receptionSessions:generateSessions', values: { month: staffMonth } });
    expect([own.status, own.body.data?.created]).toEqual([200, 3]);
    const foreign = await w.headA.agent
      .post('/namedActions:run')
      .set('X-Locale', 'en-US')
      .send({ action: 'receptionSessions:generateSessions', values: { month: staffMonth, stationId: w.stationB.id } });
    expect([foreign.status, foreign.body.errors?.[0]?.message]).toEqual([
      403,
      'Only the sessions of your own station can be arranged',
    ]);
    expect([await staffSessions(w.stationA.id), await staffSessions(w.stationB.id)]).toEqual([3, 0]);
    // Settling (no-show deductions) stays the administrators'.
    expect((await w.headA.agent.post('/receptionSessions:closeDue').send({ stationId: w.stationA.id })).status).toBe(
      403,
    );
  });

  it("shows a deputy its own station's sessions and those it is on duty at, and an upgrade narrows an old grant", async () => {
    const seen = async (who: Account) =>
      ((await who.agent.resource('receptionSessions').list({ pageSize: 100 })).body.data as { id: number }[]).map(
        (r) => r.id,
      );
    // Station B's session: its deputies and a1 (of station A, on its roster) read it; a2 (station A) does not.
    expect(await seen(w.b1)).toContain(w.sessionId);
    expect(await seen(w.a1)).toContain(w.sessionId);
    expect(await seen(w.a2)).not.toContain(w.sessionId);
    const denied = await w.a2.agent.resource('receptionSessions').get({ filterByTk: w.sessionId });
    expect(JSON.stringify(denied.body.data ?? null)).not.toContain(String(w.code));

    // An instance installed before: the deputy's view had no scope, so every deputy read every session.
    const resource = await app.db
      .getRepository('dataSourcesRolesResources')
      .findOne({ filter: { roleName: 'deputy', dataSourceKey: 'main', name: 'receptionSessions' } });
    const actions = app.db.getRepository('dataSourcesRolesResourcesActions');
    const view = () => actions.findOne({ filter: { rolesResourceId: resource.get('id'), name: 'view' } });
    const scopeId = (await view()).get('scopeId');
    expect(scopeId).not.toBeNull();
    await actions.update({ filterByTk: (await view()).get('id'), values: { scopeId: null } });
    expect(await seen(w.a2)).toContain(w.sessionId);

    const migration = migrationOf(app, Migration);
    expect(migration.on).toBe('afterLoad');
    await migration.up();
    expect((await view()).get('scopeId')).toBe(scopeId);
    expect(await seen(w.a2)).not.toContain(w.sessionId);
    expect(await seen(w.a1)).toContain(w.sessionId);
    // Again: nothing changes. A scope an administrator chose stays.
    const stamp = String((await view()).get('updatedAt'));
    await migration.up();
    expect(String((await view()).get('updatedAt'))).toBe(stamp);
    const chosen = await app.db
      .getRepository('dataSourcesRolesResourcesScopes')
      .create({ values: { key: 'six-test-all', name: 'all', resourceName: 'receptionSessions', scope: {} } });
    await actions.update({ filterByTk: (await view()).get('id'), values: { scopeId: chosen.get('id') } });
    await migration.up();
    expect((await view()).get('scopeId')).toBe(chosen.get('id'));
    await actions.update({ filterByTk: (await view()).get('id'), values: { scopeId } });
  });
});
