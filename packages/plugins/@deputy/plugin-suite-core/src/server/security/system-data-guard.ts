import { onAction } from './action-hooks';
import type { Application } from '@nocobase/server';

const CREATING = ['create', 'firstOrCreate', 'updateOrCreate', 'importXlsx'];

/**
 * Ledgers, snapshots and trails are written by the suite's services only (which go to the database, not
 * through the API). Through the API nobody — administrators included — creates their rows, so points,
 * published scores and the audit trail cannot be forged.
 */
export function refuseDirectCreates(app: Application, resources: string[], ns: string, actions: string[] = CREATING) {
  for (const resource of resources) {
    for (const action of actions) {
      onAction(app, `${resource}:${action}`, async (ctx) => {
        ctx.throw(403, ctx.t('These rows are written by the system and cannot be entered directly', { ns }));
      });
    }
  }
}

/**
 * Settings tables hold one row, which the suite's code reads: it can be edited, never deleted, and a
 * second row cannot be added.
 */
export function keepSingleRow(app: Application, resources: string[], ns: string) {
  for (const resource of resources) {
    onAction(app, `${resource}:destroy`, async (ctx) => {
      ctx.throw(403, ctx.t('Settings can be changed but not deleted', { ns }));
    });
    onAction(app, `${resource}:create`, async (ctx, next) => {
      if (await ctx.db.getRepository(resource).count())
        return ctx.throw(400, ctx.t('The settings exist already: edit them', { ns }));
      await next();
    });
  }
}

/** Computed tables (e.g. compliance results): neither created, edited nor deleted through the API. */
export function keepComputed(app: Application, resources: string[], ns: string) {
  refuseDirectCreates(app, resources, ns, [...CREATING, 'update', 'destroy']);
}
