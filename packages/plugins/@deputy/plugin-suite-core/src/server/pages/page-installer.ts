import { Op } from '@nocobase/database';
import type { Context } from '@nocobase/actions';
import type { Model } from '@nocobase/database';
import type { FlowModelRepository } from '@nocobase/plugin-flow-engine';
import type { Application } from '@nocobase/server';
import { NS, tt } from '../fields/field-builders';
import { ADMIN_ROLES } from '../actor/administrators';
import {
  capturePageSnapshot,
  FlowJson,
  insertPageSnapshot,
  pageInputHash,
  PluginPageSnapshots,
  snapshotFits,
  snapshotsEnabled,
} from './page-snapshots';
import { compileLinkageRules } from './linkage-rules';
import { upgradeInstalledPage } from './page-upgrade';
import { grantRoutes, routeTree } from './page-routes';

/**
 * Installs the suite's menus and pages as ordinary NocoBase modern pages (flowPage routes made of
 * NocoBase's own blocks), through flow-engine's `flowSurfaces:applyBlueprint`, called in-process — or, much
 * faster, from the rows that blueprint gave when the plugin was built (page-snapshots.ts), when they fit.
 *
 * - Each page has a stable key of ours, recorded in `suitePages` when it is created. A recorded page is never
 *   created again, so upgrades never bring back a page an administrator deleted. It is replaced by a newer
 *   release's page only when nobody changed it here (page-upgrade.ts), where it now sits in the menu and with
 *   its menu permissions; one an administrator changed or renamed stays as it is. A page of the same title already under the
 *   suite's menu group (say, a database restored without `suitePages`) is adopted as it is, never replaced.
 * - Pages sit under one menu group, 代表履职, created once (key `group`).
 * - Each page's route and tab routes, and the group, are granted to the roles listed for the page and to
 *   the administrator roles; nothing else is granted. Later changes in 角色和权限 › 菜单 stand.
 * - Titles are written in the JSON as English locale keys of the owning plugin and stored as
 *   `{{t("…", { ns })}}` templates, which the menu, page header and block titles compile in the user's
 *   language (zh-CN / en-US).
 * - When flow-engine (flowSurfaces) or the desktop routes are missing — e.g. server tests without those
 *   plugins — nothing happens.
 */

/** A page as shipped in a plugin's `src/server/pages/*.json`. */
export type SuitePageSpec = {
  /** Stable, unique across the suite, e.g. `duty-points.my-records`. Never change it once shipped. */
  key: string;
  /** Roles that see the page besides administrators (`npc-admin`, `admin`, `root` always do). */
  roles: string[];
  /**
   * Custom client blocks (FlowModel `use` names) appended to a tab after NocoBase's blocks; one that names a
   * `collection` is left out where that collection is not defined (its plugin is not enabled).
   */
  customBlocks?: { use: string; tab?: number; first?: boolean; collection?: string }[];
  /**
   * A filter field that filters more blocks than its own `target` (flowSurfaces connects a field to one block),
   * each by its own path: `{ '<filter field key>': { '<block key>': ['deputy.station.id'] } }`. One 联络站 field
   * narrows charts over several collections. A block left out here (its collection is not defined) is skipped.
   */
  filterTargets?: Record<string, Record<string, string[]>>;
  /** An `applyBlueprint` document (version 1, mode create) without `navigation`: the installer adds it. */
  blueprint: FlowJson & { page: { title: string; icon?: string }; tabs: FlowJson[] };
};

export type InstallPagesOptions = {
  /** Package name of the plugin owning the pages: the locale namespace of their titles. */
  plugin: string;
  /** Titles must be keys of this locale (the plugin's en-US.json), so both languages exist. */
  locale?: Record<string, string>;
  /**
   * `defaults.collections` of applyBlueprint shared by all pages (field groups of the popups NocoBase
   * generates for collections with many fields), already localized with `localizeDefaults`; a page's own win.
   */
  defaults?: FlowJson;
  /** The plugin's built page snapshots (`src/server/pages/snapshots.json`); a page without a fitting one is applied. */
  snapshots?: PluginPageSnapshots;
  /**
   * The plugin's pages open the menu group, before every other plugin's, in their declared order (the homes
   * of plugin-workbench: NocoBase opens the first page a user may see, so each role lands on its home).
   */
  first?: boolean;
};

/** A plugin's pages with the options they are installed with (each suite plugin's `pageSpecs()`). */
export type PluginPages = { pages: SuitePageSpec[]; options: InstallPagesOptions };

export type InstallPagesResult = {
  skipped?: string;
  created: string[];
  /** Of the created pages, those inserted from their built snapshot rather than applied from the blueprint. */
  fromSnapshot: string[];
  kept: string[];
  /** Of the kept pages, those replaced by this release's page (nobody had changed them; page-upgrade.ts). */
  upgraded: string[];
  /** Of the kept pages, those an administrator changed: this release's page is not applied to them. */
  edited: string[];
  adopted: string[];
  failed: { key: string; error: string }[];
};

const GROUP_KEY = 'group';
const GROUP_TITLE = tt('Deputy duty performance', NS);

function flowSurfacesAction(app: Application, actionName: string) {
  let resource: ReturnType<Application['resourceManager']['getResource']>;
  try {
    // Throws when the resource is not defined (flow-engine not enabled, e.g. in server tests).
    resource = app.resourceManager.getResource('flowSurfaces');
  } catch {
    return undefined;
  }
  if (!resource) return undefined;
  try {
    return resource.getAction(actionName)?.getHandler();
  } catch {
    return undefined;
  }
}

/** Runs a flowSurfaces action as the root role, the way its HTTP handler would; throws its error. */
async function callFlowSurfaces(app: Application, actionName: string, values: FlowJson) {
  const handler = flowSurfacesAction(app, actionName);
  if (!handler) throw new Error(`flowSurfaces:${actionName} is not available`);
  // The request a flowSurfaces handler reads, made by hand: as far as Context goes, what those handlers use.
  const ctx = {
    app,
    db: app.db,
    action: { actionName, resourceName: 'flowSurfaces', params: { values } },
    state: { currentRoles: ['root'], currentRole: 'root' },
    request: { method: 'POST', headers: {}, querystring: '' },
    i18n: app.i18n,
    t: (key: string, options?: Record<string, unknown>) => app.i18n.t(key, options),
    getCurrentLocale: () => app.i18n.language,
  } as unknown as Context;
  await handler(ctx, async () => {});
  if (ctx.status && ctx.status >= 400) {
    const errors = ctx.body?.errors ?? ctx.body;
    throw new Error(`flowSurfaces:${actionName} failed (${ctx.status}): ${JSON.stringify(errors)}`);
  }
  return ctx.body?.data ?? ctx.body;
}

/** Replaces the English title keys of a page document by `{{t()}}` templates in the plugin's namespace. */
export function localizeBlueprint(blueprint: SuitePageSpec['blueprint'], ns: string, locale?: Record<string, string>) {
  const doc = JSON.parse(JSON.stringify(blueprint));
  const localize = (holder: FlowJson | undefined, where: string, prop = 'title') => {
    if (!holder?.[prop]) return;
    if (locale && !(holder[prop] in locale))
      throw new Error(`page text "${holder[prop]}" (${where}) is not in the locale of ${ns}`);
    holder[prop] = tt(holder[prop], ns);
  };
  // Blocks, their buttons (title, confirmation) and the blocks of the buttons' popups.
  const localizeBlocks = (blocks: FlowJson[] = []) => {
    for (const block of blocks) {
      localize(block, `block ${block.key}`);
      localize(block, `description of block ${block.key}`, 'description');
      for (const action of [...(block.actions ?? []), ...(block.recordActions ?? [])]) {
        if (typeof action !== 'object') continue;
        localize(action, `action ${action.key ?? action.type}`);
        localize(action.settings?.confirm, `confirmation of ${action.key}`);
        localize(action.settings?.confirm, `confirmation of ${action.key}`, 'content');
        localizeBlocks(action.popup?.blocks);
      }
    }
  };
  localize(doc.page, 'page');
  for (const [name, collection] of Object.entries<FlowJson>(doc.defaults?.collections ?? {})) {
    for (const group of collection.fieldGroups ?? []) localize(group, `field group of ${name}`);
  }
  for (const tab of doc.tabs ?? []) {
    localize(tab, `tab ${tab.key}`);
    localizeBlocks(tab.blocks);
  }
  return doc;
}

/** Localizes the field group titles of a plugin's `defaults.collections` in its own namespace. */
export function localizeDefaults(collections: FlowJson, ns: string, locale?: Record<string, string>) {
  return localizeBlueprint({ page: { title: '' }, tabs: [], defaults: { collections } }, ns, locale).defaults
    .collections;
}

async function routeExists(app: Application, id: unknown) {
  return id != null && !!(await app.db.getRepository('desktopRoutes').findOne({ filterByTk: id as number }));
}

/** The suite's menu group: the recorded one if it still exists, else one titled 代表履职, else a new one. */
async function ensureGroup(app: Application): Promise<number> {
  const marks = app.db.getRepository('suitePages');
  const routes = app.db.getRepository('desktopRoutes');
  const mark: Model | null = await marks.findOne({ filter: { key: GROUP_KEY } });
  if (mark && (await routeExists(app, mark.get('routeId')))) return mark.get('routeId');
  let group: Model | null = await routes.findOne({ filter: { type: 'group', title: GROUP_TITLE, parentId: null } });
  if (!group) {
    const created = await callFlowSurfaces(app, 'createMenu', {
      type: 'group',
      title: GROUP_TITLE,
      icon: 'AuditOutlined',
    });
    group = await routes.findOne({ filterByTk: created.routeId });
  }
  const values = { key: GROUP_KEY, plugin: NS, routeId: group.get('id'), schemaUid: group.get('schemaUid') ?? null };
  if (mark) await marks.update({ filterByTk: mark.get('id'), values });
  else await marks.create({ values });
  return group.get('id');
}

/**
 * applyBlueprint merges NocoBase's default buttons into every table (add, edit, delete, bulk delete …) next to
 * the ones a page declares. A ranking or a review queue must not offer 添加 or 删除, so only the declared
 * buttons stay; administrators can add the others back in the UI editor.
 */
async function removeUndeclaredButtons(app: Application, tabSchemaUid: string) {
  const repo = app.db.getRepository('flowModels') as FlowModelRepository;
  const grid = await repo.findModelByParentId(tabSchemaUid, { subKey: 'grid', includeAsyncNode: true });
  const injected: string[] = [];
  const walk = (model: FlowJson) => {
    if (!model || typeof model !== 'object') return;
    const declared = model.stepParams?.__flowSurfaceMeta?.declaredKey;
    if (typeof declared === 'string' && /\.[A-Za-z]+_default_\d+$/.test(declared)) injected.push(model.uid);
    for (const sub of Object.values<FlowJson>(model.subModels ?? {})) (Array.isArray(sub) ? sub : [sub]).forEach(walk);
  };
  walk(grid);
  for (const uid of injected) await repo.remove(uid);
}

/**
 * Connects filter fields to the further blocks of `targets` (SuitePageSpec.filterTargets) in the tab's block grid:
 * NocoBase's client filters every block its grid's filterManager lists for a field, each by its own paths (as a
 * field connected to several blocks in the UI editor is stored). Fields and blocks are found by their blueprint
 * keys (the declaredKey flowSurfaces records ends with them).
 */
async function connectFilterTargets(
  app: Application,
  tabSchemaUid: string,
  targets: Record<string, Record<string, string[]>>,
) {
  const repo = app.db.getRepository('flowModels') as FlowModelRepository;
  const grid = await repo.findModelByParentId(tabSchemaUid, { subKey: 'grid', includeAsyncNode: true });
  if (!grid?.uid) return;
  const models: FlowJson[] = [];
  const walk = (model: FlowJson) => {
    if (!model || typeof model !== 'object') return;
    models.push(model);
    for (const sub of Object.values<FlowJson>(model.subModels ?? {})) (Array.isArray(sub) ? sub : [sub]).forEach(walk);
  };
  walk(grid);
  const declared = (key: string, use: (u: string) => boolean) =>
    models.find(
      (m) => use(String(m.use)) && String(m.stepParams?.__flowSurfaceMeta?.declaredKey ?? '').endsWith(`.${key}`),
    );
  const configs: FlowJson[] = [...(grid.filterManager ?? [])];
  for (const [fieldKey, blocks] of Object.entries(targets)) {
    const field = declared(fieldKey, (u) => u === 'FilterFormItemModel');
    if (!field) continue;
    for (const [blockKey, filterPaths] of Object.entries(blocks)) {
      const block = declared(blockKey, (u) => u.endsWith('BlockModel'));
      if (!block || configs.some((c) => c.filterId === field.uid && c.targetId === block.uid)) continue;
      configs.push({ filterId: field.uid, targetId: block.uid, filterPaths });
    }
  }
  if (configs.length === (grid.filterManager ?? []).length) return;
  await repo.patch({ uid: grid.uid, filterManager: configs }, {});
}

/** Adds a custom block to a tab's block grid (as `flowModels:save` would): at the end, or as the first row. */
async function addCustomBlock(app: Application, tabSchemaUid: string, use: string, key: string, first = false) {
  const repo = app.db.getRepository('flowModels') as FlowModelRepository;
  const grid = await repo.findModelByParentId(tabSchemaUid, { subKey: 'grid', includeAsyncNode: true });
  if (!grid?.uid) throw new Error(`no block grid on tab ${tabSchemaUid}`);
  const uid = `${key}-${use}`.replace(/[^A-Za-z0-9_-]/g, '-');
  await repo.upsertModel({ uid, use, parentId: grid.uid, subKey: 'items', subType: 'array', stepParams: {} });
  if (!first) return;
  // The grid's layout lists its rows in order; a row of its own, placed first.
  const layout = grid.stepParams?.gridSettings?.grid ?? grid.props ?? {};
  const row = `row-${uid}`;
  const next = {
    rows: { [row]: [[uid]], ...(layout.rows ?? {}) },
    sizes: { [row]: [24], ...(layout.sizes ?? {}) },
    rowOrder: [row, ...(layout.rowOrder ?? Object.keys(layout.rows ?? {}))],
  };
  await repo.upsertModel({
    uid: grid.uid,
    use: grid.use,
    props: { ...(grid.props ?? {}), ...next },
    stepParams: { ...(grid.stepParams ?? {}), gridSettings: { ...(grid.stepParams?.gridSettings ?? {}), grid: next } },
  });
}

/**
 * Creates the pages not installed yet, in order, under the suite's menu group, and grants them.
 * Idempotent; safe to call from install, upgrade and afterEnable.
 */
export async function installPages(
  app: Application,
  pages: SuitePageSpec[],
  options: InstallPagesOptions,
): Promise<InstallPagesResult> {
  const result: InstallPagesResult = {
    created: [],
    fromSnapshot: [],
    kept: [],
    upgraded: [],
    edited: [],
    adopted: [],
    failed: [],
  };
  const db = app.db;
  if (
    !flowSurfacesAction(app, 'applyBlueprint') ||
    !db.hasCollection('desktopRoutes') ||
    !db.hasCollection('flowModels')
  ) {
    return { ...result, skipped: 'flowSurfaces is not available' };
  }
  const marks = db.getRepository('suitePages');
  const pending = [];
  for (const page of pages) {
    const mark: Model | null = await marks.findOne({ filter: { key: page.key } });
    if (!mark) {
      pending.push(page);
      continue;
    }
    result.kept.push(page.key);
    await upgradePage(app, page, mark, options, result);
  }
  if (!pending.length) return result;

  const groupId = await ensureGroup(app);
  // root sees every menu anyway.
  const adminRoles = ADMIN_ROLES.filter((r) => r !== 'root');
  await grantRoutes(app, [...new Set([...adminRoles, ...pending.flatMap((p) => p.roles)])], [groupId]);
  for (const page of pending) {
    try {
      await installPage(app, page, groupId, adminRoles, options, result);
      const before = pages.slice(0, pages.indexOf(page)).map((p) => p.key);
      if (options.first) await placeFirst(app, page.key, before);
      else
        await placeBeforeFollowers(
          app,
          page.key,
          pages.slice(pages.indexOf(page) + 1).map((p) => p.key),
        );
    } catch (error) {
      // One page the platform refuses must not stop the plugin's install: it is logged and retried next upgrade.
      // Sequelize says which value clashed only in its `errors` list.
      const details = (error.errors ?? [])
        .map((e: { path?: string; message?: string; value?: unknown }) => `${e.path}: ${e.message} (${e.value})`)
        .join('; ');
      result.failed.push({ key: page.key, error: details ? `${error.message}: ${details}` : error.message });
      app.logger?.error?.(
        `[deputy] page ${page.key} was not installed: ${result.failed[result.failed.length - 1].error}`,
      );
    }
  }
  const applied = result.created.filter((key) => !result.fromSnapshot.includes(key));
  app.logger?.info?.(
    `[deputy] pages of ${options.plugin}: ${result.fromSnapshot.length} from snapshots, ${applied.length} applied from blueprints`,
  );
  // A shipped snapshot that does not fit costs half a minute a page: say so (stale snapshots, a collection missing).
  const stale = applied.filter((key) => options.snapshots?.pages?.[key]);
  if (stale.length && snapshotsEnabled())
    app.logger?.warn?.(`[deputy] page snapshots not used (they do not fit this instance): ${stale.join(', ')}`);
  return result;
}

/**
 * A page installed after pages declared behind it (its platform plugin was enabled later, or an upgrade
 * brings a new page) goes just before the first of them in the menu, so the declared order holds.
 */
async function placeBeforeFollowers(app: Application, key: string, followerKeys: string[]) {
  const marks = app.db.getRepository('suitePages');
  const routes = app.db.getRepository('desktopRoutes');
  const mark = await marks.findOne({ filter: { key } });
  const route = mark && (await routes.findOne({ filterByTk: mark.get('routeId') }));
  if (!route) return;
  for (const followerKey of followerKeys) {
    const follower = await marks.findOne({ filter: { key: followerKey } });
    const target = follower && (await routes.findOne({ filterByTk: follower.get('routeId') }));
    if (!target || target.get('parentId') !== route.get('parentId')) continue;
    const sort = Number(target.get('sort'));
    if (Number(route.get('sort')) < sort) return;
    await app.db
      .getModel('desktopRoutes')
      .increment('sort', { by: 1, where: { parentId: route.get('parentId'), sort: { [Op.gte]: sort } } });
    await routes.update({ filterByTk: route.get('id'), values: { sort } });
    return;
  }
}

/** Moves a page to the start of its menu group, just after the pages of its plugin declared before it. */
async function placeFirst(app: Application, key: string, precedingKeys: string[]) {
  const marks = app.db.getRepository('suitePages');
  const routes = app.db.getRepository('desktopRoutes');
  const routeIdOf = async (k: string) => (await marks.findOne({ filter: { key: k } }))?.get('routeId');
  const routeId = await routeIdOf(key);
  const route: Model | null = routeId != null ? await routes.findOne({ filterByTk: routeId }) : null;
  if (!route) return;
  const siblings: Model[] = await routes.find({ filter: { parentId: route.get('parentId') }, sort: ['sort', 'id'] });
  const order = siblings.filter((r) => r.get('id') !== route.get('id'));
  const preceding = new Set((await Promise.all(precedingKeys.map(routeIdOf))).filter((id) => id != null));
  let at = 0;
  order.forEach((r, i) => preceding.has(r.get('id')) && (at = i + 1));
  order.splice(at, 0, route);
  for (const [i, r] of order.entries())
    if (Number(r.get('sort')) !== i + 1) await routes.update({ filterByTk: r.get('id'), values: { sort: i + 1 } });
}

/**
 * A page may show data of another plugin of the suite (统计分析 charts the 六个一 results and the 1+N visits).
 * Blocks over a collection that is not defined — that plugin is not enabled — are left out (and out of the
 * tab's layout), so the rest of the page is still installed.
 */
export function withoutMissingCollections(app: Application, blueprint: SuitePageSpec['blueprint']) {
  const doc = JSON.parse(JSON.stringify(blueprint));
  const collectionOf = (block: FlowJson) =>
    block.collection ?? doc.assets?.charts?.[block.chart]?.query?.resource?.collectionName;
  for (const tab of doc.tabs ?? []) {
    const missing = (tab.blocks ?? []).filter(
      (block: FlowJson) => collectionOf(block) && !app.db.hasCollection(collectionOf(block)),
    );
    if (!missing.length) continue;
    const gone = new Set(missing.map((block: FlowJson) => block.key));
    app.logger?.info?.(`[deputy] left out blocks over collections not defined here: ${[...gone].join(', ')}`);
    tab.blocks = tab.blocks.filter((block: FlowJson) => !gone.has(block.key));
    if (tab.layout?.rows) {
      const keyOf = (cell: string | { key?: string } | null) => (typeof cell === 'string' ? cell : cell?.key);
      tab.layout.rows = tab.layout.rows
        .map((row: (string | { key?: string })[]) => row.filter((cell) => !gone.has(keyOf(cell))))
        .filter((row: unknown[]) => row.length);
    }
  }
  return doc;
}

/** The applyBlueprint values of a page as this instance would apply them (collections present, locale, defaults). */
function blueprintValues(app: Application, page: SuitePageSpec, groupId: number, options: InstallPagesOptions) {
  const doc = compileLinkageRules(
    localizeBlueprint(withoutMissingCollections(app, page.blueprint), options.plugin, options.locale),
  );
  return {
    version: '1',
    mode: 'create',
    ...doc,
    defaults: { ...doc.defaults, collections: { ...options.defaults, ...doc.defaults?.collections } },
    navigation: { group: { routeId: groupId }, item: { title: doc.page.title, icon: doc.page.icon } },
  };
}

/** The hash a snapshot of this page must carry to stand for it here (page-snapshots.ts). */
export function pageHash(app: Application, page: SuitePageSpec, options: InstallPagesOptions) {
  const values = blueprintValues(app, page, 0, options);
  return pageInputHash(values, presentCustomBlocks(app, page), presentFilterTargets(values, page));
}

/** The page's extra filter connections to blocks this instance has (see SuitePageSpec.filterTargets). */
function presentFilterTargets(values: FlowJson, page: SuitePageSpec) {
  if (!page.filterTargets) return undefined;
  const keys = new Set<string>(
    (values.tabs ?? []).flatMap((tab: FlowJson) => (tab.blocks ?? []).map((b: FlowJson) => b.key)),
  );
  return Object.fromEntries(
    Object.entries(page.filterTargets).map(([field, blocks]) => [
      field,
      Object.fromEntries(Object.entries(blocks).filter(([block]) => keys.has(block))),
    ]),
  );
}

/** The page's custom blocks whose collection is defined here. */
function presentCustomBlocks(app: Application, page: SuitePageSpec) {
  const blocks = (page.customBlocks ?? []).filter((b) => !b.collection || app.db.hasCollection(b.collection));
  return page.customBlocks && blocks;
}

/**
 * Takes the snapshots of the installed pages of one plugin (`npm run build:pages`): the rows each page is made
 * of, under the hash of the blueprint it was applied from.
 */
export async function capturePages(
  app: Application,
  pages: SuitePageSpec[],
  options: InstallPagesOptions,
): Promise<PluginPageSnapshots> {
  const marks = app.db.getRepository('suitePages');
  const snapshots: PluginPageSnapshots = { pages: {}, templates: {} };
  for (const page of pages) {
    const mark: Model | null = await marks.findOne({ filter: { key: page.key } });
    if (!mark) throw new Error(`page ${page.key} is not installed; a snapshot is taken of an installed page`);
    const taken = await capturePageSnapshot(app, mark.get('routeId'), pageHash(app, page, options));
    snapshots.pages[page.key] = taken.page;
    for (const template of taken.templates) snapshots.templates[template.row.uid] = template;
  }
  return snapshots;
}

/** Applies the blueprint, then takes NocoBase's default buttons out and adds the custom blocks. */
async function applyPageBlueprint(app: Application, page: SuitePageSpec, values: FlowJson) {
  const routes = app.db.getRepository('desktopRoutes');
  const applied = await callFlowSurfaces(app, 'applyBlueprint', values);
  const route: Model = await routes.findOne({ filter: { schemaUid: applied.target.pageSchemaUid } });
  const tabs = await routes.find({ filter: { parentId: route.get('id') }, sort: ['sort'] });
  for (const tab of tabs) await removeUndeclaredButtons(app, tab.get('schemaUid'));
  const targets = presentFilterTargets(values, page);
  if (targets) for (const tab of tabs) await connectFilterTargets(app, tab.get('schemaUid'), targets);
  for (const block of presentCustomBlocks(app, page) ?? []) {
    const tab = tabs[block.tab ?? 0];
    await addCustomBlock(app, tab.get('schemaUid'), block.use, tab.get('schemaUid'), block.first);
  }
  return route;
}

/**
 * An installed page gets this release's page when it is an earlier release's page as shipped (page-upgrade.ts);
 * one an administrator changed stays as it is, and the log says so. Needs this release's snapshot to fit here.
 */
async function upgradePage(
  app: Application,
  page: SuitePageSpec,
  mark: Model,
  options: InstallPagesOptions,
  result: InstallPagesResult,
) {
  const snapshot = options.snapshots?.pages?.[page.key];
  const templates = options.snapshots?.templates;
  if (!mark.get('routeId') || !snapshotFits(app, snapshot, pageHash(app, page, options), templates)) return;
  try {
    const { outcome, routeId } = await upgradeInstalledPage(app, Number(mark.get('routeId')), snapshot, templates);
    if (outcome === 'upgraded') {
      const route: Model | null = await app.db.getRepository('desktopRoutes').findOne({ filterByTk: routeId });
      await mark.update({ routeId, schemaUid: route?.get('schemaUid') ?? null });
      result.upgraded.push(page.key);
      app.logger?.info?.(`[deputy] page ${page.key} upgraded to this release's version (it had not been changed here)`);
    } else if (outcome === 'edited') {
      result.edited.push(page.key);
      app.logger?.info?.(
        `[deputy] page ${page.key} was changed on this instance: this release's version of it is not applied`,
      );
    }
  } catch (error) {
    result.failed.push({ key: page.key, error: `upgrade: ${error.message}` });
    app.logger?.error?.(`[deputy] page ${page.key} could not be upgraded, the installed one stays: ${error.message}`);
  }
}

async function installPage(
  app: Application,
  page: SuitePageSpec,
  groupId: number,
  adminRoles: string[],
  options: InstallPagesOptions,
  result: InstallPagesResult,
) {
  const db = app.db;
  const marks = db.getRepository('suitePages');
  const routes = db.getRepository('desktopRoutes');
  const values = blueprintValues(app, page, groupId, options);
  // A page of this title already in our group (not recorded): adopt it as it is, never replace it.
  let route: Model | null = await routes.findOne({
    filter: { type: 'flowPage', title: values.page.title, parentId: groupId },
  });
  if (route) {
    result.adopted.push(page.key);
  } else {
    const snapshot = options.snapshots?.pages?.[page.key];
    const templates = options.snapshots?.templates;
    if (snapshotFits(app, snapshot, pageHash(app, page, options), templates)) {
      try {
        route = await routes.findOne({ filterByTk: await insertPageSnapshot(app, snapshot, groupId, templates) });
        result.fromSnapshot.push(page.key);
      } catch (error) {
        // The insert is one transaction: nothing of it stays, and the blueprint still builds the page.
        app.logger?.warn?.(
          `[deputy] page ${page.key}: its snapshot could not be inserted (${error.message}); applying its blueprint`,
        );
      }
    }
    if (!route) route = await applyPageBlueprint(app, page, values);
    result.created.push(page.key);
  }
  const tree = await routeTree(app, route.get('id'));
  await grantRoutes(
    app,
    [...new Set([...adminRoles, ...page.roles])],
    tree.map((r) => r.get('id')),
  );
  await marks.create({
    values: { key: page.key, plugin: options.plugin, routeId: route.get('id'), schemaUid: route.get('schemaUid') },
  });
}
