import { declareReadActions } from '@deputy/plugin-deputies';
import type { Context } from '@nocobase/actions';
import type { Application } from '@nocobase/server';
import { NS } from '../fields';
import { answer, translate } from '../services/errors';
import { formPage } from '../services/form-page';
import type { PublicIntake } from '../services/public-intake';

/**
 * The public side of 码上找代表, without sign-in:
 * opinions:target — the addressee of a QR code (a name and a station);
 * opinions:submit — a new opinion through a QR code; answers the tracking code;
 * opinions:track  — 进度查询: status, milestones and answer of the one opinion with that code;
 * opinions:rate   — 1–5 stars, once, when closed;
 * opinions:form   — the same as a small HTML page (GET), which posts to opinions:submit.
 * Nothing else of opinions is public; the citizen's name and phone are never returned.
 */
export function registerPublicActions(app: Application, intake: PublicIntake) {
  const params = (ctx: Context) => {
    const { values, ...rest } = ctx.action.params ?? {};
    return { ...rest, ...(values && typeof values === 'object' && !Array.isArray(values) ? values : {}) };
  };
  const notFound = (ctx: Context) =>
    ctx.throw(
      404,
      translate(
        { context: ctx },
        'This QR code is not valid; please scan the code on the deputy’s card or the station’s board again',
      ),
    );

  app.resourceManager.registerActionHandlers({
    'opinions:target': async (ctx: Context, next) => {
      const target = await intake.target(params(ctx).token);
      if (!target) return notFound(ctx);
      ctx.body = intake.describe(target);
      await next();
    },
    'opinions:submit': async (ctx: Context, next) => {
      try {
        ctx.body = await intake.submit(ctx, params(ctx));
      } catch (e) {
        return answer(ctx, e);
      }
      await next();
    },
    'opinions:track': async (ctx: Context, next) => {
      try {
        ctx.body = (await intake.track(ctx, params(ctx).code ?? params(ctx).trackingCode)).view;
      } catch (e) {
        return answer(ctx, e);
      }
      await next();
    },
    'opinions:rate': async (ctx: Context, next) => {
      try {
        ctx.body = await intake.rate(ctx, params(ctx));
      } catch (e) {
        return answer(ctx, e);
      }
      await next();
    },
    'opinions:form': async (ctx: Context, next) => {
      const token = params(ctx).token;
      const target = token ? await intake.target(token) : null;
      if (token && !target) return notFound(ctx);
      ctx.withoutDataWrapping = true;
      ctx.type = 'text/html';
      ctx.set(
        'Content-Security-Policy',
        "default-src 'self'; script-src 'unsafe-inline' 'self'; style-src 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; form-action 'none'; frame-ancestors 'none'",
      );
      ctx.set('X-Content-Type-Options', 'nosniff');
      ctx.body = formPage({
        token: target ? String(token) : null,
        target: target ? intake.describe(target) : null,
        lang: ctx.getCurrentLocale?.() ?? 'zh-CN',
        t: (key: string, vars?: Record<string, unknown>) => ctx.t(key, { ns: NS, ...(vars ?? {}) }),
      });
      await next();
    },
  });
  app.acl.allow('opinions', ['target', 'submit', 'track', 'rate', 'form'], 'public');
  declareReadActions(['opinions:target', 'opinions:track', 'opinions:form']);
}
