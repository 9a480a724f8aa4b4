import type { Database } from '@nocobase/database';

/**
 * Before the upgrade's sync adds a unique index to a column that held duplicates, say which rows share a value
 * — in both languages, nothing changed — rather than let the sync fail on a raw database error. Which of two
 * rows keeps the value is the office's decision, never the upgrade's.
 */
export async function refuseDuplicateValues(
  db: Database,
  table: string,
  column: string,
  what: { zh: string; en: string },
) {
  // Sequelize declares its query interface's queryGenerator as unknown: the two quoting methods used here.
  const qi = db.sequelize.getQueryInterface() as ReturnType<Database['sequelize']['getQueryInterface']> & {
    queryGenerator: { quoteIdentifier(name: string): string; quoteTable(table: string): string };
  };
  if (!(await qi.tableExists(table))) return;
  const q = (name: string) => qi.queryGenerator.quoteIdentifier(name);
  const [rows] = (await db.sequelize.query(
    `SELECT ${q(column)} AS value, COUNT(*) AS n FROM ${qi.queryGenerator.quoteTable(table)} WHERE ${q(column)} IS NOT NULL GROUP BY ${q(column)} HAVING COUNT(*) > 1`,
  )) as [{ value: unknown; n: unknown }[], unknown];
  if (!rows.length) return;
  const list = rows.map((r) => `${r.value} (${r.n})`).join(', ');
  throw new Error(
    `${what.zh}重复，升级前请先处理：${list} / ${what.en} occur more than once; resolve them before upgrading: ${list}`,
  );
}
