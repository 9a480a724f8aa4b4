import type { Model } from '@nocobase/database';
import type { SignedIn } from '@deputy/test-helpers';
import { MockServer } from '@nocobase/test';
import { dutyPointsWorld, lastYear, pendingTaskFor, waitForStatus, workflowsSettled } from './setup';

/**
 * An administrator adds a second review level (乡镇人大主席团) to the installed workflow through the
 * workflow API the designer uses — no code — and records then need both levels.
 */
describe('plugin-duty-points: a two-level review made by an administrator', () => {
  let w: Awaited<ReturnType<typeof dutyPointsWorld>>;
  let app: MockServer;
  let presidium: SignedIn;

  beforeAll(async () => {
    w = await dutyPointsWorld();
    app = w.app;
    const { signedInAs } = await import('@deputy/test-helpers');
    presidium = await signedInAs(app, 'presidium', ['npc-admin']);
    const root = await app.db.getRepository('users').findOne({ filter: { id: 1 } });
    const rootAgent = await app.agent().login(root);
    const wf = await app.db
      .getRepository('workflows')
      .findOne({ filter: { key: 'deputy-duty-record-review', current: true } });
    const nodes = await app.db.getRepository('flow_nodes').find({ filter: { workflowId: wf.get('id') } });
    const first = nodes.find((n: Model) => n.get('type') === 'manual');
    const update = nodes.find((n: Model) => n.get('type') === 'update');
    // Insert "主席团复核" after the station head's review, as the designer's "+" does.
    const added = await rootAgent.resource('workflows.nodes', wf.get('id')).create({
      values: {
        key: 'presidium-review',
        type: 'manual',
        title: '主席团复核',
        upstreamId: first.get('id'),
        config: {
          assignees: [presidium.user.id],
          mode: 0,
          forms: {
            review: {
              type: 'custom',
              actions: [
                { key: 'approve', status: 1, values: { decision: 'approved' } },
                { key: 'reject', status: 1, values: { decision: 'rejected' } },
              ],
            },
          },
        },
      },
    });
    expect(added.status).toBe(200);
    // The final decision is the presidium's.
    const config = update.get('config');
    config.params.values.status = '{{$jobsMapByNodeKey.presidium-review.review.decision}}';
    const changed = await rootAgent.resource('flow_nodes').update({ filterByTk: update.get('id'), values: { config } });
    expect(changed.status).toBe(200);
  });

  afterAll(async () => {
    await app?.destroy();
  });

  it('needs the station head and then the presidium before the points post', async () => {
    const item = await w.item('D04');
    const record = (await w.d1.agent.resource('dutyRecords').create({ values: { itemId: item.id, date: lastYear(8) } }))
      .body.data;
    await w.d1.agent.post(`/dutyRecords:submit?filterByTk=${record.id}`).send({});
    const first = await pendingTaskFor(app, w.head.agent, record.id);
    await w.head.agent
      .post(`/workflowManualTasks:submit?filterByTk=${first.id}`)
      .send({ result: { review: {}, _: 'approve' } });
    const second = await pendingTaskFor(app, presidium.agent, record.id);
    expect((await app.db.getRepository('dutyRecords').findOne({ filterByTk: record.id })).get('status')).toBe(
      'submitted',
    );
    expect(await app.db.getRepository('pointEntries').count({ filter: { recordId: record.id } })).toBe(0);
    await presidium.agent
      .post(`/workflowManualTasks:submit?filterByTk=${second.id}`)
      .send({ result: { review: { comment: '同意' }, _: 'approve' } });
    const approved = await waitForStatus(app, record.id, 'approved');
    expect(approved.get('awardedPoints')).toBe(3);
    await workflowsSettled(app);
  });

  it('returns the record when the presidium rejects it, posting nothing', async () => {
    const item = await w.item('D04');
    const record = (await w.d2.agent.resource('dutyRecords').create({ values: { itemId: item.id, date: lastYear(9) } }))
      .body.data;
    await w.d2.agent.post(`/dutyRecords:submit?filterByTk=${record.id}`).send({});
    const first = await pendingTaskFor(app, w.head.agent, record.id);
    await w.head.agent
      .post(`/workflowManualTasks:submit?filterByTk=${first.id}`)
      .send({ result: { review: {}, _: 'approve' } });
    const second = await pendingTaskFor(app, presidium.agent, record.id);
    await presidium.agent
      .post(`/workflowManualTasks:submit?filterByTk=${second.id}`)
      .send({ result: { review: {}, _: 'reject' } });
    await waitForStatus(app, record.id, 'rejected');
    expect(await app.db.getRepository('pointEntries').count({ filter: { recordId: record.id } })).toBe(0);
  });
});
