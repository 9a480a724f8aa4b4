import type PluginNotificationManagerServer from '@nocobase/plugin-notification-manager';
import type { Application } from '@nocobase/server';

export const REMINDER_CHANNEL = 'deputy-reminders';

/**
 * Reminders of the suite, said once: each has a key (e.g. "six-ones:2026-03-27:12"); a key already in
 * reminderLog is not sent again. The message goes to the user's in-app messages through NocoBase's
 * notification manager when it and its in-app channel are there; the log keeps it either way.
 */
export class Notifier {
  constructor(private app: Application) {}

  /** Creates the in-app channel the suite's reminders use, when NocoBase's notification plugins are enabled. */
  async ensureChannel() {
    const db = this.app.db;
    if (!db.hasCollection('notificationChannels')) return;
    if (await db.getRepository('notificationChannels').count({ filter: { name: REMINDER_CHANNEL } })) return;
    await db.getRepository('notificationChannels').create({
      values: {
        name: REMINDER_CHANNEL,
        title: '代表履职提醒',
        notificationType: 'in-app-message',
        options: {},
        description: 'Reminders of the deputy duty suite',
      },
    });
  }

  async remind(userId: number, key: string, title: string, content: string) {
    const db = this.app.db;
    const log = db.getRepository('reminderLog');
    if (await log.count({ filter: { key } })) return false;
    await log.create({ values: { key, userId, title, content } });
    const manager = this.app.pm.get<PluginNotificationManagerServer>('notification-manager');
    const channel = db.hasCollection('notificationChannels')
      ? await db.getRepository('notificationChannels').findOne({ filter: { name: REMINDER_CHANNEL } })
      : null;
    if (manager?.send && channel) {
      await manager.send({
        channelName: REMINDER_CHANNEL,
        message: { title, content },
        receivers: { type: 'userId', value: [userId] },
        triggerFrom: key.split(':')[0],
      });
    }
    return true;
  }
}
