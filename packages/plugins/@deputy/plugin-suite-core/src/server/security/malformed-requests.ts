import type { Context } from '@nocobase/actions';
import type PluginErrorHandlerServer from '@nocobase/plugin-error-handler';
import type { Application } from '@nocobase/server';
import { NS } from '../fields/field-builders';

/**
 * NocoBase answers a few malformed requests with a plain Error, i.e. 500 "server error", before any permission
 * check: an update or destroy that names no record, and `list` on a to-one association route
 * (`activityAttendances/1/activity:list`). They are the caller's mistakes and change nothing: 400, in the
 * caller's language.
 */
const MALFORMED: { test: (err: unknown) => boolean; message: string }[] = [
  {
    test: (err) =>
      /^to do (update|destroy) action, filter or filterByTk is required$/.test(
        (err as Error | undefined)?.message ?? '',
      ),
    message: 'Say which record: give filterByTk or a filter',
  },
  {
    test: (err) => err instanceof TypeError && /^repository\.\w+ is not a function$/.test(err.message),
    message: 'This action does not apply to this association',
  },
];

export function answerMalformedRequests(app: Application) {
  const handler = (app.pm.get('error-handler') as PluginErrorHandlerServer | undefined)?.errorHandler;
  if (!handler?.register) return;
  for (const { test, message } of MALFORMED) {
    handler.register(test, (_err: unknown, ctx: Context) => {
      ctx.status = 400;
      ctx.body = { errors: [{ message: ctx.t(message, { ns: NS }) }] };
    });
  }
}
