import type { Model } from '@nocobase/database';
import { adminApproves, lastYear, pendingTaskFor, useDutyPointsWorld, waitForStatus, workflowsSettled } from './setup';

/** Who approved, revoked, published or edited catalogues and registers: when, before and after. */
describe('audit trail of decisions and catalogue edits', () => {
  const ctx = useDutyPointsWorld();
  const trail = (filter: Record<string, unknown>): Promise<Model[]> =>
    ctx.app.db.getRepository('auditTrail').find({ filter, sort: ['id'] });

  it('records an administrator’s edit of a duty item with the values before and after', async () => {
    const { admin } = ctx.w;
    const item = await ctx.w.item('D04');
    const res = await admin.agent.resource('dutyItems').update({ filterByTk: item.id, values: { points: 4 } });
    expect(res.status).toBe(200);
    const [entry] = await trail({ collectionName: 'dutyItems', recordId: String(item.id), action: 'update' });
    expect(entry.get('userId')).toBe(admin.user.id);
    expect(entry.get('before')).toMatchObject({ points: 3, version: 1 });
    expect(entry.get('after')).toMatchObject({ points: 4, version: 2 });
  });

  it('records each status change of a duty record: submitted, approved and revoked by the administrator', async () => {
    const { admin, deputy1 } = ctx.w;
    const id = await adminApproves(ctx.w, deputy1.id, 'D01', lastYear(3));
    await admin.agent.post(`/dutyRecords:revoke?filterByTk=${id}`).send({ reason: '重复录入' });
    const steps = (await trail({ collectionName: 'dutyRecords', recordId: String(id) })).map((e: Model) => [
      e.get('before').status,
      e.get('after').status,
      e.get('userId'),
    ]);
    expect(steps.filter(([from, to]) => from !== to)).toEqual([
      ['draft', 'submitted', admin.user.id],
      ['submitted', 'approved', admin.user.id],
      ['approved', 'revoked', admin.user.id],
    ]);
    const revoked = (await trail({ collectionName: 'dutyRecords', recordId: String(id) })).pop();
    expect(revoked.get('after')).toMatchObject({ status: 'revoked', revokeReason: '重复录入' });
  });

  it('records a decision taken in the review workflow as made by the workflow', async () => {
    const { app, d2, head } = ctx.w;
    const item = await ctx.w.item('D14');
    const created = (await d2.agent.resource('dutyRecords').create({ values: { itemId: item.id, date: lastYear(9) } }))
      .body.data;
    await d2.agent.post(`/dutyRecords:submit?filterByTk=${created.id}`).send({});
    const task = await pendingTaskFor(app, head.agent, created.id);
    await head.agent
      .post(`/workflowManualTasks:submit?filterByTk=${task.id}`)
      .send({ result: { review: { comment: '属实' }, _: 'approve' } });
    await waitForStatus(app, created.id, 'approved');
    await workflowsSettled(app);
    const entries = await trail({ collectionName: 'dutyRecords', recordId: String(created.id) });
    const approval = entries.find((e: Model) => e.get('after').status === 'approved');
    expect(approval.get('before').status).toBe('submitted');
    expect(approval.get('after')).toMatchObject({ reviewComment: '属实' });
    expect(approval.get('via')).toBe('workflow or system');
    expect(entries.find((e: Model) => e.get('after').status === 'submitted').get('userId')).toBe(d2.user.id);
  });

  it('records edits of the deputy register, and nobody can change or delete the trail', async () => {
    const { app, admin, head, d1, deputy2 } = ctx.w;
    await admin.agent.resource('deputies').update({ filterByTk: deputy2.id, values: { phone: '13800000002' } });
    const [entry] = await trail({ collectionName: 'deputies', recordId: String(deputy2.id), action: 'update' });
    expect(entry.get('after')).toEqual({ phone: '13800000002' });
    const count = await app.db.getRepository('auditTrail').count();
    const edit = await admin.agent
      .resource('auditTrail')
      .update({ filterByTk: entry.get('id'), values: { after: {} } });
    expect(edit.status).toBe(403);
    const wipe = await admin.agent.resource('auditTrail').destroy({ filterByTk: entry.get('id') });
    expect(wipe.status).toBe(403);
    expect(await app.db.getRepository('auditTrail').count()).toBe(count);
    // Only administrators read it.
    expect((await head.agent.resource('auditTrail').list()).status).toBe(403);
    expect((await d1.agent.resource('auditTrail').list()).status).toBe(403);
    expect((await admin.agent.resource('auditTrail').list()).status).toBe(200);
  });
});
