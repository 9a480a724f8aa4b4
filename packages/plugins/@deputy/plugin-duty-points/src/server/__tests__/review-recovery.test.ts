import type PluginWorkflowServer from '@nocobase/plugin-workflow';
import type { JobModel } from '@nocobase/plugin-workflow';
import { sleep } from '@nocobase/test';
import type { PluginDutyPointsServer } from '../plugin';
import { lastYear, pendingTaskFor, useDutyPointsWorld, waitForStatus } from './setup';

/**
 * A crash between the two steps of a review decision (#16, check-crash-safety): the task is resolved in the
 * database, the queued run of the workflow's next node is lost. Here the loss is made exactly: the workflow
 * plugin's `resume` — which publishes that run to its in-memory queue — does nothing for one decision. The app
 * then restarts, and the suite resumes the stranded review: the record is approved and posted once.
 */
describe('plugin-duty-points: review decisions interrupted by a stop are finished after the next start', () => {
  const ctx = useDutyPointsWorld();

  // A restart of the test app reopens its database: SQLite's in-memory one would be gone.
  it.skipIf(process.env.DB_DIALECT === 'sqlite')(
    'resumes a review whose task was resolved but whose workflow never went on, once',
    async () => {
      const { w, app } = ctx;
      const plugin = app.pm.get('@deputy/plugin-duty-points') as PluginDutyPointsServer;
      const item = await w.item('D14');
      const record = (
        await w.d1.agent.resource('dutyRecords').create({ values: { itemId: item.id, date: lastYear(9) } })
      ).body.data;
      expect((await w.d1.agent.post(`/dutyRecords:submit?filterByTk=${record.id}`).send({})).status).toBe(200);
      const task = await pendingTaskFor(app, w.head.agent, record.id);

      // The decision reaches the database; the run of the next node is lost, as in a crash.
      const workflow = app.pm.get<PluginWorkflowServer>('workflow');
      const resume = workflow.resume;
      workflow.resume = async (job: JobModel) => {
        if (job.changed()) await job.save();
      };
      try {
        const res = await w.head.agent
          .post(`/workflowManualTasks:submit?filterByTk=${task.id}`)
          .send({ result: { review: { comment: '属实' }, _: 'approve' } });
        expect(res.status).toBeLessThan(300);
      } finally {
        workflow.resume = resume;
      }
      await sleep(1500);
      const stranded = await app.db.getRepository('dutyRecords').findOne({ filterByTk: record.id });
      expect(stranded.get('status')).toBe('submitted');
      expect(await app.db.getRepository('workflowManualTasks').count({ filter: { id: task.id, status: 0 } })).toBe(0);

      // A recovery looks only at jobs older than its grace period (a live instance may still be on them).
      expect(await plugin.reviewRecovery.resumeStranded()).toEqual([]);
      // The next start: with the grace period reached, the stranded review goes on by itself.
      process.env.DEPUTY_REVIEW_RECOVERY_GRACE_MS = '0';
      try {
        await app.restart();
      } finally {
        delete process.env.DEPUTY_REVIEW_RECOVERY_GRACE_MS;
      }
      const approved = await waitForStatus(app, record.id, 'approved', 30000);
      expect(approved.get('reviewComment')).toBe('属实');
      expect(await app.db.getRepository('pointEntries').count({ filter: { recordId: record.id } })).toBe(1);
      // Looking again resumes nothing and posts nothing twice.
      const restarted = app.pm.get('@deputy/plugin-duty-points') as PluginDutyPointsServer;
      expect(await restarted.reviewRecovery.resumeStranded(Date.now() + 3600e3)).toEqual([]);
      expect(await app.db.getRepository('pointEntries').count({ filter: { recordId: record.id } })).toBe(1);
    },
  );
});
