import { lastYear, pendingTaskFor, useDutyPointsWorld, waitForStatus, workflowsSettled } from './setup';

describe('plugin-duty-points: reviewing duty records in a batch', () => {
  const ctx = useDutyPointsWorld();

  it('approves and returns several records through the reviewer’s own workflow tasks, and nothing else', async () => {
    const { app, d1, d2, head, admin } = ctx.w;
    const ids: number[] = [];
    for (const [who, code, day] of [[d1, 'D01', 3], [d1, 'D04', 4], [d2, 'D01', 5], [d2, 'D14', 6]] as const) {
      const item = await ctx.w.item(code);
      const created = (await who.agent.resource('dutyRecords').create({ values: { itemId: item.id, date: lastYear(day) } })).body.data;
      await who.agent.post(`/dutyRecords:submit?filterByTk=${created.id}`).send({});
      await pendingTaskFor(app, head.agent, created.id);
      ids.push(created.id);
    }
    // A deputy has no review task: its batch changes nothing.
    const stranger = await d1.agent.post('/dutyRecords:reviewBatch').send({ ids, decision: 'approve' });
    expect(stranger.status).toBe(200);
    expect(stranger.body.data.done).toEqual([]);
    expect(stranger.body.data.failed).toHaveLength(4);
    const bad = await head.agent.set('X-Locale', 'zh-CN').post('/dutyRecords:reviewBatch').send({ ids, decision: 'maybe' });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].message).toBe('请选择通过或退回');

    const approved = await head.agent.post('/dutyRecords:reviewBatch').send({ ids: ids.slice(0, 3), decision: 'approve', comment: '批量通过' });
    expect(approved.body.data).toEqual({ done: ids.slice(0, 3), failed: [] });
    for (const id of ids.slice(0, 3)) await waitForStatus(app, id, 'approved');
    await workflowsSettled(app);
    const returned = await head.agent.post('/dutyRecords:reviewBatch').send({ ids: [ids[3], ids[0]], decision: 'reject', comment: '材料不全' });
    // The first record's task is done already: it is reported, not reviewed twice.
    expect(returned.body.data.done).toEqual([ids[3]]);
    expect(returned.body.data.failed.map((f: any) => f.id)).toEqual([ids[0]]);
    const back = await waitForStatus(app, ids[3], 'rejected');
    expect(back.get('reviewComment')).toBe('材料不全');
    await workflowsSettled(app);
    // One ledger entry per approved record.
    expect(await app.db.getRepository('pointEntries').count({ filter: { recordId: { $in: ids } } })).toBe(3);
    expect((await admin.agent.resource('dutyRecords').get({ filterByTk: ids[0] })).body.data.reviewComment).toBe('批量通过');
  });
});
