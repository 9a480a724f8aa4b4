import type { Database, Transaction } from '@nocobase/database';
import { QueryTypes } from 'sequelize';
import { sqlNames } from './sql';

/** A total that is not what the ledger sums to (kept: the maintained figure, null when its row is missing). */
export type TotalDifference =
  | { table: 'pointTotals'; deputyId: number; year: number; kept: number | null; ledger: number | null }
  | {
      table: 'pointItemTotals';
      deputyId: number;
      itemId: number;
      year: number;
      kept: number | null;
      ledger: number | null;
      keptStanding: number | null;
      ledgerStanding: number | null;
    };

export type ReconciliationReport = { checkedAt: string; differences: TotalDifference[]; repairedDeputies: number };

/** Deputies repaired per transaction: their rows stay locked until it commits. */
const CHUNK = 500;

type Row = Record<string, string | number | null>;
const num = (v: string | number | null | undefined) => (v === null || v === undefined ? null : Number(v));

/**
 * The maintained totals are never trusted blindly: this compares them with the ledger — one set-based
 * statement per table, so each sees one snapshot in which an entry and its totals committed together — reports
 * every difference and repairs it by rebuilding the deputies concerned from the ledger, under their row locks
 * (the lock every posting takes first, so no posting of theirs interleaves with the repair). `rebuild()` fills
 * both tables from the ledger at once (the upgrade's migration; a restore that left them empty).
 */
export class TotalsReconciliation {
  /** What the last reconciliation of this process found (the nightly job logs it as well). */
  lastReport: ReconciliationReport | null = null;

  constructor(private db: Database) {}

  /** Every (deputy, year) and (deputy, item, year) whose total differs from the ledger's, or exists on one side only. */
  async differences(transaction?: Transaction): Promise<TotalDifference[]> {
    const e = sqlNames(this.db, 'pointEntries');
    const t = sqlNames(this.db, 'pointTotals');
    const i = sqlNames(this.db, 'pointItemTotals');
    const award = `CASE WHEN ${e.col('kind')} = 'award' THEN 1 ELSE -1 END`;
    // The ledger's sums and the kept rows side by side (UNION ALL: MariaDB has no FULL JOIN); a group with
    // ledger rows and no kept row, or the reverse, differs too.
    const differing = `HAVING SUM(lp) <> SUM(kp) OR (SUM(ln) > 0 AND SUM(kn) = 0) OR (SUM(ln) = 0 AND SUM(kn) > 0)`;
    const years: Row[] = await this.db.sequelize.query(
      `SELECT d, y, SUM(lp) AS ledger, SUM(kp) AS kept, SUM(ln) AS ln, SUM(kn) AS kn FROM (
         SELECT ${e.col('deputyId')} AS d, ${e.col('year')} AS y, SUM(${e.col('points')}) AS lp, 0 AS kp,
                COUNT(*) AS ln, 0 AS kn
         FROM ${e.table} GROUP BY ${e.col('deputyId')}, ${e.col('year')}
         UNION ALL
         SELECT ${t.col('deputyId')}, ${t.col('year')}, 0, ${t.col('total')}, 0, 1 FROM ${t.table}
       ) x GROUP BY d, y ${differing} ORDER BY d, y`,
      { type: QueryTypes.SELECT, transaction },
    );
    const items: Row[] = await this.db.sequelize.query(
      `SELECT d, it, y, SUM(lp) AS ledger, SUM(kp) AS kept, SUM(ls) AS ls, SUM(ks) AS ks, SUM(ln) AS ln,
              SUM(kn) AS kn FROM (
         SELECT ${e.col('deputyId')} AS d, ${e.col('itemId')} AS it, ${e.col('year')} AS y,
                SUM(${e.col('points')}) AS lp, 0 AS kp, SUM(${award}) AS ls, 0 AS ks, COUNT(*) AS ln, 0 AS kn
         FROM ${e.table} GROUP BY ${e.col('deputyId')}, ${e.col('itemId')}, ${e.col('year')}
         UNION ALL
         SELECT ${i.col('deputyId')}, ${i.col('itemId')}, ${i.col('year')}, 0, ${i.col('points')}, 0,
                ${i.col('standing')}, 0, 1 FROM ${i.table}
       ) x GROUP BY d, it, y ${differing} OR SUM(ls) <> SUM(ks) ORDER BY d, it, y`,
      { type: QueryTypes.SELECT, transaction },
    );
    return [
      ...years.map((r) => ({
        table: 'pointTotals' as const,
        deputyId: Number(r.d),
        year: Number(r.y),
        kept: Number(r.kn) ? num(r.kept) : null,
        ledger: Number(r.ln) ? num(r.ledger) : null,
      })),
      ...items.map((r) => ({
        table: 'pointItemTotals' as const,
        deputyId: Number(r.d),
        itemId: Number(r.it),
        year: Number(r.y),
        kept: Number(r.kn) ? num(r.kept) : null,
        ledger: Number(r.ln) ? num(r.ledger) : null,
        keptStanding: Number(r.kn) ? num(r.ks) : null,
        ledgerStanding: Number(r.ln) ? num(r.ls) : null,
      })),
    ];
  }

  /** Finds the differences and repairs them; the report lists what was found (nothing when all agree). */
  async reconcile(): Promise<ReconciliationReport> {
    const checkedAt = new Date().toISOString();
    const differences = await this.differences();
    const deputies = [...new Set(differences.map((d) => d.deputyId))].sort((a, b) => a - b);
    for (let n = 0; n < deputies.length; n += CHUNK) {
      const chunk = deputies.slice(n, n + CHUNK);
      await this.db.sequelize.transaction(async (transaction) => {
        // Ascending ids, as one statement: two repairs (two nodes) cannot deadlock, a posting waits for it.
        if (this.db.sequelize.getDialect() !== 'sqlite')
          await this.db.getModel('deputies').findAll({
            attributes: ['id'],
            where: { id: chunk },
            order: [['id', 'ASC']],
            transaction,
            lock: transaction.LOCK.UPDATE,
          });
        await this.fill(transaction, chunk);
      });
    }
    this.lastReport = { checkedAt, differences, repairedDeputies: deputies.length };
    return this.lastReport;
  }

  /** Both tables rebuilt from the whole ledger: one DELETE and one INSERT … SELECT per table. */
  async rebuild(transaction?: Transaction) {
    if (!transaction) return this.db.sequelize.transaction((t) => this.rebuild(t));
    await this.fill(transaction);
  }

  /** When the totals are empty and the ledger is not (a restore that skipped them), they are rebuilt. */
  async rebuildIfEmpty() {
    const [totals, entries] = await Promise.all([
      this.db.getModel('pointTotals').findOne({ attributes: ['id'] }),
      this.db.getModel('pointEntries').findOne({ attributes: ['id'] }),
    ]);
    if (totals || !entries) return false;
    await this.reconcile();
    return true;
  }

  /** Replaces the totals of the given deputies (all without) with the ledger's sums. */
  private async fill(transaction: Transaction, deputyIds?: number[]) {
    const e = sqlNames(this.db, 'pointEntries');
    const t = sqlNames(this.db, 'pointTotals');
    const i = sqlNames(this.db, 'pointItemTotals');
    const only = (col: string) => (deputyIds ? `WHERE ${col} IN (:deputyIds)` : '');
    const run = (sql: string) => this.db.sequelize.query(sql, { replacements: { deputyIds }, transaction });
    await run(`DELETE FROM ${t.table} ${only(t.col('deputyId'))}`);
    await run(`DELETE FROM ${i.table} ${only(i.col('deputyId'))}`);
    await run(
      `INSERT INTO ${t.table} (${t.col('deputyId')}, ${t.col('year')}, ${t.col('total')})
       SELECT ${e.col('deputyId')}, ${e.col('year')}, SUM(${e.col('points')}) FROM ${e.table}
       ${only(e.col('deputyId'))} GROUP BY ${e.col('deputyId')}, ${e.col('year')}`,
    );
    await run(
      `INSERT INTO ${i.table} (${i.col('deputyId')}, ${i.col('itemId')}, ${i.col('year')}, ${i.col('points')},
         ${i.col('standing')})
       SELECT ${e.col('deputyId')}, ${e.col('itemId')}, ${e.col('year')}, SUM(${e.col('points')}),
              SUM(CASE WHEN ${e.col('kind')} = 'award' THEN 1 ELSE -1 END)
       FROM ${e.table} ${only(e.col('deputyId'))}
       GROUP BY ${e.col('deputyId')}, ${e.col('itemId')}, ${e.col('year')}`,
    );
  }
}
