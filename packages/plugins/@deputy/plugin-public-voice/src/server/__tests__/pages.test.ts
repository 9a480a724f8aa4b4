import { createSuiteServer, menuPagesOf, signedInAs, TestAgent } from '@deputy/test-helpers';
import type { FlowModelRepository } from '@nocobase/plugin-flow-engine';
import { MockServer } from '@nocobase/test';
import type { PluginPublicVoiceServer } from '../plugin';
import enUS from '../../locale/en-US.json';
import zhCN from '../../locale/zh-CN.json';
import defaults from '../pages/defaults.json';
import pages from '../pages/pages.json';

/** A flow model as findModelByParentId answers it (a tree of plain objects), as far as these tests read it. */
type FlowModelNode = {
  uid: string;
  use?: string;
  stepParams?: Record<string, unknown> & { resourceSettings?: { init?: { collectionName?: string } } };
  subModels?: Record<string, FlowModelNode | FlowModelNode[] | Record<string, FlowModelNode>>;
};
type Blueprint = { blueprint: { page: { title: string }; tabs: { title?: string; blocks: { title?: string }[] }[] } };

const NS = '@deputy/plugin-public-voice';
const t = (key: string, ns = NS) => `{{t(${JSON.stringify(key)}, { ns: ${JSON.stringify(ns)} })}}`;

/** Every model under a node, itself included. */
const modelsIn = (node: FlowModelNode | undefined): FlowModelNode[] => {
  if (!node || typeof node !== 'object') return [];
  const children = Object.values(node.subModels ?? {}).flatMap((sub) =>
    Array.isArray(sub)
      ? sub
      : typeof (sub as FlowModelNode).uid === 'string'
        ? [sub as FlowModelNode]
        : Object.values(sub),
  );
  return [node, ...children.flatMap((c) => modelsIn(c as FlowModelNode))];
};

/** The code a JS button runs (in its step parameters). */
const codeOf = (model: FlowModelNode): string => {
  const find = (v: unknown): string | undefined =>
    v && typeof v === 'object'
      ? typeof (v as { code?: unknown }).code === 'string'
        ? (v as { code: string }).code
        : Object.values(v).map(find).find(Boolean)
      : undefined;
  return find(model.stepParams) ?? '';
};

/**
 * plugin-public-voice's pages (群众意见 for station staff, 我收到的意见 for deputies, 矛盾调解 for station
 * staff), installed with the suite's page installer: NocoBase tables whose row buttons are JS buttons running
 * the opinion and mediation actions through namedActions:run, each shown only where it can succeed.
 */
describe('plugin-public-voice: installed pages', () => {
  let app: MockServer;
  const routes = () => app.db.getRepository('desktopRoutes');

  beforeAll(async () => {
    app = await createSuiteServer(
      ['@deputy/plugin-deputies', '@deputy/plugin-public-voice'],
      ['client', 'flow-engine', 'ui-templates', 'ui-layout'],
    );
  }, 900000);

  afterAll(async () => {
    await app?.destroy();
  });

  const blocksOf = async (title: string) => {
    const page = await routes().findOne({ filter: { type: 'flowPage', title } });
    expect(page, `page ${title}`).toBeTruthy();
    const [tab] = await routes().find({ filter: { parentId: page.get('id') }, sort: ['sort'] });
    const repo = app.db.getRepository('flowModels') as FlowModelRepository;
    const grid: FlowModelNode = await repo.findModelByParentId(tab.get('schemaUid'), {
      subKey: 'grid',
      includeAsyncNode: true,
    });
    return Object.values((grid.subModels?.items ?? {}) as Record<string, FlowModelNode>);
  };

  /** The JS buttons of a table's rows, by title, with their code and linkage rules. */
  const rowButtons = (table: FlowModelNode) => {
    const buttons = modelsIn(table).filter((m) => m.use === 'JSRecordActionModel');
    return (title: string) => {
      const button = buttons.find((b) => JSON.stringify(b).includes(JSON.stringify(t(title)).slice(1, -1)));
      expect(button, `a JS button ${title}`).toBeTruthy();
      return { code: codeOf(button), json: JSON.stringify(button.stepParams) };
    };
  };
  /** A linkage rule in the form NocoBase's client evaluates, hiding the button unless the row has one of these statuses. */
  const hiddenUnless = (json: string, statuses: string[]) => {
    for (const s of statuses)
      expect(json).toContain(`"path":"{{ ctx.record.status }}","operator":"$ne","value":"${s}"`);
    expect(json).toContain('"name":"linkageSetActionProps","params":{"value":"hidden"}');
  };

  it('群众意见: the opinions in reach, their handling steps as JS buttons on namedActions:run, the dashboard block', async () => {
    const blocks = await blocksOf(t('Opinions'));
    expect(blocks.map((b) => b.use)).toEqual(['TableBlockModel', 'OpinionDashboardBlockModel']);
    const [table] = blocks;
    expect(table.stepParams.resourceSettings.init.collectionName).toBe('opinions');
    const json = JSON.stringify(table);
    for (const field of ['trackingCode', 'status', 'dueOn', 'overdue', 'opinionClass', 'station', 'deputy', 'rating'])
      expect(json).toContain(`"fieldPath":"${field}"`);
    const button = rowButtons(table);
    const steps: [string, string, string[]][] = [
      ['Classify', 'opinions:classify', ['received', 'classified', 'assigned', 'inProgress']],
      ['Assign', 'opinions:assign', ['classified', 'assigned', 'inProgress']],
      ['Report progress', 'opinions:progress', ['assigned', 'inProgress']],
      ['Answer', 'opinions:answer', ['classified', 'assigned', 'inProgress']],
      ['Close', 'opinions:closeOpinion', ['answered']],
      ['Convert', 'opinions:convert', ['received', 'answered']],
    ];
    for (const [title, action, shownOn] of steps) {
      const { code, json } = button(title);
      expect(code).toContain("url: 'namedActions:run'");
      expect(code).toContain(`action: '${action}'`);
      hiddenUnless(json, shownOn);
    }
    // The answer (and every reason) is asked in the dialog.
    expect(button('Answer').code).toContain('antd.Input.TextArea');
    expect(button('Answer').code).toContain('values: { answer: reply }');
    // 答复 is not offered on an opinion already answered or closed.
    expect(button('Answer').json).not.toContain('"value":"answered"');
    // The details show the citizen's text and rating, the photos (a JS block: flowSurfaces refuses an attachment
    // field in a details block) and the milestones of the opinion.
    const details = modelsIn(table).find((m) => m.use === 'DetailsBlockModel');
    expect(details).toBeTruthy();
    for (const field of ['content', 'citizenName', 'rating', 'ratingComment', 'answer'])
      expect(JSON.stringify(details)).toContain(`"fieldPath":"${field}"`);
    const photos = modelsIn(table).find((m) => m.use === 'JSBlockModel');
    expect(codeOf(photos)).toContain("row.setAppends(['photos'])");
    expect(json).toContain('"associationName":"opinions.milestones"');
  });

  it('我收到的意见: a deputy reports progress and answers, nothing more', async () => {
    const [list] = await blocksOf(t('Opinions to me'));
    // A list, not a table: on a phone each opinion is a card with its status and text, not a row cut off at 390 px.
    expect(list.use).toBe('ListBlockModel');
    const uses = modelsIn(list).filter((m) => m.use === 'JSRecordActionModel');
    expect(uses).toHaveLength(2);
    expect(rowButtons(list)('Report progress').code).toContain("action: 'opinions:progress'");
    expect(rowButtons(list)('Answer').code).toContain("action: 'opinions:answer'");
  });

  it('矛盾调解: cases with their 一三六九 milestones, 完成节点 and 结案 while open', async () => {
    const [table] = await blocksOf(t('Mediation'));
    expect(table.stepParams.resourceSettings.init.collectionName).toBe('mediationCases');
    const json = JSON.stringify(table);
    for (const field of ['respondedAt', 'intervenedAt', 'mediatedAt', 'solutionAt', 'overdueStages', 'status'])
      expect(json).toContain(`"fieldPath":"${field}"`);
    const button = rowButtons(table);
    const milestone = button('Milestone reached');
    expect(milestone.code).toContain("action: 'mediationCases:milestone'");
    hiddenUnless(milestone.json, ['open']);
    const close = button('Close the case');
    expect(close.code).toContain("action: 'mediationCases:closeMediation'");
    expect(close.code).toContain('values: { result, outcome }');
    hiddenUnless(close.json, ['open']);
  });

  it('installs them once', async () => {
    const again = await (app.pm.get(NS) as PluginPublicVoiceServer).installPages();
    expect(again).toMatchObject({ created: [], failed: [] });
    expect(await routes().count({ filter: { type: 'flowPage', title: t('Opinions') } })).toBe(1);
  });

  it('shows 群众意见 and 矛盾调解 to station staff, 我收到的意见 to deputies, all three to administrators', async () => {
    const titlesFor = async (agent: TestAgent) => (await menuPagesOf(agent)).filter((title) => title.includes(NS));
    const staff = await signedInAs(app, 'voice-pages-staff', ['station-staff']);
    const deputy = await signedInAs(app, 'voice-pages-deputy', ['deputy']);
    const admin = await signedInAs(app, 'voice-pages-admin', ['npc-admin']);
    expect(await titlesFor(staff.agent)).toEqual([t('Opinions'), t('Mediation')]);
    expect(await titlesFor(deputy.agent)).toEqual([t('Opinions to me')]);
    expect(await titlesFor(admin.agent)).toEqual([t('Opinions'), t('Opinions to me'), t('Mediation')]);
  });

  it('has every title, field group and button text in zh-CN and en-US', () => {
    const texts = (pages as Blueprint[]).flatMap((p) => [
      p.blueprint.page.title,
      ...p.blueprint.tabs.flatMap((tab) => [tab.title, ...tab.blocks.map((b) => b.title)]),
    ]);
    texts.push(...Object.values(defaults.collections).flatMap((c) => c.fieldGroups.map((g) => g.title)));
    // What the buttons' code translates: t("…") / t('…').
    for (const match of JSON.stringify(pages).matchAll(/\bt\((?:\\"((?:[^"\\]|\\[^"])*)\\"|'([^']*)')/g))
      texts.push(match[1] ?? match[2]);
    expect(texts.length).toBeGreaterThan(40);
    for (const text of texts.filter(Boolean)) {
      expect(enUS).toHaveProperty([text]);
      expect(zhCN).toHaveProperty([text]);
    }
  });
});
