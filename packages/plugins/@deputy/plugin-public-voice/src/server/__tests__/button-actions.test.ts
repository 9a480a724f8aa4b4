import type { Agent } from './setup';
import { useVoiceWorld } from './setup';

/**
 * The 群众意见 and 矛盾调解 pages' JS buttons run the opinion and mediation actions through
 * `POST /namedActions:run {action, filterByTk, values}`: the same handler as the action's own route, after the
 * same permission check — the role's grant of that action and its data scope (suite core named-actions.ts).
 */
describe('opinion and mediation actions from the pages’ buttons (namedActions:run)', () => {
  const ctx = useVoiceWorld();
  const run = (agent: Agent, action: string, filterByTk: number, values: Record<string, unknown> = {}) =>
    agent.post('/namedActions:run').set('X-Locale', 'zh-CN').send({ action, filterByTk, values });
  const status = async (id: number) =>
    (await ctx.w.app.db.getRepository('opinions').findOne({ filterByTk: id })).get('status');

  it('station staff handle their station’s opinion from 分类 to 办结; others are refused by their grants and scopes', async () => {
    const { w } = ctx;
    const submitted = await w.submit(await w.token('deputies', w.deputyA1.id));
    expect(submitted.status).toBe(200);
    const [opinion] = await w.app.db
      .getRepository('opinions')
      .find({ filter: { trackingCode: submitted.body.data.trackingCode } });
    const id = opinion.get('id') as number;
    const klass = await w.classOf('XW');

    // Another station's staff: outside the data scope, as on the action's own route.
    expect((await run(w.staffB.agent, 'opinions:classify', id, { opinionClassId: klass.id })).status).toBe(404);
    // A deputy holds progress and answer on the opinions addressed to it, not classify.
    expect((await run(w.dA1.agent, 'opinions:classify', id, { opinionClassId: klass.id })).status).toBe(403);
    expect(await status(id)).toBe('received');

    const classified = await run(w.staffA.agent, 'opinions:classify', id, { opinionClassId: klass.id, note: '' });
    expect(classified.status).toBe(200);
    expect(classified.body.data).toMatchObject({ status: 'classified', opinionClassId: klass.id });
    // 答复 before 交办 is a step the flow allows (a small matter answered at once); 办结 only after an answer.
    const early = await run(w.staffA.agent, 'opinions:closeOpinion', id);
    expect(early.status).toBe(400);
    expect(JSON.stringify(early.body)).toContain('不能进行此操作');
    expect((await run(w.staffA.agent, 'opinions:assign', id, { handlingUnit: '镇城建办' })).status).toBe(200);
    expect((await run(w.staffA.agent, 'opinions:progress', id, { note: '已派人清理' })).status).toBe(200);
    // The deputy addressed answers it from 我收到的意见.
    expect((await run(w.dA1.agent, 'opinions:answer', id, { answer: '排水沟已疏通' })).status).toBe(200);
    expect((await run(w.staffA.agent, 'opinions:closeOpinion', id)).status).toBe(200);
    expect(await status(id)).toBe('closed');
    const kinds = (
      await w.app.db.getRepository('opinionMilestones').find({ filter: { opinionId: id }, sort: ['id'] })
    ).map((m) => m.get('kind'));
    expect(kinds).toEqual(['received', 'classified', 'assigned', 'progress', 'answered', 'closed']);
    // What is not a named action cannot be run from a button.
    expect((await run(w.staffA.agent, 'opinions:update', id, { content: '改写' })).status).toBe(400);
  });

  it('mediation: 完成节点 in order and 结案 through the button route, in the staff’s own station only', async () => {
    const { w } = ctx;
    const created = await w.staffA.agent
      .resource('mediationCases')
      .create({ values: { title: '宅基地边界纠纷', parties: '李家、赵家', deputyId: ctx.w.deputyA1.id } });
    expect(created.status).toBe(200);
    const id = created.body.data.id as number;
    expect((await run(w.staffB.agent, 'mediationCases:milestone', id, { stage: 'respond' })).status).toBe(404);
    const outOfOrder = await run(w.staffA.agent, 'mediationCases:milestone', id, { stage: 'mediate' });
    expect(outOfOrder.status).toBe(400);
    for (const stage of ['respond', 'intervene', 'mediate'])
      expect((await run(w.staffA.agent, 'mediationCases:milestone', id, { stage, note: '已到场' })).status).toBe(200);
    // The deputy on the case records milestones but does not close it.
    expect((await run(w.dA1.agent, 'mediationCases:closeMediation', id, { result: 'failed' })).status).toBe(403);
    const closed = await run(w.staffA.agent, 'mediationCases:closeMediation', id, {
      result: 'failed',
      outcome: '双方未达成一致，引导诉讼',
    });
    expect(closed.status).toBe(200);
    expect(closed.body.data).toMatchObject({ status: 'failed' });
    expect(closed.body.data.mediatedAt).toBeTruthy();
  });
});
