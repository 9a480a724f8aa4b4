import type { Model } from '@nocobase/database';
import type PluginWorkflowServer from '@nocobase/plugin-workflow';
import type { JobModel } from '@nocobase/plugin-workflow';
import type { Application } from '@nocobase/server';
import { REVIEW_WORKFLOW_KEY } from './review-workflow';

const STARTED = 0;
const PENDING = 0;
const RESOLVED = 1;

/**
 * A review decision takes two steps in NocoBase's workflow: the task and its job are resolved in the database,
 * then the execution's next node — the update of the record, which posts the points — runs from an in-memory
 * queue. A crash between the two leaves the record submitted with no task left to decide it
 * (check-crash-safety: 30 of 40 decisions sent at once from the task centre). NocoBase recovers only
 * executions still queueing, so after each start the suite resumes the review executions stranded that way:
 * started, no job pending, the last one resolved, and untouched for `graceMs` (a live instance of a cluster
 * finishes its own within milliseconds). Resuming twice is harmless: an approval posts once (record lifecycle).
 */
export class ReviewRecovery {
  /** How long after the start to look, and how old a stranded job must be (DEPUTY_REVIEW_RECOVERY_GRACE_MS). */
  graceMs = Number(process.env.DEPUTY_REVIEW_RECOVERY_GRACE_MS || 60_000);

  constructor(private app: Application) {}

  watch() {
    this.app.on('afterStart', () => {
      setTimeout(() => {
        void this.resumeStranded().catch((e) =>
          this.app.logger.error('resuming stranded reviews failed', { error: e?.message }),
        );
      }, this.graceMs).unref?.();
    });
  }

  /** Resumes the stranded review executions; returns their ids. */
  async resumeStranded(now = Date.now()): Promise<number[]> {
    const workflow = this.app.pm.get<PluginWorkflowServer>('workflow');
    if (!workflow?.resume || !this.app.db.hasCollection('executions')) return [];
    const executions: Model[] = await this.app.db
      .getRepository('executions')
      .find({ filter: { key: REVIEW_WORKFLOW_KEY, status: STARTED }, fields: ['id'], sort: ['id'] });
    const resumed: number[] = [];
    for (const execution of executions) {
      const jobs: JobModel[] = await this.app.db
        .getRepository('jobs')
        .find({ filter: { executionId: execution.get('id') }, sort: ['id'] });
      const last: JobModel | undefined = jobs[jobs.length - 1];
      if (!last || jobs.some((j) => j.get('status') === PENDING) || last.get('status') !== RESOLVED) continue;
      if (now - new Date(last.get('updatedAt')).getTime() < this.graceMs) continue;
      await workflow.resume(last);
      resumed.push(execution.get('id'));
    }
    if (resumed.length)
      this.app.logger.warn(`resumed ${resumed.length} review execution(s) stranded by a stop: ${resumed.join(', ')}`);
    return resumed;
  }
}
