import { ConcurrencyGate, connectionBudget, GateBusyError } from '@deputy/plugin-suite-core';
import type { Context } from '@nocobase/actions';
import type { Database } from '@nocobase/database';
import { NS } from '../fields';

/** How long a decision waits for its turn before it is refused (503) with a message, instead of hanging. */
const MAX_WAIT_MS = 30_000;

const gates = new WeakMap<Database, ConcurrencyGate>();

/**
 * Review decisions — the task centre's workflowManualTasks:submit and dutyRecords:reviewBatch (the
 * 批量通过 / 批量退回 buttons), one task at a time — take their turn here. NocoBase's submit holds a
 * transaction while its workflow processor asks the pool for a second connection (Processor.prepare reads
 * nodes and jobs outside the transaction), so as many decisions at once as the pool has connections
 * deadlock it until Sequelize's acquire timeout (60 s), and every other request with them. Bounded below
 * the pool (connectionBudget: 2 with the default 5 connections, 9 with DB_POOL_MAX=20), extra decisions
 * queue for a few milliseconds each instead. Per process, as the pool is.
 */
export function reviewGate(db: Database): ConcurrencyGate {
  let gate = gates.get(db);
  if (!gate) gates.set(db, (gate = new ConcurrencyGate(connectionBudget(db), MAX_WAIT_MS)));
  return gate;
}

/**
 * Runs one review decision in its turn; a decision that waited too long is refused with 503. On SQLite
 * (one writer; in tests one shared in-memory connection) the turn lasts until the workflow has moved on
 * (`settle`), so the next decision never writes while the workflow still writes this one; elsewhere the
 * turn ends with the decision's own transaction.
 */
export async function oneDecision<T>(
  ctx: Context,
  decide: () => Promise<T>,
  settle?: () => Promise<unknown>,
): Promise<T> {
  const sqlite = ctx.db.sequelize.getDialect() === 'sqlite';
  try {
    return await reviewGate(ctx.db).run(async () => {
      const decided = await decide();
      if (sqlite && settle) await settle();
      return decided;
    });
  } catch (e) {
    if (e instanceof GateBusyError) {
      return ctx.throw(
        503,
        ctx.t('Too many review decisions at the same moment; please try again shortly', { ns: NS }),
      );
    }
    throw e;
  }
}
