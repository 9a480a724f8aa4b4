import { createSuiteServer, deputyOf, signedInAs, stationHeadedBy } from '@deputy/test-helpers';
import type { SignedIn, TestAgent } from '@deputy/test-helpers';
import type { Model } from '@nocobase/database';
import { MockServer } from '@nocobase/test';

/**
 * 重点处理建议 and 满意度测评, replaying seed 003 (祁阳): the office makes 7 of the year's suggestions key ones (at
 * most the settings' number a year; each credits its lead deputy's D17), the handling goes on, and the standing
 * committee appraises the 7 at the year's end: 6 pass and are closed, 1 fails ("测评不通过 1 件，责成市政府继续办理")
 * and goes back to its lead unit as a key suggestion of the next year. Ballots are secret, one per voter and
 * subject; only voters vote, and only while the voting is open.
 */
describe('plugin-suggestions: key suggestions and their 满意度测评', () => {
  let app: MockServer;
  let admin: SignedIn;
  const voters: SignedIn[] = [];
  const ids: Record<string, number> = {};
  const key: number[] = [];
  const post = (agent: TestAgent, action: string, id: number, values: object = {}, locale = 'zh-CN') =>
    agent.post(`/${action}?filterByTk=${id}`).set('X-Locale', locale).send(values);
  const ok = async (res: PromiseLike<{ status: number; body: { data?: unknown } }>) => {
    const r = await res;
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    return r.body.data as Record<string, any>;
  };
  const table = async (collection: string) =>
    JSON.stringify((await app.db.getRepository(collection).find({ sort: ['id'] })).map((r: Model) => r.toJSON()));

  beforeAll(async () => {
    app = await createSuiteServer(
      ['@deputy/plugin-deputies', '@deputy/plugin-duty-points', '@deputy/plugin-suggestions'],
      ['workflow', 'workflow-manual'],
    );
    admin = await signedInAs(app, 'ap-npc', ['npc-admin']);
    const head = await signedInAs(app, 'ap-head', ['station-staff']);
    const station = await stationHeadedBy(admin.agent, '祁阳市人大代表联络站', head);
    for (let i = 0; i < 5; i++) {
      const user = await signedInAs(app, `ap-member${i}`, ['deputy']);
      await deputyOf(admin.agent, `常委会组成人员${i}`, station.id, user.user.id);
      voters.push(user);
    }
    const lead = await signedInAs(app, 'ap-lead', ['deputy']);
    ids.lead = (await deputyOf(admin.agent, '领衔代表', station.id, lead.user.id)).id;
    ids.session = (
      await ok(
        admin.agent
          .resource('congressSessions')
          .create({ values: { code: '一届二次', title: '第一届人民代表大会第二次会议', openedOn: '2023-01-08' } }),
      )
    ).id;
    ids.unit = (await ok(admin.agent.resource('handlingUnits').create({ values: { name: '市人民政府办公室' } }))).id;
    for (let i = 0; i < 9; i++) {
      const s = await ok(
        admin.agent.resource('suggestions').create({
          values: { sessionId: ids.session, leadDeputyId: ids.lead, title: `民生建议 ${i + 1}`, content: '内容' },
        }),
      );
      await ok(post(admin.agent, 'suggestions:submitSuggestion', s.id));
      await ok(post(admin.agent, 'suggestions:reviewSuggestion', s.id, { decision: 'accept' }));
      await ok(
        post(admin.agent, 'suggestions:assignSuggestion', s.id, { units: [{ unitId: ids.unit, role: 'lead' }] }),
      );
      key.push(s.id);
    }
  });

  afterAll(async () => {
    await app?.destroy();
  });

  it('7 key suggestions of 2023 (the settings allow 8; a 9th is refused), each crediting D17 once', async () => {
    for (const id of key.slice(0, 7))
      await ok(
        post(admin.agent, 'suggestions:markKey', id, { year: 2023, supervisorId: admin.user.id, note: '市长领办' }),
      );
    expect(await app.db.getRepository('suggestions').count({ filter: { key: true, keyYear: 2023 } })).toBe(7);
    expect((await post(admin.agent, 'suggestions:markKey', key[0], { year: 2023 })).status).toBe(400);
    await ok(post(admin.agent, 'suggestions:markKey', key[7], { year: 2023 }));
    const before = await table('suggestions');
    const ninth = await post(admin.agent, 'suggestions:markKey', key[8], { year: 2023 });
    expect(ninth.status).toBe(400);
    expect(JSON.stringify(ninth.body)).toContain('已确定 8 件重点处理建议');
    const en = await post(admin.agent, 'suggestions:markKey', key[8], { year: 2023 }, 'en-US');
    expect(JSON.stringify(en.body)).toContain('The year has its 8 key suggestions already');
    expect(await table('suggestions')).toBe(before);
    // Only administrators choose key suggestions, and nobody sets them by update.
    expect((await post(voters[0].agent, 'suggestions:markKey', key[8], { year: 2023 })).status).not.toBe(200);
    expect(
      (await admin.agent.resource('suggestions').update({ filterByTk: key[8], values: { key: true } })).status,
    ).toBe(400);
    const d17: Model[] = await app.db
      .getRepository('dutyRecords')
      .find({ filter: { source: { $like: 'suggestion-key:%' } }, appends: ['item'] });
    expect(d17).toHaveLength(8);
    expect(new Set(d17.map((r) => r.get('item').get('code')))).toEqual(new Set(['D17']));
  });

  it('a key suggestion whose reply is accepted waits for the appraisal instead of closing', async () => {
    const [part] = await app.db.getRepository('suggestionAssignments').find({ filter: { suggestionId: key[0] } });
    await ok(
      post(admin.agent, 'suggestionAssignments:replyAssignment', part.get('id'), { reply: '已办结', resultCode: 'A' }),
    );
    const after = await ok(
      post(admin.agent, 'suggestionAssignments:feedbackAssignment', part.get('id'), { satisfaction: 'satisfied' }),
    );
    expect(after).toMatchObject({ status: 'appraisal', closedAt: null });
  });

  it('the standing committee appraises the 7 of 2023: 6 pass and close, 1 fails and is handled again in 2024', async () => {
    // The 8th key suggestion is not one of the 7 appraised: it becomes a key suggestion of another year.
    await app.db
      .getRepository('suggestions')
      .update({ filterByTk: key[7], values: { keyYear: 2022 }, suggestionFlow: true } as never);
    const session = await ok(
      admin.agent.resource('appraisalSessions').create({
        values: {
          title: '对 2023 年度重点处理建议办理情况的满意度测评',
          year: 2023,
          passRate: 60,
          voters: voters.map((v) => v.user.id),
        },
      }),
    );
    const taken = await ok(post(admin.agent, 'appraisalSessions:addKeySuggestions', session.id));
    expect(taken.subjects).toHaveLength(7);
    const subjects: Model[] = await app.db
      .getRepository('appraisalSubjects')
      .find({ filter: { sessionId: session.id }, sort: ['id'] });
    const failing = subjects[6];
    // Each member votes once on every subject: the last one gets 3 不满意 of 5 (40 %), the others 满意 / 基本满意.
    for (const [i, voter] of voters.entries()) {
      const choices = subjects.map((s) => ({
        subjectId: s.get('id'),
        choice:
          s.get('id') === failing.get('id') ? (i < 3 ? 'unsatisfied' : 'satisfied') : i % 2 ? 'basic' : 'satisfied',
      }));
      await ok(post(voter.agent, 'appraisalSessions:castBallots', session.id, { choices }));
    }
    // A second ballot, a non-voter, a bad choice: refused, nothing changed.
    const ballots = await table('appraisalBallots');
    const again = await post(voters[0].agent, 'appraisalSessions:castBallots', session.id, {
      choices: [{ subjectId: failing.get('id'), choice: 'satisfied' }],
    });
    expect(again.status).toBe(400);
    expect(JSON.stringify(again.body)).toContain('您已对该对象投过票');
    const outsider = await signedInAs(app, 'ap-outsider', ['deputy']);
    expect(
      (
        await post(outsider.agent, 'appraisalSessions:castBallots', session.id, {
          choices: [{ subjectId: failing.get('id'), choice: 'satisfied' }],
        })
      ).status,
    ).not.toBe(200);
    expect(
      (
        await post(voters[1].agent, 'appraisalSessions:castBallots', session.id, {
          choices: [{ subjectId: failing.get('id'), choice: 'great' }],
        })
      ).status,
    ).toBe(400);
    expect(await table('appraisalBallots')).toBe(ballots);
    // Ballots are secret: a voter reads whether it voted (its own turnout), no ballot; a ballot names no voter,
    // has no time, and its key is random, so nothing joins it to the turnout.
    const turnout = await voters[0].agent.resource('appraisalTurnouts').list({ paginate: false });
    expect(turnout.body.data).toHaveLength(7);
    expect(turnout.body.data.every((t: { voterId: number }) => t.voterId === voters[0].user.id)).toBe(true);
    const ballotsSeen = await voters[0].agent.resource('appraisalBallots').list({ paginate: false });
    expect(ballotsSeen.status === 200 ? ballotsSeen.body.data : []).toEqual([]);
    const columns = Object.keys(app.db.getCollection('appraisalBallots').model.getAttributes());
    expect(columns.sort()).toEqual(['choice', 'id', 'sessionId', 'subjectId']);

    const closed = await ok(post(admin.agent, 'appraisalSessions:closeAppraisal', session.id));
    expect(closed.status).toBe('closed');
    const results: Model[] = await app.db
      .getRepository('appraisalSubjects')
      .find({ filter: { sessionId: session.id }, sort: ['id'] });
    expect(results.map((r) => r.get('result'))).toEqual([...Array(6).fill('passed'), 'failed']);
    expect(results[6].toJSON()).toMatchObject({ satisfied: 2, basic: 0, unsatisfied: 3, rate: 40 });
    expect(results[0].toJSON()).toMatchObject({ rate: 100 });
    const suggestions: Model[] = await app.db
      .getRepository('suggestions')
      .find({ filter: { id: { $in: key.slice(0, 7) } }, sort: ['id'] });
    expect(suggestions.slice(0, 6).map((s) => s.get('status'))).toEqual(Array(6).fill('closed'));
    const failed = suggestions.find((s) => s.get('id') === failing.get('suggestionId'))!;
    expect(failed.toJSON()).toMatchObject({ status: 'assigned', key: true, keyYear: 2024 });
    const [part] = await app.db
      .getRepository('suggestionAssignments')
      .find({ filter: { suggestionId: failed.get('id') } });
    expect(part.get('status')).toBe('reopened');
    // Announced: no more ballots, no second closing, no change of its settings.
    expect(
      (
        await post(voters[4].agent, 'appraisalSessions:castBallots', session.id, {
          choices: [{ subjectId: failing.get('id'), choice: 'satisfied' }],
        })
      ).status,
    ).toBe(400);
    expect((await post(admin.agent, 'appraisalSessions:closeAppraisal', session.id)).status).toBe(400);
    expect(
      (await admin.agent.resource('appraisalSessions').update({ filterByTk: session.id, values: { passRate: 30 } }))
        .status,
    ).toBe(400);
  });
});
