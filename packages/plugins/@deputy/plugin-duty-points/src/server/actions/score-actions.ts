import { isAdministrator, RequestPermissions, defineSuiteResource } from '@deputy/plugin-suite-core';
import type { Context } from '@nocobase/actions';
import type { Application } from '@nocobase/server';
import { NS } from '../fields';
import { periodRange, Scores } from '../services/scores';
import type { TotalsReconciliation } from '../services/reconciliation';
import type { YearClose } from '../services/year-close';

/**
 * dutyScores:mine    — the signed-in deputy's year: total, rank, grade, points and cap left per item.
 * dutyScores:ranking — live ranking of a period (`2026` or `2026-Q3`), optionally of one station;
 *                      administrators see all, station staff their own stations. Published boards come from
 *                      frozen snapshots, not from here.
 * dutyScores:reconcileTotals — administrators: compare the kept totals with the ledger now, report and repair
 *                      every difference (the nightly job does the same).
 */
export function registerScoreActions(
  app: Application,
  scores: Scores,
  yearClose: YearClose,
  reconciliation: TotalsReconciliation,
) {
  defineSuiteResource(app, {
    name: 'dutyScores',
    actions: {
      mine: async (ctx: any, next) => {
        const deputy = await ctx.db.getRepository('deputies').findOne({ filter: { userId: ctx.state.currentUser.id } });
        if (!deputy) return ctx.throw(404, ctx.t('Your account is not linked to a deputy', { ns: NS }));
        const year = Number(ctx.action.params.year) || new Date().getFullYear();
        ctx.body = await scores.summary(deputy.get('id'), year);
        await next();
      },
      // 连任推荐: the term's yearly grades of its deputies and who is eligible (administrators).
      reelection: async (ctx: any, next) => {
        const result = await yearClose.reelection(ctx.action.params.termId);
        if (!result) return ctx.throw(404, ctx.t('The term does not exist', { ns: NS }));
        ctx.body = result;
        await next();
      },
      ranking: async (ctx: any, next) => {
        const period = String(ctx.action.params.period ?? new Date().getFullYear());
        if (!periodRange(period))
          return ctx.throw(400, ctx.t('Give the period as a year (2026) or a quarter (2026-Q3)', { ns: NS }));
        let rows = await scores.ranking(period, {
          stationId: ctx.action.params.stationId ? Number(ctx.action.params.stationId) : undefined,
        });
        if (!(await isAdministrator(ctx))) {
          const mine = await ctx.db
            .getRepository('liaisonStations')
            .find({ filter: { 'staff.id': ctx.state.currentUser.id }, fields: ['id'] });
          const allowed = new Set(mine.map((s: any) => s.get('id')));
          rows = rows.filter((r) => allowed.has(r.stationId));
        }
        ctx.body = rows;
        await next();
      },
      reconcileTotals: async (ctx: Context, next) => {
        ctx.body = await reconciliation.reconcile();
        await next();
      },
    },
  });

  app.acl.allow('dutyScores', 'mine', 'loggedIn');
  app.acl.allow('dutyScores', 'reelection', (ctx: any) => isAdministrator(ctx));
  // Role strategies do not reach a resource that is not a collection: administrators only, like reelection.
  app.acl.allow('dutyScores', 'reconcileTotals', (ctx: Context) => isAdministrator(ctx));
  // The live ranking: for whoever may read the published scores (积分排行), as granted in 角色和权限.
  app.acl.allow(
    'dutyScores',
    'ranking',
    async (ctx: any) => !!(await RequestPermissions.of(ctx).grant('scoreSnapshots', 'view')),
  );
}
