import type { Context } from '@nocobase/actions';
import type { Application } from '@nocobase/server';
import { NS } from '../fields';
import { defineSuiteResource } from '@deputy/plugin-suite-core';
import { loadDeputiesDemo } from './deputies-demo';
import { DemoAccount, DemoPart, newDemoTown } from './demo-town';

/** Collections whose rows mean "someone already uses this instance": the demo never loads next to them. */
const REAL_DATA = ['deputies', 'liaisonStations', 'dutyRecords', 'aidHouseholds', 'opinions'];

export type DemoState =
  | { state: 'idle' }
  | { state: 'running'; progress: string[] }
  | {
      state: 'done';
      progress: string[];
      seconds: number;
      password: string;
      accounts: DemoAccount[];
      counts: Record<string, number>;
    }
  | { state: 'failed'; progress: string[]; message: string };

/**
 * `npm start -- --demo` (#22): the root user loads the demo town into an empty suite — `deputyDemo:load`
 * starts it (202) and `deputyDemo:status` tells its progress and, once done, the accounts. The actions exist
 * only while the app runs with DEPUTY_DEMO=on (start.js sets it for that run), answer root alone, and refuse
 * a database that already holds stations, deputies, records, households or opinions.
 */
export function registerDemoLoad(app: Application) {
  if (process.env.DEPUTY_DEMO !== 'on') return;
  let status: DemoState = { state: 'idle' };
  const rootOnly = (ctx: Context) => {
    if (ctx.state.currentRole !== 'root')
      ctx.throw(403, ctx.t('Only the root user can load the demo town', { ns: NS }));
  };
  defineSuiteResource(app, {
    name: 'deputyDemo',
    actions: {
      async status(ctx: Context, next) {
        rootOnly(ctx);
        ctx.body = status;
        await next();
      },
      async load(ctx: Context, next) {
        rootOnly(ctx);
        if (status.state === 'running') return ctx.throw(409, ctx.t('The demo town is being loaded', { ns: NS }));
        for (const name of REAL_DATA) {
          if (app.db.hasCollection(name) && (await app.db.getRepository(name).count())) {
            return ctx.throw(
              400,
              ctx.t('This instance already holds data: the demo town loads only into an empty suite', { ns: NS }),
            );
          }
        }
        // A subset of the suite's plugins (their package names), for trying one plugin's part.
        const only: string[] | undefined = Array.isArray(ctx.action.params.values?.only)
          ? ctx.action.params.values.only
          : undefined;
        const progress: string[] = [];
        status = { state: 'running', progress };
        const started = Date.now();
        const before = await rowCounts(app);
        const town = newDemoTown(app.db, ctx, (message) => {
          const line = `${Math.round((Date.now() - started) / 1000)} s: ${message}`;
          progress.push(line);
          app.logger.info(`[demo] ${line}`);
        });
        // In the background: a load takes a minute or more, longer than a request should wait.
        (async () => {
          try {
            await loadDeputiesDemo(town);
            for (const plugin of app.pm.getPlugins().values()) {
              if (only && !only.includes(plugin.name)) continue;
              if (plugin.enabled && typeof (plugin as unknown as DemoPart).loadDemo === 'function') {
                await (plugin as unknown as DemoPart).loadDemo(town);
              }
            }
            await town.runFinally();
            const counts = diff(before, await rowCounts(app));
            const seconds = Math.round((Date.now() - started) / 1000);
            town.progress('done');
            status = { state: 'done', progress, seconds, password: town.password, accounts: town.accounts, counts };
          } catch (e: unknown) {
            app.logger.error('[demo] the demo town failed to load', e);
            status = { state: 'failed', progress, message: (e as Error | undefined)?.message || String(e) };
          }
        })();
        ctx.status = 202;
        ctx.body = { state: 'running' };
        await next();
      },
    },
  });
}

/** Rows of the suite's collections, its users and their files: what the load wrote is the difference. */
async function rowCounts(app: Application) {
  const counts: Record<string, number> = {};
  for (const c of app.db.collections.values()) {
    if (
      String(c.origin ?? '').startsWith('@deputy/') ||
      ['users', 'attachments', 'workflowManualTasks'].includes(c.name)
    ) {
      counts[c.name] = await app.db.getRepository(c.name).count();
    }
  }
  return counts;
}

const diff = (before: Record<string, number>, after: Record<string, number>) =>
  Object.fromEntries(
    Object.entries(after)
      .filter(([name, n]) => n > (before[name] ?? 0))
      .map(([name, n]) => [name, n - (before[name] ?? 0)]),
  );
