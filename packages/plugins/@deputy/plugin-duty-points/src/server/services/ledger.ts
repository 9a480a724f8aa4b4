import { afterLock, lockRow } from '@deputy/plugin-suite-core';
import type { Database, Transaction } from '@nocobase/database';

/**
 * The points ledger. Every posting runs in the caller's transaction, after locking the deputy's row, so
 * approvals of one deputy are serialised: two records that together pass a cap can never both post in full.
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
  async award(record: any, item: any, transaction: Transaction) {
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
    await this.db.getRepository('pointEntries').create({
      values: {
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
    });
    return points;
  }

  /** Posts the reversal of a revoked record: minus what its award posted. */
  async reverse(record: any, note: string, transaction: Transaction) {
    const entries = this.db.getRepository('pointEntries');
    const award = await entries.findOne({ filter: { recordId: record.get('id'), kind: 'award' }, transaction });
    if (!award) return 0;
    await lockRow(this.db, 'deputies', record.get('deputyId'), transaction);
    await entries.create({
      values: {
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
    });
    return -Number(award.get('points'));
  }

  /** Total points per deputy for a year, from the ledger only. */
  async totals(year: number, deputyIds?: number[]) {
    const where: any = { year };
    if (deputyIds) where.deputyId = deputyIds;
    const rows: any[] = await this.db.getCollection('pointEntries').model.findAll({
      attributes: ['deputyId', [this.db.sequelize.fn('SUM', this.db.sequelize.col('points')), 'total']],
      where,
      group: ['deputyId'],
      raw: true,
    });
    return new Map(rows.map((r) => [Number(r.deputyId), Number(r.total) || 0]));
  }
}
