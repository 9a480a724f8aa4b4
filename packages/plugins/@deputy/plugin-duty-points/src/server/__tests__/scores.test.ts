import type { ApiRow, TestAgent } from '@deputy/test-helpers';
import { MockServer } from '@nocobase/test';
import { adminApproves, dutyPointsWorld, lastYear, pendingTaskFor, waitForStatus } from './setup';

describe('plugin-duty-points: scores, ranks and grades from the ledger', () => {
  let w: Awaited<ReturnType<typeof dutyPointsWorld>>;
  let app: MockServer;
  const year = new Date().getFullYear() - 1;

  beforeAll(async () => {
    w = await dutyPointsWorld();
    app = w.app;
  });

  afterAll(async () => {
    await app?.destroy();
  });

  /** Files, submits and approves (through the review task) a record; returns its id. */
  async function approved(agent: TestAgent, code: string, day: number, quantity = 1) {
    const item = await w.item(code);
    const created = (
      await agent.resource('dutyRecords').create({ values: { itemId: item.id, date: lastYear(day), quantity } })
    ).body.data;
    expect((await agent.post(`/dutyRecords:submit?filterByTk=${created.id}`).send({})).status).toBe(200);
    const task = await pendingTaskFor(app, w.head.agent, created.id);
    await w.head.agent
      .post(`/workflowManualTasks:submit?filterByTk=${task.id}`)
      .send({ result: { review: {}, _: 'approve' } });
    await waitForStatus(app, created.id, 'approved');
    return created.id;
  }

  it('gives a deputy its total, rank, grade and the cap left per item', async () => {
    await approved(w.d1.agent, 'D01', 2); // 5, cap 10
    await approved(w.d1.agent, 'D04', 3, 2); // 6, cap 9
    await approved(w.d2.agent, 'D04', 4); // 3
    const mine = await w.d1.agent.get(`/dutyScores:mine?year=${year}`);
    expect(mine.status).toBe(200);
    expect(mine.body.data.score).toMatchObject({ total: 11, rank: 1, stationRank: 1 });
    const d04 = mine.body.data.items.find((i: ApiRow) => i.code === 'D04');
    expect(d04).toMatchObject({ points: 3, yearlyCap: 9, posted: 6, capLeft: 3 });
    const d24 = mine.body.data.items.find((i: ApiRow) => i.code === 'D24');
    expect(d24).toMatchObject({ yearlyCap: null, capLeft: null });
    const other = await w.d2.agent.get(`/dutyScores:mine?year=${year}`);
    expect(other.body.data.score).toMatchObject({ total: 3, rank: 2 });
  });

  it('grades by the bands administrators edit, and gives equal totals the same rank', async () => {
    const bands = (await w.admin.agent.resource('gradeBands').list({ sort: ['sort'] })).body.data;
    const good = bands.find((b: ApiRow) => b.name === '良好');
    const pass = bands.find((b: ApiRow) => b.name === '合格');
    expect(
      (await w.admin.agent.resource('gradeBands').update({ filterByTk: good.id, values: { minPoints: 10 } })).status,
    ).toBe(200);
    await w.admin.agent.resource('gradeBands').update({ filterByTk: pass.id, values: { minPoints: 3 } });
    const ranking = await w.admin.agent.get(`/dutyScores:ranking?period=${year}`);
    expect(ranking.status).toBe(200);
    expect(ranking.body.data.map((r: ApiRow) => [r.name, r.total, r.rank, r.grade])).toEqual([
      ['代表一', 11, 1, '良好'],
      ['代表二', 3, 2, '合格'],
    ]);
    await approved(w.d2.agent, 'D01', 5, 1); // 3 + 5 = 8
    await approved(w.d2.agent, 'D04', 6, 1); // 11: level with 代表一
    const tied = (await w.admin.agent.get(`/dutyScores:ranking?period=${year}`)).body.data;
    expect(tied.map((r: ApiRow) => [r.total, r.rank])).toEqual([
      [11, 1],
      [11, 1],
    ]);
  });

  it('fails a deputy with a standing 弄虚作假 finding whatever its total, and lifts it when revoked', async () => {
    const created = { id: await adminApproves(w, w.deputy1.id, 'D26', lastYear(20)) };
    let row = (await w.admin.agent.get(`/dutyScores:ranking?period=${year}`)).body.data.find(
      (r: ApiRow) => r.deputyId === w.deputy1.id,
    );
    expect(row).toMatchObject({ total: 1, grade: '不合格', passing: false });
    await w.admin.agent.post(`/dutyRecords:revoke?filterByTk=${created.id}`).send({ reason: '复核后认定不属实' });
    row = (await w.admin.agent.get(`/dutyScores:ranking?period=${year}`)).body.data.find(
      (r: ApiRow) => r.deputyId === w.deputy1.id,
    );
    expect(row).toMatchObject({ total: 11, grade: '良好' });
  });

  it('ranks quarters without grading them, and refuses a malformed period', async () => {
    const q1 = (await w.admin.agent.get(`/dutyScores:ranking?period=${year}-Q1`)).body.data;
    expect(q1.every((r: ApiRow) => r.grade === null)).toBe(true);
    expect(q1.reduce((s: number, r: { total: number }) => s + r.total, 0)).toBe(22);
    const bad = await w.admin.agent.set('X-Locale', 'zh-CN').get('/dutyScores:ranking?period=2026-13');
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].message).toContain('请以年份');
  });

  it('shows the live ranking to administrators and station staff only', async () => {
    expect((await w.d1.agent.get(`/dutyScores:ranking?period=${year}`)).status).toBe(403);
    expect((await app.agent().get(`/dutyScores:ranking?period=${year}`)).status).toBeGreaterThanOrEqual(401);
    const staff = await w.head.agent.get(`/dutyScores:ranking?period=${year}`);
    expect(staff.status).toBe(200);
    expect(staff.body.data).toHaveLength(2);
  });
});
