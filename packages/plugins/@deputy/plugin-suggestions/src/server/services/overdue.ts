import { shanghaiToday, suiteCore } from '@deputy/plugin-suite-core';
import type { Model } from '@nocobase/database';
import type { Application } from '@nocobase/server';
import type { FlowWrite } from './suggestion-flow';

/**
 * 督办 on a clock: every day, the units' parts still being handled past their due date are marked overdue (kept,
 * so the on-time rate counts them) and reminded, through the suite's Notifier (in-app message, logged so it is
 * sent once a day): a digest to the office's administrators, and to each key suggestion's supervising leader
 * (领衔督办) the overdue parts of its suggestions. The daily job runs it.
 */
export class OverdueAssignments {
  constructor(private app: Application) {}

  async run(today = shanghaiToday()) {
    const db = this.app.db;
    const late: Model[] = await db.getRepository('suggestionAssignments').find({
      filter: { status: { $in: ['handling', 'reopened'] }, dueOn: { $lt: today } },
      appends: ['unit', 'suggestion'],
      sort: ['dueOn', 'id'],
    });
    const fresh = late.filter((a) => !a.get('overdue')).map((a) => a.get('id'));
    if (fresh.length)
      await db
        .getRepository('suggestionAssignments')
        .update({ filter: { id: { $in: fresh } }, values: { overdue: true }, suggestionFlow: true } as FlowWrite);
    const byUser = new Map<number, string[]>();
    const add = (userId: unknown, line: string) => {
      if (typeof userId !== 'number' || userId <= 0) return;
      const lines = byUser.get(userId) ?? [];
      if (!lines.includes(line)) byUser.set(userId, [...lines, line]);
    };
    const admins: Model[] = await db
      .getRepository('users')
      .find({ filter: { 'roles.name': 'npc-admin' }, fields: ['id'] });
    for (const a of late) {
      const s: Model = a.get('suggestion');
      const line = `${s.get('code') ?? ''} ${s.get('title')}：${a.get('unit')?.get('name')}应于 ${a.get('dueOn')} 前答复，已逾期`;
      for (const admin of admins) add(admin.get('id'), line);
      if (s.get('key')) add(s.get('supervisorId'), line);
    }
    const notifier = suiteCore(this.app).notifier;
    let sent = 0;
    for (const [userId, lines] of byUser)
      if (
        await notifier.remind(userId, `suggestion-overdue:${today}:${userId}`, '代表建议逾期未答复', lines.join('\n'))
      )
        sent += 1;
    return { overdue: late.length, newlyOverdue: fresh.length, users: byUser.size, sent };
  }
}
