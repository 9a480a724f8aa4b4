import type { Context } from '@nocobase/actions';
import type PluginErrorHandlerServer from '@nocobase/plugin-error-handler';
import type { Application } from '@nocobase/server';
import { NS } from '../fields/field-builders';

/** Sequelize's errors for a database that cannot be reached (down, restarting, refusing, pool exhausted). */
const OUTAGE = new Set([
  'SequelizeConnectionError',
  'SequelizeConnectionRefusedError',
  'SequelizeConnectionTimedOutError',
  'SequelizeConnectionAcquireTimeoutError',
  'SequelizeHostNotFoundError',
  'SequelizeHostNotReachableError',
]);
const NETWORK = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', '57P01', '57P03']);

/** What the drivers say when a pooled connection died with the server (pg, mysql2, mariadb). */
const LOST =
  /Connection terminated|not queryable|terminating connection|database system is (starting up|shutting down)|not currently accepting connections|Connection lost|PROTOCOL_CONNECTION_LOST|socket has unexpectedly been closed/i;

/** What a driver's or Sequelize's error may carry, as far as this reads it. */
type DriverError = {
  name?: string;
  code?: string;
  message?: string;
  parent?: { code?: string; message?: string };
  original?: { code?: string };
};

export function isDatabaseOutage(caught: unknown) {
  const err = caught as DriverError | null | undefined;
  if (!err) return false;
  if (OUTAGE.has(err.name)) return true;
  const code = err.code ?? err.parent?.code ?? err.original?.code;
  const message = `${err.message ?? ''} ${err.parent?.message ?? ''}`;
  // 57P01: the server terminated the connection (admin shutdown); 57P03: it is starting up.
  if (NETWORK.has(code) && (String(err.name).startsWith('Sequelize') || /connect|terminat|shut/i.test(message)))
    return true;
  return String(err.name).startsWith('Sequelize') && LOST.test(message);
}

/**
 * While the database restarts under a running app, requests fail; NocoBase answers 500 with the driver's
 * text ("connect ECONNREFUSED 127.0.0.1:15432"). The suite answers 503 with Retry-After and a message in the
 * caller's language, and nothing else is needed afterwards: the connection pool opens new connections once
 * the database is back (check-crash-safety.js, database-outage.test.ts).
 */
export function answerDatabaseOutages(app: Application) {
  const handler = (app.pm.get('error-handler') as PluginErrorHandlerServer | undefined)?.errorHandler;
  if (!handler?.register) return;
  handler.register(isDatabaseOutage, (err: Error | undefined, ctx: Context) => {
    ctx.status = 503;
    ctx.set('Retry-After', '10');
    ctx.body = {
      errors: [{ message: ctx.t('The database cannot be reached right now; try again in a moment', { ns: NS }) }],
    };
    ctx.app?.logger?.warn?.('database unreachable', { error: err?.message });
  });
}
