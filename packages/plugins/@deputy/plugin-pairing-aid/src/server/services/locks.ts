import type { Database, Transaction } from '@nocobase/database';

/**
 * Takes a row lock (SELECT … FOR UPDATE) until the transaction ends, so checks that count rows and then
 * write (the N limit, one active pairing per household, plan version numbers) are serialised per row.
 * SQLite has a single writer already.
 */
export async function lockRow(db: Database, collection: string, id: number | string, transaction?: Transaction) {
  if (!transaction || db.sequelize.getDialect() === 'sqlite') return;
  await db.getCollection(collection).model.findOne({ where: { id }, transaction, lock: transaction.LOCK.UPDATE });
}
