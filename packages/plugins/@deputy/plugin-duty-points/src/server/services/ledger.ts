import { afterLock, lockRow } from '@deputy/plugin-suite-core';
import type { Database, Model, Transaction } from '@nocobase/database';

/** A ledger entry as posted. */
type Entry = {
  deputyId: number;
  itemId: number;
  recordId: number;
  kind: 'award' | 'reversal';
  year: number;
  date: string;
  points: number;
  requestedPoints: number;
  itemVersion: number;
  note?: string;
};

/**
 * The points ledger. Every posting runs in the caller's transaction, after locking the deputy's row, so
 * approvals of one deputy are serialised: two records that together pass a cap can never both post in full.
 * It is the only writer of pointEntries (every award, reversal and deduction of every plugin comes through a
 * duty record's approval or revocation), and it keeps the totals (pointTotals, pointItemTotals) in the same
 * transaction: an entry and its totals commit together or not at all.
 */
export class Ledger {
  constructor(private db: Database) {}

  /** Points already counted this year for the deputy and item (awards minus reversals), as committed now. */
  async postedThisYear(deputyId: number, itemId: number, year: number, transaction?: Transaction) {
    const sum = await this.db
      .getCollection('pointEntries')
      .model.sum('points', { where: { deputyId, itemId, year }, ...afterLock(this.db, transaction) });
    return Number(sum) || 0;
  }

  /** Posts the award of an approved record: points × quantity, capped by the item's yearly cap. */
  async award(record: Model, item: Model, transaction?: Transaction): Promise<number> {
    // The lock, the entry and its totals need one transaction.
    if (!transaction) return this.db.sequelize.transaction((t) => this.award(record, item, t));
    const deputyId = record.get('deputyId');
    const itemId = item.get('id');
    const date = String(record.get('date')).slice(0, 10);
    const year = Number(date.slice(0, 4));
    await lockRow(this.db, 'deputies', deputyId, transaction);
    const requested = Number(item.get('points')) * Number(record.get('quantity') || 1);
    const cap = item.get('yearlyCap');
    let points = requested;
    if (requested > 0 && cap !== null && cap !== undefined) {
      const posted = await this.postedThisYear(deputyId, itemId, year, transaction);
      points = Math.max(0, Math.min(requested, Number(cap) - posted));
    }
    await this.post(
      {
        deputyId,
        itemId,
        recordId: record.get('id'),
        kind: 'award',
        year,
        date,
        points,
        requestedPoints: requested,
        itemVersion: item.get('version'),
      },
      transaction,
    );
    return points;
  }

  /** Posts the reversal of a revoked record: minus what its award posted. */
  async reverse(record: Model, note: string, transaction?: Transaction): Promise<number> {
    if (!transaction) return this.db.sequelize.transaction((t) => this.reverse(record, note, t));
    const entries = this.db.getRepository('pointEntries');
    const award = await entries.findOne({ filter: { recordId: record.get('id'), kind: 'award' }, transaction });
    if (!award) return 0;
    await lockRow(this.db, 'deputies', record.get('deputyId'), transaction);
    await this.post(
      {
        deputyId: award.get('deputyId'),
        itemId: award.get('itemId'),
        recordId: record.get('id'),
        kind: 'reversal',
        year: award.get('year'),
        date: award.get('date'),
        points: -Number(award.get('points')),
        requestedPoints: -Number(award.get('points')),
        itemVersion: award.get('itemVersion'),
        note,
      },
      transaction,
    );
    return -Number(award.get('points'));
  }

  /**
   * Writes the entry and adds it to the deputy's totals, after the caller locked the deputy's row: no other
   * posting of this deputy runs until the transaction ends, so reading a total row, then updating or inserting
   * it, cannot race (the same on PostgreSQL, MariaDB and SQLite, no dialect's upsert needed). The reads are
   * locking reads on MariaDB (afterLock), so they see what committed while this transaction waited.
   */
  private async post(entry: Entry, transaction: Transaction) {
    await this.db.getRepository('pointEntries').create({ values: entry, transaction });
    const { deputyId, itemId, year, points } = entry;
    const standing = entry.kind === 'award' ? 1 : -1;
    const totals = this.db.getModel('pointTotals');
    const total = await totals.findOne({ where: { deputyId, year }, ...afterLock(this.db, transaction) });
    if (total) await total.update({ total: Number(total.get('total')) + points }, { transaction });
    else await totals.create({ deputyId, year, total: points }, { transaction });
    const items = this.db.getModel('pointItemTotals');
    const row = await items.findOne({ where: { deputyId, itemId, year }, ...afterLock(this.db, transaction) });
    if (row)
      await row.update(
        { points: Number(row.get('points')) + points, standing: Number(row.get('standing')) + standing },
        { transaction },
      );
    else await items.create({ deputyId, itemId, year, points, standing }, { transaction });
  }
}
