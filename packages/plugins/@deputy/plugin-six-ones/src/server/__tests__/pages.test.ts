import { createSuiteServer, menuPagesOf, migrationOf, pagesWithoutSnapshot, signedInAs } from '@deputy/test-helpers';
import type { BelongsToManyRepository, Model } from '@nocobase/database';
import type { FlowModelRepository } from '@nocobase/plugin-flow-engine';
import { MockServer } from '@nocobase/test';
import type { PluginSixOnesServer } from '../plugin';
import enUS from '../../locale/en-US.json';
import zhCN from '../../locale/zh-CN.json';
import DeputyPageMigration from '../migrations/20261220090000-deputy-six-ones-page';
import pages from '../pages/pages.json';

/** A flow model as findModelByParentId answers it (a tree of plain objects), as far as these tests read it. */
type FlowModelNode = {
  uid: string;
  use?: string;
  stepParams?: {
    resourceSettings?: { init?: { collectionName?: string } };
    clickSettings?: { runJs?: { code?: string } };
    buttonSettings?: { linkageRules?: { value?: unknown[] } };
  };
  subModels?: { items?: Record<string, FlowModelNode>; actions?: Record<string, FlowModelNode> };
};
type Blueprint = { blueprint: { page: { title: string }; tabs: { title: string; blocks: { title?: string }[] }[] } };

/**
 * plugin-six-ones' pages (六个一达标 with the matrix block, rules, station ledger and leave; 逢6接待), installed
 * for station staff, and 我的六个一 for deputies (lists), installed with suite-core's page installer, once.
 */
describe('plugin-six-ones: installed pages', () => {
  let app: MockServer;
  const NS = '@deputy/plugin-six-ones';
  const t = (key: string, ns = NS) => `{{t(${JSON.stringify(key)}, { ns: ${JSON.stringify(ns)} })}}`;
  const routes = () => app.db.getRepository('desktopRoutes');

  beforeAll(async () => {
    app = await createSuiteServer(
      ['@deputy/plugin-deputies', '@deputy/plugin-duty-points', '@deputy/plugin-six-ones'],
      ['client', 'flow-engine', 'ui-templates', 'ui-layout'],
    );
  });

  afterAll(async () => {
    await app?.destroy();
  });

  it('installs its pages from their built snapshots (npm run build:pages when a page changed)', () => {
    expect(pagesWithoutSnapshot(app, '@deputy/plugin-six-ones')).toEqual([]);
  });

  const tabBlocks = async (title: string) => {
    const page = await routes().findOne({ filter: { type: 'flowPage', title } });
    const tabs = await routes().find({ filter: { parentId: page.get('id') }, sort: ['sort'] });
    const repo = app.db.getRepository('flowModels') as FlowModelRepository;
    const result: FlowModelNode[][] = [];
    for (const tab of tabs) {
      const grid: FlowModelNode = await repo.findModelByParentId(tab.get('schemaUid'), {
        subKey: 'grid',
        includeAsyncNode: true,
      });
      result.push(Object.values(grid.subModels.items ?? {}));
    }
    return result;
  };

  it('installs 六个一达标 (matrix block, results, rules, ledger, leave) and 逢6接待, once', async () => {
    const compliance = await tabBlocks(t('Six-ones compliance'));
    expect(
      compliance.map((blocks) => blocks.map((b) => b.stepParams?.resourceSettings?.init?.collectionName ?? b.use)),
    ).toEqual([['ruleResults', 'ComplianceMatrixBlockModel'], ['dutyRules'], ['ledgerEntries'], ['deputyLeaves']]);
    // The matrix is the first row of its tab, above the results table.
    const page = await routes().findOne({ filter: { type: 'flowPage', title: t('Six-ones compliance') } });
    const [firstTab] = await routes().find({ filter: { parentId: page.get('id') }, sort: ['sort'] });
    const grid = await (app.db.getRepository('flowModels') as FlowModelRepository).findModelByParentId(
      firstTab.get('schemaUid'),
      { subKey: 'grid', includeAsyncNode: true },
    );
    const { rows, rowOrder } = grid.stepParams.gridSettings.grid;
    expect(rows[rowOrder[0]]).toEqual([[compliance[0][1].uid]]);
    // 逢6接待: the sessions with their roster and sign-in activity and an 安排值班 button; the reception sign-ins.
    const reception = await tabBlocks(t('Reception days'));
    expect(reception.map((blocks) => blocks.map((b) => b.stepParams.resourceSettings.init.collectionName))).toEqual([
      ['receptionSessions'],
      ['activityAttendances'],
    ]);
    const sessions = JSON.stringify(reception[0][0]);
    for (const field of ['roster', 'activity', 'status']) expect(sessions).toContain(`"fieldPath":"${field}"`);
    expect(sessions).toContain(JSON.stringify(t('Arrange duty')).slice(1, -1));
    expect(JSON.stringify(reception[1][0])).toContain('逢6接待');
    // 生成接待日: a JS button running generateSessions through namedActions:run, hidden from deputies by a
    // linkage rule in the client's form.
    const generate = Object.values(reception[0][0].subModels?.actions ?? {}).find(
      (a) => a.use === 'JSCollectionActionModel',
    );
    expect(generate?.stepParams?.clickSettings?.runJs?.code).toContain("action: 'receptionSessions:generateSessions'");
    expect(generate?.stepParams?.buttonSettings?.linkageRules?.value?.[0]).toMatchObject({
      condition: { items: [{ path: '{{ ctx.role }}', operator: '$eq', value: 'deputy' }] },
      actions: [{ name: 'linkageSetActionProps', params: { value: 'hidden' } }],
    });
    const again = await (app.pm.get(NS) as PluginSixOnesServer).installPages();
    expect(again).toMatchObject({ created: [], failed: [] });
    expect(await routes().count({ filter: { type: 'flowPage', title: t('Six-ones compliance') } })).toBe(1);
  });

  it('installs 我的六个一 for deputies: the matrix first, then lists that fit a phone', async () => {
    const mine = await tabBlocks(t('My six-ones'));
    expect(
      mine.map((blocks) =>
        blocks
          .map((b) => [b.use, b.stepParams?.resourceSettings?.init?.collectionName].filter(Boolean).join(':'))
          .sort(),
      ),
    ).toEqual([
      ['ComplianceMatrixBlockModel', 'ListBlockModel:ruleResults'],
      ['ListBlockModel:receptionSessions'],
      ['ListBlockModel:deputyLeaves'],
    ]);
  });

  it('shows deputies 我的六个一 and station staff 六个一达标 and 逢6接待, each only its own', async () => {
    const { agent: deputy } = await signedInAs(app, 'six-pages-deputy', ['deputy']);
    const deputyPages = await menuPagesOf(deputy);
    expect(deputyPages).toContain(t('My six-ones'));
    expect(deputyPages).not.toContain(t('Six-ones compliance'));
    expect(deputyPages).not.toContain(t('Reception days'));
    const { agent: staff } = await signedInAs(app, 'six-pages-station-staff', ['station-staff']);
    const staffPages = await menuPagesOf(staff);
    expect(staffPages).toEqual(expect.arrayContaining([t('Six-ones compliance'), t('Reception days')]));
    expect(staffPages).not.toContain(t('My six-ones'));
  });

  it('takes 六个一达标 and 逢6接待 out of the deputy menu of an instance installed before (migration)', async () => {
    const deputyRoutes = () => app.db.getRepository<BelongsToManyRepository>('roles.desktopRoutes', 'deputy');
    const idsOf = async (key: string) => {
      const routeId = Number((await app.db.getRepository('suitePages').findOne({ filter: { key } })).get('routeId'));
      return [routeId, ...(await routes().find({ filter: { parentId: routeId } })).map((r: Model) => r.get('id'))];
    };
    const ids = [...(await idsOf('six-ones.compliance')), ...(await idsOf('six-ones.reception'))];
    await deputyRoutes().add(ids);
    await migrationOf(app, DeputyPageMigration).up();
    expect(await deputyRoutes().count({ filter: { id: { $in: ids } } })).toBe(0);
    const { agent } = await signedInAs(app, 'six-pages-deputy-after', ['deputy']);
    expect(await menuPagesOf(agent)).toContain(t('My six-ones'));
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
