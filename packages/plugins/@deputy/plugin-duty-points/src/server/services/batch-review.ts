import type { Context, Next } from '@nocobase/actions';
import type { Model } from '@nocobase/database';
import { EXECUTION_STATUS, JOB_STATUS } from '@nocobase/plugin-workflow';
import { oneDecision } from './review-gate';
import { REVIEW_WORKFLOW_KEY } from './review-workflow';

/**
 * How long a decision's reply waits for the workflow to move on. The decision itself is recorded before
 * (the task is submitted); past this the reply tells the state as it is and the workflow finishes alone.
 * The same bound as a decision's wait for its turn (review-gate.ts): far beyond a review's run of a few
 * milliseconds, well short of a browser's request timeout.
 */
const RESUME_WAIT_MS = 30_000;
/** Between two looks at the execution: the run takes a few database round trips; no busier than that. */
const RESUME_POLL_MS = 100;

/**
 * Waits until the workflow has moved past this task: the execution ended, or it waits at a later node (an
 * administrator's second review level). At once when the task's node still waits for other assignees
 * (nothing resumes). The manual plugin resumes the execution after its answer, maybe on another process of
 * a cluster, so this reads the database rather than waiting for an event of this process. One decision at
 * a time keeps SQLite's single writer and the workflow's own queue out of each other's way, and the reply
 * tells the final state.
 */
export async function resumed(ctx: Context, task: Model) {
  const deadline = Date.now() + RESUME_WAIT_MS;
  const executionId = task.get('executionId');
  const job = await ctx.db.getRepository('jobs').findOne({ filterByTk: task.get('jobId') });
  if (!job || job.get('status') === JOB_STATUS.PENDING) return;
  while (Date.now() < deadline) {
    const execution = await ctx.db.getRepository('executions').findOne({ filterByTk: executionId });
    if (!execution || execution.get('status') !== EXECUTION_STATUS.STARTED) return;
    const later = await ctx.db
      .getRepository('jobs')
      .count({ filter: { executionId, status: JOB_STATUS.PENDING, id: { $ne: task.get('jobId') } } });
    if (later) return;
    await new Promise((r) => setTimeout(r, RESUME_POLL_MS));
  }
}

/**
 * The handler NocoBase runs for `workflowManualTasks:submit` — what the task centre calls. The manual plugin
 * exports no function for it (its package exports only the plugin class), so it is taken from the resource
 * the plugin defines, not from a path inside its build output.
 */
function manualTaskSubmit(ctx: Context): (ctx: Context, next: Next) => Promise<void> {
  return ctx.app.resourceManager.getResource('workflowManualTasks').getAction('submit').getHandler();
}

export type BatchResult = { done: number[]; failed: { id: number; message: string }[] };

/** The signed-in reviewer's pending review tasks, by the id of the duty record each one decides. */
export async function myReviewTasks(ctx: Context): Promise<Map<number, Model>> {
  const taskOf = new Map<number, Model>();
  if (!ctx.db.hasCollection('workflowManualTasks')) return taskOf;
  const tasks: Model[] = await ctx.db.getRepository('workflowManualTasks').find({
    filter: { userId: ctx.state.currentUser.id, status: JOB_STATUS.PENDING, 'workflow.key': REVIEW_WORKFLOW_KEY },
    appends: ['execution', 'node'],
  });
  for (const task of tasks) {
    const recordId = Number(task.get('execution')?.get('context')?.data?.id);
    if (recordId && !taskOf.has(recordId)) taskOf.set(recordId, task);
  }
  return taskOf;
}

/**
 * Approving or returning many duty records at once: for each record, the signed-in reviewer's own pending
 * task in the review workflow is submitted exactly as the task centre submits it (same checks: assignee,
 * task still pending; same effect: the workflow resumes and records the decision). Whatever form the
 * administrator has given the review node, the action with the decision's key (approve / reject) is used.
 */
export async function reviewInBatch(
  ctx: Context,
  recordIds: number[],
  decision: 'approve' | 'reject',
  comment = '',
  taskOf?: Map<number, Model>,
): Promise<BatchResult> {
  taskOf ??= await myReviewTasks(ctx);
  // Looked up for the caller's first task only: an app without the workflow plugins has no such resource (and no task).
  let submit: ReturnType<typeof manualTaskSubmit> | undefined;
  const result: BatchResult = { done: [], failed: [] };
  for (const id of recordIds.map(Number)) {
    const task = taskOf.get(id);
    if (!task) {
      result.failed.push({
        id,
        message: ctx.t('No pending review task of yours for this record', { ns: '@deputy/plugin-duty-points' }),
      });
      continue;
    }
    const run = (submit ??= manualTaskSubmit(ctx));
    const forms = task.get('node')?.get('config')?.forms ?? {};
    const formKey = Object.keys(forms).find((key) =>
      (forms[key].actions ?? []).some((a: { key?: string }) => a.key === decision),
    );
    // The manual plugin's own submit handler, on a context that names this task.
    const sub: Context = Object.create(ctx);
    sub.action = {
      ...ctx.action,
      resourceName: 'workflowManualTasks',
      actionName: 'submit',
      sourceId: undefined,
      params: { filterByTk: task.get('id'), values: { result: { [formKey ?? 'review']: { comment }, _: decision } } },
    } as Context['action'];
    try {
      // In its turn with every other review decision (review-gate.ts); on SQLite the turn includes the
      // workflow's run, elsewhere the wait for it is outside.
      await oneDecision(
        ctx,
        () => run(sub, async () => {}),
        () => resumed(ctx, task),
      );
      await resumed(ctx, task);
      result.done.push(id);
    } catch (e) {
      const { message } = (e ?? {}) as { message?: string };
      result.failed.push({ id, message: message || String(e) });
    }
  }
  return result;
}
