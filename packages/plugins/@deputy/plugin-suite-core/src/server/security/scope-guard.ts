import { isAdministrator, isStationStaff } from '../actor/reach';
import { onAction } from './action-hooks';
import type { Application } from '@nocobase/server';
import { NS } from '../fields/field-builders';

/**
 * NocoBase applies a role's data scope to update and destroy as an extra filter, so a write to a record
 * outside the scope silently changes nothing and still answers 200. For the suite's collections this
 * answers 404 with a clear message instead. Runs after the ACL has merged the scope into the params.
 */
export function refuseOutOfScopeWrites(app: Application, collections: string[]) {
  for (const name of collections) {
    for (const action of ['update', 'destroy']) {
      onAction(app, `${name}:${action}`, async (ctx, next) => {
        const { filterByTk, filter } = ctx.action.params;
        if (filterByTk !== undefined && filter && Object.keys(filter).length) {
          const visible = await ctx.db.getRepository(name).count({ filterByTk, filter });
          if (!visible)
            return ctx.throw(404, ctx.t('The record does not exist or is outside your permissions', { ns: NS }));
        }
        await next();
      });
    }
  }
}

/**
 * Station staff create rows (activities, grid areas, groups) for their own stations only; NocoBase's data
 * scopes do not apply to create. Administrators are not limited.
 */
export function refuseCreatesForOtherStations(app: Application, resources: Record<string, string>) {
  for (const [resource, stationField] of Object.entries(resources)) {
    onAction(app, `${resource}:create`, async (ctx, next) => {
      const values = ctx.action.params.values ?? {};
      if (!(await isAdministrator(ctx)) && (await isStationStaff(ctx))) {
        // Both ways of naming the station count (`stationId`, and `station` as a key or {id}): a second one set
        // to null or to a keyless object would otherwise leave the row at no station, out of the staff's sight.
        const given = [`${stationField}Id`, stationField].filter((key) => key in values).map((key) => values[key]);
        const ids = given.map((v) => (v && typeof v === 'object' ? v.id : v));
        const own =
          ids.length && ids.every((id) => id !== null && id !== undefined && id !== '')
            ? await ctx.db
                .getRepository('liaisonStations')
                .count({ filter: { id: { $in: [...new Set(ids)] }, 'staff.id': ctx.state.currentUser.id } })
            : 0;
        if (!own || own < new Set(ids.map(String)).size)
          return ctx.throw(403, ctx.t('Station staff can create this only for their own station', { ns: NS }));
      }
      await next();
    });
  }
}
