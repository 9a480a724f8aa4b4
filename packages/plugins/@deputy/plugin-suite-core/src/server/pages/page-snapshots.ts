import { createHash } from 'crypto';
import type { Model, Transaction } from '@nocobase/database';
import type { FlowModelRepository } from '@nocobase/plugin-flow-engine';
import type { UiSchemaRepository } from '@nocobase/plugin-ui-schema-storage';
import type { Application } from '@nocobase/server';
import { uid } from '@nocobase/utils';

/**
 * Built page snapshots (#22). Creating a page through `flowSurfaces:applyBlueprint` costs about 30,000 SQL
 * queries per page (5 minutes for the suite on a 2-core machine, most of a first start); the rows it leaves
 * are always the same for the same blueprint on the same NocoBase version. `npm run build:pages` applies
 * every page once and stores those rows here (`src/server/pages/snapshots.json` of each plugin); the
 * installer inserts them with fresh uids and route ids in well under a second. A snapshot is used only when
 * it was taken from exactly the blueprint the installer would apply now (its hash) on this NocoBase version;
 * otherwise the installer applies the blueprint as before.
 */

/** A route row or a ui schema as JSON. */
type Row = Record<string, unknown>;
/** flow-engine's and flowSurfaces' JSON (a model's use, props, stepParams, subModels; blueprint nodes), which NocoBase declares no type for. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type FlowJson = Record<string, any>;
/** A popup template's row (flowModelTemplates). */
type TemplateRow = Row & { uid: string; targetUid?: string };

/** The rows one page is made of, as applyBlueprint (and the installer's own touches) left them. */
export type PageSnapshot = {
  /** Hash of the applyBlueprint input and the custom blocks (pageInputHash). */
  hash: string;
  /** NocoBase version the rows were taken on: the flow model format is NocoBase's. */
  nocobase: string;
  route: Row;
  tabs: Row[];
  /** The page's uiSchemas shell(s) (FlowRoute), as getJsonSchema returns them. */
  uiSchemas: Row[];
  flowModels: { uid: string; name: string | null; options: FlowJson }[];
  treePaths: {
    ancestor: string;
    descendant: string;
    depth: number;
    async: boolean | null;
    type: string | null;
    sort: number | null;
  }[];
  /** Route ids of the page and its tabs when taken; written into the page model, replaced on insert. */
  routeIds: (number | string)[];
  /**
   * Uids of the popup templates (ui-templates) the page's models use, kept once per plugin in
   * `PluginPageSnapshots.templates`. NocoBase saves each default popup as a template and lets later pages — of
   * any plugin — reuse it, so templates keep their uids: one that exists already is left as it is.
   */
  templates?: string[];
  /** Which of the page's models use which template (flowModelTemplateUsages), for 模板 › 引用. */
  templateUsages?: { templateUid: string; modelUid: string }[];
  /** Digests (page-upgrade.ts) of the earlier releases of this page: an installed page with one of them is replaced. */
  previousDigests?: string[];
};

export type TemplateSnapshot = {
  row: TemplateRow;
  flowModels: PageSnapshot['flowModels'];
  treePaths: PageSnapshot['treePaths'];
};

export type PluginPageSnapshots = { pages: Record<string, PageSnapshot>; templates?: Record<string, TemplateSnapshot> };

/** Columns of a desktop route that describe it (everything but identity, position and audit). */
const ROUTE_COLUMNS = [
  'title',
  'tooltip',
  'icon',
  'schemaUid',
  'menuSchemaUid',
  'tabSchemaName',
  'type',
  'options',
  'hideInMenu',
  'enableTabs',
  'enableHeader',
  'displayTitle',
  'hidden',
];

/** Off with DEPUTY_PAGE_SNAPSHOTS=off: every page is applied from its blueprint (how snapshots are built). */
export const snapshotsEnabled = () => process.env.DEPUTY_PAGE_SNAPSHOTS !== 'off';

const stable = (value: unknown): unknown => {
  if (Array.isArray(value)) return value.map(stable);
  if (value && typeof value === 'object')
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((k) => [k, stable((value as Row)[k])]),
    );
  return value;
};

/** Hash of what the installer would build: the applyBlueprint values (without the group's route id) and custom blocks. */
export function pageInputHash(values: Row, customBlocks: unknown[] = [], filterTargets?: unknown) {
  const { navigation, ...rest } = values;
  const input = {
    ...rest,
    navigation: { item: (navigation as { item?: unknown } | undefined)?.item },
    customBlocks,
    // Only where a page has them: every other page's hash stays as it was.
    ...(filterTargets ? { filterTargets } : {}),
  };
  return createHash('sha256')
    .update(JSON.stringify(stable(input)))
    .digest('hex');
}

function flowRepo(app: Application) {
  return app.db.getRepository('flowModels') as FlowModelRepository;
}

const parseJson = (v: unknown): FlowJson => (typeof v === 'string' ? JSON.parse(v) : ((v as FlowJson) ?? {}));
/** A tree path as the database gives it (async as 0/1 on some dialects). */
type RawTreePath = Omit<PageSnapshot['treePaths'][number], 'async'> & { async: unknown };

/** The flow models at and under `roots`, with their tree paths. */
async function readModels(app: Application, roots: string[]) {
  const db = app.db;
  const repo = flowRepo(app);
  const treeTable = repo.flowModelTreePathTableName;
  const [under] = (await db.sequelize.query(
    repo.sqlAdapter(`SELECT DISTINCT descendant FROM ${treeTable} WHERE ancestor IN (:roots)`),
    {
      replacements: { roots },
    },
  )) as [{ descendant: string }[], unknown];
  const uids = [...new Set([...roots, ...under.map((r) => r.descendant)])];
  const [models] = (await db.sequelize.query(
    repo.sqlAdapter(`SELECT uid, name, options FROM ${repo.flowModelsTableName} WHERE uid IN (:uids) ORDER BY uid`),
    {
      replacements: { uids },
    },
  )) as [{ uid: string; name: string | null; options: unknown }[], unknown];
  if (!models.length) return { flowModels: [], treePaths: [] };
  const [paths] = (await db.sequelize.query(
    repo.sqlAdapter(
      `SELECT ancestor, descendant, depth, async, type, sort FROM ${treeTable} WHERE descendant IN (:uids) ORDER BY descendant, depth`,
    ),
    { replacements: { uids: models.map((m) => m.uid) } },
  )) as [RawTreePath[], unknown];
  return {
    flowModels: models.map((m) => ({
      uid: m.uid,
      name: m.name ?? null,
      options: parseJson(m.options),
    })) as PageSnapshot['flowModels'],
    treePaths: paths.map((p) => ({ ...p, async: p.async == null ? null : !!p.async })) as PageSnapshot['treePaths'],
  };
}

/** Template uids a set of models refers to (popups opened from a template). */
function templateRefs(models: PageSnapshot['flowModels']) {
  const refs = new Set<string>();
  const walk = (v: unknown) => {
    if (Array.isArray(v)) return v.forEach(walk);
    if (!v || typeof v !== 'object') return;
    for (const [k, x] of Object.entries(v)) {
      if ((k === 'popupTemplateUid' || k === 'templateUid') && typeof x === 'string' && x) refs.add(x);
      else walk(x);
    }
  };
  models.forEach((m) => walk(m.options));
  return refs;
}

/** The templates `models` use, and the templates those use, with their models. */
async function readTemplates(app: Application, models: PageSnapshot['flowModels']) {
  const repo = app.db.hasCollection('flowModelTemplates') ? app.db.getRepository('flowModelTemplates') : undefined;
  const templates: TemplateSnapshot[] = [];
  if (!repo) return templates;
  const seen = new Set<string>();
  let pending = [...templateRefs(models)];
  while (pending.length) {
    const next: string[] = [];
    for (const templateUid of pending) {
      if (seen.has(templateUid)) continue;
      seen.add(templateUid);
      const row: Model | null = await repo.findOne({ filterByTk: templateUid });
      if (!row) continue;
      const { createdAt, updatedAt, ...values } = row.toJSON<TemplateRow>();
      const own = await readModels(app, [values.targetUid].filter(Boolean));
      templates.push({ row: values, ...own });
      next.push(...templateRefs(own.flowModels));
    }
    pending = next;
  }
  return templates;
}

/** Reads the rows of an installed page (route `routeId`): routes, uiSchemas shell, flow models, tree paths, templates. */
export async function capturePageSnapshot(
  app: Application,
  routeId: number | string,
  hash: string,
): Promise<{ page: PageSnapshot; templates: TemplateSnapshot[] }> {
  const db = app.db;
  const routes = db.getRepository('desktopRoutes');
  const page: Model = await routes.findOne({ filterByTk: routeId });
  const tabs: Model[] = await routes.find({ filter: { parentId: routeId }, sort: ['sort'] });
  const pick = (r: Model) => Object.fromEntries(ROUTE_COLUMNS.map((c) => [c, r.get(c) ?? null]));
  const roots = [page.get('schemaUid'), ...tabs.map((t) => t.get('schemaUid'))].filter(Boolean);
  const { flowModels, treePaths } = await readModels(app, roots);
  const uiSchemas: Row[] = [];
  const shell = await db.getRepository('uiSchemas')?.findOne({ filterByTk: page.get('schemaUid') });
  if (shell)
    uiSchemas.push(await (db.getRepository('uiSchemas') as UiSchemaRepository).getJsonSchema(page.get('schemaUid')));
  const usages = db.hasCollection('flowModelTemplateUsages')
    ? await db
        .getRepository('flowModelTemplateUsages')
        .find({ filter: { modelUid: { $in: flowModels.map((m) => m.uid) } }, sort: ['modelUid', 'templateUid'] })
    : [];
  const templates = await readTemplates(app, flowModels);
  const snapshot: PageSnapshot = {
    hash,
    nocobase: app.getVersion(),
    route: pick(page),
    tabs: tabs.map(pick),
    uiSchemas,
    flowModels,
    treePaths,
    routeIds: [page.get('id'), ...tabs.map((t) => t.get('id'))],
    templates: templates.map((t) => t.row.uid),
    templateUsages: usages.map((u: Model) => ({ templateUid: u.get('templateUid'), modelUid: u.get('modelUid') })),
  };
  return { page: snapshot, templates };
}

/**
 * Gives every uid of the snapshot a fresh one (inside strings too: layout rows and custom block uids contain
 * them) and every old route id its new id, at any depth.
 */
function remap(value: unknown, uids: Map<string, string>, ids: Map<string, number | string>, pattern: RegExp): unknown {
  if (typeof value === 'string') {
    if (ids.has(value)) return String(ids.get(value));
    return value.replace(pattern, (m) => uids.get(m) ?? m);
  }
  if (typeof value === 'number') return ids.has(String(value)) ? Number(ids.get(String(value))) : value;
  if (Array.isArray(value)) return value.map((v) => remap(v, uids, ids, pattern));
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [remap(k, uids, ids, pattern), remap(v, uids, ids, pattern)]),
    );
  }
  return value;
}

/** Raw multi-row inserts of flow models and their tree paths, as FlowModelRepository.insertNewSchema writes them. */
async function insertModels(
  app: Application,
  models: PageSnapshot['flowModels'],
  paths: PageSnapshot['treePaths'],
  transaction: Transaction,
) {
  const db = app.db;
  const repo = flowRepo(app);
  const chunks = <T>(list: T[], size = 200) =>
    Array.from({ length: Math.ceil(list.length / size) }, (_, i) => list.slice(i * size, (i + 1) * size));
  for (const batch of chunks(models)) {
    await db.sequelize.query(
      repo.sqlAdapter(
        `INSERT INTO ${repo.flowModelsTableName} ("uid", "name", "options") VALUES ${batch.map(() => '(?)').join(',')}`,
      ),
      {
        replacements: batch.map((m) => [m.uid, m.name, JSON.stringify(m.options)]),
        type: 'INSERT',
        transaction,
      },
    );
  }
  for (const batch of chunks(paths)) {
    await db.sequelize.query(
      repo.sqlAdapter(
        `INSERT INTO ${repo.flowModelTreePathTableName} (ancestor, descendant, depth, type, async, sort) VALUES ${batch.map(() => '(?)').join(',')}`,
      ),
      {
        replacements: batch.map((p) => [p.ancestor, p.descendant, p.depth, p.type, p.async, p.sort]),
        type: 'INSERT',
        transaction,
      },
    );
  }
}

let lastSort = 0;

/** Can this snapshot stand for the page the installer is about to build? */
export function snapshotFits(
  app: Application,
  snapshot: PageSnapshot | undefined,
  hash: string,
  templates: Record<string, TemplateSnapshot> = {},
): snapshot is PageSnapshot {
  if (!snapshot || !snapshotsEnabled() || snapshot.hash !== hash || snapshot.nocobase !== app.getVersion())
    return false;
  // Popups kept as templates need ui-templates (enabled in every standard install); without it, apply the blueprint.
  if (!snapshot.templates?.length) return true;
  return app.db.hasCollection('flowModelTemplates') && snapshot.templates.every((u) => !!templates[u]);
}

/** Inserts a page from its snapshot under `groupId`; returns the new page route's id. One transaction. */
export async function insertPageSnapshot(
  app: Application,
  snapshot: PageSnapshot,
  groupId: number,
  templateRows: Record<string, TemplateSnapshot> = {},
): Promise<number> {
  const db = app.db;
  const repo = flowRepo(app);
  const uidMap = new Map<string, string>();
  const add = (u: unknown) => typeof u === 'string' && u && !uidMap.has(u) && uidMap.set(u, uid());
  for (const m of snapshot.flowModels) add(m.uid);
  for (const r of [snapshot.route, ...snapshot.tabs]) [r.schemaUid, r.menuSchemaUid].forEach(add);
  const walkUi = (s: unknown) => {
    if (!s || typeof s !== 'object') return;
    const schema = s as { 'x-uid'?: unknown; properties?: Row };
    add(schema['x-uid']);
    Object.values(schema.properties ?? {}).forEach(walkUi);
  };
  snapshot.uiSchemas.forEach(walkUi);
  const escaped = [...uidMap.keys()].sort((a, b) => b.length - a.length).map((u) => u.replace(/[^A-Za-z0-9]/g, '\\$&'));
  const pattern = new RegExp(escaped.join('|'), 'g');

  return db.sequelize.transaction(async (transaction: Transaction) => {
    const routes = db.getRepository('desktopRoutes');
    const ids = new Map<string, number | string>();
    const noIds = new Map<string, number | string>();
    // Sort values as flowSurfaces gives them (time-based, so after the group's): a role's menu is built from a
    // list sorted by `sort`, and a route listed before its parent is shown at the top level.
    const sort = (lastSort = Math.max(Date.now() * 1000, lastSort + 1000));
    const page: Model = await routes.create({
      values: { ...(remap(snapshot.route, uidMap, noIds, pattern) as Row), parentId: groupId, sort },
      transaction,
    });
    ids.set(String(snapshot.routeIds[0]), page.get('id'));
    for (const [i, tab] of snapshot.tabs.entries()) {
      const values = { ...(remap(tab, uidMap, noIds, pattern) as Row), parentId: page.get('id'), sort: sort + 1 + i };
      const created: Model = await routes.create({ values, transaction });
      ids.set(String(snapshot.routeIds[i + 1]), created.get('id'));
    }
    // plugin-ui-layout shows a route only in the layouts it is attached to: the page and its tabs join the
    // layouts of the menu group, as flowSurfaces attaches them to their parent's.
    if (db.hasCollection('desktopRoutesUiLayouts')) {
      const layouts = db.getModel('desktopRoutesUiLayouts');
      const ofGroup = (await layouts.findAll({
        where: { desktopRouteId: groupId },
        transaction,
        raw: true,
      })) as unknown as { uiLayoutUid: string }[];
      const routeIds = [...ids.values()];
      const rows = ofGroup.flatMap((l) =>
        routeIds.map((desktopRouteId) => ({ desktopRouteId, uiLayoutUid: l.uiLayoutUid })),
      );
      if (rows.length) await layouts.bulkCreate(rows, { transaction });
    }
    for (const schema of snapshot.uiSchemas) {
      await (db.getRepository('uiSchemas') as UiSchemaRepository).insert(remap(schema, uidMap, ids, pattern), {
        transaction,
      });
    }
    // plugin-client gives every new route a flow model of its own (uid = the route's schemaUid); the snapshot
    // holds that model as applyBlueprint left it, so the fresh one makes way.
    const routeUids = [snapshot.route, ...snapshot.tabs].map((r) => uidMap.get(r.schemaUid as string)).filter(Boolean);
    if (routeUids.length) {
      const where = { replacements: { uids: routeUids }, transaction };
      await db.sequelize.query(
        repo.sqlAdapter(`DELETE FROM ${repo.flowModelTreePathTableName} WHERE descendant IN (:uids)`),
        where,
      );
      await db.sequelize.query(repo.sqlAdapter(`DELETE FROM ${repo.flowModelsTableName} WHERE uid IN (:uids)`), where);
    }
    await insertModels(
      app,
      snapshot.flowModels.map((m) => remap(m, uidMap, ids, pattern) as PageSnapshot['flowModels'][number]),
      snapshot.treePaths.map((p) => ({
        ...p,
        ancestor: uidMap.get(p.ancestor) ?? p.ancestor,
        descendant: uidMap.get(p.descendant) ?? p.descendant,
      })),
      transaction,
    );
    // Templates keep their uids (other pages refer to them); one this instance has already stays as it is.
    if (db.hasCollection('flowModelTemplates')) {
      const templates = db.getRepository('flowModelTemplates');
      for (const template of (snapshot.templates ?? []).map((u) => templateRows[u])) {
        if (await templates.findOne({ filterByTk: template.row.uid, transaction })) continue;
        const [have] = (await db.sequelize.query(
          repo.sqlAdapter(`SELECT uid FROM ${repo.flowModelsTableName} WHERE uid IN (:uids)`),
          {
            replacements: { uids: template.flowModels.map((m) => m.uid).concat('') },
            transaction,
          },
        )) as [{ uid: string }[], unknown];
        const existing = new Set(have.map((r) => r.uid));
        await insertModels(
          app,
          template.flowModels.filter((m) => !existing.has(m.uid)),
          template.treePaths.filter((p) => !existing.has(p.descendant)),
          transaction,
        );
        await templates.create({ values: template.row, transaction });
      }
      const usages = db.getRepository('flowModelTemplateUsages');
      for (const usage of snapshot.templateUsages ?? []) {
        await usages.create({
          values: {
            uid: uid(),
            templateUid: usage.templateUid,
            modelUid: uidMap.get(usage.modelUid) ?? usage.modelUid,
          },
          transaction,
        });
      }
    }
    return page.get('id');
  });
}
