import { lockRow, shanghaiToday } from '@deputy/plugin-suite-core';
import type { Database, FindOptions, Model, Transaction } from '@nocobase/database';
import { Op } from '@nocobase/database';
import { Period, periodOf, periodsOfYear } from './periods';

export type Scope = { deputyIds?: number[]; stationIds?: number[] };
type Rule = {
  id: number;
  subject: string;
  period: string;
  measure: string;
  requiredCount: number;
  exemptOnLeave: boolean;
  exemptNewcomers: boolean;
  itemIds: number[];
};
type Deputy = {
  id: number;
  stationId: number | null;
  termId: number | null;
  status: string;
  leftOn: string | null;
  joinedOn: string;
};
type Tally = Map<number, { n: number; ids: number[] }>;
type Where = NonNullable<FindOptions['where']>;
type ResultRow = ReturnType<Compliance['row']>;
/** Rows read with `raw: true`: plain column values, not model instances. */
type DeputyRow = {
  id: number;
  stationId: number | null;
  termId: number | null;
  status: string;
  leftOn: string | Date | null;
  electedOn: string | Date | null;
};
type GroupRow = { n: number | string; ids: number[] | string | null } & Record<string, unknown>;
type SectionRow = { id: number; source: string };
type EntryRow = { stationId: number; sectionId: number };

const KEEP_IDS = 50;
/** A period key as a 32-bit integer (the second half of the slice's advisory lock). */
const asDate = (v: unknown) =>
  v instanceof Date ? new Date(v.getTime() + 8 * 3600e3).toISOString().slice(0, 10) : String(v ?? '').slice(0, 10);

/**
 * Compliance of the 六个一 rules: for a rule and a period, counts what satisfied it per deputy or station
 * with one grouped query, decides met / missed / in progress / exempt, and replaces that slice of
 * ruleResults. The nightly full run and the incremental update after a change call the same
 * computation — the incremental one only narrows it to the deputies or stations concerned — so both
 * give the same rows.
 */
export class Compliance {
  constructor(private db: Database) {}

  async rules(filter: Record<string, unknown> = {}, transaction?: Transaction): Promise<Rule[]> {
    const rows: Model[] = await this.db
      .getRepository('dutyRules')
      .find({ filter: { active: true, ...filter }, appends: ['items'], transaction });
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

  /** Every active rule for every period of the year that has begun (the nightly job runs it for this year). */
  async recomputeYear(year: number, transaction?: Transaction) {
    const today = shanghaiToday();
    let slices = 0;
    for (const rule of await this.rules({}, transaction)) {
      for (const period of await this.periodsOf(rule, year, transaction)) {
        if (period.from > today) continue;
        await this.compute(rule, period, {}, transaction);
        slices += 1;
      }
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
    for (const rule of rules) {
      for (const period of await this.periodsAt(rule, date, transaction))
        await this.compute(rule, period, scope, transaction);
    }
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
      const done = new Set<string>();
      for (const period of periods) {
        if (period.from > today || done.has(period.key)) continue;
        done.add(period.key);
        await this.compute(rule, period, { deputyIds: [deputyId] }, transaction);
      }
    }
  }

  /**
   * Replaces one slice (rule × period, narrowed to the scope) in a transaction — the caller's, or its own — so a
   * reader never sees it half-written. The rule's row is locked for the transaction (a row lock: every database,
   * every node of a cluster), so the nightly run and an incremental update of the same slice at the same moment
   * cannot both insert its rows. Each slice has a transaction of its own, so a transaction holds one such lock.
   */
  async compute(rule: Rule, period: Period, scope: Scope, transaction?: Transaction): Promise<void> {
    // (Not on SQLite: its one connection cannot hold concurrent transactions.)
    const dialect = this.db.sequelize.getDialect();
    if (!transaction && dialect !== 'sqlite')
      return this.db.sequelize.transaction((t) => this.compute(rule, period, scope, t));
    await lockRow(this.db, 'dutyRules', rule.id, transaction);
    const today = shanghaiToday();
    const results = this.db.getModel('ruleResults');
    const rows: ResultRow[] = [];
    if (rule.subject === 'deputy') {
      const deputies = await this.deputies(period, scope, rule, transaction);
      if (!deputies.length && !scope.deputyIds) return;
      const tally = await this.tallyDeputies(
        rule,
        period,
        deputies.map((d) => d.id),
        transaction,
      );
      const onLeave = rule.exemptOnLeave
        ? await this.onLeave(
            period,
            deputies.map((d) => d.id),
            transaction,
          )
        : new Set<number>();
      for (const d of deputies) {
        const t = tally.get(d.id) ?? { n: 0, ids: [] };
        let exemptReason: string | null = null;
        if (onLeave.has(d.id)) exemptReason = 'leave';
        else if (rule.exemptNewcomers && rule.period !== 'standing' && d.joinedOn && d.joinedOn > period.from)
          exemptReason = 'joined';
        else if (rule.exemptNewcomers && d.status === 'left' && d.leftOn && d.leftOn <= period.to)
          exemptReason = 'left';
        rows.push(this.row(rule, period, today, t, { deputyId: d.id, stationId: d.stationId }, exemptReason));
      }
      await results.destroy({
        where: {
          ruleId: rule.id,
          periodKey: period.key,
          ...(scope.deputyIds ? { deputyId: { [Op.in]: scope.deputyIds } } : {}),
        },
        transaction,
      });
    } else {
      const found: Model[] = await this.db
        .getRepository('liaisonStations')
        .find({ fields: ['id'], filter: scope.stationIds ? { id: { $in: scope.stationIds } } : {}, transaction });
      const stations: number[] = found.map((s) => s.get('id'));
      const { tally, required } = await this.tallyStations(rule, period, stations, transaction);
      for (const stationId of stations)
        rows.push(
          this.row(
            { ...rule, requiredCount: required },
            period,
            today,
            tally.get(stationId) ?? { n: 0, ids: [] },
            { deputyId: null, stationId },
            null,
          ),
        );
      await results.destroy({
        where: {
          ruleId: rule.id,
          periodKey: period.key,
          deputyId: null,
          ...(scope.stationIds ? { stationId: { [Op.in]: scope.stationIds } } : {}),
        },
        transaction,
      });
    }
    await this.insert(rows, transaction);
  }

  /** Computed rows, written as plain multi-row INSERTs (no model instances, no hooks): the bulk of a full run. */
  private async insert(rows: ResultRow[], transaction?: Transaction) {
    if (!rows.length) return;
    const model = this.db.getModel('ruleResults');
    const column = (attribute: string) => model.rawAttributes[attribute]?.field ?? attribute;
    const now = new Date();
    const plain = rows.map((r) =>
      Object.fromEntries(
        Object.entries({ ...r, sourceIds: JSON.stringify(r.sourceIds), createdAt: now, updatedAt: now }).map(
          ([k, v]) => [column(k), v],
        ),
      ),
    );
    const qi = this.db.sequelize.getQueryInterface();
    for (let i = 0; i < plain.length; i += 2000)
      await qi.bulkInsert(model.getTableName(), plain.slice(i, i + 2000), { transaction });
  }

  private row(
    rule: Rule,
    period: Period,
    today: string,
    t: { n: number; ids: number[] },
    who: { deputyId: number | null; stationId: number | null },
    exemptReason: string | null,
  ) {
    const status = exemptReason
      ? 'exempt'
      : t.n >= rule.requiredCount
        ? 'met'
        : period.to >= today && rule.period !== 'standing'
          ? 'in-progress'
          : 'missed';
    return {
      ruleId: rule.id,
      ...who,
      periodKey: period.key,
      periodFrom: period.from,
      periodTo: period.to,
      count: t.n,
      required: rule.requiredCount,
      status,
      exemptReason,
      sourceIds: t.ids.slice(0, KEEP_IDS),
    };
  }

  /** Deputies a rule applies to in a period: in office during it (those who left before it began are out). */
  private async deputies(period: Period, scope: Scope, rule: Rule, transaction?: Transaction): Promise<Deputy[]> {
    const where: Where = {
      ...(scope.deputyIds ? { id: { [Op.in]: scope.deputyIds } } : {}),
      ...(rule.period === 'term' ? { termId: Number(period.key.slice(5)) } : {}),
    };
    const rows = (await this.db.getModel('deputies').findAll({
      attributes: ['id', 'stationId', 'termId', 'status', 'leftOn', 'electedOn'],
      where,
      raw: true,
      transaction,
    })) as unknown as DeputyRow[];
    return rows
      .map((d) => ({
        id: d.id,
        stationId: d.stationId,
        termId: d.termId,
        status: d.status,
        leftOn: d.leftOn ? asDate(d.leftOn) : null,
        joinedOn: d.electedOn ? asDate(d.electedOn) : '',
      }))
      .filter(
        (d) => !(d.status === 'left' && d.leftOn && d.leftOn < period.from) && (!d.joinedOn || d.joinedOn <= period.to),
      );
  }

  private async onLeave(period: Period, deputyIds: number[], transaction?: Transaction) {
    if (!deputyIds.length) return new Set<number>();
    const leaves = (await this.db.getModel('deputyLeaves').findAll({
      attributes: ['deputyId'],
      where: {
        status: 'approved',
        from: { [Op.lte]: period.to },
        to: { [Op.gte]: period.from },
        deputyId: { [Op.in]: deputyIds },
      },
      raw: true,
      transaction,
    })) as unknown as { deputyId: number }[];
    return new Set<number>(leaves.map((l) => l.deputyId));
  }

  /** One grouped query: the count and the ids per key. */
  private async group(collection: string, key: string, where: Where, transaction?: Transaction): Promise<Tally> {
    const { sequelize } = this.db;
    const dialect = sequelize.getDialect();
    const agg =
      dialect === 'postgres'
        ? sequelize.fn('array_agg', sequelize.col('id'))
        : sequelize.fn('group_concat', sequelize.col('id'));
    const rows = (await this.db.getModel(collection).findAll({
      attributes: [key, [sequelize.fn('COUNT', sequelize.col('id')), 'n'], [agg, 'ids']],
      where,
      group: [key],
      raw: true,
      transaction,
    })) as unknown as GroupRow[];
    const tally: Tally = new Map();
    for (const r of rows) {
      const ids = Array.isArray(r.ids)
        ? r.ids
        : String(r.ids ?? '')
            .split(',')
            .filter(Boolean);
      tally.set(Number(r[key]), { n: Number(r.n), ids: ids.map(Number).sort((a: number, b: number) => a - b) });
    }
    return tally;
  }

  private async tallyDeputies(
    rule: Rule,
    period: Period,
    deputyIds: number[],
    transaction?: Transaction,
  ): Promise<Tally> {
    if (!deputyIds.length) return new Map();
    if (rule.measure === 'records') {
      if (!rule.itemIds.length) return new Map();
      return this.group(
        'dutyRecords',
        'deputyId',
        {
          status: 'approved',
          itemId: { [Op.in]: rule.itemIds },
          date: { [Op.between]: [period.from, period.to] },
          deputyId: { [Op.in]: deputyIds },
        },
        transaction,
      );
    }
    if (rule.measure === 'gridAreas') {
      const rows = (await this.db
        .getModel('deputiesGridAreas')
        .findAll({ where: { deputyId: { [Op.in]: deputyIds } }, raw: true, transaction })) as unknown as {
        deputyId: number;
        gridAreaId: number;
      }[];
      const tally: Tally = new Map();
      for (const r of rows) {
        const t = tally.get(r.deputyId) ?? { n: 0, ids: [] };
        t.n += 1;
        t.ids.push(r.gridAreaId);
        tally.set(r.deputyId, t);
      }
      return tally;
    }
    return new Map();
  }

  private async tallyStations(
    rule: Rule,
    period: Period,
    stationIds: number[],
    transaction?: Transaction,
  ): Promise<{ tally: Tally; required: number }> {
    const inPeriod = { [Op.between]: [period.from, period.to] };
    const stationFilter = { [Op.in]: stationIds };
    if (!stationIds.length) return { tally: new Map(), required: rule.requiredCount };
    if (rule.measure === 'activities') {
      const tally = rule.itemIds.length
        ? await this.group(
            'dutyActivities',
            'stationId',
            { status: 'approved', itemId: { [Op.in]: rule.itemIds }, date: inPeriod, stationId: stationFilter },
            transaction,
          )
        : new Map();
      return { tally, required: rule.requiredCount };
    }
    if (rule.measure === 'receptionSessions') {
      return {
        tally: await this.group(
          'receptionSessions',
          'stationId',
          { status: 'held', date: inPeriod, stationId: stationFilter },
          transaction,
        ),
        required: rule.requiredCount,
      };
    }
    if (rule.measure === 'ledgerSections') {
      // A section is complete for the month by an uploaded entry, or by the suite's own records.
      const sections = (await this.db
        .getModel('ledgerSections')
        .findAll({ where: { active: true }, raw: true, transaction })) as unknown as SectionRow[];
      const entries = (await this.db.getModel('ledgerEntries').findAll({
        attributes: ['stationId', 'sectionId'],
        where: { month: period.key.slice(0, 7), stationId: stationFilter },
        raw: true,
        transaction,
      })) as unknown as EntryRow[];
      const activities = await this.group(
        'dutyActivities',
        'stationId',
        { status: 'approved', date: inPeriod, stationId: stationFilter },
        transaction,
      );
      const receptions = await this.group(
        'receptionSessions',
        'stationId',
        { status: 'held', date: inPeriod, stationId: stationFilter },
        transaction,
      );
      const tally: Tally = new Map();
      for (const stationId of stationIds) {
        const done = sections.filter((s) =>
          s.source === 'activities'
            ? activities.has(stationId)
            : s.source === 'receptions'
              ? receptions.has(stationId)
              : entries.some((e) => e.stationId === stationId && e.sectionId === s.id),
        );
        tally.set(stationId, { n: done.length, ids: done.map((s) => s.id) });
      }
      return { tally, required: rule.requiredCount || sections.length };
    }
    return { tally: new Map(), required: rule.requiredCount };
  }
}
