import { shanghaiToday } from '@deputy/plugin-deputies';
import type { Application } from '@nocobase/server';
import { addDays } from './periods';

/**
 * Reminders N days before a period ends: each deputy whose rule is still in progress, and the staff of a
 * station whose station rule is. In-app messages through NocoBase's notification manager when its in-app
 * channel `deputy-reminders` exists (created on install when the plugin is enabled); each reminder is sent once.
 */
export class Reminders {
  constructor(private app: Application) {}

  async send(today = shanghaiToday()) {
    const db = this.app.db;
    const settings: any = await db.getRepository('sixOnesSettings').findOne();
    const days = Number(settings?.get('remindDaysBeforeEnd') ?? 5);
    const due = await db.getRepository('ruleResults').find({
      filter: { status: 'in-progress', periodTo: { $gte: today, $lte: addDays(today, days) } },
      appends: ['rule', 'deputy', 'station', 'station.staff'],
    });
    const byUser = new Map<number, string[]>();
    for (const r of due as any[]) {
      const line = `${r.get('rule')?.get('name')}（${r.get('periodKey')}）：${r.get('count')}/${r.get('required')}`;
      const users: number[] = r.get('deputyId') ? [r.get('deputy')?.get('userId')].filter(Boolean) : (r.get('station')?.get('staff') ?? []).map((u: any) => u.get('id'));
      for (const userId of users) byUser.set(userId, [...(byUser.get(userId) ?? []), line]);
    }
    const manager: any = this.app.pm.get('notification-manager' as any);
    const channel = db.hasCollection('notificationChannels') ? await db.getRepository('notificationChannels').findOne({ filter: { name: 'deputy-reminders' } }) : null;
    let sent = 0;
    for (const [userId, lines] of byUser) {
      const key = `${today}:${userId}`;
      const repo = db.getRepository('ruleReminders');
      if (await repo.count({ filter: { key } })) continue;
      await repo.create({ values: { key, userId, content: lines.join('\n') } });
      if (manager?.send && channel) {
        await manager.send({
          channelName: 'deputy-reminders',
          message: { title: '六个一履职提醒', content: lines.join('\n') },
          receivers: { type: 'userId', value: [userId] },
          triggerFrom: '@deputy/plugin-six-ones',
        });
      }
      sent += 1;
    }
    return { users: byUser.size, sent };
  }
}
