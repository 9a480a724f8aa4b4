import { shanghaiToday, suiteCore } from '@deputy/plugin-suite-core';
import type { Model } from '@nocobase/database';
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
    const settings: Model | null = await db.getRepository('sixOnesSettings').findOne();
    const days = Number(settings?.get('remindDaysBeforeEnd') ?? 5);
    const due: Model[] = await db.getRepository('ruleResults').find({
      filter: { status: 'in-progress', periodTo: { $gte: today, $lte: addDays(today, days) } },
      appends: ['rule', 'deputy', 'station', 'station.staff'],
    });
    const byUser = new Map<number, string[]>();
    for (const r of due) {
      const line = `${r.get('rule')?.get('name')}（${r.get('periodKey')}）：${r.get('count')}/${r.get('required')}`;
      const users: number[] = r.get('deputyId')
        ? [r.get('deputy')?.get('userId')].filter(Boolean)
        : ((r.get('station')?.get('staff') ?? []) as Model[]).map((u) => u.get('id'));
      for (const userId of users) byUser.set(userId, [...(byUser.get(userId) ?? []), line]);
    }
    const notifier = suiteCore(this.app).notifier;
    let sent = 0;
    for (const [userId, lines] of byUser) {
      if (await notifier.remind(userId, `six-ones:${today}:${userId}`, '六个一履职提醒', lines.join('\n'))) sent += 1;
    }
    return { users: byUser.size, sent };
  }

  /**
   * Upcoming reception sessions, once announced (public notice date reached, day not passed): the station's
   * staff and the deputies on the roster are told the day and who is on duty, once per session and person.
   */
  async sessions(today = shanghaiToday()) {
    const db = this.app.db;
    const due: Model[] = await db.getRepository('receptionSessions').find({
      filter: { status: 'planned', noticeOn: { $lte: today }, date: { $gte: today } },
      appends: ['roster', 'station', 'station.staff'],
      sort: ['date'],
    });
    const notifier = suiteCore(this.app).notifier;
    let sent = 0;
    for (const session of due) {
      const roster: Model[] = session.get('roster') ?? [];
      const date = String(session.get('date') ?? '').slice(0, 10);
      const content = `${session.get('station')?.get('name') ?? ''} 逢6接待 ${date}，值班代表：${roster.map((d) => d.get('name')).join('、') || '（未排班）'}`;
      const users = new Set<number>([
        ...((session.get('station')?.get('staff') ?? []) as Model[]).map((u) => u.get('id')),
        ...roster.map((d) => d.get('userId')).filter(Boolean),
      ]);
      for (const userId of users) {
        if (await notifier.remind(userId, `six-ones-session:${session.get('id')}:${userId}`, '逢6接待提醒', content))
          sent += 1;
      }
    }
    return { sessions: due.length, sent };
  }
}
