import type { Application } from '@nocobase/server';
import { NS } from '../fields';
import { DutyError } from '../services/errors';
import { isAdministrator } from '@deputy/plugin-deputies';
import { shanghaiToday } from '@deputy/plugin-deputies';
import { boardPage } from '../services/board-print';
import { Publication } from '../services/publication';
import type { YearClose } from '../services/year-close';
import { assignOwnDeputy } from './own-deputy';

/**
 * scorePeriods:publish   — freeze and publish a period (a permission administrators hold).
 * scoreBoard:list        — the public 阳光栏 board, without sign-in: published periods only, names and the
 *                          columns the settings allow, never phone numbers or unpublished figures.
 * pointAppeals:create    — a deputy appeals, for itself, within the window of a published period.
 * pointAppeals:decide    — an administrator accepts or rejects, with a reason.
 */
export function registerPublicationActions(app: Application, publication: Publication, yearClose: YearClose) {
  const fail = (ctx: any, e: unknown) => {
    if (e instanceof DutyError) return ctx.throw(e.status, e.message);
    throw e;
  };
  app.resourceManager.registerActionHandlers({
    'scorePeriods:publish': async (ctx: any, next) => {
      try {
        ctx.body = await publication.publish(ctx.action.params.filterByTk, ctx.state.currentUser?.id, (k) => ctx.t(k, { ns: NS }));
      } catch (e) {
        return fail(ctx, e);
      }
      await next();
    },
    // Closing a year writes each deputy's grade into its duty file, for 连任推荐.
    'scorePeriods:closeYear': async (ctx: any, next) => {
      try {
        ctx.body = await yearClose.close(ctx.action.params.filterByTk, ctx.state.currentUser?.id, (k) => ctx.t(k, { ns: NS }));
      } catch (e) {
        return fail(ctx, e);
      }
      await next();
    },
    'pointAppeals:decide': async (ctx: any, next) => {
      const { filterByTk, values = {} } = ctx.action.params;
      const t = (k: string) => ctx.t(k, { ns: NS });
      if (!['accepted', 'rejected'].includes(values.decision)) return ctx.throw(400, t('Decide with accepted or rejected'));
      if (!String(values.reason || '').trim()) return ctx.throw(400, t('Give the reason of the decision'));
      const repo = ctx.db.getRepository('pointAppeals');
      // The appeal row is locked while deciding: of two decisions at the same moment, one stands.
      const decided = await ctx.db.sequelize.transaction(async (transaction: any) => {
        const appeal = await repo.findOne({ filterByTk, transaction, lock: transaction.LOCK.UPDATE });
        if (!appeal) return ctx.throw(404, t('The appeal does not exist'));
        if (appeal.get('status') !== 'pending') return ctx.throw(400, t('This appeal has already been decided'));
        return repo.update({ filterByTk, values: { status: values.decision, decisionReason: values.reason }, context: ctx, transaction, appealDecision: true } as any);
      });
      ctx.body = decided;
      await next();
    },
  });
  app.resourceManager.define({
    name: 'scoreBoard',
    actions: {
      list: async (ctx: any, next) => {
        const { period, stationId } = ctx.action.params;
        ctx.body = await publication.board({ periodKey: period ? String(period) : undefined, stationId: stationId ? Number(stationId) : undefined });
        await next();
      },
      // The same board as a printable A4 page (阳光栏 on the station's wall), without sign-in.
      print: async (ctx: any, next) => {
        const { period, stationId } = ctx.action.params;
        const t = (k: string) => ctx.t(k, { ns: NS });
        const station = stationId ? await ctx.db.getRepository('liaisonStations').findOne({ filterByTk: Number(stationId) || 0 }) : null;
        if (stationId && !station) return ctx.throw(404, t('The liaison station does not exist'));
        const board = await publication.board({ periodKey: period ? String(period) : undefined, stationId: station?.get('id') });
        ctx.withoutDataWrapping = true;
        ctx.type = 'text/html';
        ctx.body = boardPage(board, { heading: t('Deputies’ duty points (public board)'), station: station?.get('name'), lang: ctx.getCurrentLocale?.() ?? 'zh-CN', t });
        await next();
      },
    },
  });
  app.acl.allow('scoreBoard', ['list', 'print'], 'public');
  const labels = { publish: 'Publish', decide: 'Decide', closeYear: 'Close the year' };
  for (const [action, label] of Object.entries(labels)) {
    app.acl.setAvailableAction(action, { displayName: `{{t("${label}", { ns: "${NS}" })}}`, type: 'old-data' });
  }

  // Appeals: the deputy's own, against a published period, inside its window; nothing else.
  app.resourceManager.registerPreActionHandler('pointAppeals:create', async (ctx: any, next) => {
    const t = (k: string) => ctx.t(k, { ns: NS });
    const values = (ctx.action.params.values ??= {});
    const isAdmin = isAdministrator(ctx);
    if (!isAdmin) await assignOwnDeputy(ctx, values);
    // An administrator may enter a deputy's appeal (made on paper), naming the deputy.
    if (!(values.deputyId ?? values.deputy?.id ?? values.deputy)) return ctx.throw(400, t('Choose the deputy'));
    const period = await ctx.db.getRepository('scorePeriods').findOne({ filterByTk: values.periodId ?? values.period?.id ?? values.period });
    if (!period || period.get('status') !== 'published') return ctx.throw(400, t('Appeals are possible only against a published period'));
    if (!isAdmin && shanghaiToday() > String(period.get('appealDeadline'))) return ctx.throw(400, t('The appeal window of this period has closed'));
    const recordId = values.recordId ?? values.record?.id ?? values.record;
    if (recordId) {
      const record = await ctx.db.getRepository('dutyRecords').findOne({ filterByTk: recordId });
      if (!record || String(record.get('deputyId')) !== String(values.deputyId)) return ctx.throw(400, t('Appeal against your own duty records only'));
    }
    values.status = 'pending';
    delete values.decisionReason;
    await next();
  });
}
