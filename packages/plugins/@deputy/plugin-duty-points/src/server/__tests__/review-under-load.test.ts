import type { Model } from '@nocobase/database';
import type { Plugin } from '@nocobase/server';
import { sleep } from '@nocobase/test';
import { lastYear, useDutyPointsWorld, waitForStatus, workflowsSettled } from './setup';

/**
 * A station head deciding many review tasks at the same moment (issue 16): the task centre's submit holds
 * a transaction while NocoBase's workflow processor asks the pool for a second connection, so five or more
 * at once used to starve the pool (SequelizeConnectionAcquireTimeoutError after 60 s) and freeze every
 * other request. The suite queues review decisions below the pool's size; this burst must go through,
 * and an unrelated anonymous request must answer while it does.
 */
/** A decision's answer, or the error it failed with, as far as the test reads it. */
type Reply = { status?: number; body?: { data?: { failed?: unknown[] }; errors?: unknown }; message?: string };

describe('plugin-duty-points: review decisions under load', () => {
  const ctx = useDutyPointsWorld();
  const year = new Date().getFullYear() - 1;

  it('12 task-centre submits, batch and bulk decisions at once: all done, each posted once, the app keeps answering', async () => {
    const { app, admin, head, d1, d2 } = ctx.w;
    const t00 = Date.now();
    // A published period, for the anonymous public board read during the burst.
    const period = (await admin.agent.resource('scorePeriods').create({ values: { key: `${year}-Q1` } })).body.data;
    expect((await admin.agent.post(`/scorePeriods:publish?filterByTk=${period.id}`).send({})).status).toBe(200);

    // 24 records waiting for the head: deputy 1 twelve of D16 (3 points, yearly cap 15: the cap must hold),
    // deputy 2 twelve of D14 (1 point, cap 20).
    const d16 = await ctx.w.item('D16');
    const d14 = await ctx.w.item('D14');
    const ids: number[] = [];
    const taskOf = new Map<number, number>();
    // The head's pending tasks for the records (as pendingTaskFor, beyond the task list's first page of 20).
    const collectTasks = async (wanted: number[]) => {
      for (const deadline = Date.now() + 60_000; Date.now() < deadline; await sleep(100)) {
        const res = await head.agent
          .resource('workflowManualTasks')
          .listMine({ filter: { status: 0 }, appends: ['execution'], pageSize: 100 });
        for (const t of res.body.data ?? []) taskOf.set(t.execution?.context?.data?.id, t.id);
        if (wanted.every((id) => taskOf.has(id))) return;
      }
      throw new Error(`no pending review task for records ${wanted.filter((id) => !taskOf.has(id))}`);
    };
    // On SQLite one at a time: a write while the workflow still runs can make it miss the trigger (in memory,
    // one shared connection: the task is visible before the workflow has committed, so wait for it to idle).
    const sqlite = app.db.sequelize.getDialect() === 'sqlite';
    // The workflow plugin keeps its dispatcher private; its `idle` is the only sign that its queue has run.
    const dispatcher = app.pm.get<Plugin & { dispatcher: { idle: boolean } }>('workflow').dispatcher;
    const workflowIdle = async () => {
      for (const deadline = Date.now() + 30_000; !dispatcher.idle && Date.now() < deadline;) await sleep(50);
    };
    for (const [who, item] of [
      [d1, d16],
      [d2, d14],
    ] as const) {
      for (let day = 1; day <= 12; day++) {
        const created = (
          await who.agent.resource('dutyRecords').create({ values: { itemId: item.id, date: lastYear(day) } })
        ).body.data;
        expect((await who.agent.post(`/dutyRecords:submit?filterByTk=${created.id}`).send({})).status).toBe(200);
        ids.push(created.id);
        if (sqlite) await collectTasks([created.id]).then(workflowIdle);
      }
    }
    await collectTasks(ids);
    await workflowsSettled(app);

    console.log(`[review-under-load] setup ${Date.now() - t00} ms`);
    // The burst: 12 task-centre approvals, two batches of 4 and one 批量通过 of 4 from the page's button, all at once.
    const go = (req: PromiseLike<unknown>) =>
      req.then(
        (r) => r as Reply,
        (e) => e as Reply,
      );
    const started = Date.now();
    const viaTasks = ids.slice(0, 12);
    const batches = [ids.slice(12, 16), ids.slice(16, 20)];
    const viaBulk = ids.slice(20);
    const submits = viaTasks.map((id) =>
      go(
        head.agent
          .post(`/workflowManualTasks:submit?filterByTk=${taskOf.get(id)}`)
          .send({ result: { review: { comment: '' }, _: 'approve' } }),
      ),
    );
    const batchCalls = batches.map((batch) =>
      go(head.agent.post('/dutyRecords:reviewBatch').send({ ids: batch, decision: 'approve' })),
    );
    // The 批量通过 button of 履职审核 (namedActions:run → dutyRecords:reviewBatch).
    const bulkCall = go(
      head.agent
        .post('/namedActions:run')
        .send({ action: 'dutyRecords:reviewBatch', values: { ids: viaBulk, decision: 'approve' } }),
    );
    let settled = false;
    const all = Promise.all([...submits, ...batchCalls, bulkCall]).finally(() => (settled = true));

    // Meanwhile, the public board, anonymously, again and again until the decisions are answered.
    const probes: { ms: number; status: number }[] = [];
    await sleep(150);
    do {
      const t0 = Date.now();
      const res = await app.agent().get(`/scoreBoard:list?period=${year}-Q1`);
      probes.push({ ms: Date.now() - t0, status: res.status });
      await sleep(100);
    } while (!settled);
    const replies = await all;
    const decisionsMs = Date.now() - started;
    const failures = replies.filter((r) => ![200, 202].includes(r?.status) || r.body?.data?.failed?.length).length;
    console.log(
      `[review-under-load] ${replies.length} decision requests in ${decisionsMs} ms, ${failures} failed or partly failed; ` +
        `probe ms: ${probes.map((p) => p.ms).join(', ')}`,
    );

    expect(probes.every((p) => p.status === 200)).toBe(true);
    expect(Math.max(...probes.map((p) => p.ms))).toBeLessThan(5000);
    const show = (r: Reply) =>
      `${r?.status} ${JSON.stringify(r?.body?.errors ?? r?.body?.data?.failed ?? r?.message ?? '')}`;
    expect(replies.slice(0, 12).map(show)).toEqual(viaTasks.map(() => '202 ""'));
    for (const [i, reply] of replies.slice(12, 14).entries()) {
      // 202 as the manual plugin's submit answers (its context is the batch's); the decisions are done.
      expect([200, 202]).toContain(reply.status);
      expect(reply.body.data).toEqual({ done: batches[i], failed: [] });
    }
    expect(replies[14].status).toBe(200);
    expect(replies[14].body.data).toEqual({ done: viaBulk, failed: [] });

    // Each record approved exactly once, one ledger entry each, and deputy 1's cap exact.
    for (const id of ids) await waitForStatus(app, id, 'approved');
    await workflowsSettled(app);
    const entries = await app.db.getRepository('pointEntries').find({ filter: { recordId: { $in: ids } } });
    expect(entries.map((e: Model) => e.get('recordId')).sort((a: number, b: number) => a - b)).toEqual(
      [...ids].sort((a, b) => a - b),
    );
    const total = (deputyId: number) =>
      entries
        .filter((e: Model) => e.get('deputyId') === deputyId)
        .reduce((s: number, e: Model) => s + Number(e.get('points')), 0);
    expect(total(ctx.w.deputy1.id)).toBe(15);
    expect(total(ctx.w.deputy2.id)).toBe(12);
    const decided = await app.db
      .getRepository('workflowManualTasks')
      .count({ filter: { userId: head.user.id, status: 1 } });
    expect(decided).toBe(ids.length);
  });
});
