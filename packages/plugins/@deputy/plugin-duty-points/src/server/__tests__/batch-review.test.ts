import { lastYear, pendingTaskFor, useDutyPointsWorld, waitForStatus, workflowsSettled } from './setup';

describe('plugin-duty-points: reviewing duty records in a batch', () => {
  const ctx = useDutyPointsWorld();

  it('approves and returns several records through the reviewer’s own workflow tasks, and nothing else', async () => {
    const { app, d1, d2, head, admin } = ctx.w;
    const ids: number[] = [];
    for (const [who, code, day] of [
      [d1, 'D01', 3],
      [d1, 'D04', 4],
      [d2, 'D01', 5],
      [d2, 'D14', 6],
    ] as const) {
      const item = await ctx.w.item(code);
      const created = (
        await who.agent.resource('dutyRecords').create({ values: { itemId: item.id, date: lastYear(day) } })
      ).body.data;
      await who.agent.post(`/dutyRecords:submit?filterByTk=${created.id}`).send({});
      await pendingTaskFor(app, head.agent, created.id);
      ids.push(created.id);
    }
    // A deputy has no review task: its batch changes nothing.
    const stranger = await d1.agent.post('/dutyRecords:reviewBatch').send({ ids, decision: 'approve' });
    expect(stranger.status).toBe(200);
    expect(stranger.body.data.done).toEqual([]);
    expect(stranger.body.data.failed).toHaveLength(4);
    const bad = await head.agent
      .set('X-Locale', 'zh-CN')
      .post('/dutyRecords:reviewBatch')
      .send({ ids, decision: 'maybe' });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].message).toBe('请选择通过或退回');

    const approved = await head.agent
      .post('/dutyRecords:reviewBatch')
      .send({ ids: ids.slice(0, 3), decision: 'approve', comment: '批量通过' });
    expect(approved.body.data).toEqual({ done: ids.slice(0, 3), failed: [] });
    for (const id of ids.slice(0, 3)) await waitForStatus(app, id, 'approved');
    await workflowsSettled(app);
    const returned = await head.agent
      .post('/dutyRecords:reviewBatch')
      .send({ ids: [ids[3], ids[0]], decision: 'reject', comment: '材料不全' });
    // The first record's task is done already: it is reported, not reviewed twice.
    expect(returned.body.data.done).toEqual([ids[3]]);
    expect(returned.body.data.failed.map((f: any) => f.id)).toEqual([ids[0]]);
    const back = await waitForStatus(app, ids[3], 'rejected');
    expect(back.get('reviewComment')).toBe('材料不全');
    await workflowsSettled(app);
    // One ledger entry per approved record.
    expect(await app.db.getRepository('pointEntries').count({ filter: { recordId: { $in: ids } } })).toBe(3);
    expect((await admin.agent.resource('dutyRecords').get({ filterByTk: ids[0] })).body.data.reviewComment).toBe(
      '批量通过',
    );
  });

  it('批量通过 / 批量退回: the page’s buttons run dutyRecords:reviewBatch (namedActions:run); a bulk update of the status is refused whole', async () => {
    const { app, d1, d2, head } = ctx.w;
    const file = async (who: any, code: string, day: number, submit = true) => {
      const item = await ctx.w.item(code);
      const created = (
        await who.agent.resource('dutyRecords').create({ values: { itemId: item.id, date: lastYear(day) } })
      ).body.data;
      if (submit) {
        await who.agent.post(`/dutyRecords:submit?filterByTk=${created.id}`).send({});
        await pendingTaskFor(app, head.agent, created.id);
      }
      return created.id as number;
    };
    const [r1, r2, r3] = [await file(d1, 'D01', 10), await file(d1, 'D04', 11), await file(d2, 'D01', 12)];
    const draft = await file(d2, 'D14', 13, false);
    // What NocoBase's bulk update button would send: the selected rows as a filter, the assigned values.
    const bulk = (agent: any, ids: number[], status: string) =>
      agent
        .set('X-Locale', 'zh-CN')
        .post('/dutyRecords:update')
        .query({ filter: JSON.stringify({ $and: [{ id: { $in: ids } }] }) })
        .send({ status });
    // What the 批量通过 / 批量退回 JS buttons send.
    const batch = (agent: any, ids: number[], decision: string, comment = '') =>
      agent
        .set('X-Locale', 'zh-CN')
        .post('/namedActions:run')
        .send({ action: 'dutyRecords:reviewBatch', values: { ids, decision, comment } });
    const statuses = async () =>
      (await app.db.getRepository('dutyRecords').find({ filter: { id: [r1, r2, r3, draft] }, sort: ['id'] })).map(
        (r: any) => r.get('status'),
      );
    const entries = () =>
      app.db.getRepository('pointEntries').count({ filter: { recordId: { $in: [r1, r2, r3, draft] } } });

    // Even the reviewer's own tasks are not decided through update.
    for (const status of ['approved', 'rejected']) {
      const viaUpdate = await bulk(head.agent, [r1, r2], status);
      expect(viaUpdate.status).toBe(400);
      expect(viaUpdate.body.errors[0].message).toBe(
        '履职记录请在审核任务中或用“批量通过”/“批量退回”审核；编辑不会改变其状态',
      );
    }
    expect(await statuses()).toEqual(['submitted', 'submitted', 'submitted', 'draft']);
    // A deputy's own draft is not its to approve: reported, nothing decided.
    const own = await batch(d2.agent, [draft], 'approve');
    expect(own.status).toBe(200);
    expect(own.body.data.done).toEqual([]);
    expect(own.body.data.failed.map((f: any) => f.id)).toEqual([draft]);
    // Plain update only updates: a status change outside the caller's review tasks is refused whole (the other
    // values with it), naming the action that makes it.
    const rows = async () =>
      (await app.db.getRepository('dutyRecords').find({ filter: { id: [r1, r2, r3, draft] }, sort: ['id'] })).map(
        (r: any) => r.toJSON(),
      );
    const before = await rows();
    for (const [values, message] of [
      [
        { status: 'rejected', description: '改过' },
        '履职记录请在审核任务中或用“批量通过”/“批量退回”审核；编辑不会改变其状态',
      ],
      [{ status: 'revoked', revokeReason: '误报' }, '已通过的履职记录请用“撤销”并填写原因；编辑不会改变其状态'],
      [
        { status: 'archived', description: '改过' },
        '履职记录的状态只能通过“提交审核”、审核和“撤销”改变；编辑不会改变其状态',
      ],
    ] as const) {
      const res = await d2.agent.set('X-Locale', 'zh-CN').post(`/dutyRecords:update?filterByTk=${draft}`).send(values);
      expect(res.status, JSON.stringify(values)).toBe(400);
      expect(res.body.errors[0].message).toBe(message);
    }
    const en = await d2.agent
      .set('X-Locale', 'en-US')
      .post(`/dutyRecords:update?filterByTk=${draft}`)
      .send({ status: 'revoked', revokeReason: 'x' });
    expect(en.body.errors[0].message).toBe(
      'Revoke an approved duty record with Revoke, giving the reason; editing it does not change its status',
    );
    expect(await rows()).toEqual(before);
    // The status it has, sent back by an edit form, is no change: the edit is saved.
    const edited = await d2.agent
      .post(`/dutyRecords:update?filterByTk=${draft}`)
      .send({ status: 'draft', description: '补充说明' });
    expect(edited.status).toBe(200);
    expect((await app.db.getRepository('dutyRecords').findOne({ filterByTk: draft })).get('description')).toBe(
      '补充说明',
    );
    expect(await statuses()).toEqual(['submitted', 'submitted', 'submitted', 'draft']);
    expect(
      await app.db.getRepository('pointEntries').count({ filter: { recordId: { $in: [r1, r2, r3, draft] } } }),
    ).toBe(0);

    expect(await entries()).toBe(0);

    const approved = await batch(head.agent, [r1, r2], 'approve');
    expect(approved.status).toBe(200);
    expect(approved.body.data).toEqual({ done: [r1, r2], failed: [] });
    // 批量退回 asks for the reason, which each deputy reads on its record.
    const returned = await batch(head.agent, [r3, draft], 'reject', '请补充现场照片');
    expect(returned.status).toBe(200);
    expect(returned.body.data.done).toEqual([r3]);
    expect(returned.body.data.failed.map((f: any) => f.id)).toEqual([draft]);
    await waitForStatus(app, r1, 'approved');
    await waitForStatus(app, r2, 'approved');
    expect((await waitForStatus(app, r3, 'rejected')).get('reviewComment')).toBe('请补充现场照片');
    await workflowsSettled(app);
    expect(await statuses()).toEqual(['approved', 'approved', 'rejected', 'draft']);
    expect(await entries()).toBe(2);
    // The returned record: its deputy edits it and sends it again — but not unchanged.
    const resubmit = () =>
      d2.agent
        .set('X-Locale', 'zh-CN')
        .post('/namedActions:run')
        .send({ action: 'dutyRecords:submit', filterByTk: r3 });
    const unchanged = await resubmit();
    expect(unchanged.status).toBe(400);
    expect(unchanged.body.errors[0].message).toBe('该记录已被退回：请按审核意见修改后再提交');
    expect((await app.db.getRepository('dutyRecords').findOne({ filterByTk: r3 })).get('status')).toBe('rejected');
    const corrected = await d2.agent
      .resource('dutyRecords')
      .update({ filterByTk: r3, values: { description: '补充了现场照片和签到表' } });
    expect(corrected.status).toBe(200);
    expect((await resubmit()).status).toBe(200);
    expect((await app.db.getRepository('dutyRecords').findOne({ filterByTk: r3 })).get('status')).toBe('submitted');
    await pendingTaskFor(app, head.agent, r3);
    // Decided records have no task left: approving again is reported, nothing posted twice.
    const again = await batch(head.agent, [r1], 'approve');
    expect(again.body.data).toMatchObject({ done: [] });
    expect(await app.db.getRepository('pointEntries').count({ filter: { recordId: r1 } })).toBe(1);
  });
});
