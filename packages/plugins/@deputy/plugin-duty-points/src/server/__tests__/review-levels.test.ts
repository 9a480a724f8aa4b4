import type { Model } from '@nocobase/database';
import type { SignedIn } from '@deputy/test-helpers';
import { signedInAs } from '@deputy/test-helpers';
import { MockServer } from '@nocobase/test';
import { REVIEW_WORKFLOW_KEY } from '../services/review-workflow';
import { dutyPointsWorld, lastYear, pendingTaskFor, waitForStatus, workflowsSettled, World } from './setup';

/**
 * 审核级别 as data (#19): an administrator adds a second level (乡镇人大主席团复核) as a row of reviewLevels —
 * what the 积分管理 › 审核级别 table does — and records then need both levels; a 退回 at either level ends the
 * review; removing the level brings back the single review. No workflow editing, no code.
 */
describe('plugin-duty-points: review levels edited as data', () => {
  let w: World;
  let app: MockServer;
  let presidium: SignedIn;
  let levelTwo: { id: number };

  const current = async () => {
    const wf: Model = await app.db
      .getRepository('workflows')
      .findOne({ filter: { key: REVIEW_WORKFLOW_KEY, current: true } });
    const nodes: Model[] = await app.db.getRepository('flow_nodes').find({ filter: { workflowId: wf.get('id') } });
    return { wf, nodes, types: nodes.map((n) => n.get('type')).sort() };
  };
  const versions = () => app.db.getRepository('workflows').count({ filter: { key: REVIEW_WORKFLOW_KEY } });
  const entries = (recordId: number) => app.db.getRepository('pointEntries').count({ filter: { recordId } });
  const file = async (who: SignedIn, day: number) => {
    const item = await w.item('D04');
    const created = await who.agent
      .resource('dutyRecords')
      .create({ values: { itemId: item.id, date: lastYear(day) } });
    expect(created.status, JSON.stringify(created.body)).toBe(200);
    const record = created.body.data;
    expect((await who.agent.post(`/dutyRecords:submit?filterByTk=${record.id}`).send({})).status).toBe(200);
    // The review has started (the head's task is there): on SQLite's one writer, the workflow's start must
    // not overlap the test's next write.
    await pendingTaskFor(app, w.head.agent, record.id);
    return record.id as number;
  };
  const decide = async (who: SignedIn, recordId: number, decision: 'approve' | 'reject', comment = '') => {
    const task = await pendingTaskFor(app, who.agent, recordId);
    const res = await who.agent
      .post(`/workflowManualTasks:submit?filterByTk=${task.id}`)
      .send({ result: { review: { comment }, _: decision } });
    expect(res.status).toBe(202);
    return task;
  };

  beforeAll(async () => {
    w = await dutyPointsWorld();
    app = w.app;
    presidium = await signedInAs(app, 'presidium', ['npc-admin']);
  });

  afterAll(async () => {
    await app?.destroy();
  });

  it('starts with one level, the station head, matching the installed workflow', async () => {
    const { data } = (await w.admin.agent.resource('reviewLevels').list({ sort: ['sort'] })).body;
    expect(data).toMatchObject([{ title: '联络站审核', titleEn: 'Station review', reviewerType: 'stationHead' }]);
    expect((await current()).types).toEqual(['manual', 'update']);
  });

  it('refuses a level of chosen people with nobody chosen, in the caller’s language, changing nothing', async () => {
    const before = await versions();
    const zh = await w.admin.agent
      .post('/reviewLevels:create')
      .set('X-Locale', 'zh-CN')
      .send({ sort: 2, title: '主席团复核', reviewerType: 'users' });
    expect(zh.status).toBe(400);
    expect(JSON.stringify(zh.body)).toContain('请为审核级别“主席团复核”指定审核人');
    const en = await w.admin.agent
      .post('/reviewLevels:create')
      .set('X-Locale', 'en-US')
      .send({ sort: 2, title: '主席团复核', reviewerType: 'users' });
    expect(en.body.errors[0].message).toBe(
      'Choose who reviews at the level "主席团复核", or let the station head review',
    );
    expect(await app.db.getRepository('reviewLevels').count()).toBe(1);
    expect(await versions()).toBe(before);
  });

  it('is not for deputies or station staff to change', async () => {
    for (const who of [w.d1, w.head]) {
      const res = await who.agent
        .post('/reviewLevels:create')
        .send({ sort: 2, title: '自己审', reviewerType: 'users', reviewers: [who.user.id] });
      expect(res.status).toBe(403);
    }
    expect(await app.db.getRepository('reviewLevels').count()).toBe(1);
  });

  it('adds a second level: the station head, then the presidium, before the points post', async () => {
    const before = await versions();
    const res = await w.admin.agent
      .post('/reviewLevels:create')
      .send({ sort: 2, title: '主席团复核', reviewerType: 'users', reviewers: [presidium.user.id] });
    expect(res.status).toBe(200);
    levelTwo = res.body.data;
    expect(await versions()).toBe(before + 1);
    expect((await current()).types).toEqual(['condition', 'manual', 'manual', 'update', 'update']);

    const id = await file(w.d1, 10);
    await decide(w.head, id, 'approve', '属实');
    // Waiting at the presidium: neither approved nor posted.
    const second = await pendingTaskFor(app, presidium.agent, id);
    expect(second.title).toContain('主席团复核');
    expect((await app.db.getRepository('dutyRecords').findOne({ filterByTk: id })).get('status')).toBe('submitted');
    expect(await entries(id)).toBe(0);
    await decide(presidium, id, 'approve', '同意');
    const approved = await waitForStatus(app, id, 'approved');
    expect(approved.get('reviewComment')).toBe('同意');
    expect(await entries(id)).toBe(1);
    await workflowsSettled(app);
  });

  it('ends the review at the first level’s 退回: no presidium task, nothing posted', async () => {
    const id = await file(w.d2, 11);
    await decide(w.head, id, 'reject', '照片不清楚');
    const returned = await waitForStatus(app, id, 'rejected');
    expect(returned.get('reviewComment')).toBe('照片不清楚');
    await workflowsSettled(app);
    const tasks = await presidium.agent
      .resource('workflowManualTasks')
      .listMine({ filter: { status: 0 }, appends: ['execution'] });
    expect(
      (tasks.body.data ?? []).filter(
        (t: { execution?: { context?: { data?: { id?: number } } } }) => t.execution?.context?.data?.id === id,
      ),
    ).toEqual([]);
    expect(await entries(id)).toBe(0);
  });

  it('returns the record at the presidium’s 退回, with its comment, posting nothing', async () => {
    const id = await file(w.d1, 12);
    await decide(w.head, id, 'approve');
    await decide(presidium, id, 'reject', '与3月10日记录重复');
    const returned = await waitForStatus(app, id, 'rejected');
    expect(returned.get('reviewComment')).toBe('与3月10日记录重复');
    expect(await entries(id)).toBe(0);
    await workflowsSettled(app);
  });

  it('approves many at the second level through 批量通过 (reviewBatch)', async () => {
    const ids = [await file(w.d1, 13), await file(w.d2, 14)];
    for (const id of ids) await decide(w.head, id, 'approve');
    for (const id of ids) await pendingTaskFor(app, presidium.agent, id);
    const res = await presidium.agent
      .post('/dutyRecords:reviewBatch')
      .send({ ids, decision: 'approve', comment: '同意' });
    expect(res.status).toBe(200);
    expect(res.body.data.done.sort()).toEqual([...ids].sort());
    for (const id of ids) {
      await waitForStatus(app, id, 'approved');
      expect(await entries(id)).toBe(1);
    }
    await workflowsSettled(app);
  });

  it('keeps a record in review on the version it started in when the levels change', async () => {
    const id = await file(w.d2, 15);
    await decide(w.head, id, 'approve');
    await pendingTaskFor(app, presidium.agent, id);
    // The presidium level removed while the record waits there: the next records have one level again.
    expect((await w.admin.agent.resource('reviewLevels').destroy({ filterByTk: levelTwo.id })).status).toBe(200);
    expect((await current()).types).toEqual(['manual', 'update']);
    await decide(presidium, id, 'approve');
    await waitForStatus(app, id, 'approved');
    expect(await entries(id)).toBe(1);
    await workflowsSettled(app);

    const next = await file(w.d1, 16);
    await decide(w.head, next, 'approve');
    await waitForStatus(app, next, 'approved');
    expect(await entries(next)).toBe(1);
    await workflowsSettled(app);
  });

  it('refuses to remove the last level', async () => {
    const [only] = (await w.admin.agent.resource('reviewLevels').list()).body.data;
    const before = await versions();
    const res = await w.admin.agent.post(`/reviewLevels:destroy?filterByTk=${only.id}`).set('X-Locale', 'zh-CN');
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body)).toContain('至少需要保留一个审核级别');
    expect(await app.db.getRepository('reviewLevels').count()).toBe(1);
    expect(await versions()).toBe(before);
  });
});
