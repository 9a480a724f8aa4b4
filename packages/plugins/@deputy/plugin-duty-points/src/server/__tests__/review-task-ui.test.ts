import type { ApiRow } from '@deputy/test-helpers';
import { installReviewWorkflow, REVIEW_NODE_KEY, REVIEW_WORKFLOW_KEY } from '../services/review-workflow';
import { lastYear, pendingTaskFor, useDutyPointsWorld, workflowsSettled } from './setup';

/** What the reviewer sees in NocoBase's task centre: a task titled with who, what and when, and its form. */
describe('plugin-duty-points: the review task in the task centre', () => {
  const ctx = useDutyPointsWorld();
  const reviewNode = async () => {
    const workflow = await ctx.app.db
      .getRepository('workflows')
      .findOne({ filter: { key: REVIEW_WORKFLOW_KEY, current: true } });
    return ctx.app.db
      .getRepository('flow_nodes')
      .findOne({ filter: { workflowId: workflow.get('id'), key: REVIEW_NODE_KEY } });
  };

  it('titles the task with the deputy, the item and the date', async () => {
    const { app, d1, head } = ctx.w;
    const item = await ctx.w.item('D04');
    const created = (await d1.agent.resource('dutyRecords').create({ values: { itemId: item.id, date: lastYear(8) } }))
      .body.data;
    await d1.agent.post(`/dutyRecords:submit?filterByTk=${created.id}`).send({});
    const task = await pendingTaskFor(app, head.agent, created.id);
    expect(task.title).toBe(`审核：代表一 · 参加履职培训 · ${lastYear(8)}`);
    await workflowsSettled(app);
  });

  it('gives the node a form whose two buttons are the decisions the workflow expects', async () => {
    const config = (await reviewNode()).get('config');
    const json = JSON.stringify(config.schema);
    const form =
      config.schema.tab1.properties.grid.properties.row.properties.col.properties.reviewBlock.properties.review;
    const buttons = form.properties.actions.properties;
    expect(Object.keys(buttons)).toEqual(config.forms.review.actions.map((a: ApiRow) => a.key));
    expect(buttons.approve['x-action-settings'].assignedValues.values).toEqual({ decision: 'approved' });
    expect(buttons.reject['x-action-settings'].assignedValues.values).toEqual({ decision: 'rejected' });
    expect(buttons.approve.title).toBe('通过');
    expect(json).toContain('"x-collection-field":"review.comment"');
  });

  it('shows the record under review above the form: who, what, when, the description and the evidence', async () => {
    const config = (await reviewNode()).get('config');
    const block = config.schema.tab1.properties.grid.properties.recordRow.properties.recordCol.properties.recordBlock;
    expect(block['x-decorator']).toBe('DetailsBlockProvider');
    expect(block['x-decorator-props']).toEqual({ collection: 'dutyRecords', dataPath: '$context.data' });
    const json = JSON.stringify(block);
    for (const field of ['deputy', 'item', 'date', 'description', 'possibleDuplicate', 'evidence'])
      expect(json).toContain(`"x-collection-field":"dutyRecords.${field}"`);
    // The trigger loads the evidence with the record, so the block has the photos to show.
    const workflow = await ctx.app.db
      .getRepository('workflows')
      .findOne({ filter: { key: REVIEW_WORKFLOW_KEY, current: true } });
    expect(workflow.get('config').appends).toEqual(expect.arrayContaining(['deputy', 'item', 'evidence']));
  });

  it('adds the form on upgrade to a review node installed without one, and keeps an administrator’s own form', async () => {
    const node = await reviewNode();
    const { schema, ...rest } = node.get('config');
    await node.update({ config: rest });
    const titles = {
      workflow: '履职记录审核',
      review: '审核',
      update: '记录审核结果',
      approve: '通过',
      reject: '退回',
      comment: '审核意见',
      record: '履职记录',
    };
    await installReviewWorkflow(ctx.app.db, titles);
    expect((await reviewNode()).get('config').schema).toEqual(schema);
    const own = { tab1: { type: 'void', title: '自定义' } };
    await (await reviewNode()).update({ config: { ...rest, schema: own } });
    await installReviewWorkflow(ctx.app.db, titles);
    expect((await reviewNode()).get('config').schema).toEqual(own);
  });
});
