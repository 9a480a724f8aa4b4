import { isAdministrator, isStationStaff, myDeputy, myStationIds, onAction } from '@deputy/plugin-suite-core';
import type { Context } from '@nocobase/actions';
import type { Model } from '@nocobase/database';
import type { Application } from '@nocobase/server';
import { NS } from '../fields';

/** A relation as a request sends it: the id, or the related row with its id. */
const idOf = (v: unknown) => (v && typeof v === 'object' ? (v as { id?: unknown }).id : v);
export { myDeputy, myStationIds };

/** Whether the signed-in user may record for a deputy: administrators always; staff for their stations' deputies; a deputy for itself. */
export async function mayActFor(ctx: Context, deputyId: unknown) {
  if (await isAdministrator(ctx)) return true;
  if (deputyId === undefined || deputyId === null) return false;
  const deputy: Model | null = await ctx.db
    .getRepository('deputies')
    .findOne({ filterByTk: deputyId as number | string });
  if (!deputy) return true; // the lifecycle answers "choose an existing …"
  if (deputy.get('userId') && deputy.get('userId') === ctx.state.currentUser?.id) return true;
  return (await isStationStaff(ctx)) && (await myStationIds(ctx)).includes(deputy.get('stationId'));
}

/**
 * Creates are bound to what the caller may work on (data scopes only filter reads, updates and deletes):
 * station staff register households at their own station and pair their own deputies; a deputy records
 * plans, visits and outcomes of its own pairings only.
 */
export function guardCreates(app: Application) {
  const t = (ctx: Context, key: string) => ctx.t(key, { ns: NS });

  onAction(app, 'aidHouseholds:create', async (ctx: Context, next) => {
    const values = (ctx.action.params.values ??= {});
    if (!(await isAdministrator(ctx))) {
      const mine = await myStationIds(ctx);
      const requested = idOf(values.stationId ?? values.station);
      if (requested === undefined || requested === null) {
        if (mine.length) values.stationId = mine[0];
      } else if (!mine.includes(Number(requested))) {
        return ctx.throw(403, t(ctx, 'You can register households only at your own station'));
      }
      delete values.station;
      const whitelist = ctx.action.params.whitelist;
      if (Array.isArray(whitelist) && !whitelist.includes('stationId')) whitelist.push('stationId');
    }
    await next();
  });

  onAction(app, 'aidPairings:create', async (ctx: Context, next) => {
    const values = (ctx.action.params.values ??= {});
    delete values.status;
    delete values.previousPairingId;
    if (!(await mayActFor(ctx, idOf(values.deputyId ?? values.deputy)))) {
      return ctx.throw(403, t(ctx, 'You can pair only the deputies of your station'));
    }
    await next();
  });

  for (const name of ['aidPlans', 'aidVisits', 'aidRecords']) {
    onAction(app, `${name}:create`, async (ctx: Context, next) => {
      const values = (ctx.action.params.values ??= {});
      for (const key of [
        'deputyId',
        'deputy',
        'householdId',
        'household',
        'amountFen',
        'creditStatus',
        'dutyRecordId',
        'creditError',
        'version',
        'current',
      ])
        delete values[key];
      const pairingId = idOf(values.pairingId ?? values.pairing);
      const pairing: Model | null = pairingId
        ? await ctx.db.getRepository('aidPairings').findOne({ filterByTk: pairingId as number | string })
        : null;
      if (pairing && !(await mayActFor(ctx, pairing.get('deputyId')))) {
        return ctx.throw(403, t(ctx, 'You can record only for your own pairings or those of your station'));
      }
      await next();
    });
  }
}
