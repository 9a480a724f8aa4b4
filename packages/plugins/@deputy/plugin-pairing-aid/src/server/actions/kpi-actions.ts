import { isAdministrator, onAction, rawValues, shanghaiToday, defineSuiteResource } from '@deputy/plugin-suite-core';
import type { Context } from '@nocobase/actions';
import type { Model } from '@nocobase/database';
import type { Application } from '@nocobase/server';
import { NS } from '../fields';
import type { AidCrediting, CreditedCollection } from '../services/crediting';
import { AidKpi, periodRange, Range } from '../services/kpi';
import { OWN_OUTCOME_CONFIRMATION, OWN_VISIT_CONFIRMATION } from '../services/lifecycle';
import { CONFIRMATION_FIELDS, CREDIT_RETRY_ACTIONS } from '../services/role-grants';
import { myDeputy, myStationIds } from './access';

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * aidKpi:summary — figures for a deputy (deputyId), a station (stationId) or the whole jurisdiction, over a
 *                  period (`2026`, `2026-Q3`, `2026-05`, or from/to); administrators see all, station staff
 *                  their stations, a deputy itself.
 * aidKpi:overdue — active pairings whose visit is overdue (asOf, default today), in the same scopes.
 * aidKpi:public  — jurisdiction totals only, no names: what the public board (阳光栏) may show.
 * aidVisits:retryVisitCredit / aidRecords:retryOutcomeCredit — files a confirmed row whose crediting failed again.
 * Confirming a visit or an outcome (create/update with the flag set) needs the flag in the caller's field
 * list of that action (角色和权限: the station staff's, not the deputy's); without it the request is refused
 * with a message rather than the flag silently dropped.
 */
export function registerKpiActions(app: Application, kpi: AidKpi, crediting: AidCrediting) {
  const t = (ctx: Context, key: string) => ctx.t(key, { ns: NS });

  /** The deputies the request is about, or null for the whole jurisdiction; throws 403 outside the caller's reach. */
  async function deputiesInScope(ctx: Context): Promise<number[] | null> {
    const { deputyId, stationId } = ctx.action.params;
    const deputies = ctx.db.getRepository('deputies');
    const ofStations = async (ids: number[]): Promise<number[]> =>
      ((await deputies.find({ filter: { stationId: { $in: ids } }, fields: ['id'] })) as Model[]).map((d) =>
        d.get('id'),
      );
    if (await isAdministrator(ctx)) {
      if (deputyId) return [Number(deputyId)];
      if (stationId) return ofStations([Number(stationId)]);
      return null;
    }
    const stations = await myStationIds(ctx);
    const own: Model | null = await myDeputy(ctx);
    if (deputyId) {
      if (own && String(own.get('id')) === String(deputyId)) return [own.get('id')];
      const deputy: Model | null = await deputies.findOne({ filterByTk: deputyId });
      if (deputy && stations.includes(deputy.get('stationId'))) return [deputy.get('id')];
      return ctx.throw(403, t(ctx, 'These figures are outside your permissions'));
    }
    if (stationId) {
      if (stations.includes(Number(stationId))) return ofStations([Number(stationId)]);
      return ctx.throw(403, t(ctx, 'These figures are outside your permissions'));
    }
    if (stations.length) return ofStations(stations);
    if (own) return [own.get('id')];
    return ctx.throw(403, t(ctx, 'These figures are outside your permissions'));
  }

  function rangeOf(ctx: Context): Range {
    const { period, from, to } = ctx.action.params;
    if (from || to) {
      if (!DATE.test(String(from)) || !DATE.test(String(to)) || from > to) {
        return ctx.throw(
          400,
          t(ctx, 'Give the period as a year (2026), a quarter (2026-Q3), a month (2026-05) or from and to dates'),
        );
      }
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
    name: 'aidKpi',
    actions: {
      summary: async (ctx: Context, next) => {
        const range = rangeOf(ctx);
        ctx.body = await kpi.summary(range, await deputiesInScope(ctx));
        await next();
      },
      overdue: async (ctx: Context, next) => {
        const asOf = ctx.action.params.asOf ?? shanghaiToday();
        if (!DATE.test(String(asOf))) return ctx.throw(400, t(ctx, 'Give dates as YYYY-MM-DD'));
        ctx.body = await kpi.overdue(asOf, await deputiesInScope(ctx));
        await next();
      },
      public: async (ctx: Context, next) => {
        const s = await kpi.summary(rangeOf(ctx), null);
        ctx.body = {
          period: s.period,
          households: s.households.total,
          pairings: s.pairings.total,
          visits: s.visits.count,
          personTimes: s.visits.personTimes,
          legalAidCases: s.outcomes.legalAidCases,
          reliefYuan: s.outcomes.reliefYuan,
          donationYuan: s.outcomes.donationYuan,
          flats: s.outcomes.flats,
          jobs: s.outcomes.jobs,
          medicalReferrals: s.outcomes.medicalReferrals,
          schoolReferrals: s.outcomes.schoolReferrals,
        };
        await next();
      },
    },
  });
  app.acl.allow('aidKpi', ['summary', 'overdue'], 'loggedIn');
  app.acl.allow('aidKpi', 'public', 'public');

  const confirms = (value: unknown) =>
    value !== undefined &&
    value !== null &&
    value !== false &&
    value !== 0 &&
    !['', '0', 'false'].includes(String(value).trim().toLowerCase());
  for (const [collection, flag] of Object.entries(CONFIRMATION_FIELDS)) {
    const message = collection === 'aidVisits' ? OWN_VISIT_CONFIRMATION : OWN_OUTCOME_CONFIRMATION;
    for (const action of ['create', 'update']) {
      onAction(app, `${collection}:${action}`, async (ctx: Context, next) => {
        // As sent: NocoBase's own check has already dropped the fields the role may not write.
        const values = rawValues(ctx);
        const { whitelist } = ctx.action.params;
        const rows = Array.isArray(values) ? values : [values];
        if (
          Array.isArray(whitelist) &&
          !whitelist.includes(flag) &&
          rows.some((row) => row && typeof row === 'object' && confirms(row[flag]))
        ) {
          return ctx.throw(403, t(ctx, message));
        }
        await next();
      });
    }
  }

  for (const collection of ['aidVisits', 'aidRecords'] as CreditedCollection[]) {
    app.resourceManager.registerActionHandlers({
      [`${collection}:${CREDIT_RETRY_ACTIONS[collection]}`]: async (ctx: Context, next) => {
        const { filterByTk, filter } = ctx.action.params;
        const row: Model | null =
          filterByTk !== undefined ? await ctx.db.getRepository(collection).findOne({ filterByTk, filter }) : null;
        if (!row) return ctx.throw(404, t(ctx, 'The record does not exist or is outside your permissions'));
        if (!crediting.dutyPoints()) return ctx.throw(400, t(ctx, 'Duty points are not enabled'));
        await crediting.creditPending([{ collection, id: row.get('id') }]);
        ctx.body = await ctx.db.getRepository(collection).findOne({ filterByTk: row.get('id') });
        await next();
      },
    });
  }
}
