import type { Model } from '@nocobase/database';
import type { ApiRow } from '@deputy/test-helpers';
import { adminApproves, dutyPointsWorld, World } from './setup';

/** Closing the year writes grades into the duty file; 连任推荐 reads them over the term. */
describe('plugin-duty-points: year close and re-election recommendation (连任推荐)', () => {
  const ctx = {} as { w: World; app: World['app'] };
  const year = new Date().getFullYear() - 1;
  let period: ApiRow;
  let term: ApiRow;

  afterAll(async () => {
    await ctx.app?.destroy();
  });

  beforeAll(async () => {
    ctx.w = await dutyPointsWorld();
    ctx.app = ctx.w.app;
    const { admin, deputy1, deputy2 } = ctx.w;
    term = (
      await admin.agent
        .resource('deputyTerms')
        .create({ values: { name: '第十八届', startsOn: `${year}-01-01`, endsOn: `${year + 4}-12-31` } })
    ).body.data;
    for (const d of [deputy1, deputy2])
      await admin.agent.resource('deputies').update({ filterByTk: d.id, values: { termId: term.id } });
    // 代表一 earns points; 代表二 none.
    await adminApproves(ctx.w, deputy1.id, 'D01', `${year}-03-02`);
    // Lower 合格 so one record passes: grade bands are the administrators' to edit.
    const bands = await ctx.app.db.getRepository('gradeBands').find();
    for (const b of bands) {
      const min = { 优秀: 30, 良好: 20, 合格: 1 }[b.get('name') as string];
      if (min !== undefined)
        await admin.agent.resource('gradeBands').update({ filterByTk: b.get('id'), values: { minPoints: min } });
    }
    period = (await admin.agent.resource('scorePeriods').create({ values: { key: String(year) } })).body.data;
  });

  it('refuses to close a year that is not published, or whose appeal window is open', async () => {
    const { admin } = ctx.w;
    const unpublished = await admin.agent
      .set('X-Locale', 'zh-CN')
      .post(`/scorePeriods:closeYear?filterByTk=${period.id}`)
      .send({});
    expect(unpublished.status).toBe(400);
    expect(unpublished.body.errors[0].message).toBe('请先公示该年度积分，再结账');
    expect((await admin.agent.post(`/scorePeriods:publish?filterByTk=${period.id}`).send({})).status).toBe(200);
    const early = await admin.agent
      .set('X-Locale', 'en-US')
      .post(`/scorePeriods:closeYear?filterByTk=${period.id}`)
      .send({});
    expect(early.status).toBe(400);
    expect(early.body.errors[0].message).toBe('The appeal window is still open');
    expect(await ctx.app.db.getRepository('deputyYearGrades').count()).toBe(0);
  });

  it('lets only administrators close; closing writes each deputy’s grade once and keeps the year on the board', async () => {
    const { app, admin, d1, head, deputy1, deputy2 } = ctx.w;
    // The appeal window passes (the clock is moved by editing the stored deadline).
    await app.db
      .getRepository('scorePeriods')
      .update({ filterByTk: period.id, values: { appealDeadline: `${year}-12-31` } });
    expect((await d1.agent.post(`/scorePeriods:closeYear?filterByTk=${period.id}`).send({})).status).toBe(403);
    expect((await head.agent.post(`/scorePeriods:closeYear?filterByTk=${period.id}`).send({})).status).toBe(403);
    const closed = await admin.agent.post(`/scorePeriods:closeYear?filterByTk=${period.id}`).send({});
    expect(closed.status).toBe(200);
    expect(closed.body.data).toEqual({ year, deputies: 2 });
    const grades = await app.db.getRepository('deputyYearGrades').find({ sort: ['deputyId'] });
    expect(grades.map((g: Model) => [g.get('deputyId'), g.get('year'), g.get('grade'), g.get('passing')])).toEqual([
      [deputy1.id, year, '合格', true],
      [deputy2.id, year, '不合格', false],
    ]);
    const again = await admin.agent
      .set('X-Locale', 'zh-CN')
      .post(`/scorePeriods:closeYear?filterByTk=${period.id}`)
      .send({});
    expect(again.body.errors[0].message).toBe('该年度已结账');
    const republish = await admin.agent.post(`/scorePeriods:publish?filterByTk=${period.id}`).send({});
    expect(republish.status).toBe(400);
    expect(await app.db.getRepository('deputyYearGrades').count()).toBe(2);
    // The duty file is append-only.
    const edit = await admin.agent
      .resource('deputyYearGrades')
      .update({ filterByTk: grades[1].get('id'), values: { grade: '合格' } });
    expect(edit.status).toBeGreaterThanOrEqual(400);
    const board = await app.agent().get(`/scoreBoard:list?period=${year}`);
    expect(board.body.data).toHaveLength(1);
  });

  it('recommends for re-election from the term’s closed years, with the tolerance an administrator sets', async () => {
    const { admin, d1, deputy1, deputy2 } = ctx.w;
    const res = await admin.agent.get(`/dutyScores:reelection?termId=${term.id}`);
    expect(res.status).toBe(200);
    type Recommendation = { deputyId: number; status: string; years: unknown[] };
    const byId = new Map<number, Recommendation>(res.body.data.deputies.map((d: Recommendation) => [d.deputyId, d]));
    // The term's later years are not over: 代表一 is pending, 代表二 already failed one year.
    expect(byId.get(deputy1.id).status).toBe('pending');
    expect(byId.get(deputy2.id).status).toBe('not-eligible');
    expect(byId.get(deputy2.id).years[0]).toEqual({ year, grade: '不合格', total: 0, passing: false });
    const settings = await ctx.app.db.getRepository('dutyPointsSettings').findOne();
    await admin.agent
      .resource('dutyPointsSettings')
      .update({ filterByTk: settings.get('id'), values: { reelectionAllowedFailures: 1 } });
    const tolerant = await admin.agent.get(`/dutyScores:reelection?termId=${term.id}`);
    expect(tolerant.body.data.deputies.find((d: ApiRow) => d.deputyId === deputy2.id).status).toBe('pending');
    // A one-year term that is over: eligibility is decided.
    await admin.agent.resource('deputyTerms').update({ filterByTk: term.id, values: { endsOn: `${year}-12-31` } });
    const decided = await admin.agent.get(`/dutyScores:reelection?termId=${term.id}`);
    expect(decided.body.data.deputies.map((d: ApiRow) => d.status)).toEqual(['eligible', 'eligible']);
    expect((await d1.agent.get(`/dutyScores:reelection?termId=${term.id}`)).status).toBe(403);
    // A deputy reads its own duty file only.
    const own = await d1.agent.resource('deputyYearGrades').list();
    expect(own.body.data.map((g: ApiRow) => g.deputyId)).toEqual([deputy1.id]);
  });
});
