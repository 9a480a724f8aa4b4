import type { Context, Next } from '@nocobase/actions';
import { NoPermissionError } from '@nocobase/acl';
import type { Application } from '@nocobase/server';
import { NS } from '../fields/field-builders';
import { isAdministrator } from '../actor/reach';
import { defineSuiteResource } from './read-guard';

type Handler = (ctx: Context, next: Next) => Promise<unknown>;

/** The resource a page's button calls to run a named action: `POST /api/namedActions:run`. */
export const NAMED_ACTIONS_RESOURCE = 'namedActions';

type Registries = WeakMap<Application['resourceManager'], Map<string, Handler>>;
const REGISTRIES = Symbol.for('@deputy/plugin-suite-core:namedActions');
/**
 * What `namedActions:run` may run, per app (tests boot several apps in one process), by the app's resource
 * manager: a test may hold a proxy of the app the plugins were given. Kept under a global symbol: the plugins
 * and a test that imports this module may load two copies of it (Node's loader and vitest's).
 */
const registries: Registries = ((globalThis as { [REGISTRIES]?: Registries })[REGISTRIES] ??= new WeakMap());

/**
 * Named actions for named effects: `scorePeriods:publish`, `pointAppeals:decide`, `dutyRecords:submit`… are
 * each their own ACL action, granted per role in 角色和权限 with its data scope, and plain `update` only updates.
 *
 * Why `namedActions:run` besides each action's own route: NocoBase 2.2's page editor (flowSurfaces) refuses a JS
 * button that calls a collection's custom action (only list/get/create/update/destroy…), but lets it call a
 * resource that is not a collection. `run { action: 'scorePeriods:publish', filterByTk, values }` runs the same
 * handler the action's own route runs, after the same permission check: the caller's grant of *that* action,
 * its data scope merged into the filter (or the action's own allow rule, for actions every signed-in user may
 * call and that check the caller themselves). An action not defined here cannot be run through it.
 */
export function defineNamedActions(app: Application, resource: string, actions: Record<string, Handler>) {
  let registry = registries.get(app.resourceManager);
  if (!registry) {
    registries.set(app.resourceManager, (registry = new Map()));
    const actions = registry;
    defineSuiteResource(app, {
      name: NAMED_ACTIONS_RESOURCE,
      actions: {
        run: (ctx: Context, next: Next) => runNamedAction(actions, ctx, next),
        // What run runs, for administrators: the attack generator on a started app reads it (class F).
        list: async (ctx: Context, next: Next) => {
          ctx.body = keysOf(actions);
          await next();
        },
      },
    });
    // The permission that counts is the named action's own, checked in run.
    app.acl.allow(NAMED_ACTIONS_RESOURCE, 'run', 'loggedIn');
    app.acl.allow(NAMED_ACTIONS_RESOURCE, 'list', (ctx: Context) => isAdministrator(ctx));
  }
  for (const [action, handler] of Object.entries(actions)) {
    registry.set(`${resource}:${action}`, handler);
    app.resourceManager.registerActionHandler(`${resource}:${action}`, handler);
  }
}

/**
 * Every `resource:action` `namedActions:run` runs in this app, sorted: what defineNamedActions registered. The
 * attack generator takes its list from here, so a named action is attacked the day it is registered.
 */
export function namedActionsOf(app: Application): string[] {
  return keysOf(registries.get(app.resourceManager));
}

const keysOf = (registry: Map<string, Handler> | undefined) => [...(registry?.keys() ?? [])].sort();

async function runNamedAction(registry: Map<string, Handler>, ctx: Context, next: Next) {
  const { action: key, filterByTk, values } = ctx.action.params.values ?? {};
  const handler = typeof key === 'string' ? registry.get(key) : undefined;
  if (!handler) return ctx.throw(400, ctx.t('This action cannot be run from a button', { ns: NS }));
  // A button names one record (or none): an array or an operator object would let a handler's lookup inside the
  // scope carry rows outside it along.
  if (filterByTk !== undefined && filterByTk !== null && !['string', 'number'].includes(typeof filterByTk))
    return ctx.throw(400, ctx.t('A button acts on one record', { ns: NS }));
  const [resourceName, actionName] = key.split(':');
  const params = { filterByTk, values: values ?? {} };
  let granted: Record<string, unknown> = params;
  if (!(await ctx.app.acl.allowManager.isAllowed(resourceName, actionName, ctx))) {
    try {
      granted = (await ctx.app.acl.resolveActionParams(ctx, { resourceName, actionName, params })).mergedParams;
    } catch (e) {
      if (e instanceof NoPermissionError) return ctx.throw(403, ctx.t('No permissions', { ns: NS }));
      throw e;
    }
  }
  // The handler reads its parameters as on its own route: filterByTk, the data scope's filter, values.
  ctx.action.params = granted;
  return handler(ctx, next);
}
