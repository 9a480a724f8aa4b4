import { scheduledJob } from '@deputy/plugin-suite-core';
import { migrationOf } from '@deputy/test-helpers';
import type { Model } from '@nocobase/database';
import { CronTime } from 'cron';
import { QueryTypes } from 'sequelize';
import TotalsMigration from '../migrations/20261205090000-point-totals';
import type { PluginDutyPointsServer } from '../plugin';
import type { ReconciliationReport, TotalsReconciliation } from '../services/reconciliation';
import { sqlNames } from '../services/sql';
import { adminApproves, lastYear, useDutyPointsWorld, workflowsSettled } from './setup';

type Totals = { years: Record<string, number>; items: Record<string, [number, number]> };

/**
 * The kept totals (pointTotals per deputy and year, pointItemTotals per deputy, item and year) are the ledger's
 * sums at every moment: posted with each entry in its transaction, rolled back with it, and — when something
 * else changed them — found and repaired by the reconciliation, on demand and from NocoBase's cron manager.
 */
describe('plugin-duty-points: the kept totals equal the ledger', () => {
  const ctx = useDutyPointsWorld();
  const year = new Date().getFullYear() - 1;
  let serial = 0;
  const plugin = () => ctx.app.pm.get('@deputy/plugin-duty-points') as PluginDutyPointsServer;

  /** The ledger's sums, added up here from its rows (not by the SQL under test). */
  async function fromLedger(): Promise<Totals> {
    const out: Totals = { years: {}, items: {} };
    const entries: Model[] = await ctx.app.db.getRepository('pointEntries').find();
    for (const e of entries) {
      const y = `${e.get('deputyId')}/${e.get('year')}`;
      const i = `${e.get('deputyId')}/${e.get('itemId')}/${e.get('year')}`;
      out.years[y] = (out.years[y] ?? 0) + Number(e.get('points'));
      const [points, standing] = out.items[i] ?? [0, 0];
      out.items[i] = [points + Number(e.get('points')), standing + (e.get('kind') === 'award' ? 1 : -1)];
    }
    return out;
  }

  async function kept(): Promise<Totals> {
    const out: Totals = { years: {}, items: {} };
    for (const t of await ctx.app.db.getRepository('pointTotals').find())
      out.years[`${t.get('deputyId')}/${t.get('year')}`] = Number(t.get('total'));
    for (const t of await ctx.app.db.getRepository('pointItemTotals').find())
      out.items[`${t.get('deputyId')}/${t.get('itemId')}/${t.get('year')}`] = [
        Number(t.get('points')),
        Number(t.get('standing')),
      ];
    return out;
  }

  /** A record filed and approved at once, as sign-ins, 1+N visits and no-show deductions are. */
  const file = (deputyId: number, itemCode: string, day: number) =>
    plugin().filing.file(
      { deputyId, itemCode, date: lastYear(day), source: `totals-test:${++serial}` },
      { approve: true },
    );

  const mine = async () => (await ctx.w.d1.agent.get(`/dutyScores:mine?year=${year}`)).body.data;

  it('follows every posting: awards, the cap, reversals, a deduction, an appeal’s correction', async () => {
    const { w } = ctx;
    // Awards, one through the review workflow (HTTP), the cap of D01 (5 points, 10 a year) cutting the third.
    await adminApproves(w, w.deputy1.id, 'D01', lastYear(2));
    await workflowsSettled(ctx.app);
    await file(w.deputy1.id, 'D01', 3);
    const capped = await file(w.deputy1.id, 'D01', 4);
    expect(capped.get('awardedPoints')).toBe(0);
    await file(w.deputy1.id, 'D04', 5);
    await file(w.deputy2.id, 'D04', 5);
    // A deduction (D25, −2) and a reversal through the API.
    await file(w.deputy2.id, 'D25', 6);
    const revoked = await file(w.deputy1.id, 'D04', 7);
    const res = await w.admin.agent
      .post(`/dutyRecords:revoke?filterByTk=${revoked.get('id')}`)
      .send({ reason: '重复登记' });
    expect(res.status).toBe(200);
    // An appeal on a published quarter, accepted; the correction is a new record.
    const period = (await w.admin.agent.resource('scorePeriods').create({ values: { key: `${year}-Q1` } })).body.data;
    expect((await w.admin.agent.post(`/scorePeriods:publish?filterByTk=${period.id}`).send({})).status).toBe(200);
    const appeal = await w.d2.agent.resource('pointAppeals').create({
      values: { periodId: period.id, kind: 'missing', description: '3月8日接待未计分' },
    });
    expect(appeal.status).toBe(200);
    const decided = await w.admin.agent
      .post(`/pointAppeals:decide?filterByTk=${appeal.body.data.id}`)
      .send({ decision: 'accepted', reason: '补录接待记录' });
    expect(decided.status).toBe(200);
    await file(w.deputy2.id, 'D10', 8);
    // 弄虚作假 (D26) fails the grade after one standing record; revoked, it stands no more.
    const fraud = await file(w.deputy2.id, 'D26', 9);

    const ledger = await fromLedger();
    expect(await kept()).toEqual(ledger);
    expect(ledger.years[`${w.deputy1.id}/${year}`]).toBe(10 + 3);
    expect(ledger.years[`${w.deputy2.id}/${year}`]).toBe(3 - 2 + 2 - 10);
    expect(await plugin().reconciliation.differences()).toEqual([]);

    // What the deputies read is the ledger's. A third deputy without any entry has 0 points, ahead of −7; the
    // pass mark lowered to −50 shows the failing item decide the grade.
    const third = await w.admin.agent
      .resource('deputies')
      .create({ values: { name: '代表三', stationId: w.station.id } });
    expect(third.status).toBe(200);
    const bands = (await w.admin.agent.resource('gradeBands').list()).body.data;
    const pass = bands.find((b: { name: string }) => b.name === '合格');
    await w.admin.agent.resource('gradeBands').update({ filterByTk: pass.id, values: { minPoints: -50 } });
    const summary = await mine();
    expect(summary.score).toMatchObject({ total: 13, rank: 1, stationRank: 1, grade: '合格', passing: true });
    expect(summary.items.find((i: { code: string }) => i.code === 'D01')).toMatchObject({ posted: 10, capLeft: 0 });
    expect(summary.items.find((i: { code: string }) => i.code === 'D04')).toMatchObject({ posted: 3, capLeft: 6 });
    const ranking = (await w.admin.agent.get(`/dutyScores:ranking?period=${year}`)).body.data;
    const second = ranking.find((r: { deputyId: number }) => r.deputyId === w.deputy2.id);
    expect(second).toMatchObject({ total: -7, rank: 3, stationRank: 3, grade: '不合格', passing: false });
    expect(ranking.find((r: { deputyId: number }) => r.deputyId === third.body.data.id)).toMatchObject({
      total: 0,
      rank: 2,
    });
    const other = (await w.d2.agent.get(`/dutyScores:mine?year=${year}`)).body.data.score;
    expect(other).toMatchObject({ total: -7, rank: 3, stationRank: 3, grade: '不合格', passing: false });
    const revokeFraud = await w.admin.agent
      .post(`/dutyRecords:revoke?filterByTk=${fraud.get('id')}`)
      .send({ reason: '核实无误' });
    expect(revokeFraud.status).toBe(200);
    expect(await kept()).toEqual(await fromLedger());
    const after = (await w.d2.agent.get(`/dutyScores:mine?year=${year}`)).body.data.score;
    expect(after).toMatchObject({ total: 3, rank: 2, stationRank: 2, grade: '合格', passing: true });
    await w.admin.agent.resource('gradeBands').update({ filterByTk: pass.id, values: { minPoints: 80 } });
  });

  it('a rolled-back posting leaves the ledger and both totals as they were', async () => {
    const before = await kept();
    const entries = await ctx.app.db.getRepository('pointEntries').count();
    await expect(
      ctx.app.db.sequelize.transaction(async (transaction) => {
        await plugin().filing.file(
          { deputyId: ctx.w.deputy1.id, itemCode: 'D05', date: lastYear(10), source: 'totals-test:rollback' },
          { approve: true, transaction },
        );
        // Inside the transaction the totals moved with the entry...
        const row = await ctx.app.db
          .getModel('pointTotals')
          .findOne({ where: { deputyId: ctx.w.deputy1.id, year }, transaction });
        expect(Number(row?.get('total'))).toBe(16);
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    // ...and went back with it.
    expect(await ctx.app.db.getRepository('pointEntries').count()).toBe(entries);
    expect(await kept()).toEqual(before);
    expect(await kept()).toEqual(await fromLedger());
  });

  /** Corrupts three kept figures behind the application's back, with raw SQL. */
  async function corrupt() {
    const db = ctx.app.db;
    const t = sqlNames(db, 'pointTotals');
    const i = sqlNames(db, 'pointItemTotals');
    const d04 = (await ctx.w.item('D04')).id;
    const d01 = (await ctx.w.item('D01')).id;
    await db.sequelize.query(
      `UPDATE ${t.table} SET ${t.col('total')} = ${t.col('total')} + 7 WHERE ${t.col('deputyId')} = :d AND ${t.col('year')} = :y`,
      { replacements: { d: ctx.w.deputy1.id, y: year } },
    );
    await db.sequelize.query(
      `UPDATE ${i.table} SET ${i.col('standing')} = 5 WHERE ${i.col('deputyId')} = :d AND ${i.col('itemId')} = :it`,
      { replacements: { d: ctx.w.deputy2.id, it: d04 } },
    );
    await db.sequelize.query(`DELETE FROM ${i.table} WHERE ${i.col('deputyId')} = :d AND ${i.col('itemId')} = :it`, {
      replacements: { d: ctx.w.deputy1.id, it: d01 },
    });
    return { d01, d04 };
  }

  it('reports a corrupted total and repairs it on demand (administrators only)', async () => {
    const { w } = ctx;
    const { d01, d04 } = await corrupt();
    expect(await kept()).not.toEqual(await fromLedger());
    expect((await mine()).score.total).toBe(20);
    for (const agent of [w.d1.agent, w.head.agent])
      expect((await agent.post('/dutyScores:reconcileTotals').send({})).status).toBe(403);
    const res = await w.admin.agent.post('/dutyScores:reconcileTotals').send({});
    expect(res.status).toBe(200);
    expect(res.body.data.differences).toEqual(
      expect.arrayContaining([
        { table: 'pointTotals', deputyId: w.deputy1.id, year, kept: 20, ledger: 13 },
        expect.objectContaining({
          table: 'pointItemTotals',
          deputyId: w.deputy2.id,
          itemId: d04,
          keptStanding: 5,
          ledgerStanding: 1,
        }),
        expect.objectContaining({
          table: 'pointItemTotals',
          deputyId: w.deputy1.id,
          itemId: d01,
          kept: null,
          ledger: 10,
        }),
      ]),
    );
    expect(res.body.data.differences).toHaveLength(3);
    expect(res.body.data.repairedDeputies).toBe(2);
    expect(await kept()).toEqual(await fromLedger());
    expect((await mine()).score.total).toBe(13);
    // Nothing left to repair.
    expect((await w.admin.agent.post('/dutyScores:reconcileTotals').send({})).body.data.differences).toEqual([]);
  });

  it('the nightly reconciliation runs from NocoBase’s cron manager, once per tick, and repairs what it reports', async () => {
    // The cron package's declared CronJob leaves out cronTime, which holds the pattern.
    const job = scheduledJob(ctx.app, 'duty-points totals reconciliation') as ReturnType<typeof scheduledJob> & {
      cronTime: { source: string };
    };
    expect(job && ctx.app.cronJobManager.jobs.has(job)).toBe(true);
    expect(job.running).toBe(true);
    expect(job.cronTime.source).toBe('0 45 1 * * *');
    await corrupt();
    // What each run reported (the job calls the plugin's service; its answer is kept here as it returns).
    const reports: ReconciliationReport[] = [];
    const reconcile = plugin().reconciliation.reconcile;
    plugin().reconciliation.reconcile = async function (this: TotalsReconciliation) {
      const report = await reconcile.call(this);
      reports.push(report);
      return report;
    };
    const runs = () =>
      ctx.app.db
        .getRepository('scheduledJobRuns')
        .find({ filter: { name: 'duty-points totals reconciliation', status: 'done' } });
    job.setTime(new CronTime('* * * * * *', 'Asia/Shanghai'));
    job.start();
    try {
      const deadline = Date.now() + 20000;
      while (Date.now() < deadline && !(await runs()).length) await new Promise((r) => setTimeout(r, 250));
    } finally {
      job.setTime(new CronTime('0 45 1 * * *', 'Asia/Shanghai'));
      job.start();
      plugin().reconciliation.reconcile = reconcile;
    }
    expect((await runs()).length).toBeGreaterThanOrEqual(1);
    // The first run found and repaired them (a tick of a later minute finds nothing left).
    expect(reports.length).toBeGreaterThanOrEqual(1);
    expect(reports.slice(1).every((r) => r.differences.length === 0)).toBe(true);
    const reported = reports[0].differences;
    expect(plugin().reconciliation.lastReport).toBe(reports[reports.length - 1]);
    expect(reported).toHaveLength(3);
    expect(reported).toContainEqual({ table: 'pointTotals', deputyId: ctx.w.deputy1.id, year, kept: 20, ledger: 13 });
    expect(await kept()).toEqual(await fromLedger());
  });

  it('the upgrade’s migration fills empty totals from an existing ledger, set-based, and again gives the same', async () => {
    const db = ctx.app.db;
    const ledger = await fromLedger();
    for (const name of ['pointTotals', 'pointItemTotals']) {
      const { table } = sqlNames(db, name);
      await db.sequelize.query(`DELETE FROM ${table}`);
    }
    expect(await kept()).toEqual({ years: {}, items: {} });
    const migration = migrationOf(ctx.app, TotalsMigration);
    expect(migration.on).toBe('afterSync');
    await migration.up();
    expect(await kept()).toEqual(ledger);
    await migration.up();
    expect(await kept()).toEqual(ledger);
    // A restore that skipped the totals (dumpRules 'skipped') leaves them empty: they are rebuilt at start.
    const { table } = sqlNames(db, 'pointTotals');
    await db.sequelize.query(`DELETE FROM ${table}`);
    expect(await plugin().reconciliation.rebuildIfEmpty()).toBe(true);
    expect(await plugin().reconciliation.rebuildIfEmpty()).toBe(false);
    expect(await kept()).toEqual(ledger);
    const [row] = await db.sequelize.query<{ n: number }>(`SELECT COUNT(*) AS n FROM ${table}`, {
      type: QueryTypes.SELECT,
    });
    expect(Number(row.n)).toBe(Object.keys(ledger.years).length);
  });

  it('nobody writes the totals through the API; administrators may read them', async () => {
    const { w } = ctx;
    const row = (await ctx.app.db.getRepository('pointTotals').findOne()) as Model;
    for (const agent of [w.admin.agent, w.head.agent, w.d1.agent]) {
      expect(
        (await agent.resource('pointTotals').create({ values: { deputyId: w.deputy1.id, year: 1999, total: 99 } }))
          .status,
      ).toBeGreaterThanOrEqual(400);
      expect(
        (await agent.resource('pointTotals').update({ filterByTk: row.get('id'), values: { total: 999 } })).status,
      ).toBeGreaterThanOrEqual(400);
      expect((await agent.resource('pointItemTotals').destroy({ filterByTk: 1 })).status).toBeGreaterThanOrEqual(400);
    }
    expect((await w.d1.agent.resource('pointTotals').list()).status).toBe(403);
    expect((await w.admin.agent.resource('pointTotals').list()).status).toBe(200);
    expect(await kept()).toEqual(await fromLedger());
  });
});
