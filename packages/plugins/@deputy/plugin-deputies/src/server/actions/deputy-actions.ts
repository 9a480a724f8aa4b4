import { onAction, rawValues } from '@deputy/plugin-suite-core';
import type { Context } from '@nocobase/actions';
import type { Application } from '@nocobase/server';
import { isAdministrator } from '@deputy/plugin-suite-core';
import { createDeputyAccount } from '../services/deputy-accounts';
import { answerRefusal } from '@deputy/plugin-suite-core';

/**
 * deputies:me            — the signed-in user's own deputy record, all fields (others see public ones only).
 * deputies:createAccount — creates the user a deputy signs in with; returns the initial password once.
 */
export function registerDeputyActions(app: Application, ns: string) {
  app.resourceManager.registerActionHandlers({
    'deputies:me': async (ctx: Context, next) => {
      ctx.body = await ctx.db.getRepository('deputies').findOne({
        filter: { userId: ctx.state.currentUser.id },
        appends: ['station', 'term', 'gridAreas', 'groups'],
      });
      await next();
    },
    'deputies:createAccount': async (ctx: Context, next) => {
      const { filterByTk, values = {} } = ctx.action.params;
      const t = (key: string) => ctx.t(key, { ns });
      try {
        const { user, password } = await createDeputyAccount(ctx.db, filterByTk, values, t);
        ctx.body = { userId: user.get('id'), username: user.get('username'), initialPassword: password };
      } catch (e) {
        return answerRefusal(ctx, e);
      }
      await next();
    },
  });
  // Moving a deputy to another station is the 人大 administrator's decision, whatever fields a role may edit.
  onAction(app, 'deputies:update', async (ctx, next) => {
    const values = rawValues(ctx);
    const requested = values.stationId ?? (values.station as { id?: unknown } | undefined)?.id ?? values.station;
    if (requested !== undefined && !(await isAdministrator(ctx))) {
      const current = await ctx.db
        .getRepository('deputies')
        .findOne({ filterByTk: ctx.action.params.filterByTk, fields: ['id', 'stationId'] });
      if (!current || String(current.get('stationId')) !== String(requested)) {
        return ctx.throw(403, ctx.t('Only an NPC administrator can change the station of a deputy', { ns }));
      }
    }
    await next();
  });
  app.acl.allow('deputies', 'me', 'loggedIn');
  // createAccount is granted like any action: administrators hold it through their strategy.
  app.acl.setAvailableAction('createAccount', {
    displayName: `{{t("Create user account", { ns: "${ns}" })}}`,
    type: 'old-data',
  });
}
