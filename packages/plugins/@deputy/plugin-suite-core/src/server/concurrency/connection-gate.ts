import type { Database } from '@nocobase/database';

type PoolConfig = { pool?: { max?: unknown } };

/** Sequelize's pool size when DB_POOL_MAX is not set. */
const SEQUELIZE_DEFAULT_POOL_MAX = 5;

/**
 * How many connections this process's database pool opens at most: DB_POOL_MAX (NocoBase passes it to
 * Sequelize as pool.max), else Sequelize's default of 5. SQLite has no pool — one writer — so 1.
 */
export function connectionPoolMax(db: Database): number {
  if (db.sequelize.getDialect() === 'sqlite') return 1;
  // The connection manager's copy carries Sequelize's defaults; the options only what was configured.
  // Sequelize's connection manager and config, as far as their pool is read (not in Sequelize's declarations).
  const sequelize = db.sequelize as unknown as { connectionManager?: { config?: PoolConfig }; config?: PoolConfig };
  const configured = Number(
    sequelize.connectionManager?.config?.pool?.max ??
      sequelize.config?.pool?.max ??
      (db.options as PoolConfig)?.pool?.max,
  );
  return Number.isFinite(configured) && configured > 0 ? Math.floor(configured) : SEQUELIZE_DEFAULT_POOL_MAX;
}

/**
 * How many units of work that each hold a transaction's connection while asking the pool for one more
 * (NocoBase's manual-task submit does: its workflow processor reads outside the transaction) may run at
 * once without starving the pool: at most (max − 1) / 2, so that even when every unit holds two
 * connections one is left for the workflow dispatcher and everyone else's requests. At least 1; 1 on SQLite.
 */
export function connectionBudget(db: Database): number {
  return Math.max(1, Math.floor((connectionPoolMax(db) - 1) / 2));
}

/** Thrown by ConcurrencyGate.run when the work waited longer than the gate's maxWaitMs for its turn. */
export class GateBusyError extends Error {
  readonly status = 503;
}

/**
 * A bound on how many of one kind of work run at the same time in this process; the rest wait their turn
 * (first come, first served) instead of all taking database connections at the same moment. Work that
 * waited more than maxWaitMs is refused with a GateBusyError rather than left hanging.
 */
export class ConcurrencyGate {
  private running = 0;
  private waiting: { resolve: () => void; timer: NodeJS.Timeout }[] = [];

  constructor(
    readonly limit: number,
    private readonly maxWaitMs = 60_000,
  ) {}

  /** Units running now, and waiting for their turn. */
  get load() {
    return { running: this.running, waiting: this.waiting.length };
  }

  async run<T>(work: () => Promise<T>): Promise<T> {
    await this.enter();
    try {
      return await work();
    } finally {
      this.leave();
    }
  }

  private enter(): Promise<void> {
    if (this.running < this.limit) {
      this.running++;
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => {
      const entry = {
        // The slot is handed over by leave(): running stays the same.
        resolve: () => {
          clearTimeout(entry.timer);
          resolve();
        },
        timer: setTimeout(() => {
          this.waiting = this.waiting.filter((w) => w !== entry);
          reject(new GateBusyError(`waited ${this.maxWaitMs} ms for one of ${this.limit} slots`));
        }, this.maxWaitMs),
      };
      this.waiting.push(entry);
    });
  }

  private leave() {
    const next = this.waiting.shift();
    if (next) next.resolve();
    else this.running--;
  }
}
