import { Op } from '@nocobase/database';
import type { Database, Model } from '@nocobase/database';
import type { Application } from '@nocobase/server';

export const RATE_LIMITS = 'publicVoiceRateLimits';

type Key = { key: string; limit: number };

/**
 * A sliding-window counter per key (an IP address, a QR code), kept in the database table publicVoiceRateLimits.
 * Every node of a cluster counts in the same rows, so a limit of N allows N attempts in all, not N per node.
 *
 * Why the database and not NocoBase's cache (app.cacheManager): the cache's default store is memory, one per
 * process, unless the deployment sets CACHE_DEFAULT_STORE=redis (@nocobase/app config/cache.ts) — without Redis
 * each node would count alone. The database is the one store every node of a cluster shares, with or without
 * Redis, and a row lock makes "check every key, then count" one step across nodes; a public form's few writes
 * are nothing for it. A refused attempt is not counted, so a blocked sender is let in again once its earlier
 * attempts leave the window.
 */
export class RateLimiter {
  constructor(private app: Application) {}

  private get db(): Database {
    return this.app.db;
  }

  /**
   * Counts an attempt for every key when all are under their limit and returns null; otherwise counts
   * nothing and returns the seconds until the first key that is full lets one more in.
   */
  async take(keys: Key[], windowMs: number, now = Date.now()): Promise<number | null> {
    if (!keys.length) return null;
    const model = this.db.getModel(RATE_LIMITS);
    const limitOf = new Map(keys.map(({ key, limit }) => [key, limit]));
    // Locked in one order, so two attempts sharing keys never wait for each other in a cycle.
    const names = [...limitOf.keys()].sort();
    // A row must exist to be locked: the missing ones are inserted first; when another node inserts the same key
    // at the same moment, the primary key keeps one and the other insert does nothing.
    // `raw: true` answers plain rows, which Sequelize still types as models.
    const plain = (await model.findAll({ where: { name: names }, attributes: ['name'], raw: true })) as unknown as {
      name: string;
    }[];
    const existing = new Set(plain.map((r) => r.name));
    const missing = names.filter((n) => !existing.has(n));
    if (missing.length)
      await model.bulkCreate(
        missing.map((name) => ({ name, hits: [], until: new Date(now) })),
        { ignoreDuplicates: true },
      );

    const sqlite = this.db.sequelize.getDialect() === 'sqlite';
    return this.db.sequelize.transaction(async (transaction) => {
      // SELECT … FOR UPDATE: an attempt on another node waits here until this one has counted (SQLite has one writer).
      // On MySQL/MariaDB a locking read also sees the latest committed hits, not the transaction's snapshot.
      const rows: Model[] = await model.findAll({
        where: { name: names },
        order: [['name', 'ASC']],
        transaction,
        ...(sqlite ? {} : { lock: transaction.LOCK.UPDATE }),
      });
      let wait = 0;
      const recent = new Map<string, number[]>();
      for (const row of rows) {
        const name = row.get('name');
        const limit = limitOf.get(name) as number;
        const stored = row.get('hits');
        const hits = (Array.isArray(stored) ? stored : typeof stored === 'string' ? JSON.parse(stored) : [])
          .map(Number)
          .filter((t: number) => t > now - windowMs);
        recent.set(name, hits);
        if (hits.length >= limit) wait = Math.max(wait, hits[hits.length - limit] + windowMs - now);
      }
      if (wait > 0) return Math.max(1, Math.ceil(wait / 1000));
      for (const name of names) {
        // Only the last `limit` attempts can ever decide a wait: older ones are dropped, so a row stays small.
        const hits = [...(recent.get(name) ?? []), now].slice(-Math.max(1, limitOf.get(name) as number));
        await model.update({ hits, until: new Date(now + windowMs) }, { where: { name }, transaction, hooks: false });
      }
      return null;
    });
  }

  /** Forgets every count (administrators after a false alarm; tests). */
  async reset() {
    await this.db.getModel(RATE_LIMITS).destroy({ where: {}, hooks: false });
  }

  /** Drops the rows whose window has ended (the daily job): they count nothing any more. */
  async prune(now: Date | number = Date.now()) {
    return this.db.getModel(RATE_LIMITS).destroy({ where: { until: { [Op.lt]: new Date(now) } }, hooks: false });
  }
}
