import { lockRow, shanghaiToday } from '@deputy/plugin-suite-core';
import type { Database, FindOptions, Model } from '@nocobase/database';
import { Op, Transaction } from '@nocobase/database';
import { Period, periodOf, periodsOfYear } from './periods';

export type Scope = { deputyIds?: number[]; stationIds?: number[] };
export type Rule = {
  id: number;
  subject: string;
  period: string;
  measure: string;
  requiredCount: number;
  exemptOnLeave: boolean;
  exemptNewcomers: boolean;
  itemIds: number[];
};
type Where = NonNullable<FindOptions['where']>;
type Replacements = Record<string, unknown>;

/** How many of the records that satisfied a rule a result keeps (the lowest ids). */
export const KEEP_IDS = 50;
const asDate = (v: unknown) =>
  v instanceof Date ? new Date(v.getTime() + 8 * 3600e3).toISOString().slice(0, 10) : String(v ?? '').slice(0, 10);

/**
 * Compliance of the 六个一 rules: for a rule and some of its periods, one INSERT … SELECT counts in the
 * database what satisfied it per deputy or station (GROUP BY), decides met / missed / in progress / exempt and
 * writes the rows of ruleResults, after deleting that slice's old ones. Nothing goes through Node row by row.
 * The nightly full run (every period of a year, no scope) and the incremental update after a change (the
 * periods of one date, narrowed to the deputies or stations concerned) build the same statement
 * (`resultsSql`), so both give the same rows.
 */
export class Compliance {
  constructor(private db: Database) {}

  async rules(filter: Record<string, unknown> = {}, transaction?: Transaction): Promise<Rule[]> {
    const rows: Model[] = await this.db
      .getRepository('dutyRules')
      .find({ filter: { active: true, ...filter }, appends: ['items'], sort: ['id'], transaction });
    return rows.map((r) => ({
      id: r.get('id'),
      subject: r.get('subject'),
      period: r.get('period'),
      measure: r.get('measure'),
      requiredCount: Number(r.get('requiredCount') ?? 1),
      exemptOnLeave: !!r.get('exemptOnLeave'),
      exemptNewcomers: !!r.get('exemptNewcomers'),
      itemIds: ((r.get('items') ?? []) as Model[]).map((i) => i.get('id')),
    }));
  }

  /**
   * Every active rule for every period of the year that has begun (the nightly job runs it for this year): one
   * statement per rule for all its periods, in one transaction, so a reader sees the old year or the new one.
   * The rules are locked in id order, and an incremental update holds one rule's lock at a time: no deadlock.
   */
  async recomputeYear(year: number, transaction?: Transaction): Promise<number> {
    if (!transaction && this.ownTransactions())
      return this.db.sequelize.transaction(this.transactionOptions(), (t) => this.recomputeYear(year, t));
    const today = shanghaiToday();
    let slices = 0;
    for (const rule of await this.rules({}, transaction)) {
      const periods = (await this.periodsOf(rule, year, transaction)).filter((p) => p.from <= today);
      await this.replace(rule, periods, {}, transaction);
      slices += periods.length;
    }
    return slices;
  }

  /** The periods of a rule in a year: months, quarters, the year, the terms overlapping it, or "standing". */
  async periodsOf(rule: Rule, year: number, transaction?: Transaction): Promise<Period[]> {
    if (rule.period === 'standing') return [{ key: 'standing', from: shanghaiToday(), to: shanghaiToday() }];
    if (rule.period === 'term') {
      const terms: Model[] = await this.db.getRepository('deputyTerms').find({ transaction });
      return terms
        .map((t) => ({
          key: `term-${t.get('id')}`,
          from: asDate(t.get('startsOn') || `${year}-01-01`),
          to: asDate(t.get('endsOn') || `${year}-12-31`),
        }))
        .filter((p) => p.from <= `${year}-12-31` && p.to >= `${year}-01-01`);
    }
    return periodsOfYear(rule.period, year);
  }

  /**
   * Computes the slices of the periods containing `date` that have no rows yet (a rule just added, a fresh
   * install, a month the nightly job has not reached), so the matrix never shows a gap for them.
   */
  async fillMissing(date: string) {
    for (const rule of await this.rules()) {
      for (const period of await this.periodsAt(rule, date)) {
        if (!period || period.from > shanghaiToday()) continue;
        const where: Where = {
          ruleId: rule.id,
          periodKey: period.key,
          ...(rule.subject === 'station' ? { deputyId: null } : {}),
        };
        if (!(await this.db.getModel('ruleResults').count({ where }))) await this.compute(rule, period, {});
      }
    }
  }

  /** The periods of a rule that contain `date` (a month, a quarter, a year, the terms around it, or "standing"). */
  async periodsAt(rule: Rule, date: string, transaction?: Transaction): Promise<Period[]> {
    if (rule.period === 'term' || rule.period === 'standing') {
      return (await this.periodsOf(rule, Number(date.slice(0, 4)), transaction)).filter(
        (p) => rule.period === 'standing' || (p.from <= date && date <= p.to),
      );
    }
    const period = periodOf(rule.period, date);
    return period ? [period] : [];
  }

  /** Recomputes what a change on `date` affects: the rules counting `measure`, narrowed to `scope`. */
  async recomputeFor(measures: string[], date: string, scope: Scope, transaction?: Transaction, itemId?: number) {
    const rules = (await this.rules({}, transaction)).filter(
      (r) => measures.includes(r.measure) && (itemId === undefined || r.itemIds.includes(itemId)),
    );
    for (const rule of rules) await this.computePeriods(rule, await this.periodsAt(rule, date, transaction), scope);
  }

  /**
   * One deputy's rows of the deputy rules, for every begun period of the given years (a deputy elected, leaving
   * or moving station), or — with `only` — just the periods containing that date (a deputy just added).
   */
  async recomputeDeputy(deputyId: number, years: number[], transaction?: Transaction, only?: string) {
    const today = shanghaiToday();
    for (const rule of (await this.rules({}, transaction)).filter((r) => r.subject === 'deputy')) {
      const periods = only
        ? await this.periodsAt(rule, only, transaction)
        : (await Promise.all(years.map((y) => this.periodsOf(rule, y, transaction)))).flat();
      // The same term or "standing" comes back for each year: once is enough.
      const unique = [...new Map(periods.filter((p) => p.from <= today).map((p) => [p.key, p])).values()];
      await this.computePeriods(rule, unique, { deputyIds: [deputyId] }, transaction);
    }
  }

  /** One slice (rule × period, narrowed to the scope). */
  async compute(rule: Rule, period: Period, scope: Scope, transaction?: Transaction): Promise<void> {
    return this.computePeriods(rule, [period], scope, transaction);
  }

  /**
   * Replaces the slices of a rule's periods (narrowed to the scope) in a transaction — the caller's, or its own —
   * so a reader never sees them half-written.
   */
  async computePeriods(rule: Rule, periods: Period[], scope: Scope, transaction?: Transaction): Promise<void> {
    if (!periods.length) return;
    if (!transaction && this.ownTransactions())
      return this.db.sequelize.transaction(this.transactionOptions(), (t) =>
        this.computePeriods(rule, periods, scope, t),
      );
    await this.replace(rule, periods, scope, transaction);
  }

  /** Not on SQLite: its one connection cannot hold concurrent transactions. */
  private ownTransactions() {
    return this.db.sequelize.getDialect() !== 'sqlite';
  }

  /**
   * READ COMMITTED on MySQL/MariaDB (PostgreSQL's default): under REPEATABLE READ an INSERT … SELECT takes shared
   * locks on every row it reads — a full run would hold the year's records against approvals until it commits.
   */
  private transactionOptions() {
    const mysql = ['mysql', 'mariadb'].includes(this.db.sequelize.getDialect());
    return mysql ? { isolationLevel: Transaction.ISOLATION_LEVELS.READ_COMMITTED } : {};
  }

  /**
   * Deletes the slices' rows and inserts the computed ones. The rule's row is locked for the transaction (a row
   * lock: every database, every node of a cluster), so the nightly run and an incremental update of the same
   * slice at the same moment cannot both insert its rows.
   */
  private async replace(rule: Rule, periods: Period[], scope: Scope, transaction?: Transaction) {
    if (!periods.length) return;
    if (!this.ownTransactions()) return this.inTurn(() => this.replaceNow(rule, periods, scope, transaction));
    return this.replaceNow(rule, periods, scope, transaction);
  }

  /**
   * SQLite (one process, one connection, no transaction of our own): replacements take turns here instead, so a
   * full run and an incremental update never interleave their DELETE and INSERT of the same slice.
   */
  private turn: Promise<unknown> = Promise.resolve();
  private inTurn<T>(work: () => Promise<T>): Promise<T> {
    const run = this.turn.then(work, work);
    this.turn = run.catch(() => undefined);
    return run;
  }

  private async replaceNow(rule: Rule, periods: Period[], scope: Scope, transaction?: Transaction) {
    await lockRow(this.db, 'dutyRules', rule.id, transaction);
    const forDeputies = rule.subject === 'deputy';
    await this.db.getModel('ruleResults').destroy({
      where: {
        ruleId: rule.id,
        periodKey: { [Op.in]: periods.map((p) => p.key) },
        ...(forDeputies
          ? scope.deputyIds && { deputyId: { [Op.in]: scope.deputyIds } }
          : { deputyId: null, ...(scope.stationIds && { stationId: { [Op.in]: scope.stationIds } }) }),
      },
      transaction,
    });
    if (forDeputies ? scope.deputyIds?.length === 0 : scope.stationIds?.length === 0) return;
    const { sql, replacements } = await this.resultsSql(rule, periods, scope, transaction);
    await this.db.sequelize.query(sql, { replacements, transaction });
  }

  /**
   * The one statement that computes a rule's results: INSERT INTO ruleResults SELECT, per subject (the deputies
   * in office during a period — for a term rule, of that term — or every station) × period, the count of what
   * satisfied the rule (a grouped subquery), the exemption (approved leave overlapping the period; elected after
   * it began; left before it ended) and the status. `scope` narrows every part to some deputies or stations.
   */
  async resultsSql(rule: Rule, periods: Period[], scope: Scope, transaction?: Transaction) {
    const { db } = this;
    const dialect = db.sequelize.getDialect();
    const qi = db.sequelize.getQueryInterface();
    const table = (collection: string) => db.getCollection(collection).quotedTableName();
    const col = (alias: string, collection: string, attribute: string) =>
      `${alias}.${qi.quoteIdentifier(db.getModel(collection).rawAttributes[attribute]?.field ?? attribute)}`;
    // Dates are text on SQLite (NocoBase's dateOnly), DATE columns elsewhere.
    const asDateSql = (name: string) => (dialect === 'sqlite' ? `:${name}` : `CAST(:${name} AS DATE)`);
    const today = shanghaiToday();
    const replacements: Replacements = { rule: rule.id, today, now: new Date() };
    // The periods as a derived table `pk, pf, pt` (and the month a ledger entry names, the term's id).
    const P = `(${periods
      .map((p, i) => {
        Object.assign(replacements, {
          [`k${i}`]: p.key,
          [`f${i}`]: p.from,
          [`t${i}`]: p.to,
          [`m${i}`]: p.key.slice(0, 7),
        });
        const term = rule.period === 'term' ? Number(p.key.slice(5)) || 0 : 0;
        return `SELECT :k${i} AS pk, ${asDateSql(`f${i}`)} AS pf, ${asDateSql(`t${i}`)} AS pt, :m${i} AS pm, ${term} AS term`;
      })
      .join(' UNION ALL ')})`;
    const within = (alias: string, collection: string) =>
      `${col(alias, collection, 'date')} >= p.pf AND ${col(alias, collection, 'date')} <= p.pt`;
    const only = (column: string, ids: number[] | undefined, name: string) => {
      if (!ids) return '';
      replacements[name] = ids;
      return ` AND ${column} IN (:${name})`;
    };
    const items = () => {
      replacements.items = rule.itemIds;
      return ':items';
    };
    const forDeputies = rule.subject === 'deputy';
    const subjects = forDeputies ? scope.deputyIds : scope.stationIds;

    // What satisfied the rule, one row per (subject, period, id kept), or null when nothing can.
    let source: string | null = null;
    if (forDeputies && rule.measure === 'records' && rule.itemIds.length) {
      source = `SELECT ${col('r', 'dutyRecords', 'deputyId')} AS who, p.pk, ${col('r', 'dutyRecords', 'id')} AS id
        FROM ${P} p JOIN ${table('dutyRecords')} r ON ${within('r', 'dutyRecords')}
        WHERE ${col('r', 'dutyRecords', 'status')} = 'approved' AND ${col('r', 'dutyRecords', 'itemId')} IN (${items()})
        ${only(col('r', 'dutyRecords', 'deputyId'), subjects, 'subjects')}`;
    } else if (forDeputies && rule.measure === 'gridAreas') {
      source = `SELECT ${col('g', 'deputiesGridAreas', 'deputyId')} AS who, p.pk, ${col('g', 'deputiesGridAreas', 'gridAreaId')} AS id
        FROM ${P} p CROSS JOIN ${table('deputiesGridAreas')} g
        WHERE 1 = 1 ${only(col('g', 'deputiesGridAreas', 'deputyId'), subjects, 'subjects')}`;
    } else if (!forDeputies && rule.measure === 'activities' && rule.itemIds.length) {
      source = `SELECT ${col('a', 'dutyActivities', 'stationId')} AS who, p.pk, ${col('a', 'dutyActivities', 'id')} AS id
        FROM ${P} p JOIN ${table('dutyActivities')} a ON ${within('a', 'dutyActivities')}
        WHERE ${col('a', 'dutyActivities', 'status')} = 'approved' AND ${col('a', 'dutyActivities', 'itemId')} IN (${items()})
        ${only(col('a', 'dutyActivities', 'stationId'), subjects, 'subjects')}`;
    } else if (!forDeputies && rule.measure === 'receptionSessions') {
      source = `SELECT ${col('s', 'receptionSessions', 'stationId')} AS who, p.pk, ${col('s', 'receptionSessions', 'id')} AS id
        FROM ${P} p JOIN ${table('receptionSessions')} s ON ${within('s', 'receptionSessions')}
        WHERE ${col('s', 'receptionSessions', 'status')} = 'held'
        ${only(col('s', 'receptionSessions', 'stationId'), subjects, 'subjects')}`;
    } else if (!forDeputies && rule.measure === 'ledgerSections') {
      // A section is complete for the month by an uploaded entry, or by the suite's own records: any approved
      // activity of the station in the period, any reception session held.
      const stationId = col('st', 'liaisonStations', 'id');
      const kind = col('sec', 'ledgerSections', 'source');
      source = `SELECT ${stationId} AS who, p.pk, ${col('sec', 'ledgerSections', 'id')} AS id
        FROM ${P} p CROSS JOIN ${table('liaisonStations')} st CROSS JOIN ${table('ledgerSections')} sec
        WHERE ${col('sec', 'ledgerSections', 'active')} = TRUE ${only(stationId, subjects, 'subjects')} AND (
          (${kind} = 'activities' AND EXISTS (SELECT 1 FROM ${table('dutyActivities')} a
            WHERE ${col('a', 'dutyActivities', 'stationId')} = ${stationId} AND ${col('a', 'dutyActivities', 'status')} = 'approved'
            AND ${within('a', 'dutyActivities')}))
          OR (${kind} = 'receptions' AND EXISTS (SELECT 1 FROM ${table('receptionSessions')} s
            WHERE ${col('s', 'receptionSessions', 'stationId')} = ${stationId} AND ${col('s', 'receptionSessions', 'status')} = 'held'
            AND ${within('s', 'receptionSessions')}))
          OR (${kind} NOT IN ('activities', 'receptions') AND EXISTS (SELECT 1 FROM ${table('ledgerEntries')} e
            WHERE ${col('e', 'ledgerEntries', 'stationId')} = ${stationId} AND ${col('e', 'ledgerEntries', 'sectionId')} = ${col('sec', 'ledgerSections', 'id')}
            AND ${col('e', 'ledgerEntries', 'month')} = p.pm)))`;
    }
    // Count per (subject, period) and the lowest KEEP_IDS ids, listed in order (joined as text per dialect).
    const kept = `CASE WHEN rn <= ${KEEP_IDS} THEN id END`;
    const list =
      dialect === 'postgres'
        ? `string_agg(CAST(${kept} AS TEXT), ',' ORDER BY id)`
        : dialect === 'sqlite'
          ? `group_concat(${kept}, ',' ORDER BY id)`
          : `GROUP_CONCAT(${kept} ORDER BY id SEPARATOR ',')`;
    const tally = source
      ? `LEFT JOIN (SELECT who, pk, COUNT(*) AS n, ${list} AS ids
          FROM (SELECT who, pk, id, ROW_NUMBER() OVER (PARTITION BY who, pk ORDER BY id) AS rn FROM (${source}) src) ranked
          GROUP BY who, pk) c ON c.who = w.who AND c.pk = p.pk`
      : '';
    const n = source ? 'COALESCE(c.n, 0)' : '0';
    const ids = source ? 'c.ids' : 'NULL';

    let required = rule.requiredCount;
    if (forDeputies) {
      const d = (attribute: string) => col('d', 'deputies', attribute);
      const term = rule.period === 'term';
      const deputies = `SELECT ${d('id')} AS who, ${d('stationId')} AS station, ${d('status')} AS status,
          ${d('electedOn')} AS elected, ${d('leftOn')} AS gone${term ? `, ${d('termId')} AS term` : ''}
        FROM ${table('deputies')} d WHERE 1 = 1 ${only(d('id'), subjects, 'subjects')}`;
      // In office during the period: not left before it began, not elected after it ended (of the term's deputies).
      const inOffice = `NOT (w.status = 'left' AND w.gone IS NOT NULL AND w.gone < p.pf)
        AND (w.elected IS NULL OR w.elected <= p.pt)${term ? ' AND w.term = p.term' : ''}`;
      const why: string[] = [];
      let leave = '';
      if (rule.exemptOnLeave) {
        const l = (attribute: string) => col('l', 'deputyLeaves', attribute);
        leave = `LEFT JOIN (SELECT ${l('deputyId')} AS who, p.pk FROM ${P} p JOIN ${table('deputyLeaves')} l
            ON ${l('from')} <= p.pt AND ${l('to')} >= p.pf
            WHERE ${l('status')} = 'approved' ${only(l('deputyId'), subjects, 'subjects')}
            GROUP BY ${l('deputyId')}, p.pk) lv ON lv.who = w.who AND lv.pk = p.pk`;
        why.push(`WHEN lv.who IS NOT NULL THEN 'leave'`);
      }
      if (rule.exemptNewcomers && rule.period !== 'standing')
        why.push(`WHEN w.elected IS NOT NULL AND w.elected > p.pf THEN 'joined'`);
      if (rule.exemptNewcomers)
        why.push(`WHEN w.status = 'left' AND w.gone IS NOT NULL AND w.gone <= p.pt THEN 'left'`);
      const rows = `SELECT w.who AS deputy, w.station, p.pk, p.pf, p.pt, ${n} AS n, ${ids} AS ids,
          ${why.length ? `CASE ${why.join(' ')} END` : 'NULL'} AS why
        FROM ${P} p JOIN (${deputies}) w ON ${inOffice} ${leave} ${tally}`;
      return { sql: this.insertSql(rows, rule, required, true), replacements };
    }
    if (rule.measure === 'ledgerSections' && !required)
      required = await this.db.getModel('ledgerSections').count({ where: { active: true }, transaction });
    const s = col('s', 'liaisonStations', 'id');
    const rows = `SELECT w.who AS station, p.pk, p.pf, p.pt, ${n} AS n, ${ids} AS ids
      FROM ${P} p CROSS JOIN (SELECT ${s} AS who FROM ${table('liaisonStations')} s
        WHERE 1 = 1 ${only(s, subjects, 'subjects')}) w ${tally}`;
    return { sql: this.insertSql(rows, rule, required, false), replacements };
  }

  /** The INSERT around the computed rows `x`: the status from the exemption, the count and the period's end. */
  private insertSql(rows: string, rule: Rule, required: number, forDeputies: boolean) {
    const qi = this.db.sequelize.getQueryInterface();
    const model = this.db.getModel('ruleResults');
    const columns = [
      'ruleId',
      'deputyId',
      'stationId',
      'periodKey',
      'periodFrom',
      'periodTo',
      'count',
      'required',
      'status',
      'exemptReason',
      'sourceIds',
      'createdAt',
      'updatedAt',
    ].map((a) => qi.quoteIdentifier(model.rawAttributes[a]?.field ?? a));
    const dialect = this.db.sequelize.getDialect();
    const today = dialect === 'sqlite' ? ':today' : 'CAST(:today AS DATE)';
    const open = rule.period === 'standing' ? '' : `WHEN x.pt >= ${today} THEN 'in-progress'`;
    // The ids as a JSON list; PostgreSQL's json column takes no text without a cast.
    const json = `CONCAT('[', COALESCE(x.ids, ''), ']')`;
    const sql = `INSERT INTO ${this.db.getCollection('ruleResults').quotedTableName()} (${columns.join(', ')})
      SELECT :rule, ${forDeputies ? 'x.deputy' : 'NULL'}, x.station, x.pk, x.pf, x.pt, x.n, ${Number(required)},
        CASE ${forDeputies ? `WHEN x.why IS NOT NULL THEN 'exempt'` : ''} WHEN x.n >= ${Number(required)} THEN 'met'
          ${open} ELSE 'missed' END,
        ${forDeputies ? 'x.why' : 'NULL'}, ${dialect === 'postgres' ? `CAST(${json} AS JSON)` : json}, :now, :now
      FROM (${rows}) x`;
    return sql;
  }
}
