import { scheduledJob } from '@deputy/plugin-suite-core';
import { createSuiteServer, deputyOf, signedInAs, stationHeadedBy } from '@deputy/test-helpers';
import type { SignedIn } from '@deputy/test-helpers';
import type { Model } from '@nocobase/database';
import { MockServer } from '@nocobase/test';
import type { CronJob } from 'cron';
import { CronTime } from 'cron';

/**
 * 督办 on a clock: the daily job, run by NocoBase's cron manager, marks the units' parts past their due date as
 * overdue and reminds the office's administrators and a key suggestion's supervising leader, once a day.
 */
describe('plugin-suggestions: overdue assignments, reminded by the daily job', () => {
  let app: MockServer;
  let admin: SignedIn;
  let leader: SignedIn;
  let late: number;
  let onTime: number;

  beforeAll(async () => {
    app = await createSuiteServer(['@deputy/plugin-deputies', '@deputy/plugin-suggestions']);
    admin = await signedInAs(app, 'od-npc', ['npc-admin']);
    leader = await signedInAs(app, 'od-leader', ['npc-admin']);
    const head = await signedInAs(app, 'od-head', ['station-staff']);
    const deputy = await signedInAs(app, 'od-deputy', ['deputy']);
    const station = await stationHeadedBy(admin.agent, '观音滩镇联络站', head);
    const deputyId = (await deputyOf(admin.agent, '雷代表', station.id, deputy.user.id)).id;
    const session = await admin.agent
      .resource('congressSessions')
      .create({ values: { code: '二届一次', title: '第二届人民代表大会第一次会议' } });
    const unit = await admin.agent.resource('handlingUnits').create({ values: { name: '市水利局' } });
    const post = (action: string, id: number, values: object = {}) =>
      admin.agent.post(`/${action}?filterByTk=${id}`).send(values);
    const parts: number[] = [];
    for (const title of ['关于加固观音滩河堤的建议', '关于改造农村饮水工程的建议']) {
      const s = await admin.agent
        .resource('suggestions')
        .create({ values: { sessionId: session.body.data.id, leadDeputyId: deputyId, title, content: '内容' } });
      const id = s.body.data.id;
      await post('suggestions:submitSuggestion', id);
      await post('suggestions:reviewSuggestion', id, { decision: 'accept' });
      await post('suggestions:assignSuggestion', id, { units: [{ unitId: unit.body.data.id, role: 'lead' }] });
      parts.push(
        (await app.db.getRepository('suggestionAssignments').findOne({ filter: { suggestionId: id } })).get('id'),
      );
      if (parts.length === 1)
        expect((await post('suggestions:markKey', id, { year: 2026, supervisorId: leader.user.id })).status).toBe(200);
    }
    [late, onTime] = parts;
    // The first was due a week ago (as if assigned three months back).
    const weekAgo = new Date(Date.now() + 8 * 3600e3 - 7 * 86400e3).toISOString().slice(0, 10);
    await app.db
      .getRepository('suggestionAssignments')
      .update({ filterByTk: late, values: { dueOn: weekAgo }, suggestionFlow: true } as never);
  });

  afterAll(async () => {
    await app?.destroy();
  });

  it('runs from the cron manager: the overdue part marked, the office and the supervising leader reminded once', async () => {
    // The cron package's declared CronJob leaves out cronTime, which holds the pattern.
    const job = scheduledJob(app, 'suggestions daily') as CronJob & { cronTime: { source: string } };
    expect(job && app.cronJobManager.jobs.has(job)).toBe(true);
    expect(job.cronTime.source).toBe('0 30 8 * * *');
    const reminders = () =>
      app.db.getRepository('reminderLog').find({ filter: { key: { $like: 'suggestion-overdue:%' } } });
    job.setTime(new CronTime('* * * * * *', 'Asia/Shanghai'));
    job.start();
    try {
      const deadline = Date.now() + 20000;
      while (Date.now() < deadline && (await reminders()).length < 2) await new Promise((r) => setTimeout(r, 250));
      // Two more ticks: the same day's reminders are not sent again.
      await new Promise((r) => setTimeout(r, 2200));
    } finally {
      job.setTime(new CronTime('0 30 8 * * *', 'Asia/Shanghai'));
      job.start();
    }
    const parts: Model[] = await app.db
      .getRepository('suggestionAssignments')
      .find({ filter: { id: { $in: [late, onTime] } }, sort: ['id'] });
    expect(parts.map((p) => Boolean(p.get('overdue')))).toEqual([true, false]);
    const sent = await reminders();
    expect(sent.map((r: Model) => r.get('userId')).sort()).toEqual([admin.user.id, leader.user.id].sort());
    for (const r of sent) {
      expect(r.get('content')).toContain('关于加固观音滩河堤的建议');
      expect(r.get('content')).not.toContain('关于改造农村饮水工程的建议');
    }
    // The mark is the job's: nobody sets it through the API.
    const forged = await admin.agent
      .resource('suggestionAssignments')
      .update({ filterByTk: onTime, values: { overdue: true } });
    expect(forged.status).not.toBe(200);
  });
});
