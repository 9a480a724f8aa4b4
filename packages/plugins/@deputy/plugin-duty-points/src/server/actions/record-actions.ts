import { defineNamedActions, onAction, refuseStatusChangesThroughUpdate } from '@deputy/plugin-suite-core';
import type { DeputyDirectory } from '@deputy/plugin-deputies';
import { isAdministrator, isStationStaff } from '@deputy/plugin-suite-core';
import type { Context } from '@nocobase/actions';
import type { BelongsToManyRepository, Model } from '@nocobase/database';
import type { Application } from '@nocobase/server';
import { NS } from '../fields';
import { signIn } from '../services/activity-sign-in';
import { assignOwnDeputy } from './own-deputy';
import { resumed, reviewInBatch } from '../services/batch-review';
import { answer } from '../services/errors';
import { oneDecision } from '../services/review-gate';
import type { DutyFiling } from '../services/filing';

/** The action that changes a duty record to a status (named by the refusal of an update that tries). */
const STATUS_ACTIONS: Record<string, string> = {
  submitted: 'Send a duty record to review with Submit for review; editing it does not change its status',
  approved:
    'Approve or return a duty record in its review task, or with Approve selected / Return selected; editing it does not change its status',
  rejected:
    'Approve or return a duty record in its review task, or with Approve selected / Return selected; editing it does not change its status',
  revoked: 'Revoke an approved duty record with Revoke, giving the reason; editing it does not change its status',
  other:
    'The status of a duty record changes only through Submit for review, its review and Revoke; editing it does not change its status',
};

/**
 * dutyRecords:submit — sends a draft (or a returned record) to review: checks evidence, sets the reviewer
 *                      (the station head) and flags a possible duplicate; the review workflow takes over.
 * dutyRecords:revoke — revokes an approved record with a reason; the ledger posts the reversal.
 * Both are ACL actions an administrator can grant per role, with data scopes.
 */
export function registerRecordActions(app: Application, filing: () => DutyFiling, directory: () => DeputyDirectory) {
  defineNamedActions(app, 'dutyRecords', {
    submit: async (ctx: Context, next) => {
      const t = (key: string) => ctx.t(key, { ns: NS });
      const { filterByTk, filter } = ctx.action.params;
      // Within the caller's data scope (ACL merges it into filter); the filing service does the rest.
      const record = await ctx.db.getRepository('dutyRecords').findOne({ filterByTk, filter });
      if (!record) return ctx.throw(404, t('The duty record does not exist or is outside your permissions'));
      try {
        ctx.body = await filing().submit(record.get('id'), { context: ctx });
      } catch (e) {
        return answer(ctx, e);
      }
      await next();
    },
    // Several records at once from the reviewer's list: { ids, decision: approve | reject, comment }.
    reviewBatch: async (ctx: Context, next) => {
      const { ids, decision, comment } = ctx.action.params.values ?? {};
      const t = (key: string) => ctx.t(key, { ns: NS });
      if (
        !Array.isArray(ids) ||
        !ids.length ||
        ids.length > 200 ||
        ids.some((id: unknown) => !Number.isInteger(Number(id)))
      ) {
        return ctx.throw(400, t('Choose from 1 to 200 duty records'));
      }
      if (!['approve', 'reject'].includes(decision)) return ctx.throw(400, t('Decide with approve or reject'));
      ctx.body = await reviewInBatch(ctx, ids, decision, String(comment ?? ''));
      ctx.status = 200; // each task's submit answers 202 (accepted); these decisions are done
      await next();
    },
    revoke: async (ctx: Context, next) => {
      const t = (key: string) => ctx.t(key, { ns: NS });
      const { filterByTk, filter, values = {} } = ctx.action.params;
      const repo = ctx.db.getRepository('dutyRecords');
      const record = await repo.findOne({ filterByTk, filter });
      if (!record) return ctx.throw(404, t('The duty record does not exist or is outside your permissions'));
      try {
        // The row found inside the scope, not filterByTk again: an array or an operator would reach others too.
        ctx.body = await repo.update({
          filterByTk: record.get('id'),
          values: { status: 'revoked', revokeReason: values.reason },
          context: ctx,
        });
      } catch (e) {
        return answer(ctx, e);
      }
      await next();
    },
  });
  // dutyActivities:signIn — a signed-in deputy enters the activity's code (or scans its QR code); named, so
  // 我的履职's 活动签到 button runs it through namedActions:run.
  defineNamedActions(app, 'dutyActivities', {
    signIn: async (ctx: Context, next) => {
      try {
        ctx.body = await signIn(ctx.db, ctx.state.currentUser.id, ctx.action.params.values?.code, (k) =>
          ctx.t(k, { ns: NS }),
        );
      } catch (e) {
        return answer(ctx, e);
      }
      await next();
    },
  });
  app.acl.allow('dutyActivities', 'signIn', 'loggedIn');
  // Only the caller's own review tasks are touched, whoever calls.
  app.acl.allow('dutyRecords', 'reviewBatch', 'loggedIn');

  // In 角色和权限 every action shows on every collection: the names say whose they are.
  for (const [action, label] of [
    ['submit', 'Submit a duty record for review'],
    ['revoke', 'Revoke a duty record'],
  ]) {
    app.acl.setAvailableAction(action, { displayName: `{{t("${label}", { ns: "${NS}" })}}`, type: 'old-data' });
  }

  // Plain update only updates: a record goes to review with 提交审核 (dutyRecords:submit), is decided in its review
  // task or with 批量通过 / 批量退回 (dutyRecords:reviewBatch), and revoked with 撤销 — the pages' buttons call those
  // actions. A status sent through update is refused whole, naming the action that makes it; the same status
  // sent back (an edit form showing it) is no change. An administrator's status change through update stays an
  // administrator's decision, which the record lifecycle posts like any approval (demo data, corrections).
  refuseStatusChangesThroughUpdate(app, {
    collection: 'dutyRecords',
    administrators: true,
    message: (ctx, { to }) => ctx.t(STATUS_ACTIONS[String(to)] ?? STATUS_ACTIONS.other, { ns: NS }),
  });

  // The task centre's decisions (any manual node's, not only the review's) take their turn with the batch
  // decisions, below the connection pool's size: many at once would otherwise starve it (review-gate.ts).
  onAction(app, 'workflowManualTasks:submit', (ctx: Context, next) =>
    oneDecision(ctx, next, async () => ctx.status === 202 && ctx.body?.get && (await resumed(ctx, ctx.body))),
  );

  // A deputy files records for itself only; station staff for the deputies of their station.
  onAction(app, 'dutyRecords:create', async (ctx: Context, next) => {
    const values = (ctx.action.params.values ??= {});
    if (!(await isAdministrator(ctx)) && ctx.state.currentUser) {
      const userId = ctx.state.currentUser.id;
      const requested = values.deputyId ?? values.deputy?.id ?? values.deputy;
      const own = await ctx.db.getRepository('deputies').findOne({ filter: { userId } });
      const forOther = requested !== undefined && String(requested) !== String(own?.get('id'));
      if ((await isStationStaff(ctx)) && forOther) {
        const station: Model | null = await directory().stationOf(requested);
        const staff = station
          ? await ctx.db
              .getRepository<BelongsToManyRepository>('liaisonStations.staff', station.get('id'))
              .count({ filter: { id: userId } })
          : 0;
        if (!staff)
          return ctx.throw(403, ctx.t('You can record duties only for the deputies of your station', { ns: NS }));
      } else {
        await assignOwnDeputy(ctx, values);
      }
    }
    delete values.status;
    await next();
  });
}
