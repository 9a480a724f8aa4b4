import type { Database, Transaction } from '@nocobase/database';
import type { FlowNodeModel, WorkflowModel } from '@nocobase/plugin-workflow';

export const REVIEW_WORKFLOW_KEY = 'deputy-duty-record-review';
export const REVIEW_NODE_KEY = 'deputy-review';
export const REVIEW_FORM_KEY = 'review';

/**
 * The review of duty records as an ordinary NocoBase workflow, built from the review levels administrators
 * edit (积分管理 › 审核级别, `reviewLevels`, review-levels.ts) and open in the workflow designer like any other:
 *
 *   collection trigger: dutyRecords updated, status changed to "submitted"
 *   → manual node per level: assigned to the record's reviewer (the station head, set on submit) or to the
 *     level's chosen people; buttons 通过 / 退回 preset the decision, the reviewer may add a comment
 *   → between levels a condition: approved goes on to the next level, 退回 returns the record
 *   → update node: status := the last level's decision, reviewComment := its comment
 *
 * A change of the levels makes a new version (changes made in the designer to the previous one are not carried
 * over, but its trigger is). The ledger rules live in the record lifecycle, not here: whatever the workflow
 * becomes, an approval posts once and within the cap.
 */
export type Titles = {
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

/** A level of the review as the workflow needs it (the rows of `reviewLevels`, in order). */
export type ReviewLevel = { title: string; reviewerType: 'stationHead' | 'users'; reviewerIds: number[] };

/** The trigger: a duty record's status changed to submitted; the task shows its deputy, item and photos. */
const TRIGGER_CONFIG = {
  collection: 'dutyRecords',
  mode: 2,
  changed: ['status'],
  condition: { $and: [{ status: { $eq: 'submitted' } }] },
  appends: ['deputy', 'item', 'evidence'],
};

/** The manual node's key of the level at `index` (0-based): the first keeps the key of the one-level install. */
export const levelNodeKey = (index: number) => (index ? `${REVIEW_NODE_KEY}-${index + 1}` : REVIEW_NODE_KEY);

/** One level's manual node: its reviewers, the task's title, the task-centre form with 通过 / 退回. */
function reviewNodeConfig(titles: Titles, level: ReviewLevel) {
  const title = level.title || titles.review;
  return {
    assignees: level.reviewerType === 'users' ? level.reviewerIds : ['{{$context.data.reviewerId}}'],
    // Any one assignee decides.
    mode: 0,
    // What the reviewer sees in the task centre: who, what, when; and the form with its two buttons.
    title: `${title}：{{$context.data.deputy.name}} · {{$context.data.item.name}} · {{$context.data.date}}`,
    schema: reviewTaskSchema({ ...titles, review: title }),
    forms: {
      [REVIEW_FORM_KEY]: {
        type: 'custom',
        title,
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
  };
}

/** The update node writing a level's decision (or `status` when given) and its comment on the record. */
function resultNodeConfig(nodeKey: string, status?: string) {
  return {
    collection: 'dutyRecords',
    params: {
      individualHooks: true,
      filter: { $and: [{ id: { $eq: '{{$context.data.id}}' } }] },
      values: {
        status: status ?? `{{$jobsMapByNodeKey.${nodeKey}.${REVIEW_FORM_KEY}.decision}}`,
        reviewComment: `{{$jobsMapByNodeKey.${nodeKey}.${REVIEW_FORM_KEY}.comment}}`,
      },
    },
  };
}

/** The condition after a level that is not the last: on approval the next level, on 退回 the record returned. */
function passedConfig(nodeKey: string) {
  return {
    rejectOnFalse: false,
    engine: 'basic',
    calculation: {
      group: {
        type: 'and',
        calculations: [
          {
            calculator: 'equal',
            operands: [`{{$jobsMapByNodeKey.${nodeKey}.${REVIEW_FORM_KEY}.decision}}`, 'approved'],
          },
        ],
      },
    },
  };
}

/**
 * The nodes of the review through `levels`, on a new (disabled) workflow. One level: the manual node, then the
 * update node writing its decision — the shape installed at first. More levels nest: after each level but the
 * last, a condition; its "yes" branch holds the next level, its "no" branch the update returning the record
 * with that level's comment. Only the last level's update can write "approved", so the points post once, after
 * every level approved; a 退回 anywhere ends the review.
 */
async function buildLevels(workflow: WorkflowModel, levels: ReviewLevel[], titles: Titles, transaction?: Transaction) {
  type Link = { upstream: FlowNodeModel | null; branchIndex: number | null };
  const create = async (link: Link, values: Record<string, unknown>): Promise<FlowNodeModel> => {
    const node: FlowNodeModel = await workflow.createNode(
      { ...values, upstreamId: link.upstream?.get('id') ?? null, branchIndex: link.branchIndex },
      { transaction },
    );
    // A node that follows another (not the first of a branch) is its downstream.
    if (link.upstream && link.branchIndex === null)
      await link.upstream.update({ downstreamId: node.get('id') }, { transaction });
    return node;
  };
  let link: Link = { upstream: null, branchIndex: null };
  for (const [index, level] of levels.entries()) {
    const key = levelNodeKey(index);
    const review = await create(link, {
      key,
      type: 'manual',
      title: level.title || titles.review,
      config: reviewNodeConfig(titles, level),
    });
    if (index === levels.length - 1) {
      await create(
        { upstream: review, branchIndex: null },
        { key: 'deputy-review-result', type: 'update', title: titles.update, config: resultNodeConfig(key) },
      );
      break;
    }
    const passed = await create(
      { upstream: review, branchIndex: null },
      {
        key: `${key}-passed`,
        type: 'condition',
        title: `${level.title} · ${titles.approve}？`,
        config: passedConfig(key),
      },
    );
    await create(
      { upstream: passed, branchIndex: 0 },
      {
        key: `${key}-returned`,
        type: 'update',
        title: `${level.title} · ${titles.reject}`,
        config: resultNodeConfig(key, 'rejected'),
      },
    );
    link = { upstream: passed, branchIndex: 1 };
  }
}

/** The station head's single review: what an instance gets at install, before any level is added. */
const STATION_HEAD_LEVEL = (titles: Titles): ReviewLevel => ({
  title: titles.review,
  reviewerType: 'stationHead',
  reviewerIds: [],
});

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
  await rebuildReviewWorkflow(db, [STATION_HEAD_LEVEL(titles)], titles);
  return true;
}

/**
 * A new version of the review workflow going through `levels`, made current and enabled in `transaction`; the
 * previous version is disabled by NocoBase (same key) and finishes the reviews it has started. The trigger is
 * the current version's, so an administrator's change to it carries over.
 */
export async function rebuildReviewWorkflow(
  db: Database,
  levels: ReviewLevel[],
  titles: Titles,
  transaction?: Transaction,
) {
  const workflows = db.getRepository('workflows');
  const current: WorkflowModel | null = await workflows.findOne({
    filter: { key: REVIEW_WORKFLOW_KEY, current: true },
    transaction,
  });
  const workflow: WorkflowModel = await workflows.create({
    values: {
      key: REVIEW_WORKFLOW_KEY,
      title: current?.get('title') ?? titles.workflow,
      type: 'collection',
      sync: false,
      enabled: false,
      config: current?.get('config') ?? TRIGGER_CONFIG,
    },
    transaction,
  });
  await buildLevels(workflow, levels, titles, transaction);
  await workflow.update({ enabled: true }, { transaction });
  return workflow;
}
