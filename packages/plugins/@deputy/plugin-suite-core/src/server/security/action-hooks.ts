import type { Context, Next } from '@nocobase/actions';
import type { Application } from '@nocobase/server';
import { cloneDeep } from 'lodash';

type Handler = (ctx: Context, next: Next) => Promise<unknown>;
/** The resource manager with the generic pre-action handlers NocoBase keeps protected (read at request time). */
type WithGenericHandlers = Application['resourceManager'] & { preActionHandlers?: Map<string, { nodes?: Handler[] }> };

/** Keys (`resource:action`) whose specific handlers already start with NocoBase's generic ones. */
const withGeneric = new WeakMap<object, Set<string>>();

/**
 * Registers one of the suite's checks before an action: `onAction(app, 'dutyRecords:create', check)`.
 *
 * Why not `registerPreActionHandler` alone: NocoBase keeps generic pre-action handlers per action name
 * (`create`, `update`, `query`…) — among them plugin-acl's check of nested association values — and uses
 * them only for resources that have *no* handler of their own. A specific handler therefore silently
 * switched that check off. Here the first hook on a key also runs the generic handlers of its action,
 * first, so the suite's checks see (and leave in place) what NocoBase's own checks let through.
 */
export function onAction(app: Application, key: string, handler: Handler, options: { backstop?: boolean } = {}) {
  const manager = app.resourceManager as WithGenericHandlers;
  let done = withGeneric.get(manager);
  if (!done) withGeneric.set(manager, (done = new Set()));
  if (!done.has(key)) {
    done.add(key);
    const action = key.split(':').pop() as string;
    // Read at request time: plugin-acl registers its handlers when the data source is added, which may be later.
    const runGeneric: Handler = async (ctx, next) => {
      ctx.state.rawActionValues = cloneDeep(ctx.action?.params?.values);
      const generic: Handler[] = manager.preActionHandlers?.get(action)?.nodes ?? [];
      let i = -1;
      const step = async (n: number): Promise<unknown> => {
        if (n <= i) throw new Error('next() called twice');
        i = n;
        return n < generic.length ? generic[n](ctx, () => step(n + 1)) : next();
      };
      return step(0);
    };
    manager.registerPreActionHandler(key, runGeneric, { tag: 'nocobase-generic' });
  }
  // A backstop (the suite-wide reference check) runs after the plugins' own, more specific checks and messages.
  manager.registerPreActionHandler(
    key,
    handler,
    options.backstop
      ? { group: 'suite-backstop', after: ['nocobase-generic', 'suite-checks'] }
      : { group: 'suite-checks', after: 'nocobase-generic' },
  );
}

/**
 * The values as the caller sent them, before NocoBase dropped the fields its role may not write. For a
 * check that answers a forbidden change with a clear refusal instead of letting it be silently ignored.
 */
export function rawValues(ctx: Context): Record<string, unknown> {
  return ctx.state.rawActionValues ?? ctx.action?.params?.values ?? {};
}
