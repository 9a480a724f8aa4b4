import { isAdministrator, myStationIds, shanghaiToday } from '@deputy/plugin-suite-core';
import { declareReadActions } from '@deputy/plugin-deputies';
import type { Context } from '@nocobase/actions';
import type { FilterWithOperator, Model } from '@nocobase/database';
import type { Application } from '@nocobase/server';
import { NS } from '../fields';
import type { Compliance } from '../services/compliance';
import { monthOf, quarterOf, yearOf } from '../services/periods';

/**
 * ruleResults:matrix    — deputies (rows) × rules (columns) for a month (with the quarter, year, term and
 *                         standing rules that include it), plus the station view; what the caller may see.
 * ruleResults:recomputeCompliance — an administrator recomputes a year now (the nightly job does it too).
 */
type Cell = {
  status: string;
  count: number;
  required: number;
  periodKey: string;
  exemptReason: string | null;
  sourceIds: number[];
};
type MatrixRow = { name: string; cells: Record<number, Cell> };

export function registerComplianceActions(app: Application, compliance: Compliance) {
  app.resourceManager.registerActionHandlers({
    'ruleResults:matrix': async (ctx: Context, next) => {
      const t = (k: string) => ctx.t(k, { ns: NS });
      const month = String(ctx.action.params.period ?? shanghaiToday().slice(0, 7));
      if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(month)) return ctx.throw(400, t('Give the month as 2026-03'));
      const date = `${month}-01`;
      const stationId = ctx.action.params.stationId ? Number(ctx.action.params.stationId) : undefined;
      if (ctx.action.params.stationId && !Number.isInteger(stationId))
        return ctx.throw(400, t('Choose an existing station'));
      const keys = [monthOf(date).key, quarterOf(date).key, yearOf(date).key, 'standing'];
      await compliance.fillMissing(date);
      const filter: FilterWithOperator = { $or: [{ periodKey: { $in: keys } }, { periodKey: { $like: 'term-%' } }] };
      if (stationId) filter.stationId = stationId;
      // What the caller may see: everything (administrators), its stations (staff), its own row (deputies).
      if (!(await isAdministrator(ctx))) {
        const userId = ctx.state.currentUser.id;
        const mine = await myStationIds(ctx);
        const deputy = await ctx.db.getRepository('deputies').findOne({ filter: { userId }, fields: ['id'] });
        filter.$and = [
          { $or: [{ stationId: { $in: mine.length ? mine : [0] } }, { deputyId: deputy?.get('id') ?? 0 }] },
        ];
      }
      const rules: Model[] = await ctx.db.getRepository('dutyRules').find({
        filter: { active: true },
        sort: ['sort', 'id'],
        fields: ['id', 'code', 'name', 'nameEn', 'subject', 'period'],
      });
      const results: Model[] = await ctx.db
        .getRepository('ruleResults')
        .find({ filter, appends: ['deputy', 'station'] });
      const deputies = new Map<number, MatrixRow & { deputyId: number; station: string | null }>();
      const stations = new Map<number, MatrixRow & { stationId: number }>();
      for (const r of results) {
        const cell = {
          status: r.get('status'),
          count: r.get('count'),
          required: r.get('required'),
          periodKey: r.get('periodKey'),
          exemptReason: r.get('exemptReason'),
          sourceIds: r.get('sourceIds'),
        };
        if (r.get('deputyId')) {
          const row = deputies.get(r.get('deputyId')) ?? {
            deputyId: r.get('deputyId'),
            name: r.get('deputy')?.get('name'),
            station: r.get('station')?.get('name') ?? null,
            cells: {},
          };
          row.cells[r.get('ruleId')] = cell;
          deputies.set(r.get('deputyId'), row);
        } else if (r.get('stationId')) {
          const row = stations.get(r.get('stationId')) ?? {
            stationId: r.get('stationId'),
            name: r.get('station')?.get('name'),
            cells: {},
          };
          row.cells[r.get('ruleId')] = cell;
          stations.set(r.get('stationId'), row);
        }
      }
      ctx.body = {
        period: month,
        rules: rules.map((r) => r.toJSON()),
        deputies: [...deputies.values()].sort((a, b) => a.deputyId - b.deputyId),
        stations: [...stations.values()].sort((a, b) => a.stationId - b.stationId),
      };
      await next();
    },
    'ruleResults:recomputeCompliance': async (ctx: Context, next) => {
      const year = Number(ctx.action.params.values?.year ?? ctx.action.params.year ?? shanghaiToday().slice(0, 4));
      if (!Number.isInteger(year) || year < 2000 || year > 2100)
        return ctx.throw(400, ctx.t('Give the year as 2026', { ns: NS }));
      ctx.body = { year, slices: await compliance.recomputeYear(year) };
      await next();
    },
  });
  app.acl.allow('ruleResults', 'matrix', 'loggedIn');
  // Reads only: open to users the write guard stops (initial password, left office).
  declareReadActions(['ruleResults:matrix']);
  app.acl.setAvailableAction('recomputeCompliance', {
    displayName: `{{t("Recompute compliance", { ns: "${NS}" })}}`,
    type: 'new-data',
  });
}
