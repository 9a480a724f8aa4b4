import type { Application } from '@nocobase/server';

type DailyJob = { name: string; cronTime: string; run: () => Promise<unknown>; log: { error: (msg: string, meta?: any) => void } };

/** The suite's jobs by name, kept on the cron manager itself (tests load this module apart from the app's copy). */
function jobsOf(manager: any): Map<string, any> {
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
  const manager: any = (app as any).cronJobManager;
  if (!manager?.addJob) return null;
  const jobs = jobsOf(manager);
  if (jobs.has(job.name)) manager.removeJob(jobs.get(job.name));
  const cronJob = manager.addJob({
    cronTime: job.cronTime,
    timeZone: 'Asia/Shanghai',
    onTick: () => job.run().catch((e: any) => job.log.error(`${job.name} failed`, { error: e?.message })),
  });
  jobs.set(job.name, cronJob);
  if (manager.started) cronJob.start();
  return cronJob;
}

/** The job a plugin scheduled under this name (for the tests: they let the cron manager run it). */
export function scheduledJob(app: Application, name: string) {
  const manager: any = (app as any).cronJobManager;
  return manager ? jobsOf(manager).get(name) ?? null : null;
}
