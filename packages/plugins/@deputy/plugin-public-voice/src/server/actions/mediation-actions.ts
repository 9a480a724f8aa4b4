import { defineNamedActions, onAction } from '@deputy/plugin-suite-core';
import type { Context } from '@nocobase/actions';
import type { Model } from '@nocobase/database';
import type { Application } from '@nocobase/server';
import { NS } from '../fields';
import type { VoiceCrediting } from '../services/crediting';
import { answer } from '../services/errors';
import type { Mediation } from '../services/mediation';
import { MEDIATION_SYSTEM_FIELDS } from '../services/mediation';
import { idOf, isAdministrator, myStationIds } from './access';

/**
 * mediationCases:create    — staff open a case at their own station (administrators anywhere); the clock starts.
 * mediationCases:milestone — respond / intervene / mediate / solution reached now (with a note), in order.
 * mediationCases:closeMediation — agreed (needs the mediation milestone and the signed agreement attached) or failed;
 *                            an agreement credits the deputy's duty record with item D22 (after the commit).
 * mediationCases:retryMediationCredit — files the D22 credit again after it failed.
 */
export function registerMediationActions(app: Application, mediation: Mediation, crediting: VoiceCrediting) {
  const t = (ctx: Context, key: string) => ctx.t(key, { ns: NS });
  const visible = async (ctx: Context): Promise<Model> => {
    const { filterByTk, filter } = ctx.action.params;
    if (filterByTk === undefined || !/^\d{1,15}$/.test(String(filterByTk)))
      return ctx.throw(404, t(ctx, 'The record does not exist or is outside your permissions'));
    const row: Model | null = await ctx.db.getRepository('mediationCases').findOne({ filterByTk, filter });
    if (!row) return ctx.throw(404, t(ctx, 'The record does not exist or is outside your permissions'));
    return row;
  };

  onAction(app, 'mediationCases:create', async (ctx: Context, next) => {
    const values = (ctx.action.params.values ??= {});
    for (const key of MEDIATION_SYSTEM_FIELDS) delete values[key];
    if (!(await isAdministrator(ctx))) {
      const mine = await myStationIds(ctx);
      const stationId = idOf(values.stationId ?? values.station) ?? mine[0];
      if (!mine.includes(Number(stationId)))
        return ctx.throw(403, t(ctx, 'You can open mediation cases only at your own station'));
      values.stationId = stationId;
      delete values.station;
      const whitelist = ctx.action.params.whitelist;
      if (Array.isArray(whitelist) && !whitelist.includes('stationId')) whitelist.push('stationId');
    }
    await next();
  });

  // Named actions: on their own routes and through namedActions:run (the 矛盾调解 page's JS buttons).
  defineNamedActions(app, 'mediationCases', {
    milestone: async (ctx: Context, next) => {
      const row = await visible(ctx);
      const values = ctx.action.params.values ?? {};
      try {
        ctx.body = await mediation.reach(
          row.get('id'),
          String(values.stage ?? ''),
          { note: values.note },
          { context: ctx },
        );
      } catch (e) {
        return answer(ctx, e);
      }
      await next();
    },
    closeMediation: async (ctx: Context, next) => {
      const row = await visible(ctx);
      const values = ctx.action.params.values ?? {};
      try {
        ctx.body = await mediation.close(
          row.get('id'),
          { result: values.result, outcome: values.outcome },
          { context: ctx },
        );
      } catch (e) {
        return answer(ctx, e);
      }
      if (ctx.body.get('status') === 'agreed' && crediting.dutyPoints()) {
        ctx.body = (await crediting.creditMediation(row.get('id'))) ?? ctx.body;
      }
      await next();
    },
    retryMediationCredit: async (ctx: Context, next) => {
      const row = await visible(ctx);
      if (!crediting.dutyPoints()) return ctx.throw(400, t(ctx, 'Duty points are not enabled'));
      ctx.body = (await crediting.creditMediation(row.get('id'), { retry: true })) ?? row;
      await next();
    },
  });
}
