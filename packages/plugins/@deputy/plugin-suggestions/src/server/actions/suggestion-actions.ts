import { defineNamedActions, isAdministrator, myDeputy, onAction } from '@deputy/plugin-suite-core';
import type { Context, Next } from '@nocobase/actions';
import type { Model } from '@nocobase/database';
import type { Application } from '@nocobase/server';
import { NS } from '../fields';
import type { SuggestionCrediting } from '../services/crediting';
import { answer } from '../services/errors';
import { EDITABLE_STATUSES, SUGGESTION_SYSTEM_FIELDS } from '../services/rules';
import type { Appraisal } from '../services/appraisal';
import type { SuggestionFlow } from '../services/suggestion-flow';

const idOf = (v: unknown) => (v && typeof v === 'object' ? (v as { id?: unknown }).id : v);
const idsOf = (v: unknown) => (Array.isArray(v) ? v.map(idOf) : v === undefined ? undefined : [idOf(v)]);

/**
 * suggestions:create / update — a deputy files its own suggestion (it is the lead deputy) and writes it while it
 *   is a draft or returned; co-signers are other deputies.
 * suggestions:submitSuggestion / withdrawSuggestion — the lead deputy's; reviewSuggestion (联审) and
 *   assignSuggestion (交办) — administrators'; retrySuggestionCredit files the D16 credit again after it failed.
 * suggestionAssignments:extendAssignment / replyAssignment — administrators' (the office records the unit's
 *   written reply); feedbackAssignment — the lead deputy's satisfaction with a lead unit's reply.
 * suggestions:markKey — administrators make it one of the year's key suggestions (D17 for the lead deputy).
 * appraisalSessions:addKeySuggestions / closeAppraisal — administrators'; castBallots — a voter's ballots.
 * Each named action acts on one row within the caller's grant of that action (its data scope is in `filter`).
 */
export function registerSuggestionActions(
  app: Application,
  flow: SuggestionFlow,
  crediting: SuggestionCrediting,
  appraisal: Appraisal,
) {
  const t = (ctx: Context, key: string) => ctx.t(key, { ns: NS });
  const visible = async (ctx: Context, collection: string): Promise<Model> => {
    const { filterByTk, filter } = ctx.action.params;
    if (filterByTk === undefined || !/^\d{1,15}$/.test(String(filterByTk)))
      return ctx.throw(404, t(ctx, 'The record does not exist or is outside your permissions'));
    const row: Model | null = await ctx.db.getRepository(collection).findOne({ filterByTk, filter });
    if (!row) return ctx.throw(404, t(ctx, 'The record does not exist or is outside your permissions'));
    return row;
  };
  const checkCoSigners = async (ctx: Context, leadId: unknown) => {
    const ids = idsOf(ctx.action.params.values?.coSigners);
    if (ids === undefined) return;
    if (ids.some((id) => !/^\d{1,15}$/.test(String(id))))
      return ctx.throw(400, t(ctx, 'Co-signers are deputies, named by their records'));
    if (leadId !== undefined && ids.some((id) => String(id) === String(leadId)))
      return ctx.throw(400, t(ctx, 'The lead deputy does not co-sign its own suggestion'));
    const found = await ctx.db.getRepository('deputies').count({ filter: { id: { $in: ids } } });
    if (found !== new Set(ids.map(String)).size)
      return ctx.throw(400, t(ctx, 'Co-signers are deputies, named by their records'));
  };

  onAction(app, 'suggestions:create', async (ctx: Context, next) => {
    const values = (ctx.action.params.values ??= {});
    if (!(await isAdministrator(ctx))) {
      const own = await myDeputy(ctx);
      if (!own) return ctx.throw(403, t(ctx, 'Your account is not linked to a deputy'));
      values.leadDeputyId = own.get('id');
      delete values.leadDeputy;
      const whitelist = ctx.action.params.whitelist;
      if (Array.isArray(whitelist) && !whitelist.includes('leadDeputyId')) whitelist.push('leadDeputyId');
    }
    await checkCoSigners(ctx, idOf(values.leadDeputyId ?? values.leadDeputy));
    await next();
  });

  // Written while a draft or returned only: also the co-signers, an association the row's hooks do not see change.
  onAction(app, 'suggestions:update', async (ctx: Context, next) => {
    const { filterByTk, filter } = ctx.action.params;
    const rows: Model[] = await ctx.db.getRepository('suggestions').find({ filterByTk, filter });
    if (rows.some((r) => !EDITABLE_STATUSES.includes(r.get('status'))))
      return ctx.throw(400, t(ctx, 'A suggestion is changed only while it is a draft or returned for revision'));
    const values = ctx.action.params.values ?? {};
    if (SUGGESTION_SYSTEM_FIELDS.some((k) => k in values))
      return ctx.throw(400, t(ctx, 'The status and number of a suggestion change only through its steps'));
    for (const row of rows) await checkCoSigners(ctx, values.leadDeputyId ?? row.get('leadDeputyId'));
    await next();
  });

  const step =
    (collection: string, run: (id: number, values: Record<string, unknown>, ctx: Context) => Promise<unknown>) =>
    async (ctx: Context, next: Next) => {
      const row = await visible(ctx, collection);
      try {
        ctx.body = await run(row.get('id'), ctx.action.params.values ?? {}, ctx);
      } catch (e) {
        return answer(ctx, e);
      }
      await next();
    };

  defineNamedActions(app, 'suggestions', {
    submitSuggestion: step('suggestions', (id, _v, ctx) => flow.submit(id, { context: ctx })),
    withdrawSuggestion: step('suggestions', (id, _v, ctx) => flow.withdraw(id, { context: ctx })),
    reviewSuggestion: step('suggestions', async (id, v, ctx) => {
      const row = await flow.review(id, v, { context: ctx });
      // D16 for the lead deputy once registered (after the commit, through the normal review).
      if (row?.get('status') === 'registered' && crediting.dutyPoints()) await crediting.credit(id);
      return ctx.db.getRepository('suggestions').findOne({ filterByTk: id, appends: ['assignments'] });
    }),
    assignSuggestion: step('suggestions', (id, v, ctx) => flow.assign(id, v, { context: ctx })),
    markKey: step('suggestions', async (id, v, ctx) => {
      const row = await flow.markKey(id, v, { context: ctx });
      await crediting.creditKey(id);
      return row;
    }),
    retrySuggestionCredit: step('suggestions', async (id, _v, ctx) => {
      if (!crediting.dutyPoints()) return ctx.throw(400, t(ctx, 'Duty points are not enabled'));
      return crediting.credit(id, { retry: true });
    }),
  });
  defineNamedActions(app, 'appraisalSessions', {
    addKeySuggestions: step('appraisalSessions', (id, _v, ctx) => appraisal.addKeySuggestions(id, { context: ctx })),
    castBallots: step('appraisalSessions', (id, v, ctx) =>
      appraisal.cast(id, Number(ctx.state.currentUser?.id), v, { context: ctx }),
    ),
    closeAppraisal: step('appraisalSessions', (id, _v, ctx) => appraisal.close(id, { context: ctx })),
  });
  defineNamedActions(app, 'suggestionAssignments', {
    extendAssignment: step('suggestionAssignments', (id, v, ctx) => flow.extend(id, v, { context: ctx })),
    replyAssignment: step('suggestionAssignments', (id, v, ctx) => flow.reply(id, v, { context: ctx })),
    feedbackAssignment: step('suggestionAssignments', (id, v, ctx) => flow.feedback(id, v, { context: ctx })),
  });
}
