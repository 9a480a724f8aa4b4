import { createSuiteServer, signedInAs } from '@deputy/test-helpers';
import type { Model } from '@nocobase/database';
import { MockServer } from '@nocobase/test';
import { CronTime } from 'cron';
import { scheduledJob, scheduleJob } from '@deputy/plugin-suite-core';

/**
 * Scheduled jobs run once per cluster (#16): every instance's cron manager fires the same tick, the database
 * lets one of them record the run and the others skip it. The cron manager's own job fires here — twice at
 * the same moment, as two instances would — and the run is recorded, also when it fails.
 */
describe('plugin-suite-core: scheduled jobs run once per tick, on a cluster too', () => {
  let app: MockServer;
  const runs = () => app.db.getRepository('scheduledJobRuns').find({ sort: ['id'] });

  beforeAll(async () => {
    app = await createSuiteServer(['@deputy/plugin-deputies']);
  });

  afterAll(async () => {
    await app?.destroy();
  });

  it('two instances firing the same tick run the job once; the run is recorded as done', async () => {
    let ran = 0;
    const log = { error: () => undefined };
    const job = scheduleJob(app, {
      name: 'test once',
      cronTime: '0 0 3 * * *',
      log,
      run: async () => void (await new Promise((r) => setTimeout(r, 200)), ran++),
    });
    expect(scheduledJob(app, 'test once')).toBe(job);
    // The cron library calls its onTick callbacks; two instances of the app do that at the same minute.
    await Promise.all([job.fireOnTick(), job.fireOnTick()]);
    for (let i = 0; i < 50 && !(await runs()).some((r: Model) => r.get('status') === 'done'); i++)
      await new Promise((r) => setTimeout(r, 100));
    expect(ran).toBe(1);
    const rows = (await runs()).filter((r: Model) => r.get('name') === 'test once');
    expect(rows.map((r: Model) => r.get('status'))).toEqual(['done']);
    expect(rows[0].get('finishedAt')).toBeTruthy();
  });

  it('the cron manager ticking every second runs the job once per minute, and records a failure with its message', async () => {
    let ran = 0;
    const log = { error: () => undefined };
    const job = scheduleJob(app, {
      name: 'test failing',
      cronTime: '0 0 4 * * *',
      log,
      run: async () => {
        ran++;
        throw new Error('数据库不可用');
      },
    });
    job.setTime(new CronTime('* * * * * *', 'Asia/Shanghai'));
    job.start();
    try {
      await new Promise((r) => setTimeout(r, 2600));
    } finally {
      job.stop();
    }
    const rows = (await runs()).filter((r: Model) => r.get('name') === 'test failing');
    // Ticks in the same minute share one run: one or, across a minute boundary, two.
    expect(ran).toBe(rows.length);
    expect(rows.length).toBeGreaterThanOrEqual(1);
    expect(rows.length).toBeLessThanOrEqual(2);
    expect(rows.every((r: Model) => r.get('status') === 'failed' && r.get('message') === '数据库不可用')).toBe(true);
  });

  it('administrators read the runs; nobody writes them through the API', async () => {
    const { agent } = await signedInAs(app, 'jobadmin', ['npc-admin']);
    const list = await agent.get('/scheduledJobRuns:list');
    expect(list.status).toBe(200);
    expect(list.body.data.length).toBeGreaterThanOrEqual(2);
    const before = (await runs()).length;
    expect(
      (await agent.post('/scheduledJobRuns:create').send({ name: 'forged', slot: 'x', status: 'done' })).status,
    ).toBeGreaterThanOrEqual(400);
    const first = (await runs())[0];
    expect(
      (await agent.post(`/scheduledJobRuns:update?filterByTk=${first.get('id')}`).send({ status: 'done' })).status,
    ).toBeGreaterThanOrEqual(400);
    expect((await agent.post(`/scheduledJobRuns:destroy?filterByTk=${first.get('id')}`)).status).toBeGreaterThanOrEqual(
      400,
    );
    expect((await runs()).length).toBe(before);
    expect((await runs())[0].get('status')).toBe(first.get('status'));
  });
});
