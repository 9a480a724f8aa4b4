import { scheduledJob } from '@deputy/plugin-suite-core';
import { createSuiteServer, SignedIn, signedInAs } from '@deputy/test-helpers';
import type { PluginDutyPointsServer } from '@deputy/plugin-duty-points';
import type { Model } from '@nocobase/database';
import { MockServer } from '@nocobase/test';
import type { PluginSixOnesServer } from '../plugin';
import { monthOf, quarterOf } from '../services/periods';

/** Today in Asia/Shanghai: records may not be dated in the future, and rule edits recompute the current year. */
const today = () => new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 10);

/**
 * What changes without the nightly job: a rule's duty items edited or a rule added in the UI, a deputy
 * added, leaving office or elected; the nightly job itself is registered with NocoBase's cron manager and runs.
 */
describe('plugin-six-ones: the matrix follows edits at once', () => {
  let app: MockServer;
  let admin: SignedIn;
  let head: SignedIn;
  let station: { id: number };
  let deputy1: { id: number };
  let deputy2: { id: number };
  let plugin: PluginSixOnesServer;
  const item = async (code: string) => (await app.db.getRepository('dutyItems').findOne({ filter: { code } })).toJSON();
  const rule = async (code: string) => (await app.db.getRepository('dutyRules').findOne({ filter: { code } })).toJSON();
  const result = async (code: string, periodKey: string, deputyId: number) =>
    (
      await app.db
        .getRepository('ruleResults')
        .findOne({ filter: { ruleId: (await rule(code)).id, periodKey, deputyId } })
    )?.toJSON();

  beforeAll(async () => {
    app = await createSuiteServer(['@deputy/plugin-deputies', '@deputy/plugin-duty-points', '@deputy/plugin-six-ones']);
    plugin = app.pm.get('@deputy/plugin-six-ones') as PluginSixOnesServer;
    admin = await signedInAs(app, 'npc', ['npc-admin']);
    head = await signedInAs(app, 'head', ['station-staff']);
    station = (
      await admin.agent
        .resource('liaisonStations')
        .create({ values: { name: '高沙镇联络站', headId: head.user.id, staff: [head.user.id] } })
    ).body.data;
    const d1 = await signedInAs(app, 'deputy1', ['deputy']);
    const d2 = await signedInAs(app, 'deputy2', ['deputy']);
    deputy1 = (
      await admin.agent
        .resource('deputies')
        .create({ values: { name: '代表一', stationId: station.id, userId: d1.user.id } })
    ).body.data;
    deputy2 = (
      await admin.agent
        .resource('deputies')
        .create({ values: { name: '代表二', stationId: station.id, userId: d2.user.id } })
    ).body.data;
    // A study record of today, approved by 高沙镇's own sign-in (an approved activity of today).
    const dp = app.pm.get('@deputy/plugin-duty-points') as PluginDutyPointsServer;
    const activity = await dp.filing.scheduleActivity({
      title: '集中学习',
      itemCode: 'D03',
      stationId: station.id,
      date: today(),
    });
    expect((await d1.agent.post('/dutyActivities:signIn').send({ code: activity.get('signInCode') })).status).toBe(200);
  });

  afterAll(async () => {
    await app?.destroy();
  });

  it('registers the nightly job with NocoBase’s cron manager, started with the app, once', async () => {
    // The cron package's declared CronJob leaves out cronTime, which holds the pattern.
    const jobs = (
      [...app.cronJobManager.jobs] as unknown as { cronTime?: { source?: string }; running: boolean }[]
    ).filter((j) => j.cronTime?.source === '0 30 0 * * *');
    expect(jobs).toHaveLength(1);
    expect(jobs[0].running).toBe(true);
    expect(jobs[0]).toBe(scheduledJob(app, 'six-ones nightly'));
  });

  it('gives a deputy added today its rows of the current periods without waiting for the nightly job', async () => {
    const month = monthOf(today()).key;
    expect(await result('R1', month, deputy1.id)).toMatchObject({ count: 1, status: 'met' });
    expect(await result('R1', month, deputy2.id)).toMatchObject({ count: 0 });
    expect(await result('R3', quarterOf(today()).key, deputy2.id)).toMatchObject({ count: 0 });
  });

  it('counts the duty items an administrator gives a rule at once', async () => {
    const quarter = quarterOf(today()).key;
    expect(await result('R3', quarter, deputy1.id)).toMatchObject({ count: 0 });
    const r3 = await rule('R3');
    const [d03, d05] = [await item('D03'), await item('D05')];
    const res = await admin.agent
      .resource('dutyRules')
      .update({ filterByTk: r3.id, values: { items: [d03.id, d05.id] } });
    expect(res.status).toBe(200);
    expect(await result('R3', quarter, deputy1.id)).toMatchObject({ count: 1, status: 'met' });
    // The matrix shows it too.
    const matrix = await admin.agent.get(`/ruleResults:matrix?period=${monthOf(today()).key}`);
    const row = matrix.body.data.deputies.find((d: { deputyId: number }) => d.deputyId === deputy1.id);
    expect(row.cells[r3.id]).toMatchObject({ status: 'met', count: 1 });
    // Back to 视察 only: the study record no longer counts.
    await admin.agent.resource('dutyRules').update({ filterByTk: r3.id, values: { items: [d05.id] } });
    expect(await result('R3', quarter, deputy1.id)).toMatchObject({ count: 0 });
  });

  it('computes a rule added in the UI, with its items, at once', async () => {
    const d03 = await item('D03');
    const res = await admin.agent.resource('dutyRules').create({
      values: {
        code: 'RX',
        name: '每月两次学习',
        subject: 'deputy',
        period: 'month',
        measure: 'records',
        items: [d03.id],
        requiredCount: 2,
        sort: 20,
      },
    });
    expect(res.status).toBe(200);
    expect(await result('RX', monthOf(today()).key, deputy1.id)).toMatchObject({ count: 1, required: 2 });
    const matrix = await head.agent.get(`/ruleResults:matrix?period=${monthOf(today()).key}`);
    expect(matrix.body.data.rules.map((r: { code: string }) => r.code)).toContain('RX');
  });

  it('exempts a deputy who leaves office in the period, at once, and brings the rows back when undone', async () => {
    const month = monthOf(today()).key;
    const left = await admin.agent
      .resource('deputies')
      .update({ filterByTk: deputy2.id, values: { status: 'left', leftOn: today() } });
    expect(left.status).toBe(200);
    expect(await result('R1', month, deputy2.id)).toMatchObject({ status: 'exempt', exemptReason: 'left' });
    await admin.agent
      .resource('deputies')
      .update({ filterByTk: deputy2.id, values: { status: 'active', leftOn: null } });
    expect((await result('R1', month, deputy2.id)).status).not.toBe('exempt');
  });

  it('gives the same rows from the full run as the incremental updates made', async () => {
    const snapshot = async () =>
      (
        (await app.db
          .getRepository('ruleResults')
          .find({ filter: { periodKey: { $in: [monthOf(today()).key, quarterOf(today()).key] } } })) as Model[]
      )
        .map((r) =>
          [
            r.get('ruleId'),
            r.get('deputyId'),
            r.get('stationId'),
            r.get('periodKey'),
            r.get('count'),
            r.get('required'),
            r.get('status'),
            r.get('exemptReason'),
            JSON.stringify(r.get('sourceIds')),
          ].join('|'),
        )
        .sort();
    const incremental = await snapshot();
    await plugin.compliance.recomputeYear(Number(today().slice(0, 4)));
    expect(await snapshot()).toEqual(incremental);
  });

  it('never doubles a slice when the full run and incremental updates of it run at the same moment', async () => {
    const year = Number(today().slice(0, 4));
    await Promise.all([
      plugin.compliance.recomputeYear(year),
      ...Array.from({ length: 6 }, () =>
        plugin.compliance.recomputeFor(['records'], today(), { deputyIds: [deputy1.id] }),
      ),
    ]);
    const r1 = await rule('R1');
    const rows = await app.db
      .getRepository('ruleResults')
      .count({ filter: { ruleId: r1.id, periodKey: monthOf(today()).key, deputyId: deputy1.id } });
    expect(rows).toBe(1);
    const all: Model[] = await app.db
      .getRepository('ruleResults')
      .find({ fields: ['ruleId', 'periodKey', 'deputyId', 'stationId'] });
    const keys = all.map((r) => [r.get('ruleId'), r.get('periodKey'), r.get('deputyId'), r.get('stationId')].join('|'));
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('keeps a working Saturday and moves a Sunday reception day to the next working day', async () => {
    const res = await admin.agent
      .resource('liaisonStations')
      .create({ values: { name: '石江镇联络站', receptionDays: [10, 11] } });
    expect(res.status).toBe(200);
    await plugin.reception.generateMonth('2026-10', [res.body.data.id]);
    const sessions: Model[] = await app.db
      .getRepository('receptionSessions')
      .find({ filter: { stationId: res.body.data.id }, sort: ['scheduledOn'] });
    // 10 October 2026 is a Saturday worked in exchange for the 国庆 holiday; 11 October is a Sunday.
    expect(
      sessions.map((s) => [String(s.get('scheduledOn')).slice(0, 10), String(s.get('date')).slice(0, 10)]),
    ).toEqual([
      ['2026-10-10', '2026-10-10'],
      ['2026-10-11', '2026-10-12'],
    ]);
  });
});
