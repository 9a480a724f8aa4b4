import type { BelongsToManyRepository, Model } from '@nocobase/database';
import type { Application } from '@nocobase/server';

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
