import type { PluginDeputiesServer } from '@deputy/plugin-deputies';
import { shanghaiToday } from '@deputy/plugin-deputies';
import type { Application } from '@nocobase/server';
import { addDays } from './periods';

/**
 * Reminders N days before a period ends: each deputy whose rule is still in progress, and the staff of a
 * station whose station rule is. In-app messages through NocoBase's notification manager when its in-app
 * channel exists (plugin-deputies' Notifier); each reminder is sent once.
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
    const notifier = (this.app.pm.get('@deputy/plugin-deputies') as PluginDeputiesServer).notifier;
    let sent = 0;
    for (const [userId, lines] of byUser) {
      if (await notifier.remind(userId, `six-ones:${today}:${userId}`, '六个一履职提醒', lines.join('\n'))) sent += 1;
    }
    return { users: byUser.size, sent };
  }
}
