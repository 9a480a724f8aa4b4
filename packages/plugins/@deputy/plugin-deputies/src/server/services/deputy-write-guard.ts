import type { Context, Next } from '@nocobase/actions';
import type { Application } from '@nocobase/server';
import { isSuiteCollection, NAMED_ACTIONS_RESOURCE } from '@deputy/plugin-suite-core';

/** Actions that change data (NocoBase's own and the suite's); everything else reads, and stays open. */
const WRITE_ACTIONS = new Set([
  'create',
  'update',
  'destroy',
  'add',
  'set',
  'remove',
  'toggle',
  'move',
  'firstOrCreate',
  'updateOrCreate',
  'importXlsx',
  'upload',
  'submit',
  'revoke',
  'publish',
  'decide',
  'createAccount',
]);
/** Reads of the suite's collections; every other action on them (custom ones included) changes something. */
const SUITE_READS = new Set(['list', 'get', 'export']);
// Action names are the same in every app of the process (tests boot several), so one set serves all.
const declaredReads = new Set<string>();

/** A plugin's custom actions on its collections that only read (`ruleResults:matrix`), open to left deputies. */
export function declareReadActions(keys: string[]) {
  for (const key of keys) declaredReads.add(key);
}

function isWrite(ctx: Context, resourceName: string, actionName: string) {
  // A page button's named action (publish, decide, submit…) changes something.
  if (resourceName === NAMED_ACTIONS_RESOURCE) return true;
  const collection = resourceName ? ctx.db.getCollection(resourceName) : null;
  if (collection && isSuiteCollection(collection)) {
    return !SUITE_READS.has(actionName) && !declaredReads.has(`${resourceName}:${actionName}`);
  }
  return WRITE_ACTIONS.has(actionName);
}

/** What a user needs to sign in and out and to change the initial password. */
const ALWAYS_ALLOWED = new Set(['auth:signIn', 'auth:signOut', 'auth:changePassword']);

/**
 * Refuses writes, with a localized 403, from
 * - a user whose account was created with an initial password not yet changed, and
 * - a deputy who has left office (its history stays; it can still sign in and read).
 * Reads stay open (including reads sent as POST) so the UI still loads and shows why. On the suite's own
 * collections every action but list/get/export and the declared reads counts as a write, so a new custom
 * action is guarded the day it lands.
 */
export function registerDeputyWriteGuard(app: Application, ns: string) {
  app.resourceManager.use(
    async function deputyWriteGuard(ctx: Context, next: Next) {
      const user = ctx.state.currentUser;
      const { resourceName, actionName } = ctx.action ?? {};
      const key = `${resourceName}:${actionName}`;
      if (!user || ALWAYS_ALLOWED.has(key) || !isWrite(ctx, resourceName, actionName)) {
        await next();
        if (key === 'auth:changePassword' && user && ctx.status < 400) {
          await ctx.db.getRepository('users').update({ filterByTk: user.id, values: { mustChangePassword: false } });
        }
        return;
      }
      if (user.mustChangePassword) {
        return ctx.throw(403, ctx.t('Change your initial password before making changes', { ns }));
      }
      const deputy = await ctx.db
        .getRepository('deputies')
        .findOne({ filter: { userId: user.id }, fields: ['id', 'status'] });
      if (deputy?.get('status') === 'left') {
        return ctx.throw(403, ctx.t('A deputy who has left office can no longer make changes', { ns }));
      }
      await next();
    },
    { tag: 'deputy-write-guard', after: 'auth', before: 'acl' },
  );
}
