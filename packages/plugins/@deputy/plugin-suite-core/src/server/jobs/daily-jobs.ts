import os from 'os';
import type { Model } from '@nocobase/database';
import type { Application } from '@nocobase/server';

type DailyJob = {
  name: string;
  cronTime: string;
  run: () => Promise<unknown>;
  log: { error: (msg: string, meta?: Record<string, unknown>) => void };
};
type CronJobManager = Application['cronJobManager'];
type CronJob = ReturnType<CronJobManager['addJob']>;
/** The manager with the suite's jobs by name, kept on it (see jobsOf). */
type WithDeputyJobs = CronJobManager & { deputyJobs?: Map<string, CronJob> };

/** The suite's jobs by name, kept on the cron manager itself (tests load this module apart from the app's copy). */
function jobsOf(manager: WithDeputyJobs): Map<string, CronJob> {
  if (!manager.deputyJobs) manager.deputyJobs = new Map();
  return manager.deputyJobs;
}

/**
 * Adds a scheduled job (Asia/Shanghai) to NocoBase's cron manager, said once for the suite. Call it from a
 * plugin's load(): the manager starts its jobs when the app starts, so a job added later — in an afterStart
 * listener of the plugin — would never run; when the app is already running (a plugin enabled at runtime)
 * the job is started here. A reload replaces the job of the same name instead of adding a second one.
 */
export function scheduleJob(app: Application, job: DailyJob) {
  const manager: WithDeputyJobs | undefined = app.cronJobManager;
  if (!manager?.addJob) return null;
  const jobs = jobsOf(manager);
  if (jobs.has(job.name)) manager.removeJob(jobs.get(job.name));
  const cronJob = manager.addJob({
    cronTime: job.cronTime,
    timeZone: 'Asia/Shanghai',
    // cron ignores what onTick returns: the run's own catch reports its failure.
    onTick: () =>
      void runOnce(app, job).catch((e: unknown) =>
        job.log.error(`${job.name} failed`, { error: (e as Error | undefined)?.message }),
      ),
  });
  jobs.set(job.name, cronJob);
  if (manager.started) cronJob.start();
  return cronJob;
}

/** The job a plugin scheduled under this name (for the tests: they let the cron manager run it). */
export function scheduledJob(app: Application, name: string) {
  const manager: WithDeputyJobs | undefined = app.cronJobManager;
  return manager ? (jobsOf(manager).get(name) ?? null) : null;
}

/** The minute a tick belongs to, in Asia/Shanghai: the same on every instance that fires it. */
function slotOf(now: Date) {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-CA', {
      timeZone: 'Asia/Shanghai',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    })
      .formatToParts(now)
      .map((p) => [p.type, p.value]),
  );
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}`;
}

/**
 * Runs a tick of a job once per cluster: the instance that records the run (unique job + minute) runs it, any
 * other instance firing the same tick finds the row and skips. The row then tells how the run ended.
 */
export async function runOnce(app: Application, job: DailyJob, now = new Date()) {
  const runs = app.db.getRepository('scheduledJobRuns');
  let run: Model;
  try {
    // One plain INSERT, no transaction around it: the unique key decides between instances.
    run = await app.db.getModel('scheduledJobRuns').create({
      name: job.name,
      slot: slotOf(now),
      status: 'running',
      instance: `${os.hostname()}:${process.pid}`,
      startedAt: now,
    });
  } catch (e: unknown) {
    if ((e as Error | undefined)?.name === 'SequelizeUniqueConstraintError') return false;
    throw e;
  }
  try {
    await job.run();
    await runs.update({ filterByTk: run.get('id'), values: { status: 'done', finishedAt: new Date() } });
  } catch (e: unknown) {
    await runs.update({
      filterByTk: run.get('id'),
      values: {
        status: 'failed',
        finishedAt: new Date(),
        message: String((e as Error | undefined)?.message ?? e).slice(0, 2000),
      },
    });
    throw e;
  }
  return true;
}
