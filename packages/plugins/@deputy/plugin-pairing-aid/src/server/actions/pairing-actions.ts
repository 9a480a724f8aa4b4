import { refuseStatusChangesThroughUpdate } from '@deputy/plugin-suite-core';
import type { Context } from '@nocobase/actions';
import type { Model } from '@nocobase/database';
import type { Application } from '@nocobase/server';
import { NS } from '../fields';
import { AidError, answer } from '../services/errors';
import { PLAN_FIELDS, closePairing, transferPairing } from '../services/pairing-moves';
import { mayActFor } from './access';

/**
 * aidPairings:closePairing — ends an active pairing (脱困, 迁出, 去世 …) with its date and reason.
 * aidPairings:transfer — hands an active pairing to another deputy: this one becomes "transferred", a new
 *                        one starts with previousPairing pointing here (history kept) and the current plan
 *                        carried over as its first version; refused, changing nothing, when the new deputy
 *                        is at its N limit.
 * aidPlans:update      — saves a new version of the plan instead of overwriting it.
 * All are ACL actions, granted per role with data scopes.
 */
export function registerPairingActions(app: Application) {
  const t = (ctx: Context, key: string, vars: Record<string, unknown> = {}) => ctx.t(key, { ns: NS, ...vars });
  const found = async (ctx: Context, collection: string): Promise<Model> => {
    const { filterByTk, filter } = ctx.action.params;
    const row =
      filterByTk !== undefined ? await ctx.db.getRepository(collection).findOne({ filterByTk, filter }) : null;
    if (!row) ctx.throw(404, t(ctx, 'The record does not exist or is outside your permissions'));
    return row;
  };

  app.resourceManager.registerActionHandlers({
    'aidPairings:closePairing': async (ctx: Context, next) => {
      const pairing = await found(ctx, 'aidPairings');
      const values = ctx.action.params.values ?? {};
      if (pairing.get('status') !== 'active')
        return ctx.throw(400, t(ctx, 'A closed or transferred pairing cannot be changed'));
      if (!values.reason) return ctx.throw(400, t(ctx, 'Give the reason for ending the pairing'));
      try {
        ctx.body = await closePairing(
          ctx.db,
          pairing.get('id'),
          { date: values.date, reason: values.reason, note: values.note },
          { context: ctx },
        );
      } catch (e) {
        return answer(ctx, e);
      }
      await next();
    },

    'aidPairings:transfer': async (ctx: Context, next) => {
      const pairing = await found(ctx, 'aidPairings');
      const values = ctx.action.params.values ?? {};
      const toDeputyId = values.deputyId ?? values.toDeputyId;
      if (pairing.get('status') !== 'active')
        return ctx.throw(400, t(ctx, 'A closed or transferred pairing cannot be changed'));
      if (!toDeputyId) return ctx.throw(400, t(ctx, 'Choose the deputy to transfer the pairing to'));
      if (String(toDeputyId) === String(pairing.get('deputyId')))
        return ctx.throw(400, t(ctx, 'The pairing is already with this deputy'));
      if (!(await mayActFor(ctx, toDeputyId)))
        return ctx.throw(403, t(ctx, 'You can pair only the deputies of your station'));
      try {
        ctx.body = await transferPairing(
          ctx.db,
          pairing,
          toDeputyId,
          { date: values.date, reason: values.reason, note: values.note },
          { context: ctx },
        );
      } catch (e) {
        return answer(ctx, e);
      }
      await next();
    },

    'aidPlans:update': async (ctx: Context, next) => {
      const plan = await found(ctx, 'aidPlans');
      const values = ctx.action.params.values ?? {};
      const carried = Object.fromEntries(
        PLAN_FIELDS.map((f) => [f, values[f] !== undefined ? values[f] : plan.get(f)]),
      );
      try {
        ctx.body = await ctx.db.getRepository('aidPlans').create({
          values: { ...carried, pairingId: plan.get('pairingId'), changeNote: values.changeNote ?? null },
          context: ctx,
        });
      } catch (e) {
        return answer(ctx, e);
      }
      await next();
    },
  });

  // A transfer starts the successor pairing and carries the plan over; an update to transferred would leave none.
  // Closing through update keeps the lifecycle's rules (closePairing is that update); the pages only view pairings.
  refuseStatusChangesThroughUpdate(app, {
    collection: 'aidPairings',
    allowed: (ctx, { to }) => to !== 'transferred',
    message: (ctx) =>
      t(
        ctx,
        "A pairing is transferred with Transfer the pairing, which starts the new deputy's pairing; editing it does not change its status",
      ),
  });

  // NocoBase's action names are global, one display name each: the names say whose they are (close and
  // credit were the opinions' and mediation cases' too).
  for (const [action, label] of [
    ['closePairing', 'Close the pairing'],
    ['transfer', 'Transfer the pairing'],
    ['retryVisitCredit', 'File a visit for duty points again'],
    ['retryOutcomeCredit', 'File an assistance outcome for duty points again'],
  ]) {
    app.acl.setAvailableAction(action, { displayName: `{{t("${label}", { ns: "${NS}" })}}`, type: 'old-data' });
  }
}

export { AidError };
