import { createHash } from 'crypto';
import type { Model } from '@nocobase/database';
import type { FlowModelRepository } from '@nocobase/plugin-flow-engine';
import type { UiSchemaRepository } from '@nocobase/plugin-ui-schema-storage';
import type { Application } from '@nocobase/server';
import { grantRoutes, routeTree } from './page-routes';
import {
  capturePageSnapshot,
  FlowJson,
  insertPageSnapshot,
  PageSnapshot,
  PluginPageSnapshots,
  TemplateSnapshot,
} from './page-snapshots';

/**
 * Upgrades of installed pages (#17, #19): a page the suite installed gets the page of a newer release when
 * nobody changed it on this instance, and is left alone — with a line in the log — when somebody did.
 *
 * "Nobody changed it" is decided by the page's digest: the rows a page is made of (routes, flow models, the
 * uiSchemas shell, template usages) with every uid and route id named by its place in the page instead of its
 * value, so the same page has the same digest on every instance, whether it was inserted from a snapshot or
 * applied from its blueprint. Each built snapshot lists the digests of the versions shipped before it
 * (`previousDigests`, kept by `npm run build:pages`): an installed page whose digest is one of them is an
 * earlier release's page as shipped, and is replaced; any other digest means an administrator edited it.
 */

type PageRows = Pick<PageSnapshot, 'route' | 'tabs' | 'flowModels' | 'routeIds' | 'uiSchemas' | 'templateUsages'>;

const stable = (value: unknown): unknown => {
  if (Array.isArray(value)) return value.map(stable);
  if (value && typeof value === 'object')
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((k) => [k, stable((value as Record<string, unknown>)[k])]),
    );
  return value;
};

const optionsOf = (model: PageSnapshot['flowModels'][number]): FlowJson =>
  (typeof model.options === 'string' ? JSON.parse(model.options) : model.options) ?? {};

/** The digest of a page's rows and of the popup templates it uses, independent of this instance's uids and ids. */
export function pageDigest(page: PageRows, templates: TemplateSnapshot[]): string {
  const content = {
    page: pageContent(page),
    templates: templates
      .map(templateContent)
      .map((t) => JSON.stringify(stable(t)))
      .sort(),
  };
  return createHash('sha256')
    .update(JSON.stringify(stable(content)))
    .digest('hex');
}

/** The templates a shipped snapshot uses, as `capturePageSnapshot` reads them from an instance. */
export const templatesOf = (snapshot: PageSnapshot, all: Record<string, TemplateSnapshot> = {}) =>
  (snapshot.templates ?? []).map((uid) => all[uid]).filter(Boolean);

/** Masked: the options with every uid-like string blanked, to order siblings that share a place. */
const masked = (o: unknown) => JSON.stringify(stable(o)).replace(/"[a-z0-9]{11}"/g, '"?"');

/**
 * Names every uid of `flowModels` (and `extra`) by its place: the roots first, then each model's children
 * ordered by place (subKey, sortIndex, use, masked options), then models outside that tree; route ids by their
 * position. Returns the function that renames a value at any depth. A uid-like string that is no row's (a
 * template's uid, a schema's random name) becomes '?'.
 */
function namer(
  flowModels: PageSnapshot['flowModels'],
  roots: unknown[],
  extra: unknown[] = [],
  routeIds: (number | string)[] = [],
) {
  const names = new Map<string, string>();
  const name = (uid: unknown) => typeof uid === 'string' && uid && !names.has(uid) && names.set(uid, `#${names.size}`);
  const models = new Map(flowModels.map((m) => [m.uid, optionsOf(m)]));
  const children = new Map<string, string[]>();
  for (const [uid, options] of models) {
    const parent = options.parentId ?? options.parent;
    if (typeof parent === 'string' && models.has(parent)) children.set(parent, [...(children.get(parent) ?? []), uid]);
  }
  const place = (uid: string) => {
    const o = models.get(uid) ?? {};
    return `${o.subKey ?? ''}\u0000${String(o.sortIndex ?? '').padStart(8, '0')}\u0000${o.use ?? ''}\u0000${masked(o)}`;
  };
  // Siblings of the same place (say, the grids of three view popups) are told apart by what they hold; without
  // that, their order, hence the digest, would follow the rows' order in the database.
  const subtrees = new Map<string, string>();
  const subtree = (uid: string, path = new Set<string>()): string => {
    if (subtrees.has(uid)) return subtrees.get(uid)!;
    if (path.has(uid)) return '';
    path.add(uid);
    const inner = (children.get(uid) ?? []).map((c) => subtree(c, path)).sort();
    path.delete(uid);
    const value = `${place(uid)}[${inner.join(',')}]`;
    subtrees.set(uid, value);
    return value;
  };
  const byPlace = (a: string, b: string) => place(a).localeCompare(place(b)) || subtree(a).localeCompare(subtree(b));
  const visited = new Set<string>();
  const visit = (uid: string) => {
    if (visited.has(uid)) return;
    visited.add(uid);
    name(uid);
    for (const child of (children.get(uid) ?? []).sort(byPlace)) visit(child);
  };
  for (const root of roots) {
    name(root);
    if (typeof root === 'string' && models.has(root)) visit(root);
  }
  const rest = [...models.keys()].filter((uid) => !visited.has(uid) && !names.has(uid));
  for (const uid of rest.sort(byPlace)) visit(uid);
  extra.forEach(name);
  const routeNames = new Map(routeIds.map((id, i) => [String(id), `@${i}`]));
  const escaped = [...names.keys()].sort((a, b) => b.length - a.length).map((u) => u.replace(/[^A-Za-z0-9]/g, '\\$&'));
  const pattern = escaped.length ? new RegExp(escaped.join('|'), 'g') : null;
  const rename = (value: unknown): unknown => {
    if (typeof value === 'string') {
      if (routeNames.has(value)) return routeNames.get(value);
      const renamed = pattern ? value.replace(pattern, (m) => names.get(m) ?? m) : value;
      return /^[a-z0-9]{11}$/.test(renamed) ? '?' : renamed;
    }
    if (typeof value === 'number') return routeNames.get(String(value)) ?? value;
    if (Array.isArray(value)) return value.map(rename);
    if (value && typeof value === 'object')
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [rename(k), rename(v)]));
    return value;
  };
  const renamedModels = () =>
    [...models.entries()]
      .map(([uid, options]) => ({ uid: rename(uid) as string, options: rename(options) }))
      .sort((a, b) => a.uid.localeCompare(b.uid));
  return { rename, renamedModels };
}

/** A page's rows with every uid and route id named by its place (what pageDigest hashes, with its templates). */
export function pageContent(page: PageRows) {
  const ui: unknown[] = [];
  const walkUi = (s: unknown) => {
    if (!s || typeof s !== 'object') return;
    const schema = s as { 'x-uid'?: unknown; properties?: Record<string, unknown> };
    ui.push(schema['x-uid']);
    Object.values(schema.properties ?? {}).forEach(walkUi);
  };
  page.uiSchemas.forEach(walkUi);
  const routes = [page.route, ...page.tabs];
  const { rename, renamedModels } = namer(
    page.flowModels,
    routes.flatMap((r) => [r.schemaUid, r.menuSchemaUid]),
    ui,
    page.routeIds,
  );
  return {
    route: rename(page.route),
    tabs: page.tabs.map(rename),
    models: renamedModels(),
    uiSchemas: page.uiSchemas.map(rename),
    usages: (page.templateUsages ?? []).map((u) => `${rename(u.templateUid)}>${rename(u.modelUid)}`).sort(),
  };
}

/** A popup template (its row and models) named by place, as pageContent names a page. */
function templateContent(template: TemplateSnapshot) {
  const { rename, renamedModels } = namer(template.flowModels, [template.row.targetUid]);
  const { uid, targetUid, createdAt, updatedAt, ...row } = template.row;
  return { row: rename(row), models: renamedModels() };
}

export type PageUpgrade = 'current' | 'upgraded' | 'edited' | 'gone';

/**
 * Brings one installed page (its route `routeId`) to `snapshot`, when it is an earlier release's page as shipped.
 * The new page takes the old one's place in the menu and its menu permissions (roles of the page and of each
 * tab, as 角色和权限 › 菜单 left them); the old rows go once the new ones are in, so a failure leaves the old page.
 * Returns the new route id with the outcome.
 */
export async function upgradeInstalledPage(
  app: Application,
  routeId: number,
  snapshot: PageSnapshot,
  templates: Record<string, TemplateSnapshot> = {},
): Promise<{ outcome: PageUpgrade; routeId?: number }> {
  const db = app.db;
  const routes = db.getRepository('desktopRoutes');
  const old: Model | null = await routes.findOne({ filterByTk: routeId });
  if (!old) return { outcome: 'gone' };
  const captured = await capturePageSnapshot(app, routeId, snapshot.hash);
  const installed = captured.page;
  const digest = pageDigest(installed, captured.templates);
  if (digest === pageDigest(snapshot, templatesOf(snapshot, templates))) return { outcome: 'current', routeId };
  if (!(snapshot.previousDigests ?? []).includes(digest)) return { outcome: 'edited', routeId };

  const [, ...oldTabs] = await routeTree(app, routeId);
  const rolesOf = async (id: number) =>
    ((await db.getRepository('desktopRoutes.roles', id).find({ fields: ['name'] })) as Model[]).map(
      (r) => r.get('name') as string,
    );
  const grants = [await rolesOf(routeId), ...(await Promise.all(oldTabs.map((t) => rolesOf(t.get('id')))))];
  const newId = await insertPageSnapshot(app, snapshot, old.get('parentId'), templates);
  await routes.update({ filterByTk: newId, values: { sort: old.get('sort') } });
  const newIds = (await routeTree(app, newId)).map((r) => r.get('id'));
  for (const [i, roles] of grants.entries()) if (newIds[i] !== undefined) await grantRoutes(app, roles, [newIds[i]]);
  await removePage(app, old, oldTabs, installed);
  return { outcome: 'upgraded', routeId: newId };
}

/** Removes an installed page: its routes (with their role links and layouts), flow models, tree paths, template usages and shell. */
async function removePage(app: Application, page: Model, tabs: Model[], rows: PageSnapshot) {
  const db = app.db;
  const repo = db.getRepository('flowModels') as FlowModelRepository;
  const uids = rows.flowModels.map((m) => m.uid);
  await db.sequelize.transaction(async (transaction) => {
    if (uids.length) {
      const where = { replacements: { uids }, transaction };
      if (db.hasCollection('flowModelTemplateUsages'))
        await db.getRepository('flowModelTemplateUsages').destroy({ filter: { modelUid: { $in: uids } }, transaction });
      await db.sequelize.query(
        repo.sqlAdapter(
          `DELETE FROM ${repo.flowModelTreePathTableName} WHERE descendant IN (:uids) OR ancestor IN (:uids)`,
        ),
        where,
      );
      await db.sequelize.query(repo.sqlAdapter(`DELETE FROM ${repo.flowModelsTableName} WHERE uid IN (:uids)`), where);
    }
    const schemaUid = page.get('schemaUid');
    if (schemaUid && db.hasCollection('uiSchemas'))
      await (db.getRepository('uiSchemas') as UiSchemaRepository).remove(schemaUid, { transaction });
    const ids = [page.get('id'), ...tabs.map((t) => t.get('id'))];
    await db.getRepository('desktopRoutes').destroy({ filter: { id: { $in: ids } }, transaction });
  });
}

/**
 * `npm run build:pages`: the new snapshots of a plugin keep the digests of every version shipped before
 * (`previousDigests`), adding the one they replace when the page changed, so an upgrade recognises them all.
 */
export function carryPageHistory(
  previous: PluginPageSnapshots | undefined,
  next: PluginPageSnapshots,
): PluginPageSnapshots {
  for (const [key, page] of Object.entries(next.pages)) {
    const before = previous?.pages?.[key];
    const now = pageDigest(page, templatesOf(page, next.templates));
    const earlier = before
      ? [...(before.previousDigests ?? []), pageDigest(before, templatesOf(before, previous?.templates))]
      : [];
    const history = [...new Set(earlier)].filter((d) => d !== now);
    if (history.length) page.previousDigests = history;
    else delete page.previousDigests;
  }
  return next;
}
