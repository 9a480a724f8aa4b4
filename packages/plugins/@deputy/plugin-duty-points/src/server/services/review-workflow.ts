import type { Database } from '@nocobase/database';

export const REVIEW_WORKFLOW_KEY = 'deputy-duty-record-review';
export const REVIEW_NODE_KEY = 'deputy-review';
export const REVIEW_FORM_KEY = 'review';

/**
 * The review of duty records as an ordinary NocoBase workflow, installed once and then owned by the
 * administrators (add a second level, change assignees, in the workflow designer):
 *
 *   collection trigger: dutyRecords updated, status changed to "submitted"
 *   → manual node "审核": assigned to the record's reviewer (the station head, set on submit);
 *     buttons 通过 / 退回 preset the decision, the reviewer may add a comment
 *   → update node: status := the decision, reviewComment := the comment
 *
 * The ledger rules live in the record lifecycle, not here: whatever the workflow becomes, an approval posts
 * once and within the cap.
 */
export async function installReviewWorkflow(db: Database, titles: { workflow: string; review: string; update: string; approve: string; reject: string }) {
  const workflows = db.getRepository('workflows');
  if (await workflows.findOne({ filter: { key: REVIEW_WORKFLOW_KEY } })) return false;
  const workflow: any = await workflows.create({
    values: {
      key: REVIEW_WORKFLOW_KEY,
      title: titles.workflow,
      type: 'collection',
      sync: false,
      enabled: false,
      config: {
        collection: 'dutyRecords',
        mode: 2,
        changed: ['status'],
        condition: { $and: [{ status: { $eq: 'submitted' } }] },
        appends: ['deputy', 'item'],
      },
    },
  });
  const review = await workflow.createNode({
    key: REVIEW_NODE_KEY,
    type: 'manual',
    title: titles.review,
    upstreamId: null,
    config: {
      assignees: ['{{$context.data.reviewerId}}'],
      mode: 0,
      forms: {
        [REVIEW_FORM_KEY]: {
          type: 'custom',
          actions: [
            { key: 'approve', status: 1, values: { decision: 'approved' } },
            { key: 'reject', status: 1, values: { decision: 'rejected' } },
          ],
        },
      },
    },
  });
  const update = await workflow.createNode({
    key: 'deputy-review-result',
    type: 'update',
    title: titles.update,
    upstreamId: review.get('id'),
    config: {
      collection: 'dutyRecords',
      params: {
        individualHooks: true,
        filter: { $and: [{ id: { $eq: '{{$context.data.id}}' } }] },
        values: {
          status: `{{$jobsMapByNodeKey.${REVIEW_NODE_KEY}.${REVIEW_FORM_KEY}.decision}}`,
          reviewComment: `{{$jobsMapByNodeKey.${REVIEW_NODE_KEY}.${REVIEW_FORM_KEY}.comment}}`,
        },
      },
    },
  });
  await review.update({ downstreamId: update.get('id') });
  await workflow.update({ enabled: true });
  return true;
}
