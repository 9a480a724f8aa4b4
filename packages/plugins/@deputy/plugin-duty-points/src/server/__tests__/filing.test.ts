import type { Model } from '@nocobase/database';
import type { PluginDutyPointsServer } from '../plugin';
import { lastYear, pendingTaskFor, useDutyPointsWorld, waitForStatus, workflowsSettled } from './setup';

/** What other plugins of the suite (1+N visits, reception no-shows) use to file duty records. */
describe('plugin-duty-points: the filing service other plugins call', () => {
  const ctx = useDutyPointsWorld();
  const filing = () => (ctx.app.pm.get('@deputy/plugin-duty-points') as PluginDutyPointsServer).filing;
  const ledgerOf = async (deputyId: number) =>
    (await ctx.app.db.getRepository('pointEntries').find({ filter: { deputyId } })).map((e: Model) => e.get('points'));

  it('files a visit into the normal review, with its photos as evidence, once per source', async () => {
    const { app, head, deputy1 } = ctx.w;
    const photo = await app.db.getRepository('attachments').create({
      values: {
        title: 'visit',
        filename: 'visit.jpg',
        extname: '.jpg',
        mimetype: 'image/jpeg',
        size: 10,
        url: '/storage/uploads/visit.jpg',
      },
    });
    const values = {
      deputyId: deputy1.id,
      itemCode: 'D20',
      date: lastYear(5),
      description: '走访结对户',
      evidenceIds: [photo.get('id')],
      source: 'aid-visit:1',
    };
    const record: Model = await filing().file(values);
    expect(record.get('status')).toBe('submitted');
    expect(record.get('reviewerId')).toBe(head.user.id);
    // The station head finds it in the task centre like any other submission.
    const task = await pendingTaskFor(app, head.agent, record.get('id'));
    expect(task.execution.context.data.id).toBe(record.get('id'));
    const again: Model = await filing().file(values);
    expect(again.get('id')).toBe(record.get('id'));
    expect(await app.db.getRepository('dutyRecords').count({ filter: { source: 'aid-visit:1' } })).toBe(1);
    await head.agent
      .post(`/workflowManualTasks:submit?filterByTk=${task.id}`)
      .send({ result: { review: { comment: '属实' }, _: 'approve' } });
    await waitForStatus(app, record.get('id'), 'approved');
    expect(await ledgerOf(deputy1.id)).toEqual([1]);
    await workflowsSettled(app);
  });

  it('posts a system deduction approved at once, and withdrawing it revokes it with a reversal', async () => {
    const { app, deputy2 } = ctx.w;
    const source = 'reception-no-show:9:' + deputy2.id;
    const record: Model = await filing().file(
      { deputyId: deputy2.id, itemCode: 'D25', date: lastYear(6), source },
      { approve: true },
    );
    expect(record.get('status')).toBe('approved');
    expect(record.get('awardedPoints')).toBe(-2);
    expect(await ledgerOf(deputy2.id)).toEqual([-2]);
    await filing().withdraw(source, '已补假');
    const revoked = await app.db.getRepository('dutyRecords').findOne({ filterByTk: record.get('id') });
    expect(revoked.get('status')).toBe('revoked');
    expect((await ledgerOf(deputy2.id)).sort()).toEqual([-2, 2]);
    // Revoked: the same source may file again (the deputy missed the rescheduled shift too).
    const refiled: Model = await filing().file(
      { deputyId: deputy2.id, itemCode: 'D25', date: lastYear(6), source },
      { approve: true },
    );
    expect(refiled.get('id')).not.toBe(record.get('id'));
  });

  it('refuses an unknown item code or a missing source and files nothing', async () => {
    const { app, deputy1 } = ctx.w;
    const before = await app.db.getRepository('dutyRecords').count();
    await expect(
      filing().file({ deputyId: deputy1.id, itemCode: 'X99', date: lastYear(7), source: 's:1' }),
    ).rejects.toThrow('没有编号为 X99 的履职事项');
    await expect(
      filing().file({ deputyId: deputy1.id, itemCode: 'D20', date: lastYear(7), source: '' }),
    ).rejects.toThrow('系统生成的履职记录须注明来源');
    // The lifecycle's own checks apply too: evidence is required for a visit.
    await expect(
      filing().file({ deputyId: deputy1.id, itemCode: 'D20', date: lastYear(7), source: 'aid-visit:2' }),
    ).rejects.toThrow();
    expect(await app.db.getRepository('dutyRecords').count()).toBe(before);
  });
});
