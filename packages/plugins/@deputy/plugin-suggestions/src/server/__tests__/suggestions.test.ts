import { createSuiteServer, deputyOf, signedInAs, stationHeadedBy } from '@deputy/test-helpers';
import type { SignedIn, TestAgent } from '@deputy/test-helpers';
import type { Model } from '@nocobase/database';
import { MockServer } from '@nocobase/test';
import { addMonths } from '../services/settings';

/**
 * 代表建议 "提办督" through the HTTP API as the office, station staff and deputies would (ACL on): a deputy
 * writes and submits, the office's 联审 returns it for revision and then registers it with the session's next
 * number, which credits the lead deputy's D16 through the normal review; 交办 to a lead and an assisting unit with
 * their due dates; the replies; the deputy's unsatisfied feedback has it handled again, the satisfied one closes it.
 * Every refusal answers in the caller's language and changes nothing; numbers have no gaps under concurrency.
 */
describe('plugin-suggestions: a suggestion from the deputy’s draft to its closing', () => {
  let app: MockServer;
  let admin: SignedIn;
  let staffA: SignedIn;
  let staffB: SignedIn;
  let dA: SignedIn;
  let dA2: SignedIn;
  let dB: SignedIn;
  const ids: Record<string, number> = {};
  const call = (agent: TestAgent, action: string, id: number | undefined, values: object = {}, locale = 'zh-CN') =>
    agent
      .post(`/${action}${id === undefined ? '' : `?filterByTk=${id}`}`)
      .set('X-Locale', locale)
      .send(values);
  const row = (collection: string, id: number): Promise<Model> =>
    app.db.getRepository(collection).findOne({ filterByTk: id });
  const table = async (collection: string) =>
    JSON.stringify((await app.db.getRepository(collection).find({ sort: ['id'] })).map((r: Model) => r.toJSON()));

  beforeAll(async () => {
    app = await createSuiteServer(
      ['@deputy/plugin-deputies', '@deputy/plugin-duty-points', '@deputy/plugin-suggestions'],
      ['workflow', 'workflow-manual'],
    );
    admin = await signedInAs(app, 'sg-npc', ['npc-admin']);
    staffA = await signedInAs(app, 'sg-staffA', ['station-staff']);
    staffB = await signedInAs(app, 'sg-staffB', ['station-staff']);
    dA = await signedInAs(app, 'sg-deputyA', ['deputy']);
    dA2 = await signedInAs(app, 'sg-deputyA2', ['deputy']);
    dB = await signedInAs(app, 'sg-deputyB', ['deputy']);
    const stationA = await stationHeadedBy(admin.agent, '浯溪街道联络站', staffA);
    const stationB = await stationHeadedBy(admin.agent, '白水镇联络站', staffB);
    ids.deputyA = (await deputyOf(admin.agent, '唐代表', stationA.id, dA.user.id)).id;
    ids.deputyA2 = (await deputyOf(admin.agent, '蒋代表', stationA.id, dA2.user.id)).id;
    ids.deputyB = (await deputyOf(admin.agent, '李代表', stationB.id, dB.user.id)).id;
    const session = await admin.agent
      .resource('congressSessions')
      .create({ values: { code: '一届四次', title: '祁阳市第一届人民代表大会第四次会议', openedOn: '2025-01-06' } });
    ids.session = session.body.data.id;
    for (const [name, key] of [
      ['市住房和城乡建设局', 'housing'],
      ['市交通运输局', 'transport'],
      ['市财政局', 'finance'],
    ])
      ids[key] = (await admin.agent.resource('handlingUnits').create({ values: { name } })).body.data.id;
  });

  afterAll(async () => {
    await app?.destroy();
  });

  it('a deputy writes a draft as its lead deputy (whatever lead it sends), co-signed; who sees it', async () => {
    const res = await dA.agent.resource('suggestions').create({
      values: {
        sessionId: ids.session,
        title: '关于改造浯溪老街排水管网的建议',
        content: '老街雨季内涝频繁，建议纳入城市更新项目统一改造。',
        category: 'urban',
        origin: 'visit',
        leadDeputyId: ids.deputyB,
        coSigners: [ids.deputyA2],
        status: 'registered',
        number: 99,
      },
    });
    expect(res.status).toBe(200);
    ids.s1 = res.body.data.id;
    const s1 = await app.db.getRepository('suggestions').findOne({ filterByTk: ids.s1, appends: ['coSigners'] });
    expect(s1.toJSON()).toMatchObject({ leadDeputyId: ids.deputyA, status: 'draft', number: null, code: null });
    expect(s1.get('coSigners').map((d: Model) => d.get('id'))).toEqual([ids.deputyA2]);
    // The lead and the co-signer see it, and station A's staff; station B's deputy and staff do not.
    const sees = async (who: SignedIn) =>
      ((await who.agent.resource('suggestions').list({ filter: { id: ids.s1 } })).body.data ?? []).length;
    expect([await sees(dA), await sees(dA2), await sees(staffA), await sees(dB), await sees(staffB)]).toEqual([
      1, 1, 1, 0, 0,
    ]);
    // The lead deputy does not co-sign its own suggestion.
    const self = await dA.agent
      .resource('suggestions')
      .update({ filterByTk: ids.s1, values: { coSigners: [ids.deputyA] } });
    expect(self.status).toBe(400);
    // A co-signer may not edit it, nor submit it.
    const other = await call(dA2.agent, 'suggestions:update', ids.s1, { title: '改过的标题' });
    expect((await row('suggestions', ids.s1)).get('title')).toBe('关于改造浯溪老街排水管网的建议');
    expect(other.status === 200 ? (other.body.data?.length ?? 0) : 0).toBe(0);
    expect((await call(dA2.agent, 'suggestions:submitSuggestion', ids.s1)).status).not.toBe(200);
  });

  it('联审 returns it for revision with its reason (none: refused in zh-CN and en-US); revised, it is resubmitted', async () => {
    expect((await call(dA.agent, 'suggestions:submitSuggestion', ids.s1)).status).toBe(200);
    expect((await row('suggestions', ids.s1)).get('status')).toBe('submitted');
    // Submitted: the deputy no longer edits it, nor deletes it, nor changes its status by update.
    const before = await table('suggestions');
    expect((await dA.agent.resource('suggestions').update({ filterByTk: ids.s1, values: { title: 'x' } })).status).toBe(
      400,
    );
    expect((await dA.agent.resource('suggestions').destroy({ filterByTk: ids.s1 })).status).not.toBe(200);
    const forged = await admin.agent
      .resource('suggestions')
      .update({ filterByTk: ids.s1, values: { status: 'closed' } });
    expect(forged.status).toBe(400);
    // A return needs its reason.
    const zh = await call(admin.agent, 'suggestions:reviewSuggestion', ids.s1, { decision: 'return' });
    expect(zh.status).toBe(400);
    expect(JSON.stringify(zh.body)).toContain('请写明理由');
    const en = await call(admin.agent, 'suggestions:reviewSuggestion', ids.s1, { decision: 'return' }, 'en-US');
    expect(JSON.stringify(en.body)).toContain('Give the reason');
    // Only administrators hold 联审: station staff are refused.
    expect((await call(staffA.agent, 'suggestions:reviewSuggestion', ids.s1, { decision: 'accept' })).status).not.toBe(
      200,
    );
    expect(await table('suggestions')).toBe(before);

    const returned = await call(admin.agent, 'suggestions:reviewSuggestion', ids.s1, {
      decision: 'return',
      note: '题目过大，请聚焦老街片区并提出可行措施',
    });
    expect(returned.status).toBe(200);
    expect(returned.body.data).toMatchObject({
      status: 'returned',
      reviewNote: '题目过大，请聚焦老街片区并提出可行措施',
    });
    const revised = await dA.agent.resource('suggestions').update({
      filterByTk: ids.s1,
      values: { title: '关于改造浯溪老街片区排水管网的建议', content: '建议分两期实施，先改造主街 1.2 公里管网。' },
    });
    expect(revised.status).toBe(200);
    expect((await call(dA.agent, 'suggestions:submitSuggestion', ids.s1)).status).toBe(200);
  });

  it('registered with the session’s next number, which credits the lead deputy’s D16 once, through the review', async () => {
    const res = await call(admin.agent, 'suggestions:reviewSuggestion', ids.s1, { decision: 'accept' });
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({ status: 'registered', number: 1, code: '一届四次-001' });
    expect((await row('congressSessions', ids.session)).get('lastNumber')).toBe(1);
    // The counter is the numbering's own.
    const counter = await admin.agent
      .resource('congressSessions')
      .update({ filterByTk: ids.session, values: { lastNumber: 0 } });
    expect(counter.status).toBe(400);
    const s1 = await row('suggestions', ids.s1);
    expect(s1.get('creditStatus')).toBe('filed');
    const records: Model[] = await app.db
      .getRepository('dutyRecords')
      .find({ filter: { source: `suggestion:${ids.s1}` }, appends: ['item'] });
    expect(records).toHaveLength(1);
    expect(records[0].get('deputyId')).toBe(ids.deputyA);
    expect(records[0].get('item').get('code')).toBe('D16');
    expect(records[0].get('description')).toContain('一届四次-001');
    expect(['submitted', 'approved']).toContain(records[0].get('status'));
    // A second accept of the same suggestion is refused (it is registered), nothing files twice.
    expect((await call(admin.agent, 'suggestions:reviewSuggestion', ids.s1, { decision: 'accept' })).status).toBe(400);
    expect(await app.db.getRepository('dutyRecords').count({ filter: { source: `suggestion:${ids.s1}` } })).toBe(1);
  });

  it('交办 to a lead and an assisting unit with their due dates; bad lists are refused and change nothing', async () => {
    const before = await table('suggestionAssignments');
    for (const units of [
      [],
      [{ unitId: ids.finance, role: 'assist' }],
      [
        { unitId: ids.housing, role: 'lead' },
        { unitId: ids.housing, role: 'assist' },
      ],
      [{ unitId: 999999, role: 'lead' }],
      [{ unitId: ids.housing, role: 'boss' }],
    ]) {
      const res = await call(admin.agent, 'suggestions:assignSuggestion', ids.s1, { units });
      expect(res.status, JSON.stringify(units)).toBe(400);
    }
    expect(await table('suggestionAssignments')).toBe(before);
    // Assignments are never made directly.
    const direct = await admin.agent
      .resource('suggestionAssignments')
      .create({ values: { suggestionId: ids.s1, unitId: ids.finance, role: 'lead' } });
    expect(direct.status).not.toBe(200);

    const res = await call(admin.agent, 'suggestions:assignSuggestion', ids.s1, {
      units: [
        { unitId: ids.housing, role: 'lead' },
        { unitId: ids.finance, role: 'assist' },
      ],
    });
    expect(res.status).toBe(200);
    expect(res.body.data.status).toBe('assigned');
    const today = new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 10);
    const parts: Model[] = await app.db
      .getRepository('suggestionAssignments')
      .find({ filter: { suggestionId: ids.s1 }, sort: ['id'] });
    expect(parts.map((p) => [p.get('unitId'), p.get('role'), p.get('status'), p.get('dueOn')])).toEqual([
      [ids.housing, 'lead', 'handling', addMonths(today, 3)],
      [ids.finance, 'assist', 'handling', addMonths(today, 1)],
    ]);
    ids.lead = parts[0].get('id');
    ids.assist = parts[1].get('id');
    // The deputies see the handling of their suggestion; station B's deputy does not.
    const sees = async (who: SignedIn) =>
      ((await who.agent.resource('suggestionAssignments').list({ filter: { suggestionId: ids.s1 } })).body.data ?? [])
        .length;
    expect([await sees(dA), await sees(dA2), await sees(staffA), await sees(dB)]).toEqual([2, 2, 2, 0]);
  });

  it('replies (a lead unit’s with its result code), an extension with its reason, then the suggestion is answered', async () => {
    const noCode = await call(admin.agent, 'suggestionAssignments:replyAssignment', ids.lead, { reply: '已列入计划' });
    expect(noCode.status).toBe(400);
    const extended = await call(admin.agent, 'suggestionAssignments:extendAssignment', ids.lead, {
      reason: '需与城市更新项目统筹',
    });
    expect(extended.status).toBe(200);
    const lead = await row('suggestionAssignments', ids.lead);
    expect(lead.get('extensions')).toBe(1);
    const assist = await call(admin.agent, 'suggestionAssignments:replyAssignment', ids.assist, {
      reply: '已安排专项资金 120 万元',
    });
    expect(assist.status).toBe(200);
    expect(assist.body.data.status).toBe('assigned');
    const replied = await call(admin.agent, 'suggestionAssignments:replyAssignment', ids.lead, {
      reply: '已将主街管网改造列入 2025 年城市更新计划',
      resultCode: 'B',
    });
    expect(replied.status).toBe(200);
    expect(replied.body.data).toMatchObject({ status: 'answered' });
    expect(
      (await call(admin.agent, 'suggestionAssignments:replyAssignment', ids.lead, { reply: '再答复' })).status,
    ).toBe(400);
  });

  it('unsatisfied, it is handled again (once, as set); the satisfied feedback closes it with the least satisfied answer', async () => {
    // Only the lead deputy gives feedback; on a lead unit's reply.
    expect(
      (await call(dA2.agent, 'suggestionAssignments:feedbackAssignment', ids.lead, { satisfaction: 'satisfied' }))
        .status,
    ).not.toBe(200);
    expect(
      (await call(dA.agent, 'suggestionAssignments:feedbackAssignment', ids.assist, { satisfaction: 'satisfied' }))
        .status,
    ).toBe(400);
    expect(
      (await call(dA.agent, 'suggestionAssignments:feedbackAssignment', ids.lead, { satisfaction: 'great' })).status,
    ).toBe(400);
    const unhappy = await call(dA.agent, 'suggestionAssignments:feedbackAssignment', ids.lead, {
      satisfaction: 'unsatisfied',
      note: '没有明确开工时间',
    });
    expect(unhappy.status, JSON.stringify(unhappy.body)).toBe(200);
    expect(unhappy.body.data.status).toBe('assigned');
    expect((await row('suggestionAssignments', ids.lead)).toJSON()).toMatchObject({
      status: 'reopened',
      reopenCount: 1,
    });
    await call(admin.agent, 'suggestionAssignments:replyAssignment', ids.lead, {
      reply: '主街管网改造定于 2025 年 10 月开工',
      resultCode: 'A',
    });
    const happy = await call(dA.agent, 'suggestionAssignments:feedbackAssignment', ids.lead, {
      satisfaction: 'basic',
    });
    expect(happy.status).toBe(200);
    expect(happy.body.data).toMatchObject({ status: 'closed', satisfaction: 'basic' });
    expect(happy.body.data.closedAt).toBeTruthy();
  });

  it('numbers of one session have no gaps and no repeats when many are registered at once', async () => {
    const made: number[] = [];
    for (let i = 0; i < 12; i++) {
      const res = await dA2.agent
        .resource('suggestions')
        .create({ values: { sessionId: ids.session, title: `并发建议 ${i}`, content: '内容' } });
      made.push(res.body.data.id);
      expect((await call(dA2.agent, 'suggestions:submitSuggestion', res.body.data.id)).status).toBe(200);
    }
    const answers = await Promise.all(
      made.map((id) => call(admin.agent, 'suggestions:reviewSuggestion', id, { decision: 'accept' })),
    );
    expect(answers.map((a) => a.status)).toEqual(made.map(() => 200));
    const numbers = (await app.db.getRepository('suggestions').find({ filter: { sessionId: ids.session } }))
      .map((s: Model) => s.get('number'))
      .filter((n: unknown) => n !== null)
      .sort((a: number, b: number) => a - b);
    expect(numbers).toEqual(Array.from({ length: 13 }, (_, i) => i + 1));
    expect((await row('congressSessions', ids.session)).get('lastNumber')).toBe(13);
  });
});
