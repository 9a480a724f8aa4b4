import { shanghaiToday, suiteCore } from '@deputy/plugin-suite-core';
import type { Model } from '@nocobase/database';
import type { Application } from '@nocobase/server';
import type { AidKpi } from './kpi';

/**
 * Overdue 1+N visits are reminded, once a day, to the paired deputy and to its station's staff, through the
 * suite's Notifier (in-app message, logged so it is never sent twice). The nightly job runs it.
 */
export class VisitReminders {
  constructor(
    private app: Application,
    private kpi: AidKpi,
  ) {}

  async send(today = shanghaiToday()) {
    const db = this.app.db;
    const overdue = await this.kpi.overdue(today, null);
    const byUser = new Map<number, string[]>();
    const add = (userId: number | null | undefined, line: string) => {
      if (userId) byUser.set(userId, [...(byUser.get(userId) ?? []), line]);
    };
    for (const row of overdue) {
      const line = `${row.deputyName}：${row.headName}（${row.category}）已逾期 ${row.overdueDays} 天未走访`;
      const deputy: Model | null = await db
        .getRepository('deputies')
        .findOne({ filterByTk: row.deputyId, fields: ['id', 'userId'] });
      add(deputy?.get('userId'), line);
      if (row.stationId) {
        const staff = await db.getRepository('liaisonStations.staff', row.stationId).find({ fields: ['id'] });
        for (const user of staff) add(user.get('id'), line);
      }
    }
    const notifier = suiteCore(this.app).notifier;
    let sent = 0;
    for (const [userId, lines] of byUser) {
      if (await notifier.remind(userId, `aid-overdue:${today}:${userId}`, '1+N 走访提醒', lines.join('\n'))) sent += 1;
    }
    return { overdue: overdue.length, users: byUser.size, sent };
  }
}
