import { createSuiteServer, signedInAs } from '@deputy/test-helpers';
import type { Model } from '@nocobase/database';
import { MockServer } from '@nocobase/test';
import type { PluginSixOnesServer } from '../plugin';
import { monthOf } from '../services/periods';

/** Reminders before a period ends, as in-app messages of NocoBase's notification manager. */
describe('plugin-six-ones: reminders', () => {
  let app: MockServer;
  let deputyUser: Model;
  let headUser: Model;

  beforeAll(async () => {
    app = await createSuiteServer(
      ['@deputy/plugin-deputies', '@deputy/plugin-duty-points', '@deputy/plugin-six-ones'],
      ['notification-manager', 'notification-in-app-message'],
    );
    const admin = await signedInAs(app, 'npc', ['npc-admin']);
    headUser = (await signedInAs(app, 'head', ['station-staff'])).user;
    deputyUser = (await signedInAs(app, 'deputy1', ['deputy'])).user;
    const station = (
      await admin.agent
        .resource('liaisonStations')
        .create({ values: { name: '高沙镇联络站', headId: headUser.id, staff: [headUser.id] } })
    ).body.data;
    await admin.agent
      .resource('deputies')
      .create({ values: { name: '代表一', stationId: station.id, userId: deputyUser.id } });
  });

  afterAll(async () => {
    await app?.destroy();
  });

  it('reminds the deputy of its unmet rules and the staff of the station rules, once, near the end of the period', async () => {
    const plugin = app.pm.get('@deputy/plugin-six-ones') as PluginSixOnesServer;
    const today = new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 10);
    await plugin.compliance.fillMissing(today);
    const { to } = monthOf(today);
    const fiveDaysBefore = new Date(new Date(`${to}T00:00:00Z`).getTime() - 4 * 86400e3).toISOString().slice(0, 10);
    // Far from the end of the month: nothing is due.
    const early = await plugin.reminders.send(`${today.slice(0, 7)}-01`);
    expect(early).toEqual({ users: 0, sent: 0 });
    const first = await plugin.reminders.send(fiveDaysBefore);
    expect(first.sent).toBe(2);
    const toDeputy = await app.db.getRepository('reminderLog').findOne({ filter: { userId: deputyUser.id } });
    expect(toDeputy.get('content')).toContain('每月参加一次学习');
    const toHead = await app.db.getRepository('reminderLog').findOne({ filter: { userId: headUser.id } });
    expect(toHead.get('content')).toContain('逢6接待');
    // The in-app message reaches the deputy through NocoBase's notification manager.
    let messages = 0;
    for (let i = 0; i < 50 && !messages; i++) {
      messages = await app.db.getRepository('notificationInAppMessages').count({ filter: { userId: deputyUser.id } });
      if (!messages) await new Promise((r) => setTimeout(r, 100));
    }
    expect(messages).toBe(1);
    // The same day again: no second reminder.
    expect((await plugin.reminders.send(fiveDaysBefore)).sent).toBe(0);
  });
  it('tells the station staff and the rostered deputies of an announced session, once, and nobody before its notice date', async () => {
    const plugin = app.pm.get('@deputy/plugin-six-ones') as PluginSixOnesServer;
    const today = new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 10);
    const inDays = (n: number) =>
      new Date(new Date(`${today}T00:00:00Z`).getTime() + n * 86400e3).toISOString().slice(0, 10);
    const station = await app.db.getRepository('liaisonStations').findOne({ filter: { name: '高沙镇联络站' } });
    const deputy = await app.db.getRepository('deputies').findOne({ filter: { userId: deputyUser.id } });
    const session = await app.db.getRepository('receptionSessions').create({
      values: {
        stationId: station.get('id'),
        scheduledOn: inDays(2),
        date: inDays(2),
        noticeOn: inDays(1),
        roster: [deputy.get('id')],
      },
    });
    // Not yet announced.
    expect(await plugin.reminders.sessions(today)).toEqual({ sessions: 0, sent: 0 });
    expect(await plugin.reminders.sessions(inDays(1))).toEqual({ sessions: 1, sent: 2 });
    const log: Model[] = await app.db
      .getRepository('reminderLog')
      .find({ filter: { key: { $like: `six-ones-session:${session.get('id')}:%` } } });
    expect(log.map((l) => l.get('userId')).sort()).toEqual([deputyUser.id, headUser.id].sort());
    expect(log[0].get('content')).toContain('代表一');
    expect(log[0].get('content')).toContain(inDays(2));
    // Once only; and after the day, nothing.
    expect((await plugin.reminders.sessions(inDays(2))).sent).toBe(0);
    expect(await plugin.reminders.sessions(inDays(3))).toEqual({ sessions: 0, sent: 0 });
  });
});
