import { shanghaiToday } from '@deputy/plugin-deputies';
import type { Application } from '@nocobase/server';
import { NS } from '../fields';
import { AidError, answer } from '../services/errors';
import { mayActFor } from './access';

const PLAN_FIELDS = ['goals', 'measures', 'responsibleParty', 'dueDate', 'reviewDate'];

/**
 * aidPairings:close    — ends an active pairing (脱困, 迁出, 去世 …) with its date and reason.
 * aidPairings:transfer — hands an active pairing to another deputy: this one becomes "transferred", a new
 *                        one starts with previousPairing pointing here (history kept) and the current plan
 *                        carried over as its first version; refused, changing nothing, when the new deputy
 *                        is at its N limit.
 * aidPlans:update      — saves a new version of the plan instead of overwriting it.
 * All are ACL actions, granted per role with data scopes.
 */
export function registerPairingActions(app: Application) {
  const t = (ctx: any, key: string, vars: any = {}) => ctx.t(key, { ns: NS, ...vars });
  const found = async (ctx: any, collection: string) => {
    const { filterByTk, filter } = ctx.action.params;
    const row = filterByTk !== undefined ? await ctx.db.getRepository(collection).findOne({ filterByTk, filter }) : null;
    if (!row) ctx.throw(404, t(ctx, 'The record does not exist or is outside your permissions'));
    return row;
  };

  app.resourceManager.registerActionHandlers({
    'aidPairings:close': async (ctx: any, next) => {
      const pairing: any = await found(ctx, 'aidPairings');
      const values = ctx.action.params.values ?? {};
      if (pairing.get('status') !== 'active') return ctx.throw(400, t(ctx, 'A closed or transferred pairing cannot be changed'));
      if (!values.reason) return ctx.throw(400, t(ctx, 'Give the reason for ending the pairing'));
      try {
        ctx.body = await ctx.db.getRepository('aidPairings').update({
          filterByTk: pairing.get('id'),
          values: { status: 'closed', endDate: values.date || shanghaiToday(), endReason: values.reason, endNote: values.note },
          context: ctx,
        });
        ctx.body = await ctx.db.getRepository('aidPairings').findOne({ filterByTk: pairing.get('id') });
      } catch (e) {
        return answer(ctx, e);
      }
      await next();
    },

    'aidPairings:transfer': async (ctx: any, next) => {
      const pairing: any = await found(ctx, 'aidPairings');
      const values = ctx.action.params.values ?? {};
      const toDeputyId = values.deputyId ?? values.toDeputyId;
      if (pairing.get('status') !== 'active') return ctx.throw(400, t(ctx, 'A closed or transferred pairing cannot be changed'));
      if (!toDeputyId) return ctx.throw(400, t(ctx, 'Choose the deputy to transfer the pairing to'));
      if (String(toDeputyId) === String(pairing.get('deputyId'))) return ctx.throw(400, t(ctx, 'The pairing is already with this deputy'));
      if (!(await mayActFor(ctx, toDeputyId))) return ctx.throw(403, t(ctx, 'You can pair only the deputies of your station'));
      const date = values.date || shanghaiToday();
      try {
        ctx.body = await ctx.db.sequelize.transaction(async (transaction: any) => {
          const pairings = ctx.db.getRepository('aidPairings');
          await pairings.update({
            filterByTk: pairing.get('id'),
            values: { status: 'transferred', endDate: date, endReason: values.reason || 'reassigned', endNote: values.note },
            context: ctx,
            transaction,
          });
          const next: any = await pairings.create({
            values: { deputyId: toDeputyId, householdId: pairing.get('householdId'), startDate: date, previousPairingId: pairing.get('id') },
            context: ctx,
            transaction,
          });
          const plan: any = await ctx.db.getRepository('aidPlans').findOne({ filter: { pairingId: pairing.get('id'), current: true }, transaction });
          if (plan) {
            const carried = Object.fromEntries(PLAN_FIELDS.map((f) => [f, plan.get(f)]));
            await ctx.db.getRepository('aidPlans').create({
              values: { ...carried, pairingId: next.get('id'), changeNote: t(ctx, 'Carried over from pairing #{{id}}', { id: pairing.get('id') }) },
              context: ctx,
              transaction,
            });
          }
          return pairings.findOne({ filterByTk: next.get('id'), appends: ['previousPairing'], transaction });
        });
      } catch (e) {
        return answer(ctx, e);
      }
      await next();
    },

    'aidPlans:update': async (ctx: any, next) => {
      const plan: any = await found(ctx, 'aidPlans');
      const values = ctx.action.params.values ?? {};
      const carried = Object.fromEntries(PLAN_FIELDS.map((f) => [f, values[f] !== undefined ? values[f] : plan.get(f)]));
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

  for (const [action, label] of [
    ['close', 'Close the pairing'],
    ['transfer', 'Transfer the pairing'],
    ['credit', 'File for duty points again'],
  ]) {
    app.acl.setAvailableAction(action, { displayName: `{{t("${label}", { ns: "${NS}" })}}`, type: 'old-data' });
  }
}

export { AidError };
