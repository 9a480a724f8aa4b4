import {
  defineNamedActions,
  isAdministrator,
  myStationIds,
  refuseStatusChangesThroughUpdate,
  shanghaiToday,
} from '@deputy/plugin-suite-core';
import { declareReadActions } from '@deputy/plugin-deputies';
import type { Context } from '@nocobase/actions';
import type { Model, Transaction } from '@nocobase/database';
import type { Application } from '@nocobase/server';
import { NS } from '../fields';
import type { ReceptionSchedule } from '../services/reception';

/**
 * receptionSessions:generateSessions — create a month's sessions now (the nightly job creates next month's).
 * receptionSessions:closeDue — settle past sessions now (held or not, no-show deductions).
 * Both take an optional `stationId`; without it they act on every station the caller may arrange (an
 * administrator: all; station staff: their own), never on another station's.
 * receptionSessions:upcoming — public: a station's announced sessions and the names of the deputies on duty.
 * Deputies sign in to a session with its activity's code (dutyActivities:signIn); a deputy on the session's
 * roster is expected there, besides the deputies of the activity's station.
 */
/** The stations a generate/closeDue call acts on: the one asked for, in the caller's reach; else all it may arrange. */
async function stationsOf(ctx: Context): Promise<number[] | undefined> {
  const raw = ctx.action.params.values?.stationId ?? ctx.action.params.stationId;
  const admin = await isAdministrator(ctx);
  const mine = admin ? undefined : await myStationIds(ctx);
  if (raw === undefined || raw === null || raw === '') return mine;
  const stationId = Number(raw);
  if (
    !Number.isInteger(stationId) ||
    stationId < 1 ||
    !(await ctx.db.getRepository('liaisonStations').findOne({ filterByTk: stationId }))
  ) {
    return ctx.throw(400, ctx.t('Choose an existing station', { ns: NS }));
  }
  if (mine && !mine.includes(stationId))
    return ctx.throw(403, ctx.t('Only the sessions of your own station can be arranged', { ns: NS }));
  return [stationId];
}

/** What plugin-duty-points emits before a sign-in; a listener sets `expected` for a deputy it expects there. */
type SignInExpectation = { activity: Model; deputy: Model; expected: boolean };

export function registerReceptionActions(app: Application, schedule: ReceptionSchedule) {
  // Asked by plugin-duty-points before each sign-in (its SIGN_IN_EXPECTATION event).
  app.db.on(
    'dutyActivities.signInExpectation',
    async (expectation: SignInExpectation, options: { transaction?: Transaction } = {}) => {
      if (expectation.expected) return;
      if (await schedule.isRostered(expectation.activity.get('id'), expectation.deputy.get('id'), options.transaction))
        expectation.expected = true;
    },
  );
  // Named actions: the 逢6接待 page's 生成接待日 button runs generateSessions through namedActions:run.
  defineNamedActions(app, 'receptionSessions', {
    generateSessions: async (ctx: Context, next) => {
      const month = String(ctx.action.params.values?.month ?? ctx.action.params.month ?? '');
      if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(month)) return ctx.throw(400, ctx.t('Give the month as 2026-03', { ns: NS }));
      ctx.body = { month, created: await schedule.generateMonth(month, await stationsOf(ctx)) };
      await next();
    },
    closeDue: async (ctx: Context, next) => {
      ctx.body = await schedule.closeDue(shanghaiToday(), await stationsOf(ctx));
      await next();
    },
  });
  app.resourceManager.registerActionHandlers({
    'receptionSessions:upcoming': async (ctx: Context, next) => {
      const stationId = Number(ctx.action.params.stationId);
      if (!Number.isInteger(stationId) || stationId < 1)
        return ctx.throw(400, ctx.t('Choose an existing station', { ns: NS }));
      const result = await schedule.upcoming(stationId, shanghaiToday());
      if (!result) return ctx.throw(404, ctx.t('Choose an existing station', { ns: NS }));
      ctx.body = result;
      await next();
    },
  });
  // Held or not is what closeDue decides from the sign-ins, with the no-show deductions; an update would skip them.
  // The page's 安排值班 form edits the date, notice and roster only.
  refuseStatusChangesThroughUpdate(app, {
    collection: 'receptionSessions',
    message: (ctx) =>
      ctx.t(
        'A session is settled as held or not held by Settle past sessions, from its sign-ins; editing it does not change its status',
        { ns: NS },
      ),
  });
  app.acl.allow('receptionSessions', 'upcoming', 'public');
  declareReadActions(['receptionSessions:upcoming']);
  app.acl.setAvailableAction('generateSessions', {
    displayName: `{{t("Generate sessions", { ns: "${NS}" })}}`,
    type: 'new-data',
  });
  app.acl.setAvailableAction('closeDue', {
    displayName: `{{t("Settle past sessions", { ns: "${NS}" })}}`,
    type: 'new-data',
  });
}
