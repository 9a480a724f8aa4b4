import { defineCollection } from '@nocobase/database';
import { tt } from '../fields';

/**
 * 公开表单限流计数: the public form's sliding windows, one row per counted key (`submit-ip:<address>`,
 * `submit-qr:<token>`, `lookup-ip:<address>`), shared by every node of a cluster (services/rate-limiter.ts).
 * Written by the rate limiter only: not in the collection manager, so no role's permissions reach it (it holds
 * citizens' addresses), and the plugin refuses writes through the API even to root. Runtime data: left out of
 * backups; `until` lets the daily job drop the windows that have ended.
 */
export default defineCollection({
  name: 'publicVoiceRateLimits',
  title: tt('Public form rate limits'),
  dumpRules: 'skipped',
  dataCategory: 'runtime',
  migrationRules: ['schema-only'],
  autoGenId: false,
  timestamps: false,
  fields: [
    { type: 'string', name: 'name', primaryKey: true, allowNull: false },
    // The counted attempts still in the window (epoch milliseconds), at most the key's limit of them.
    { type: 'json', name: 'hits', defaultValue: [] },
    // When the last counted attempt leaves the window: after that the row counts nothing.
    { type: 'date', name: 'until' },
  ],
});
