import type { Database, Transaction } from '@nocobase/database';

const isMySql = (db: Database) => ['mysql', 'mariadb'].includes(db.sequelize.getDialect());

/**
 * Takes a row lock (SELECT … FOR UPDATE) until the transaction ends, so a check that counts or sums rows and
 * then writes (a yearly cap, the N limit, one active pairing per household) is serialised per row.
 * SQLite has a single writer already.
 */
export async function lockRow(db: Database, collection: string, id: number | string, transaction?: Transaction) {
  if (!transaction || db.sequelize.getDialect() === 'sqlite') return;
  await db.getCollection(collection).model.findOne({ where: { id }, transaction, lock: transaction.LOCK.UPDATE });
}

/**
 * Options for the count or sum that follows lockRow, so it sees what other transactions committed while this
 * one waited for the lock. PostgreSQL (READ COMMITTED) does so for every statement; MySQL/MariaDB (REPEATABLE
 * READ) would read the transaction's snapshot, taken before the wait — a locking read (LOCK IN SHARE MODE)
 * reads the latest committed rows instead.
 */
export function afterLock(db: Database, transaction?: Transaction) {
  return transaction && isMySql(db) ? { transaction, lock: transaction.LOCK.SHARE } : { transaction };
}
