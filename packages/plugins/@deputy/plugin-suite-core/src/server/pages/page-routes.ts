import type { BelongsToManyRepository, Model } from '@nocobase/database';
import { Migration, type Application } from '@nocobase/server';

/** The routes of an installed page and the menu permissions on them (page-installer.ts, page-upgrade.ts). */

/** Grants routes (and nothing else) to roles; existing grants are kept. */
export async function grantRoutes(app: Application, roles: string[], routeIds: number[]) {
  for (const role of roles) {
    if (!(await app.db.getRepository('roles').findOne({ filterByTk: role }))) continue;
    const repo = app.db.getRepository<BelongsToManyRepository>('roles.desktopRoutes', role);
    const have = new Set((await repo.find({ fields: ['id'] })).map((r: Model) => r.get('id')));
    const missing = routeIds.filter((id) => !have.has(id));
    if (missing.length) await repo.add(missing);
  }
}

/** The page route and its tab routes. */
export async function routeTree(app: Application, routeId: number): Promise<Model[]> {
  const routes = app.db.getRepository('desktopRoutes');
  const page = await routes.findOne({ filterByTk: routeId });
  const tabs = await routes.find({ filter: { parentId: routeId }, sort: ['sort'] });
  return [page, ...tabs];
}

/**
 * Takes an installed page (its route and tabs, found by the suite's page key) out of roles' menus: the page a
 * release gave to a role that now has a page of its own (deputies, 我的结对帮扶 instead of the staff's tables).
 * A page that is not installed, or a role that does not exist, is skipped; running it again changes nothing.
 * Returns how many grants it removed.
 */
export async function withdrawPageFromRoles(app: Application, pageKey: string, roles: string[]) {
  if (!app.db.getCollection('suitePages') || !app.db.getCollection('desktopRoutes')) return 0;
  const mark = await app.db.getRepository('suitePages').findOne({ filter: { key: pageKey } });
  const routeId = Number(mark?.get('routeId'));
  if (!routeId || !(await app.db.getRepository('desktopRoutes').findOne({ filterByTk: routeId }))) return 0;
  const ids = (await routeTree(app, routeId)).map((r) => r.get('id'));
  let removed = 0;
  for (const role of roles) {
    if (!(await app.db.getRepository('roles').findOne({ filterByTk: role }))) continue;
    const repo = app.db.getRepository<BelongsToManyRepository>('roles.desktopRoutes', role);
    const granted = (await repo.find({ fields: ['id'], filter: { id: { $in: ids } } })).map((r: Model) => r.get('id'));
    if (granted.length) await repo.remove(granted);
    removed += granted.length;
  }
  return removed;
}

/** A migration that withdraws shipped pages from roles (see withdrawPageFromRoles), e.g. `{ 'pairing-aid.aid': ['deputy'] }`. */
export function withdrawPagesMigration(pages: Record<string, string[]>) {
  return class WithdrawPagesMigration extends Migration {
    on = 'afterLoad' as const;
    appVersion = '<3.0.0';

    async up() {
      for (const [key, roles] of Object.entries(pages)) await withdrawPageFromRoles(this.app, key, roles);
    }
  };
}
