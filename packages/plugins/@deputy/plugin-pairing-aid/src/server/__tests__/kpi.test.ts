import { scheduledJob } from '@deputy/plugin-suite-core';
import type { PluginPairingAidServer } from '../plugin';
import { LAST_YEAR, lastYear, Row, useAidWorld } from './setup';

describe('plugin-pairing-aid: plans, visits, outcomes and the KPIs', () => {
  const pairings: Row[] = [];
  const ctx = useAidWorld(false, async ({ staffA, deputyA1, household, pair }) => {
    // 岳阳县荣家湾: 1 deputy, 3 households of special groups.
    for (const code of ['subsistence', 'left-behind-elderly', 'disability']) {
      pairings.push((await pair(staffA.agent, deputyA1.id, (await household(code)).id, lastYear(1))).body.data);
    }
  });

  it('keeps every version of a plan: a change is a new current version, never an overwrite', async () => {
    const { dA1 } = ctx.w;
    const p = pairings[0];
    const v1 = await dA1.agent.resource('aidPlans').create({
      values: {
        pairingId: p.id,
        goals: '落实低保政策',
        measures: ['policy'],
        responsibleParty: '民政办',
        reviewDate: `${Number(LAST_YEAR) + 5}-01-01`,
      },
    });
    expect(v1.status).toBe(200);
    expect(v1.body.data).toMatchObject({ version: 1, current: true, deputyId: ctx.w.deputyA1.id });
    const v2 = await dA1.agent.resource('aidPlans').update({
      filterByTk: v1.body.data.id,
      values: { goals: '落实低保并对接就业', measures: ['policy', 'jobs'], changeNote: '增加就业' },
    });
    expect(v2.status).toBe(200);
    const rows = (await dA1.agent.resource('aidPlans').list({ filter: { pairingId: p.id }, sort: ['version'] })).body
      .data;
    expect(rows.map((r: Row) => [r.version, r.current, r.goals])).toEqual([
      [1, false, '落实低保政策'],
      [2, true, '落实低保并对接就业'],
    ]);
    expect(rows[1]).toMatchObject({ responsibleParty: '民政办', changeNote: '增加就业' });
    // A version itself never changes, whoever asks.
    await expect(
      ctx.app.db.getRepository('aidPlans').update({ filterByTk: v1.body.data.id, values: { goals: 'x' } }),
    ).rejects.toThrow('方案版本不能修改或删除；请保存为新版本');
    expect((await dA1.agent.resource('aidPlans').destroy({ filterByTk: v1.body.data.id })).status).toBe(403);
    expect((await ctx.w.admin.agent.resource('aidPlans').destroy({ filterByTk: v1.body.data.id })).status).toBe(400);
    expect(await ctx.app.db.getRepository('aidPlans').count({ filter: { pairingId: p.id } })).toBe(2);
  });

  /** The deputy records an outcome; its station's staff confirm it (only confirmed outcomes count). */
  const confirmed = async (values: Record<string, unknown>) => {
    const res = await ctx.w.dA1.agent.resource('aidRecords').create({ values });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const ok = await ctx.w.staffA.agent
      .resource('aidRecords')
      .update({ filterByTk: res.body.data.id, values: { confirmed: true } });
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    return ok.body.data[0] ?? ok.body.data;
  };

  it('enters the 岳阳县 figures as records and totals exactly 7 legal-aid cases, ¥135,000 relief and 4 flats', async () => {
    const { type } = ctx.w;
    const legal = (await type('legal-aid')).id;
    const relief = (await type('relief')).id;
    const housing = (await type('housing')).id;
    const add = (values: Record<string, unknown>) =>
      confirmed({ date: lastYear(10), counterpartAgency: '县法律援助中心', ...values });
    for (let i = 0; i < 7; i++) await add({ pairingId: pairings[i % 3].id, typeId: legal });
    // ¥135,000 in odd amounts that drift in floating point: 0.1 + 0.2 ≠ 0.3 in a double.
    const amounts = ['33333.33', '33333.33', '33333.34', '0.10', '0.20', '34999.70'];
    for (const [i, amount] of amounts.entries()) await add({ pairingId: pairings[i % 3].id, typeId: relief, amount });
    await add({ pairingId: pairings[0].id, typeId: housing, units: 3, counterpartAgency: '县住建局' });
    const flat = await add({ pairingId: pairings[1].id, typeId: housing, units: 1 });
    expect(flat).toMatchObject({ units: 1 });
    const stored = await ctx.app.db.getRepository('aidRecords').findOne({ filter: { amount: '0.1' } });
    expect(
      Number(
        stored?.get('amountFen') ??
          (await ctx.app.db.getRepository('aidRecords').findOne({ filter: { amountFen: 10 } })).get('amountFen'),
      ),
    ).toBe(10);

    const res = await ctx.w.admin.agent
      .get('/aidKpi:summary')
      .query({ period: LAST_YEAR, deputyId: ctx.w.deputyA1.id });
    expect(res.status).toBe(200);
    const o = res.body.data.outcomes;
    expect(o.legalAidCases).toBe(7);
    expect(o.reliefYuan).toBe('135000.00');
    expect(o.reliefFen).toBe('13500000');
    expect(o.flats).toBe(4);
    expect(o.records).toBe(15);
    expect(res.body.data.pairings.total).toBe(3);
    expect(res.body.data.households.total).toBe(3);
    expect(
      res.body.data.households.byCategory.map((c: { name: string; households: number }) => [c.name, c.households]),
    ).toEqual([
      ['低保', 1],
      ['残疾', 1],
      ['留守老人', 1],
    ]);
    // The same for the station and the whole jurisdiction, and on the public board (aggregates only).
    const station = await ctx.w.staffA.agent
      .get('/aidKpi:summary')
      .query({ period: LAST_YEAR, stationId: ctx.w.stationA.id });
    expect(station.body.data.outcomes).toMatchObject({ legalAidCases: 7, reliefYuan: '135000.00', flats: 4 });
    const board = await ctx.app.agent().get('/aidKpi:public').query({ period: LAST_YEAR });
    expect(board.status).toBe(200);
    expect(board.body.data).toMatchObject({ households: 3, legalAidCases: 7, reliefYuan: '135000.00', flats: 4 });
    expect(JSON.stringify(board.body.data)).not.toMatch(/户主|代表甲一|430/);
  });

  it('sums donations, jobs, medical and school referrals, and counts visits and person-times', async () => {
    const { dA1, type } = ctx.w;
    const add = async (code: string, values: Record<string, unknown> = {}) =>
      confirmed({ pairingId: pairings[2].id, typeId: (await type(code)).id, date: lastYear(12), ...values });
    await add('school', { amount: '5000.05' });
    await add('goods', { amount: '0.95' });
    await add('jobs', { units: 2 });
    await add('medical');
    await add('medical');
    for (const [i, mode] of ['home', 'phone', 'video'].entries()) {
      const v = await dA1.agent.resource('aidVisits').create({
        values: {
          pairingId: pairings[i].id,
          date: lastYear(15 + i),
          mode,
          personCount: i + 1,
          findings: '生活基本稳定',
        },
      });
      expect(v.status, JSON.stringify(v.body)).toBe(200);
      expect(v.body.data).toMatchObject({ deputyId: ctx.w.deputyA1.id, householdId: pairings[i].householdId });
    }
    const q = await ctx.w.dA1.agent.get('/aidKpi:summary').query({ period: `${LAST_YEAR}-Q1` });
    expect(q.status).toBe(200);
    const d = q.body.data;
    expect(d.outcomes).toMatchObject({
      donationYuan: '5001.00',
      jobs: 2,
      medicalReferrals: 2,
      schoolReferrals: 1,
      legalAidCases: 7,
    });
    expect(d.visits).toMatchObject({ count: 3, personTimes: 6, byMode: { home: 1, phone: 1, video: 1 } });
    // Another quarter has none of them.
    const q2 = await ctx.w.dA1.agent.get('/aidKpi:summary').query({ period: `${LAST_YEAR}-Q2` });
    expect(q2.body.data.outcomes.records).toBe(0);
    expect(q2.body.data.visits.count).toBe(0);
  });

  it('lists overdue visits by the interval of the category (weekly for left-behind elderly) and reports coverage', async () => {
    const { dA1 } = ctx.w;
    // As of 31 March last year: the elderly household (weekly) was visited on the 16th → overdue; the others (quarterly) are not.
    const asOf = lastYear(31);
    const res = await dA1.agent.get('/aidKpi:overdue').query({ asOf });
    expect(res.status).toBe(200);
    expect(res.body.data.map((r: Row) => [r.category, r.lastVisit, r.dueDate, r.overdueDays])).toEqual([
      ['留守老人', lastYear(16), lastYear(23), 8],
    ]);
    expect(JSON.stringify(res.body.data)).not.toMatch(/idNumber|430621/);
    const kpi = await dA1.agent.get('/aidKpi:summary').query({ from: lastYear(1), to: lastYear(31) });
    expect(kpi.body.data.coverage).toMatchObject({ households: 3, withCurrentPlan: 0, withVisitInTime: 2 });
    // An administrator shortens the interval of 低保 to 10 days: now that household is overdue too.
    const cat = await ctx.w.category('subsistence');
    await ctx.w.admin.agent.resource('aidCategories').update({ filterByTk: cat.id, values: { visitIntervalDays: 10 } });
    const again = await dA1.agent.get('/aidKpi:overdue').query({ asOf });
    expect(again.body.data.map((r: { category: string }) => r.category).sort()).toEqual(['低保', '留守老人']);
    await ctx.w.admin.agent.resource('aidCategories').update({ filterByTk: cat.id, values: { visitIntervalDays: 90 } });
  });

  it('reminds the paired deputy and its station staff of an overdue visit, once a day', async () => {
    const { app, dA1, staffA } = ctx.w;
    const plugin = app.pm.get('@deputy/plugin-pairing-aid') as PluginPairingAidServer;
    const first = await plugin.visitReminders.send(lastYear(31));
    expect(first.sent).toBeGreaterThanOrEqual(2);
    const toDeputy = await app.db.getRepository('reminderLog').findOne({ filter: { userId: dA1.user.id } });
    expect(toDeputy.get('content')).toContain('留守老人）已逾期 8 天未走访');
    expect(toDeputy.get('content')).not.toMatch(/430621/);
    expect(await app.db.getRepository('reminderLog').count({ filter: { userId: staffA.user.id } })).toBe(1);
    expect((await plugin.visitReminders.send(lastYear(31))).sent).toBe(0);
    // The daily job is registered with NocoBase's cron manager, which starts it.
    expect(app.cronJobManager.jobs.has(scheduledJob(app, 'pairing-aid visit reminders'))).toBe(true);
  });

  it('counts a household with a current plan once its plan exists and is not past review', async () => {
    const { dA1 } = ctx.w;
    const today = new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 10);
    const kpi = await dA1.agent.get('/aidKpi:summary').query({ from: lastYear(1), to: today });
    expect(kpi.body.data.coverage).toMatchObject({ households: 3, withCurrentPlan: 1 });
    expect(kpi.body.data.coverage.currentPlanShare).toBeCloseTo(0.3333, 4);
  });

  it('keeps KPIs within the caller’s reach', async () => {
    const { staffB, dB1, deputyA1, stationA } = ctx.w;
    expect((await staffB.agent.get('/aidKpi:summary').query({ period: LAST_YEAR, deputyId: deputyA1.id })).status).toBe(
      403,
    );
    expect(
      (await staffB.agent.get('/aidKpi:summary').query({ period: LAST_YEAR, stationId: stationA.id })).status,
    ).toBe(403);
    expect((await dB1.agent.get('/aidKpi:summary').query({ period: LAST_YEAR, deputyId: deputyA1.id })).status).toBe(
      403,
    );
    const own = await dB1.agent.get('/aidKpi:summary').query({ period: LAST_YEAR });
    expect(own.body.data.outcomes.records).toBe(0);
    const staffOwn = await staffB.agent.get('/aidKpi:overdue').query({ asOf: lastYear(31) });
    expect(staffOwn.body.data).toEqual([]);
    const bad = await dB1.agent.set('X-Locale', 'zh-CN').get('/aidKpi:summary').query({ period: 'last year' });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].message).toBe('期间请写作年份（2026）、季度（2026-Q3）、月份（2026-05）或起止日期');
  });
});
