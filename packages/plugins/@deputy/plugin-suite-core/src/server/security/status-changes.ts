import type { Context } from '@nocobase/actions';
import type { Model } from '@nocobase/database';
import type { Application } from '@nocobase/server';
import { isAdministrator } from '../actor/reach';
import { onAction, rawValues } from './action-hooks';

/** A status change asked through `<collection>:update`: the values the rows have now (in the caller's reach), and the one sent. */
export type StatusChange = { from: unknown[]; to: unknown };

export type StatusChangeRule = {
  collection: string;
  /** The status field; 'status' unless said. */
  field?: string;
  /** A change update may make (a page's own button relies on it); let through to the update. */
  allowed?: (ctx: Context, change: StatusChange) => boolean | Promise<boolean>;
  /** A change the plugin makes itself instead of the update (answering the request): true when it did. */
  instead?: (ctx: Context, change: StatusChange) => Promise<boolean>;
  /** Administrators may change the status through update (the collection's hooks carry the effects). */
  administrators?: boolean;
  /** The refusal, localized, naming the action that makes this change. */
  message: (ctx: Context, change: StatusChange) => string;
};

/**
 * Plain update only updates: a status whose change has effects (a workflow, deductions, a successor) changes
 * through its named action, and `<collection>:update` asking for it is refused whole with a message naming that
 * action — not half-done by the update. Judged on the values as sent (before the ACL drops fields the role may
 * not write), also when the rows are out of the caller's reach (refused, not silently nothing); the status a row
 * has already, sent back by an edit form, is no change.
 */
export function refuseStatusChangesThroughUpdate(app: Application, rule: StatusChangeRule) {
  const field = rule.field ?? 'status';
  onAction(app, `${rule.collection}:update`, async (ctx, next) => {
    const to = rawValues(ctx)[field];
    if (to === undefined) return next();
    const { filterByTk, filter } = ctx.action.params;
    const rows = await ctx.db.getRepository(rule.collection).find({ filterByTk, filter, fields: [field] });
    const from: unknown[] = [...new Set(rows.map((r: Model) => r.get(field)))];
    if (rows.length && from.every((value) => value === to)) return next();
    const change = { from, to };
    if (rule.allowed && (await rule.allowed(ctx, change))) return next();
    if (rule.instead && (await rule.instead(ctx, change))) return;
    if (rule.administrators && (await isAdministrator(ctx))) return next();
    return ctx.throw(400, rule.message(ctx, change));
  });
}
