import type { Context } from '@nocobase/actions';
import type { Database, Model, Transaction } from '@nocobase/database';
import { shanghaiToday } from '@deputy/plugin-suite-core';
import { translate } from './errors';

/** What a new version of a plan carries over. */
export const PLAN_FIELDS = ['goals', 'measures', 'responsibleParty', 'dueDate', 'reviewDate'];

type Options = { context?: Context; transaction?: Transaction };
export type EndValues = { date?: string; reason?: string; note?: string };

/**
 * Ends an active pairing (脱困, 迁出, 去世 …) with its date (default today) and reason. The rules (active
 * only, a reason, not before the start) are the lifecycle's; aidPairings:closePairing and the demo town use this.
 */
export async function closePairing(db: Database, pairingId: number, values: EndValues, options: Options = {}) {
  const pairings = db.getRepository('aidPairings');
  await pairings.update({
    filterByTk: pairingId,
    values: {
      status: 'closed',
      endDate: values.date || shanghaiToday(),
      endReason: values.reason,
      endNote: values.note,
    },
    context: options.context,
    transaction: options.transaction,
  });
  return pairings.findOne({ filterByTk: pairingId, transaction: options.transaction });
}

/**
 * Hands an active pairing to another deputy, in one transaction: this one becomes "transferred", a new one
 * starts on the same day with previousPairing pointing here, and the current plan is carried over as its
 * first version. The N limit of the new deputy is the lifecycle's: refused, nothing changes.
 * aidPairings:transfer and the demo town use this.
 */
export async function transferPairing(
  db: Database,
  pairing: Model,
  toDeputyId: number | string,
  values: EndValues,
  options: Options = {},
) {
  const { context } = options;
  const date = values.date || shanghaiToday();
  const work = async (transaction: Transaction) => {
    const pairings = db.getRepository('aidPairings');
    await pairings.update({
      filterByTk: pairing.get('id'),
      values: { status: 'transferred', endDate: date, endReason: values.reason || 'reassigned', endNote: values.note },
      context,
      transaction,
    });
    const next: Model = await pairings.create({
      values: {
        deputyId: toDeputyId,
        householdId: pairing.get('householdId'),
        startDate: date,
        previousPairingId: pairing.get('id'),
      },
      context,
      transaction,
    });
    const plan: Model | null = await db
      .getRepository('aidPlans')
      .findOne({ filter: { pairingId: pairing.get('id'), current: true }, transaction });
    if (plan) {
      const carried = Object.fromEntries(PLAN_FIELDS.map((f) => [f, plan.get(f)]));
      await db.getRepository('aidPlans').create({
        values: {
          ...carried,
          pairingId: next.get('id'),
          changeNote: translate({ context }, 'Carried over from pairing #{{id}}', { id: pairing.get('id') }),
        },
        context,
        transaction,
      });
    }
    return pairings.findOne({ filterByTk: next.get('id'), appends: ['previousPairing'], transaction });
  };
  return options.transaction
    ? work(options.transaction)
    : db.sequelize.transaction((transaction: Transaction) => work(transaction));
}
