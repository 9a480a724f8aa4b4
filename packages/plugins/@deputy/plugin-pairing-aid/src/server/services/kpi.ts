import { addDays, shanghaiToday } from '@deputy/plugin-suite-core';
import { Database, Op, fn } from '@nocobase/database';
import { fenToYuan } from './money';
import { readSettings } from './settings';

export type Range = { from: string; to: string };

/** Rows read with `raw: true` (plain column values; dates as the dialect gives them, sums as numbers or text). */
type DateValue = string | Date | null;
type PairingRow = {
  id: number;
  deputyId: number;
  householdId: number;
  status: string;
  startDate: DateValue;
  endDate: DateValue;
};
type HouseholdRow = { id: number; categoryId: number | null; headName: string };
type CategoryRow = { id: number; code: string; name: string; visitIntervalDays: number | null };
type VisitTally = {
  mode: string;
  householdConfirmed: boolean | number | null;
  n: number | string;
  people: number | string | null;
};
type RecordTally = { typeId: number; n: number | string; fen: number | string | null; units: number | string | null };
type TypeRow = { id: number; code: string; name: string; kpiGroup: string };
type DeputyRow = { id: number; name: string; stationId: number | null };
type LastVisit = { pairingId: number; last: DateValue };
type PlanRow = { pairingId: number; version: number; reviewDate: DateValue; createdAt: DateValue };

/** `2026`, `2026-Q3` or `2026-05` as a date range, or null when the text is none of these. */
export function periodRange(period: string): Range | null {
  let m = /^(\d{4})$/.exec(period);
  if (m) return { from: `${m[1]}-01-01`, to: `${m[1]}-12-31` };
  m = /^(\d{4})-Q([1-4])$/i.exec(period);
  if (m) {
    const q = Number(m[2]);
    const start = `${m[1]}-${String(q * 3 - 2).padStart(2, '0')}-01`;
    const next = q === 4 ? `${Number(m[1]) + 1}-01-01` : `${m[1]}-${String(q * 3 + 1).padStart(2, '0')}-01`;
    return { from: start, to: addDays(next, -1) };
  }
  m = /^(\d{4})-(\d{2})$/.exec(period);
  if (m && Number(m[2]) >= 1 && Number(m[2]) <= 12) {
    const next =
      m[2] === '12' ? `${Number(m[1]) + 1}-01-01` : `${m[1]}-${String(Number(m[2]) + 1).padStart(2, '0')}-01`;
    return { from: `${m[1]}-${m[2]}-01`, to: addDays(next, -1) };
  }
  return null;
}

const day = (v: unknown) => (v ? String(v instanceof Date ? v.toISOString() : v).slice(0, 10) : '');
const ratio = (part: number, whole: number) => (whole ? Math.round((part / whole) * 10000) / 10000 : null);

/**
 * The figures of 1+N pairing assistance for a set of deputies (null = the whole jurisdiction) over a date
 * range. Money is summed by the database over integer fen and shown in yuan with integer maths. Outcomes
 * count only once confirmed by the station (a deputy cannot confirm its own); visits count as recorded.
 */
export class AidKpi {
  constructor(private db: Database) {}

  private model(name: string) {
    return this.db.getCollection(name).model;
  }
  private col(name: string, attribute: string) {
    return this.db.sequelize.col(this.model(name).rawAttributes[attribute].field as string);
  }
  private byDeputy(deputyIds: number[] | null) {
    return deputyIds ? { deputyId: { [Op.in]: deputyIds } } : {};
  }

  async summary(range: Range, deputyIds: number[] | null) {
    const overlapping = {
      ...this.byDeputy(deputyIds),
      startDate: { [Op.lte]: range.to },
      [Op.or]: [{ endDate: null }, { endDate: { [Op.gte]: range.from } }],
    };
    const pairings = (await this.model('aidPairings').findAll({
      where: overlapping,
      attributes: ['id', 'householdId', 'status', 'startDate', 'endDate'],
      raw: true,
    })) as unknown as PairingRow[];
    const householdIds = [...new Set(pairings.map((p) => p.householdId))];
    const households: HouseholdRow[] = householdIds.length
      ? ((await this.model('aidHouseholds').findAll({
          where: { id: { [Op.in]: householdIds } },
          attributes: ['id', 'categoryId'],
          raw: true,
        })) as unknown as HouseholdRow[])
      : [];
    const categories = (await this.model('aidCategories').findAll({
      attributes: ['id', 'code', 'name'],
      order: [
        ['sort', 'ASC'],
        ['id', 'ASC'],
      ],
      raw: true,
    })) as unknown as CategoryRow[];
    const byCategory = categories
      .map((c) => ({
        categoryId: c.id,
        code: c.code,
        name: c.name,
        households: households.filter((h) => h.categoryId === c.id).length,
      }))
      .filter((c) => c.households > 0);

    const inRange = { ...this.byDeputy(deputyIds), date: { [Op.between]: [range.from, range.to] } };
    const visitRows = (await this.model('aidVisits').findAll({
      where: inRange,
      attributes: [
        'mode',
        'householdConfirmed',
        [fn('COUNT', this.col('aidVisits', 'id')), 'n'],
        [fn('SUM', this.col('aidVisits', 'personCount')), 'people'],
      ],
      group: [this.col('aidVisits', 'mode'), this.col('aidVisits', 'householdConfirmed')],
      raw: true,
    })) as unknown as VisitTally[];
    const visits = {
      count: 0,
      personTimes: 0,
      confirmed: 0,
      byMode: { home: 0, phone: 0, video: 0 } as Record<string, number>,
    };
    for (const r of visitRows) {
      const n = Number(r.n);
      visits.count += n;
      visits.personTimes += Number(r.people) || 0;
      if (r.householdConfirmed === true || r.householdConfirmed === 1) visits.confirmed += n;
      visits.byMode[r.mode] = (visits.byMode[r.mode] ?? 0) + n;
    }

    // Outcomes count once their station's staff confirmed them; those still waiting are only counted as such.
    const recordRows = (await this.model('aidRecords').findAll({
      where: { ...inRange, confirmed: true },
      attributes: [
        'typeId',
        [fn('COUNT', this.col('aidRecords', 'id')), 'n'],
        [fn('SUM', this.col('aidRecords', 'amountFen')), 'fen'],
        [fn('SUM', this.col('aidRecords', 'units')), 'units'],
      ],
      group: [this.col('aidRecords', 'typeId')],
      raw: true,
    })) as unknown as RecordTally[];
    const types = (await this.model('aidAssistanceTypes').findAll({
      attributes: ['id', 'code', 'name', 'kpiGroup'],
      order: [
        ['sort', 'ASC'],
        ['id', 'ASC'],
      ],
      raw: true,
    })) as unknown as TypeRow[];
    const byType = types
      .map((type) => {
        const row = recordRows.find((r) => r.typeId === type.id);
        const fen = BigInt(row?.fen ?? 0);
        return {
          typeId: type.id,
          code: type.code,
          name: type.name,
          kpiGroup: type.kpiGroup,
          records: Number(row?.n ?? 0),
          amountFen: fen.toString(),
          amountYuan: fenToYuan(fen),
          units: Number(row?.units ?? 0),
        };
      })
      .filter((t) => t.records > 0);
    const group = (g: string) => byType.filter((t) => t.kpiGroup === g);
    const count = (g: string) => group(g).reduce((s, t) => s + t.records, 0);
    const fen = (...gs: string[]) => gs.flatMap(group).reduce((s, t) => s + BigInt(t.amountFen), BigInt(0));
    const units = (g: string) => group(g).reduce((s, t) => s + t.units, 0);
    const reliefFen = fen('relief');
    const donationFen = fen('school', 'goods');
    const awaitingConfirmation = await this.model('aidRecords').count({
      where: { ...inRange, [Op.or]: [{ confirmed: false }, { confirmed: null }] },
    });

    const asOf = range.to < shanghaiToday() ? range.to : shanghaiToday();
    return {
      period: range,
      pairings: {
        total: pairings.length,
        activeAtEnd: pairings.filter((p) => day(p.startDate) <= asOf && (!p.endDate || day(p.endDate) >= asOf)).length,
        started: pairings.filter((p) => day(p.startDate) >= range.from).length,
        closed: pairings.filter((p) => p.status === 'closed' && day(p.endDate) <= range.to).length,
        transferred: pairings.filter((p) => p.status === 'transferred' && day(p.endDate) <= range.to).length,
      },
      households: { total: households.length, byCategory },
      visits,
      outcomes: {
        records: byType.reduce((s, t) => s + t.records, 0),
        confirmed: byType.reduce((s, t) => s + t.records, 0),
        awaitingConfirmation,
        legalAidCases: count('legalAid'),
        reliefFen: reliefFen.toString(),
        reliefYuan: fenToYuan(reliefFen),
        donationFen: donationFen.toString(),
        donationYuan: fenToYuan(donationFen),
        flats: units('housing'),
        jobs: units('jobs'),
        medicalReferrals: count('medical'),
        schoolReferrals: count('school'),
        byType,
      },
      coverage: await this.coverage(asOf, deputyIds),
    };
  }

  /** Pairings active on a day, each with its visit interval, last visit, due date and current plan. */
  async standing(asOf: string, deputyIds: number[] | null) {
    const pairings = (await this.model('aidPairings').findAll({
      where: {
        ...this.byDeputy(deputyIds),
        startDate: { [Op.lte]: asOf },
        [Op.or]: [{ endDate: null }, { endDate: { [Op.gte]: asOf } }],
      },
      attributes: ['id', 'deputyId', 'householdId', 'startDate'],
      order: [['id', 'ASC']],
      raw: true,
    })) as unknown as PairingRow[];
    if (!pairings.length) return [];
    const ids = pairings.map((p) => p.id);
    const settings = await readSettings(this.db);
    const households = (await this.model('aidHouseholds').findAll({
      where: { id: { [Op.in]: pairings.map((p) => p.householdId) } },
      attributes: ['id', 'headName', 'categoryId'],
      raw: true,
    })) as unknown as HouseholdRow[];
    const categories = (await this.model('aidCategories').findAll({
      attributes: ['id', 'name', 'visitIntervalDays'],
      raw: true,
    })) as unknown as CategoryRow[];
    const deputies = (await this.model('deputies').findAll({
      where: { id: { [Op.in]: pairings.map((p) => p.deputyId) } },
      attributes: ['id', 'name', 'stationId'],
      raw: true,
    })) as unknown as DeputyRow[];
    const lastVisits = (await this.model('aidVisits').findAll({
      where: { pairingId: { [Op.in]: ids }, date: { [Op.lte]: asOf } },
      attributes: ['pairingId', [fn('MAX', this.col('aidVisits', 'date')), 'last']],
      group: [this.col('aidVisits', 'pairingId')],
      raw: true,
    })) as unknown as LastVisit[];
    const plans = (await this.model('aidPlans').findAll({
      where: { pairingId: { [Op.in]: ids } },
      attributes: ['pairingId', 'version', 'reviewDate', 'createdAt'],
      raw: true,
    })) as unknown as PlanRow[];
    return pairings.map((p) => {
      const household = households.find((h) => h.id === p.householdId);
      const category = categories.find((c) => c.id === household?.categoryId);
      const intervalDays = Number(category?.visitIntervalDays) || settings.defaultVisitIntervalDays;
      const lastVisit = day(lastVisits.find((v) => v.pairingId === p.id)?.last) || null;
      const dueDate = addDays(lastVisit ?? day(p.startDate), intervalDays);
      const plan = plans
        .filter((x) => x.pairingId === p.id && day(x.createdAt) <= asOf)
        .sort((a, b) => b.version - a.version)[0];
      const deputy = deputies.find((d) => d.id === p.deputyId);
      return {
        pairingId: p.id,
        deputyId: p.deputyId,
        deputyName: deputy?.name ?? null,
        stationId: deputy?.stationId ?? null,
        householdId: p.householdId,
        headName: household?.headName ?? null,
        category: category?.name ?? null,
        intervalDays,
        lastVisit,
        dueDate,
        overdueDays: dueDate < asOf ? daysBetween(dueDate, asOf) : 0,
        planVersion: plan?.version ?? null,
        currentPlan: !!plan && (!plan.reviewDate || day(plan.reviewDate) >= asOf),
      };
    });
  }

  async coverage(asOf: string, deputyIds: number[] | null) {
    const rows = await this.standing(asOf, deputyIds);
    const withPlan = rows.filter((r) => r.currentPlan).length;
    const inTime = rows.filter((r) => r.overdueDays === 0).length;
    return {
      asOf,
      households: rows.length,
      withCurrentPlan: withPlan,
      withVisitInTime: inTime,
      currentPlanShare: ratio(withPlan, rows.length),
      visitInTimeShare: ratio(inTime, rows.length),
    };
  }

  /** Active pairings whose visit is overdue on a day, most overdue first. */
  async overdue(asOf: string, deputyIds: number[] | null) {
    return (await this.standing(asOf, deputyIds))
      .filter((r) => r.overdueDays > 0)
      .sort((a, b) => b.overdueDays - a.overdueDays);
  }
}

function daysBetween(from: string, to: string) {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86400e3);
}
