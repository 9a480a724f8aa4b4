import { defineSuiteResource } from '@deputy/plugin-suite-core';
import type { Context } from '@nocobase/actions';
import type { Model } from '@nocobase/database';
import type { Application } from '@nocobase/server';
import { NS } from '../fields';
import { OpinionStats, periodRange, Range, Scope } from '../services/stats';
import { isAdministrator, myDeputy, myStationIds } from './access';

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * opinionStats:summary — open/overdue by class and station, closure rate, average time to close and
 * satisfaction over a period (`2026`, `2026-Q3`, `2026-05`, or from/to), in the caller's reach: administrators
 * the jurisdiction (or a stationId / deputyId), station staff their stations, a deputy its own opinions.
 */
export function registerStatsActions(app: Application, stats: OpinionStats) {
  const t = (ctx: Context, key: string) => ctx.t(key, { ns: NS });

  async function scopeOf(ctx: Context): Promise<Scope> {
    const { deputyId, stationId } = ctx.action.params;
    const num = (v: unknown) => (/^\d{1,15}$/.test(String(v)) ? Number(v) : -1);
    if (await isAdministrator(ctx)) {
      return {
        ...(stationId ? { stationIds: [num(stationId)] } : {}),
        ...(deputyId ? { deputyIds: [num(deputyId)] } : {}),
      };
    }
    const stations = await myStationIds(ctx);
    const own: Model | null = await myDeputy(ctx);
    if (deputyId) {
      if (own && String(own.get('id')) === String(deputyId)) return { deputyIds: [own.get('id')] };
      const deputy: Model | null =
        num(deputyId) > 0 ? await ctx.db.getRepository('deputies').findOne({ filterByTk: num(deputyId) }) : null;
      if (deputy && stations.includes(deputy.get('stationId'))) return { deputyIds: [deputy.get('id')] };
      return ctx.throw(403, t(ctx, 'These figures are outside your permissions'));
    }
    if (stationId) {
      if (stations.includes(num(stationId))) return { stationIds: [num(stationId)] };
      return ctx.throw(403, t(ctx, 'These figures are outside your permissions'));
    }
    if (stations.length) return { stationIds: stations };
    if (own) return { deputyIds: [own.get('id')] };
    return ctx.throw(403, t(ctx, 'These figures are outside your permissions'));
  }

  function rangeOf(ctx: Context): Range {
    const { period, from, to } = ctx.action.params;
    if (from || to) {
      if (!DATE.test(String(from)) || !DATE.test(String(to)) || from > to)
        return ctx.throw(
          400,
          t(ctx, 'Give the period as a year (2026), a quarter (2026-Q3), a month (2026-05) or from and to dates'),
        );
      return { from, to };
    }
    const range = periodRange(String(period ?? new Date().getFullYear()));
    if (!range)
      return ctx.throw(
        400,
        t(ctx, 'Give the period as a year (2026), a quarter (2026-Q3), a month (2026-05) or from and to dates'),
      );
    return range;
  }

  defineSuiteResource(app, {
    name: 'opinionStats',
    actions: {
      summary: async (ctx: Context, next) => {
        const range = rangeOf(ctx);
        ctx.body = await stats.summary(range, await scopeOf(ctx));
        await next();
      },
    },
  });
  app.acl.allow('opinionStats', ['summary'], 'loggedIn');
}
