import {
  defineNamedActions,
  defineSuiteResource,
  onAction,
  refuseStatusChangesThroughUpdate,
} from '@deputy/plugin-suite-core';
import type { Context } from '@nocobase/actions';
import type { TargetKey, Transaction } from '@nocobase/database';
import type { Application } from '@nocobase/server';
import { NS } from '../fields';
import { answer } from '../services/errors';
import { isAdministrator } from '@deputy/plugin-suite-core';
import { shanghaiToday } from '@deputy/plugin-suite-core';
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
  defineNamedActions(app, 'scorePeriods', {
    publish: async (ctx: Context, next) => {
      try {
        ctx.body = await publication.publish(ctx.action.params.filterByTk, ctx.state.currentUser?.id, (k) =>
          ctx.t(k, { ns: NS }),
        );
      } catch (e) {
        return answer(ctx, e);
      }
      await next();
    },
    // Closing a year writes each deputy's grade into its duty file, for 连任推荐.
    closeYear: async (ctx: Context, next) => {
      try {
        ctx.body = await yearClose.close(ctx.action.params.filterByTk, ctx.state.currentUser?.id, (k) =>
          ctx.t(k, { ns: NS }),
        );
      } catch (e) {
        return answer(ctx, e);
      }
      await next();
    },
  });
  defineNamedActions(app, 'pointAppeals', {
    decide: async (ctx: Context, next) => {
      const { filterByTk, values = {} } = ctx.action.params;
      ctx.body = await decideAppeal(ctx, filterByTk, values.decision, values.reason);
      await next();
    },
  });

  // Plain update only updates: a period is published and closed, an appeal decided, through those actions
  // (the pages' 公示 / 年终结账 / 采纳 / 驳回 buttons call them); a status sent through update is refused whole.
  refuseStatusChangesThroughUpdate(app, {
    collection: 'scorePeriods',
    message: (ctx) =>
      ctx.t(
        'Publish a period with Publish and close a year with Close the year; editing it does not change its status',
        {
          ns: NS,
        },
      ),
  });
  refuseStatusChangesThroughUpdate(app, {
    collection: 'pointAppeals',
    message: (ctx) =>
      ctx.t('Decide an appeal with Accept or Reject, giving the reason; editing it does not change its status', {
        ns: NS,
      }),
  });
  defineSuiteResource(app, {
    name: 'scoreBoard',
    actions: {
      list: async (ctx: Context, next) => {
        const { period, stationId } = ctx.action.params;
        ctx.body = await publication.board({
          periodKey: period ? String(period) : undefined,
          stationId: stationId ? Number(stationId) : undefined,
        });
        await next();
      },
      // The same board as a printable A4 page (阳光栏 on the station's wall), without sign-in.
      print: async (ctx: Context, next) => {
        const { period, stationId } = ctx.action.params;
        const t = (k: string) => ctx.t(k, { ns: NS });
        const station = stationId
          ? await ctx.db.getRepository('liaisonStations').findOne({ filterByTk: Number(stationId) || 0 })
          : null;
        if (stationId && !station) return ctx.throw(404, t('The liaison station does not exist'));
        const board = await publication.board({
          periodKey: period ? String(period) : undefined,
          stationId: station?.get('id'),
        });
        ctx.withoutDataWrapping = true;
        ctx.type = 'text/html';
        ctx.body = boardPage(board, {
          heading: t('Deputies’ duty points (public board)'),
          station: station?.get('name'),
          lang: ctx.getCurrentLocale?.() ?? 'zh-CN',
          t,
        });
        await next();
      },
    },
  });
  app.acl.allow('scoreBoard', ['list', 'print'], 'public');
  // In 角色和权限 every action shows on every collection: the names say whose they are.
  const labels = {
    publish: 'Publish a score period',
    decide: 'Decide a points appeal',
    closeYear: 'Close a points year',
  };
  for (const [action, label] of Object.entries(labels)) {
    app.acl.setAvailableAction(action, { displayName: `{{t("${label}", { ns: "${NS}" })}}`, type: 'old-data' });
  }

  // Appeals: the deputy's own, against a published period, inside its window; nothing else.
  onAction(app, 'pointAppeals:create', async (ctx: Context, next) => {
    const t = (k: string) => ctx.t(k, { ns: NS });
    const values = (ctx.action.params.values ??= {});
    const isAdmin = await isAdministrator(ctx);
    if (!isAdmin) await assignOwnDeputy(ctx, values);
    // An administrator may enter a deputy's appeal (made on paper), naming the deputy.
    if (!(values.deputyId ?? values.deputy?.id ?? values.deputy)) return ctx.throw(400, t('Choose the deputy'));
    const period = await ctx.db
      .getRepository('scorePeriods')
      .findOne({ filterByTk: values.periodId ?? values.period?.id ?? values.period });
    if (!period || period.get('status') !== 'published')
      return ctx.throw(400, t('Appeals are possible only against a published period'));
    if (!isAdmin && shanghaiToday() > String(period.get('appealDeadline')))
      return ctx.throw(400, t('The appeal window of this period has closed'));
    const recordId = values.recordId ?? values.record?.id ?? values.record;
    if (recordId) {
      const record = await ctx.db.getRepository('dutyRecords').findOne({ filterByTk: recordId });
      if (!record || String(record.get('deputyId')) !== String(values.deputyId))
        return ctx.throw(400, t('Appeal against your own duty records only'));
    }
    values.status = 'pending';
    delete values.decisionReason;
    await next();
  });
}

/** An administrator accepts or rejects an appeal, with a reason; the appeal row is locked so one decision stands. */
export async function decideAppeal(ctx: Context, filterByTk: TargetKey, decision: string, reason: string) {
  const t = (k: string) => ctx.t(k, { ns: NS });
  if (!['accepted', 'rejected'].includes(decision)) return ctx.throw(400, t('Decide with accepted or rejected'));
  if (!String(reason || '').trim()) return ctx.throw(400, t('Give the reason of the decision'));
  const repo = ctx.db.getRepository('pointAppeals');
  return ctx.db.sequelize.transaction(async (transaction: Transaction) => {
    const appeal = await repo.findOne({
      filterByTk,
      filter: ctx.action.params.filter,
      transaction,
      lock: transaction.LOCK.UPDATE,
    });
    if (!appeal) return ctx.throw(404, t('The appeal does not exist'));
    if (appeal.get('status') !== 'pending') return ctx.throw(400, t('This appeal has already been decided'));
    // `appealDecision` is this plugin's own hook option (read by the lifecycle), unknown to the repository's type.
    // The appeal found inside the scope, not filterByTk again: an array or an operator would reach others too.
    const decided = {
      filterByTk: appeal.get('id'),
      values: { status: decision, decisionReason: reason },
      context: ctx,
      transaction,
      appealDecision: true,
    };
    return repo.update(decided);
  });
}
