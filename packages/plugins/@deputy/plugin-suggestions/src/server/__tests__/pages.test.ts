import { createSuiteServer, menuPagesOf, pagesWithoutSnapshot, signedInAs } from '@deputy/test-helpers';
import type { FlowModelRepository } from '@nocobase/plugin-flow-engine';
import { MockServer } from '@nocobase/test';
import enUS from '../../locale/en-US.json';
import zhCN from '../../locale/zh-CN.json';
import pages from '../pages/pages.json';
import type { PluginSuggestionsServer } from '../plugin';

type FlowModelNode = {
  use?: string;
  stepParams?: { resourceSettings?: { init?: { collectionName?: string } } };
  subModels?: { items?: Record<string, FlowModelNode> };
};
type Blueprint = { blueprint: { page: { title: string }; tabs: { title: string; blocks: { title?: string }[] }[] } };

/**
 * plugin-suggestions' pages: 我的建议 for deputies (lists that fit a phone: their suggestions, the units'
 * replies with the feedback button) and 代表建议 for the office and station staff (the suggestions with 联审 and
 * 交办, the handling with 登记答复 and 延期, the handling units, the sessions and the charts), installed once from
 * snapshots.
 */
describe('plugin-suggestions: installed pages', () => {
  let app: MockServer;
  const NS = '@deputy/plugin-suggestions';
  const t = (key: string) => `{{t(${JSON.stringify(key)}, { ns: ${JSON.stringify(NS)} })}}`;
  const routes = () => app.db.getRepository('desktopRoutes');

  beforeAll(async () => {
    app = await createSuiteServer(
      ['@deputy/plugin-deputies', '@deputy/plugin-duty-points', '@deputy/plugin-suggestions'],
      ['client', 'flow-engine', 'ui-templates', 'ui-layout'],
    );
  });

  afterAll(async () => {
    await app?.destroy();
  });

  it('installs its pages from their built snapshots (npm run build:pages when a page changed)', () => {
    expect(pagesWithoutSnapshot(app, NS)).toEqual([]);
  });

  const blocksOf = async (title: string) => {
    const page = await routes().findOne({ filter: { type: 'flowPage', title } });
    const tabs = await routes().find({ filter: { parentId: page.get('id') }, sort: ['sort'] });
    const repo = app.db.getRepository('flowModels') as FlowModelRepository;
    const out: string[][] = [];
    for (const tab of tabs) {
      const grid: FlowModelNode = await repo.findModelByParentId(tab.get('schemaUid'), {
        subKey: 'grid',
        includeAsyncNode: true,
      });
      out.push(
        Object.values(grid.subModels?.items ?? {}).map(
          (b) => `${b.use}:${b.stepParams?.resourceSettings?.init?.collectionName}`,
        ),
      );
    }
    return out;
  };

  it('installs 我的建议 as lists with the form on its own tab (labelled on a phone), 代表建议 as tables, once', async () => {
    expect(await blocksOf(t('My suggestions'))).toEqual([
      ['ListBlockModel:suggestions'],
      ['CreateFormModel:suggestions'],
      ['ListBlockModel:suggestionAssignments'],
      ['ListBlockModel:appraisalSessions'],
    ]);
    expect(await blocksOf(t('Deputy suggestions'))).toEqual([
      ['TableBlockModel:suggestions'],
      ['TableBlockModel:suggestionAssignments'],
      ['TableBlockModel:supervisionRecords'],
      ['TableBlockModel:appraisalSessions', 'TableBlockModel:appraisalSubjects'],
      ['TableBlockModel:handlingUnits'],
      ['TableBlockModel:congressSessions'],
      // 统计: status, category, results, on time, satisfaction, units — NocoBase's charts (their query names the collection).
      Array(6).fill('ChartBlockModel:undefined'),
    ]);
    expect(await (app.pm.get(NS) as PluginSuggestionsServer).installPages()).toMatchObject({ created: [], failed: [] });
    expect(await routes().count({ filter: { type: 'flowPage', title: t('My suggestions') } })).toBe(1);
  });

  it('shows deputies 我的建议 and station staff 代表建议, each only its own', async () => {
    const { agent: deputy } = await signedInAs(app, 'sg-pages-deputy', ['deputy']);
    const deputyPages = await menuPagesOf(deputy);
    expect(deputyPages).toContain(t('My suggestions'));
    expect(deputyPages).not.toContain(t('Deputy suggestions'));
    const { agent: staff } = await signedInAs(app, 'sg-pages-staff', ['station-staff']);
    const staffPages = await menuPagesOf(staff);
    expect(staffPages).toContain(t('Deputy suggestions'));
    expect(staffPages).not.toContain(t('My suggestions'));
  });

  it('has every title in zh-CN and en-US', () => {
    const titles = (pages as Blueprint[]).flatMap((p) => [
      p.blueprint.page.title,
      ...p.blueprint.tabs.flatMap((tab) => [tab.title, ...tab.blocks.map((b) => b.title)]),
    ]);
    for (const title of titles.filter(Boolean)) {
      expect(enUS).toHaveProperty([title]);
      expect(zhCN).toHaveProperty([title]);
    }
  });
});
