import { onAction } from '@deputy/plugin-suite-core';
import type { Context } from '@nocobase/actions';
import type { Model } from '@nocobase/database';
import type { Application } from '@nocobase/server';
import { NS } from '../fields';
import { idOf, isAdministrator } from './access';

const ID = /^\d{1,15}$/;

/**
 * NocoBase's data scopes limit which rows a role writes, not what those rows point to. Without this, station
 * staff could hand their station's opinion to another station's deputy (who would then read the citizen's
 * name and phone), or tie another station's opinion or deputy to their mediation case. So a non-administrator's
 * write keeps an opinion's deputy, and a case's deputy and opinion, within the record's station.
 * Registered after mediationCases' create handler, which sets the station of a new case.
 */
export function keepReferencesInStation(app: Application) {
  const t = (ctx: Context, key: string) => ctx.t(key, { ns: NS });
  for (const [resource, action] of [
    ['opinions', 'update'],
    ['mediationCases', 'create'],
    ['mediationCases', 'update'],
  ]) {
    onAction(app, `${resource}:${action}`, async (ctx: Context, next) => {
      const values = ctx.action.params.values ?? {};
      const deputyId = idOf(values.deputyId ?? values.deputy);
      const opinionId = resource === 'mediationCases' ? idOf(values.opinionId ?? values.opinion) : undefined;
      // Administrators anywhere; empty or malformed references are left to the field checks.
      if ((await isAdministrator(ctx)) || (!ID.test(String(deputyId)) && !ID.test(String(opinionId)))) return next();
      let stationId: unknown = idOf(values.stationId ?? values.station);
      if (action === 'update') {
        const { filterByTk } = ctx.action.params;
        const row: Model | null = ID.test(String(filterByTk))
          ? await ctx.db.getRepository(resource).findOne({ filterByTk, fields: ['id', 'stationId'] })
          : null;
        if (!row) return next();
        stationId = row.get('stationId');
      }
      if (ID.test(String(deputyId))) {
        const deputy: Model | null = await ctx.db
          .getRepository('deputies')
          .findOne({ filterByTk: Number(deputyId), fields: ['id', 'stationId'] });
        if (deputy && String(deputy.get('stationId')) !== String(stationId))
          return ctx.throw(400, t(ctx, 'The deputy is not at this station'));
      }
      if (ID.test(String(opinionId))) {
        const opinion: Model | null = await ctx.db
          .getRepository('opinions')
          .findOne({ filterByTk: Number(opinionId), fields: ['id', 'stationId'] });
        if (opinion && String(opinion.get('stationId')) !== String(stationId))
          return ctx.throw(400, t(ctx, 'The opinion is not of this station'));
      }
      await next();
    });
  }
}
