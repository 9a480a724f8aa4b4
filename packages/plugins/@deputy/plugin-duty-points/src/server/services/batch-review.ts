import type { Context } from '@nocobase/actions';
import { submit as submitManualTask } from '@nocobase/plugin-workflow-manual/dist/server/actions';
import { oneDecision } from './review-gate';
import { REVIEW_WORKFLOW_KEY } from './review-workflow';

const PENDING = 0;
const STARTED = 0;

/**
 * Waits (up to 30 s) until the workflow has moved past this task: the execution ended, or it waits at a
 * later node (an administrator's second review level). At once when the task's node still waits for other
 * assignees (nothing resumes). One decision at a time keeps SQLite's single writer and the workflow's own
 * queue out of each other's way, and the reply tells the final state.
 */
export async function resumed(ctx: Context, task: any) {
  const deadline = Date.now() + 30_000;
  const executionId = task.get('executionId');
  const job = await ctx.db.getRepository('jobs').findOne({ filterByTk: task.get('jobId') });
  if (!job || job.get('status') === PENDING) return;
  while (Date.now() < deadline) {
    const execution = await ctx.db.getRepository('executions').findOne({ filterByTk: executionId });
    if (!execution || execution.get('status') !== STARTED) return;
    const later = await ctx.db.getRepository('jobs').count({ filter: { executionId, status: PENDING, id: { $ne: task.get('jobId') } } });
    if (later) return;
    await new Promise((r) => setTimeout(r, 100));
  }
}

export type BatchResult = { done: number[]; failed: { id: number; message: string }[] };

/** The signed-in reviewer's pending review tasks, by the id of the duty record each one decides. */
export async function myReviewTasks(ctx: Context): Promise<Map<number, any>> {
  const taskOf = new Map<number, any>();
  if (!ctx.db.hasCollection('workflowManualTasks')) return taskOf;
  const tasks = await ctx.db.getRepository('workflowManualTasks').find({
    filter: { userId: ctx.state.currentUser.id, status: PENDING, 'workflow.key': REVIEW_WORKFLOW_KEY },
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
  taskOf?: Map<number, any>,
): Promise<BatchResult> {
  taskOf ??= await myReviewTasks(ctx);
  const result: BatchResult = { done: [], failed: [] };
  for (const id of recordIds.map(Number)) {
    const task = taskOf.get(id);
    if (!task) {
      result.failed.push({ id, message: ctx.t('No pending review task of yours for this record', { ns: '@deputy/plugin-duty-points' }) });
      continue;
    }
    const forms = task.get('node')?.get('config')?.forms ?? {};
    const formKey = Object.keys(forms).find((key) => (forms[key].actions ?? []).some((a: any) => a.key === decision));
    // The manual plugin's own submit handler, on a context that names this task.
    const sub: any = Object.create(ctx);
    sub.action = {
      ...ctx.action,
      resourceName: 'workflowManualTasks',
      actionName: 'submit',
      sourceId: undefined,
      params: { filterByTk: task.get('id'), values: { result: { [formKey ?? 'review']: { comment }, _: decision } } },
    };
    try {
      // In its turn with every other review decision (review-gate.ts); on SQLite the turn includes the
      // workflow's run, elsewhere the wait for it is outside.
      await oneDecision(ctx, () => submitManualTask(sub, async () => {}), () => resumed(ctx, task));
      await resumed(ctx, task);
      result.done.push(id);
    } catch (e: any) {
      result.failed.push({ id, message: e?.message || String(e) });
    }
  }
  return result;
}
