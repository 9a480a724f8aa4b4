import { afterLock, lockRow } from '@deputy/plugin-suite-core';
import type { Context } from '@nocobase/actions';
import type { Database, Model, Transaction, UpdateOptions } from '@nocobase/database';
import type { Application } from '@nocobase/server';
import { SuggestionError, translate } from './errors';

/** What a step passes to its writes, and what the hooks of the plugin's collections read (rules.ts). */
export type StepOptions = { context?: Context; now?: Date };
export type FlowWrite = UpdateOptions & { context?: Context; suggestionFlow?: boolean };

/** A record a request names: its id, or the row with its id (digits only); anything else is no record. */
export const idOf = (v: unknown): number | null => {
  const raw = v && typeof v === 'object' ? (v as { id?: unknown }).id : v;
  return /^\d{1,15}$/.test(String(raw ?? '')) ? Number(raw) : null;
};

/** A text a request sends, trimmed and cut to `max`; anything else is empty. */
export const text = (v: unknown, max = 5000) => (typeof v === 'string' ? v.trim().slice(0, max) : '');

/**
 * Runs `work` in one transaction holding the row lock of `collection`'s row `id`, on the row as committed (what
 * the steps of suggestions and appraisals are); a missing row is refused with `missing` (a translated message).
 */
export function inRowLock<T>(
  db: Database,
  collection: string,
  id: number,
  missing: () => string,
  work: (row: Model, transaction: Transaction) => Promise<T>,
) {
  return db.sequelize.transaction(async (transaction) => {
    await lockRow(db, collection, id, transaction);
    const row: Model | null = await db
      .getRepository(collection)
      .findOne({ filterByTk: id, ...afterLock(db, transaction) });
    if (!row) throw new SuggestionError(missing(), 404);
    return work(row, transaction);
  });
}

/** What the suggestion and appraisal steps share: the app's database, the caller's language, the row-locked step. */
export abstract class Steps {
  constructor(protected app: Application) {}

  protected get db(): Database {
    return this.app.db;
  }

  protected t(options: StepOptions, key: string, vars?: Record<string, unknown>) {
    return translate(options, key, vars);
  }

  /** `work` in one transaction holding the row lock of `collection`'s row `id`; missing: refused with `missing`. */
  protected inLock<T>(
    collection: string,
    id: number,
    options: StepOptions,
    missing: string,
    work: (row: Model, transaction: Transaction) => Promise<T>,
  ) {
    return inRowLock(this.db, collection, id, () => this.t(options, missing), work);
  }
}
