import type { Context } from '@nocobase/actions';
import { NS } from '../fields';

/**
 * Makes a create request be about the caller's own deputy record, whatever it asked for: sets `deputyId`
 * (also past the role's field whitelist, which limits what the caller may choose, not what is set here).
 * Answers 403 when the account is not linked to a deputy.
 */
export async function assignOwnDeputy(ctx: Context, values: Record<string, unknown>) {
  const own = await ctx.db.getRepository('deputies').findOne({ filter: { userId: ctx.state.currentUser?.id } });
  if (!own) ctx.throw(403, ctx.t('Your account is not linked to a deputy', { ns: NS }));
  values.deputyId = own.get('id');
  delete values.deputy;
  const whitelist = ctx.action.params.whitelist;
  if (Array.isArray(whitelist) && !whitelist.includes('deputyId')) whitelist.push('deputyId');
}
