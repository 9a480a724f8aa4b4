import { defineNamedActions } from '@deputy/plugin-suite-core';
import type { Context, Next } from '@nocobase/actions';
import type { Model } from '@nocobase/database';
import type { Application } from '@nocobase/server';
import { NS } from '../fields';
import type { VoiceCrediting } from '../services/crediting';
import { answer as answerError, VoiceError } from '../services/errors';
import { ACCEPTED_STATUSES, OpinionAction, OpinionFlow, text } from '../services/opinion-flow';
import type { PublicIntake } from '../services/public-intake';
import { idOf, isAdministrator, myDeputy, myStationIds } from './access';

const STAFF_SOURCES = ['reception', 'visit', 'hotline'];

/**
 * opinions:create   — a deputy or station staff registers an opinion received at a reception, on a visit or
 *                     from the 12345 hotline (a deputy for itself; staff for their stations; administrators any).
 * opinions:classify / assign / progress / answer / closeOpinion / convert — the handling steps, each an ACL action
 *                     granted per role with its data scope; each appends a milestone.
 * opinions:retryOpinionCredit — files the D14 credit again after it failed.
 */
export function registerOpinionActions(
  app: Application,
  flow: OpinionFlow,
  intake: PublicIntake,
  crediting: VoiceCrediting,
) {
  const t = (ctx: Context, key: string, vars: Record<string, unknown> = {}) => ctx.t(key, { ns: NS, ...vars });

  const visible = async (ctx: Context): Promise<Model> => {
    const { filterByTk, filter } = ctx.action.params;
    if (filterByTk === undefined || !/^\d{1,15}$/.test(String(filterByTk)))
      return ctx.throw(404, t(ctx, 'The record does not exist or is outside your permissions'));
    const row: Model | null = await ctx.db.getRepository('opinions').findOne({ filterByTk, filter });
    if (!row) return ctx.throw(404, t(ctx, 'The record does not exist or is outside your permissions'));
    return row;
  };

  const step = (action: OpinionAction) => async (ctx: Context, next: Next) => {
    const row = await visible(ctx);
    try {
      ctx.body = await flow.act(row.get('id'), action, ctx.action.params.values ?? {}, { context: ctx });
    } catch (e) {
      return answerError(ctx, e);
    }
    if (ACCEPTED_STATUSES.includes(ctx.body.get('status')) && crediting.dutyPoints()) {
      ctx.body = (await crediting.credit(row.get('id'))) ?? ctx.body;
    }
    await next();
  };

  app.resourceManager.registerActionHandlers({
    'opinions:create': async (ctx: Context, next) => {
      const values = ctx.action.params.values ?? {};
      const own: Model | null = await myDeputy(ctx);
      let deputyId = idOf(values.deputyId ?? values.deputy) ?? null;
      let stationId = idOf(values.stationId ?? values.station) ?? null;
      try {
        const fields = intake.validate(
          { name: values.citizenName, phone: values.citizenPhone, category: values.category, content: values.content },
          (key, vars) => t(ctx, key, vars),
        );
        const source = text(values.source) || 'reception';
        if (!STAFF_SOURCES.includes(source))
          throw new VoiceError(
            t(ctx, 'Choose how the opinion came in: station reception, deputy visit or 12345 hotline'),
          );
        for (const id of [deputyId, stationId])
          if (id !== null && !/^\d{1,15}$/.test(String(id)))
            throw new VoiceError(t(ctx, 'The record does not exist or is outside your permissions'), 404);
        const deputy: Model | null = deputyId
          ? await ctx.db.getRepository('deputies').findOne({ filterByTk: deputyId as number | string })
          : null;
        if (deputyId && !deputy) throw new VoiceError(t(ctx, 'Choose an existing deputy'));
        if (!(await isAdministrator(ctx))) {
          const stations = await myStationIds(ctx);
          if (stations.length) {
            if (!stationId) stationId = deputy?.get('stationId') ?? stations[0];
            if (!stations.includes(Number(stationId)))
              throw new VoiceError(t(ctx, 'You can register opinions only for your own station'), 403);
            if (deputy && deputy.get('stationId') !== Number(stationId))
              throw new VoiceError(t(ctx, 'The deputy is not at this station'));
          } else if (own) {
            deputyId = own.get('id');
            stationId = own.get('stationId') ?? null;
          } else {
            throw new VoiceError(t(ctx, 'You can register opinions only for your own station'), 403);
          }
        } else if (deputy && !stationId) {
          stationId = deputy.get('stationId') ?? null;
        }
        const photos = (Array.isArray(values.photos) ? values.photos : [])
          .map(idOf)
          .filter((id: unknown) => /^\d{1,15}$/.test(String(id)));
        const opinion = await flow.receive(
          { ...fields, source, deputyId: deputyId ?? deputy?.get('id') ?? null, stationId, photos },
          { context: ctx },
        );
        ctx.body = await ctx.db.getRepository('opinions').findOne({ filterByTk: opinion.get('id') });
      } catch (e) {
        return answerError(ctx, e);
      }
      await next();
    },
  });

  // The handling steps are named actions: on their own routes and through namedActions:run (the pages' JS
  // buttons), after the same permission check — the role's grant of that action and its data scope.
  defineNamedActions(app, 'opinions', {
    classify: step('classify'),
    assign: step('assign'),
    progress: step('progress'),
    answer: step('answer'),
    closeOpinion: step('close'),
    convert: step('convert'),
    retryOpinionCredit: async (ctx: Context, next) => {
      const row = await visible(ctx);
      if (!crediting.dutyPoints()) return ctx.throw(400, t(ctx, 'Duty points are not enabled'));
      ctx.body = (await crediting.credit(row.get('id'), { retry: true })) ?? row;
      await next();
    },
  });

  for (const [action, label] of [
    ['classify', 'Classify'],
    ['assign', 'Assign'],
    ['progress', 'Report progress'],
    ['answer', 'Answer'],
    ['closeOpinion', 'Close the opinion'],
    ['convert', 'Convert to a deputy suggestion'],
    ['retryOpinionCredit', 'File an opinion for duty points again'],
    ['milestone', 'Record a milestone'],
    ['closeMediation', 'Close the mediation case'],
    ['retryMediationCredit', 'File a mediation for duty points again'],
  ]) {
    // NocoBase's action names are global, one display name each: the names say whose they are.
    app.acl.setAvailableAction(action, { displayName: `{{t("${label}", { ns: "${NS}" })}}`, type: 'old-data' });
  }
}
