import type { Database } from '@nocobase/database';
import type { FlowNodeModel, WorkflowModel } from '@nocobase/plugin-workflow';

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
type Titles = {
  workflow: string;
  review: string;
  update: string;
  approve: string;
  reject: string;
  comment: string;
  record: string;
};

/** What the reviewer sees of the record: the trigger's data, with the evidence (photos open full size). */
const RECORD_FIELDS = ['deputy', 'item', 'date', 'quantity', 'description', 'possibleDuplicate', 'evidence'];

/**
 * The task-centre form of the review node, in the shape NocoBase's manual node designer saves: a details
 * block of the record under review (NocoBase's "trigger data" block), then a custom form "review" with a
 * comment field and two buttons whose keys (approve / reject) preset the decision.
 * Administrators can change it in the workflow designer like any manual node's interface.
 */
export function reviewTaskSchema(titles: Titles) {
  const node = (name: string, extra: Record<string, unknown>) => ({
    _isJSONSchemaObject: true,
    version: '2.0',
    name,
    ...extra,
  });
  const comment = {
    name: 'comment',
    type: 'text',
    interface: 'textarea',
    uiSchema: { type: 'string', title: titles.comment, 'x-component': 'Input.TextArea' },
  };
  const button = (name: string, title: string, primary: boolean, decision: string) =>
    node(name, {
      type: 'void',
      title,
      'x-decorator': 'ManualActionStatusProvider',
      'x-decorator-props': { value: 1 },
      'x-component': 'Action',
      'x-component-props': { type: primary ? 'primary' : 'default', useAction: '{{ useSubmit }}' },
      'x-designer': 'ManualActionDesigner',
      'x-action-settings': { assignedValues: { values: { decision } } },
    });
  return {
    tab1: node('tab1', {
      type: 'void',
      title: titles.review,
      'x-component': 'Tabs.TabPane',
      'x-designer': 'Tabs.Designer',
      properties: {
        grid: node('grid', {
          type: 'void',
          'x-component': 'Grid',
          'x-initializer': 'workflowManual:popup:configureUserInterface:addBlock',
          properties: {
            recordRow: node('recordRow', {
              type: 'void',
              'x-component': 'Grid.Row',
              properties: {
                recordCol: node('recordCol', {
                  type: 'void',
                  'x-component': 'Grid.Col',
                  properties: {
                    recordBlock: node('recordBlock', {
                      type: 'void',
                      'x-decorator': 'DetailsBlockProvider',
                      'x-decorator-props': { collection: 'dutyRecords', dataPath: '$context.data' },
                      'x-component': 'CardItem',
                      'x-component-props': { title: titles.record },
                      'x-settings': 'blockSettings:singleDataDetails',
                      properties: {
                        grid: node('grid', {
                          type: 'void',
                          'x-component': 'FormV2',
                          'x-use-component-props': 'useDetailsBlockProps',
                          'x-read-pretty': true,
                          properties: {
                            grid: node('grid', {
                              type: 'void',
                              'x-component': 'Grid',
                              'x-initializer': 'details:configureFields',
                              properties: Object.fromEntries(
                                RECORD_FIELDS.map((field) => [
                                  `${field}Row`,
                                  node(`${field}Row`, {
                                    type: 'void',
                                    'x-component': 'Grid.Row',
                                    properties: {
                                      [`${field}Col`]: node(`${field}Col`, {
                                        type: 'void',
                                        'x-component': 'Grid.Col',
                                        properties: {
                                          [field]: node(field, {
                                            type: 'string',
                                            'x-decorator': 'FormItem',
                                            'x-component': 'CollectionField',
                                            'x-collection-field': `dutyRecords.${field}`,
                                            'x-read-pretty': true,
                                            'x-toolbar': 'FormItemSchemaToolbar',
                                            'x-settings': 'fieldSettings:FormItem',
                                            ...(field === 'deputy' || field === 'item'
                                              ? { 'x-component-props': { fieldNames: { label: 'name', value: 'id' } } }
                                              : {}),
                                          }),
                                        },
                                      }),
                                    },
                                  }),
                                ]),
                              ),
                            }),
                          },
                        }),
                      },
                    }),
                  },
                }),
              },
            }),
            row: node('row', {
              type: 'void',
              'x-component': 'Grid.Row',
              properties: {
                col: node('col', {
                  type: 'void',
                  'x-component': 'Grid.Col',
                  properties: {
                    reviewBlock: node('reviewBlock', {
                      type: 'void',
                      'x-decorator': 'CustomFormBlockProvider',
                      'x-decorator-props': { collection: { name: REVIEW_FORM_KEY, fields: [comment] } },
                      'x-component': 'CardItem',
                      'x-component-props': { title: titles.review },
                      'x-designer': 'SimpleDesigner',
                      'x-designer-props': { type: 'customForm' },
                      properties: {
                        [REVIEW_FORM_KEY]: node(REVIEW_FORM_KEY, {
                          type: 'void',
                          'x-component': 'FormV2',
                          'x-use-component-props': 'useFormBlockProps',
                          properties: {
                            grid: node('grid', {
                              type: 'void',
                              'x-component': 'Grid',
                              'x-initializer': 'workflowManual:customForm:configureFields',
                              properties: {
                                commentRow: node('commentRow', {
                                  type: 'void',
                                  'x-component': 'Grid.Row',
                                  properties: {
                                    commentCol: node('commentCol', {
                                      type: 'void',
                                      'x-component': 'Grid.Col',
                                      properties: {
                                        comment: node('comment', {
                                          type: 'string',
                                          'x-decorator': 'FormItem',
                                          'x-component': 'CollectionField',
                                          'x-component-props': { field: comment },
                                          'x-collection-field': `${REVIEW_FORM_KEY}.comment`,
                                          'x-toolbar': 'FormItemSchemaToolbar',
                                          'x-settings': 'fieldSettings:FormItem',
                                        }),
                                      },
                                    }),
                                  },
                                }),
                              },
                            }),
                            actions: node('actions', {
                              type: 'void',
                              'x-decorator': 'ActionBarProvider',
                              'x-component': 'ActionBar',
                              'x-component-props': {
                                layout: 'one-column',
                                style: { marginTop: '1.5em', flexWrap: 'wrap' },
                              },
                              'x-initializer': 'workflowManual:form:configureActions',
                              properties: {
                                approve: button('approve', titles.approve, true, 'approved'),
                                reject: button('reject', titles.reject, false, 'rejected'),
                              },
                            }),
                          },
                        }),
                      },
                    }),
                  },
                }),
              },
            }),
          },
        }),
      },
    }),
  };
}

export async function installReviewWorkflow(db: Database, titles: Titles) {
  const workflows = db.getRepository('workflows');
  const existing: WorkflowModel | null = await workflows.findOne({
    filter: { key: REVIEW_WORKFLOW_KEY, current: true },
  });
  if (existing) {
    // Installed by an earlier version without a task-centre form: add it, unless an administrator made one.
    const node: FlowNodeModel | null = await db
      .getRepository('flow_nodes')
      .findOne({ filter: { workflowId: existing.get('id'), key: REVIEW_NODE_KEY } });
    if (node && !node.get('config')?.schema) {
      await node.update({
        config: {
          ...node.get('config'),
          title:
            node.get('config')?.title ??
            `${titles.review}：{{$context.data.deputy.name}} · {{$context.data.item.name}} · {{$context.data.date}}`,
          schema: reviewTaskSchema(titles),
        },
      });
    }
    return false;
  }
  const workflow: WorkflowModel = await workflows.create({
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
        appends: ['deputy', 'item', 'evidence'],
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
      // What the reviewer sees in the task centre: who, what, when; and the form with its two buttons.
      title: `${titles.review}：{{$context.data.deputy.name}} · {{$context.data.item.name}} · {{$context.data.date}}`,
      schema: reviewTaskSchema(titles),
      forms: {
        [REVIEW_FORM_KEY]: {
          type: 'custom',
          title: titles.review,
          collection: {
            name: REVIEW_FORM_KEY,
            fields: [
              {
                name: 'comment',
                type: 'text',
                interface: 'textarea',
                uiSchema: { type: 'string', title: titles.comment, 'x-component': 'Input.TextArea' },
              },
            ],
          },
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
