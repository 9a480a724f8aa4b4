import type { Database } from '@nocobase/database';

/** Sequelize declares its query interface's queryGenerator as unknown: the quoting used here. */
type Quoting = { quoteIdentifier(name: string): string; quoteTable(table: unknown): string };

/**
 * A collection's table and columns quoted for raw SQL in the current dialect, by attribute name: the column
 * names follow the model (DB_UNDERSCORED, a table prefix or schema), so set-based SQL runs on PostgreSQL,
 * MariaDB and SQLite alike.
 */
export function sqlNames(db: Database, collection: string) {
  const model = db.getCollection(collection).model;
  const quoting = (db.sequelize.getQueryInterface() as unknown as { queryGenerator: Quoting }).queryGenerator;
  return {
    table: quoting.quoteTable(model.getTableName()),
    col: (attribute: string) => quoting.quoteIdentifier(model.rawAttributes[attribute].field ?? attribute),
  };
}
