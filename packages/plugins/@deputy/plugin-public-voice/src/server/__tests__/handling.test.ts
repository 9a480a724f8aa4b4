import { scheduledJob } from '@deputy/plugin-suite-core';
import type { Model } from '@nocobase/database';
import type { CronJob } from 'cron';
import { CronTime } from 'cron';
import { closureRate } from '../services/stats';
import { Row, step, useVoiceWorld } from './setup';

const at = (iso: string) => new Date(`${iso}T10:00:00+08:00`);

describe('handling on a clock: classes, deadlines, escalation, mediation, figures', () => {
  const ctx = useVoiceWorld();

  /** An opinion received at a given moment, through the flow service (its clock is what the test sets). */
  const receivedOn = async (day: string, extra: Record<string, unknown> = {}) => {
    const { w } = ctx;
    const row = await w.plugin().flow.receive(
      {
        citizenName: '王五',
        category: 'livelihood',
        content: '低保申请迟迟没有回音',
        source: 'reception',
        deputyId: w.deputyA1.id,
        stationId: w.stationA.id,
        ...extra,
      },
      { now: at(day) },
    );
    return row.get('id') as number;
  };
  const get = async (id: number) => (await ctx.w.app.db.getRepository('opinions').findOne({ filterByTk: id })).toJSON();
  const kinds = async (id: number) =>
    (
      (await ctx.w.app.db
        .getRepository('opinionMilestones')
        .find({ filter: { opinionId: id }, sort: ['at', 'id'] })) as Model[]
    ).map((m) => m.get('kind'));

  it('seeds both schemes with their deadlines, cadence and level; the table is editable', async () => {
    const { w } = ctx;
    const res = await w.dA1.agent.resource('opinionClasses').list({ sort: ['sort'] });
    expect(res.status).toBe(200);
    const rows = res.body.data.map((c: Row) => [c.code, c.name, c.deadlineDays, c.reminderDays, c.escalationLevel]);
    expect(rows).toEqual([
      ['XW', '小微事', 7, null, 2],
      ['JN', '急难事', null, 7, 3],
      ['DY', '大要事', null, 30, 3],
      ['JD', '简单问题', 0, null, 1],
      ['YB', '一般问题', 30, null, 2],
      ['ZD', '重大问题', 90, 30, 3],
    ]);
    for (const c of res.body.data) expect(c.nameEn).toBeTruthy();
    // Only administrators change the classes.
    expect(
      (
        await w.staffA.agent
          .resource('opinionClasses')
          .update({ filterByTk: res.body.data[0].id, values: { deadlineDays: 3 } })
      ).status,
    ).toBe(403);
    const added = await w.admin.agent.resource('opinionClasses').create({
      values: { code: 'T5', name: '五日件', nameEn: 'Five-day matter', deadlineDays: 5, escalationLevel: 2 },
    });
    expect(added.status).toBe(200);
    expect(
      (
        await w.admin.agent
          .resource('opinionClasses')
          .create({ values: { code: 'T6', name: '负数', deadlineDays: 3, escalationLevel: -1 } })
      ).status,
    ).toBe(400);
  });

  it('classification sets the answer deadline from the receipt and the next step from the cadence', async () => {
    const { w } = ctx;
    const flow = w.plugin().flow;
    const cases: [string, string | null, string | null][] = [
      ['XW', '2026-03-09', '2026-03-09'],
      ['JD', '2026-03-02', '2026-03-02'],
      ['YB', '2026-04-01', '2026-04-01'],
      ['ZD', '2026-05-31', '2026-04-01'],
      ['JN', null, '2026-03-09'],
      ['DY', null, '2026-04-01'],
    ];
    for (const [code, due, next] of cases) {
      const id = await receivedOn('2026-03-02');
      await flow.act(id, 'classify', { opinionClassId: (await w.classOf(code)).id }, { now: at('2026-03-02') });
      const row = await get(id);
      expect([code, row.status, row.dueOn ?? null, row.nextDueOn ?? null], code).toEqual([
        code,
        'classified',
        due,
        next,
      ]);
      expect(row.escalationLevel).toBe((await w.classOf(code)).escalationLevel);
    }
    // Working days: a class counted in working days skips the weekend (2026-03-06 is a Friday).
    const wd = await w.app.db.getRepository('opinionClasses').create({
      values: {
        code: 'W2',
        name: '两个工作日',
        nameEn: 'Two working days',
        deadlineDays: 2,
        workingDays: true,
        escalationLevel: 1,
      },
    });
    const id = await receivedOn('2026-03-06');
    await flow.act(id, 'classify', { opinionClassId: wd.get('id') }, { now: at('2026-03-06') });
    expect((await get(id)).dueOn).toBe('2026-03-10');
  });

  it('steps follow the order received → classified → assigned → in progress → answered → closed, each with a milestone', async () => {
    const { w } = ctx;
    const res = await w.staffA.agent.resource('opinions').create({
      values: {
        citizenName: '赵六',
        category: 'environment',
        content: '河道垃圾无人清理',
        source: 'visit',
        deputyId: w.deputyA2.id,
      },
    });
    expect(res.status).toBe(200);
    const id = res.body.data.id;
    expect(res.body.data).toMatchObject({ status: 'received', stationId: w.stationA.id, source: 'visit' });
    expect(res.body.data.trackingCode).toMatch(/^YJ/);
    // Out of order: refused, nothing changes.
    for (const [action, values] of [
      ['assign', { handlingUnit: '镇环卫站' }],
      ['answer', { answer: '已清理' }],
      ['closeOpinion', {}],
      ['progress', { note: 'x' }],
    ] as const) {
      const r = await w.staffA.agent.post(`/opinions:${action}?filterByTk=${id}`).send(values);
      expect(r.status, action).toBe(400);
    }
    expect(
      (await w.staffA.agent.post(`/opinions:classify?filterByTk=${id}`).send({ opinionClassId: 99999 })).status,
    ).toBe(400);
    await step(w.staffA.agent, id, 'classify', { opinionClassId: (await w.classOf('YB')).id });
    expect((await w.staffA.agent.post(`/opinions:assign?filterByTk=${id}`).send({ handlingUnit: '' })).status).toBe(
      400,
    );
    await step(w.staffA.agent, id, 'assign', { handlingUnit: '镇环卫站' });
    expect((await w.dA2.agent.post(`/opinions:progress?filterByTk=${id}`).send({ note: '' })).status).toBe(400);
    await step(w.dA2.agent, id, 'progress', { note: '已联系环卫站，本周清理' });
    const answered = await step(w.dA2.agent, id, 'answer', { answer: '河道已清理，并建立每周巡查' });
    expect(answered).toMatchObject({ status: 'answered', answer: '河道已清理，并建立每周巡查' });
    // A deputy does not close; the station does.
    expect((await w.dA2.agent.post(`/opinions:closeOpinion?filterByTk=${id}`).send({})).status).toBe(403);
    const closed = await step(w.staffA.agent, id, 'closeOpinion');
    expect(closed.status).toBe('closed');
    expect(closed.closedAt).toBeTruthy();
    expect(await kinds(id)).toEqual(['received', 'classified', 'assigned', 'progress', 'answered', 'closed']);
    // A closed opinion takes no more steps; it can be rated by the citizen only.
    expect((await w.staffA.agent.post(`/opinions:convert?filterByTk=${id}`).send({})).status).toBe(400);
  });

  it('converts an open opinion into a 代表建议', async () => {
    const { w } = ctx;
    const id = (
      await w.staffA.agent.resource('opinions').create({
        values: { citizenName: '钱七', category: 'infrastructure', content: '建议拓宽通村公路', source: 'reception' },
      })
    ).body.data.id;
    await step(w.staffA.agent, id, 'classify', { opinionClassId: (await w.classOf('DY')).id });
    const converted = await step(w.staffA.agent, id, 'convert', {
      suggestionRef: '建议第 12 号',
      note: '涉及多部门，形成代表建议',
    });
    expect(converted).toMatchObject({ status: 'converted', suggestionRef: '建议第 12 号' });
    expect(await kinds(id)).toEqual(['received', 'classified', 'converted']);
  });

  it('status, clock and milestones cannot be written around the steps', async () => {
    const { w } = ctx;
    const id = (
      await w.staffA.agent
        .resource('opinions')
        .create({ values: { citizenName: '孙八', category: 'safety', content: '路口缺少红绿灯' } })
    ).body.data.id;
    // Through the API: the ACL's field list leaves out status, so it is not saved.
    const upd = await w.admin.agent
      .resource('opinions')
      .update({ filterByTk: id, values: { status: 'closed', rating: 5, dueOn: '2030-01-01' } });
    expect(upd.status).toBe(400);
    expect((await get(id)).status).toBe('received');
    const ok = await w.staffA.agent
      .resource('opinions')
      .update({ filterByTk: id, values: { content: '路口缺少红绿灯和斑马线', status: 'closed' } });
    expect(ok.status).toBe(200);
    expect(await get(id)).toMatchObject({ status: 'received', content: '路口缺少红绿灯和斑马线' });
    // Milestones: append-only, written by the steps only.
    const m = (await w.app.db.getRepository('opinionMilestones').findOne({ filter: { opinionId: id } })).toJSON();
    expect(
      (await w.admin.agent.resource('opinionMilestones').create({ values: { opinionId: id, kind: 'closed' } })).status,
    ).toBe(403);
    expect(
      (await w.admin.agent.resource('opinionMilestones').update({ filterByTk: m.id, values: { note: '改' } })).status,
    ).toBe(403);
    expect((await w.admin.agent.resource('opinionMilestones').destroy({ filterByTk: m.id })).status).toBe(403);
    await expect(w.app.db.getRepository('opinionMilestones').destroy({ filterByTk: m.id })).rejects.toThrow();
    expect((await w.admin.agent.resource('opinions').destroy({ filterByTk: id })).status).toBe(403);
    expect(await w.app.db.getRepository('opinionMilestones').count({ filter: { opinionId: id } })).toBe(1);
  });

  it('escalates what misses its deadline one level up, with a fresh period, once per missed deadline (fake clock)', async () => {
    const { w } = ctx;
    const flow = w.plugin().flow;
    const small = await receivedOn('2026-06-01');
    await flow.act(small, 'classify', { opinionClassId: (await w.classOf('XW')).id }, { now: at('2026-06-01') });
    await flow.act(small, 'assign', { handlingUnit: '镇城管办' }, { now: at('2026-06-01') });
    const urgent = await receivedOn('2026-06-01');
    await flow.act(urgent, 'classify', { opinionClassId: (await w.classOf('JN')).id }, { now: at('2026-06-01') });
    await flow.act(urgent, 'assign', { handlingUnit: '县住建局' }, { now: at('2026-06-01') });
    const spot = await receivedOn('2026-06-01');
    await flow.act(spot, 'classify', { opinionClassId: (await w.classOf('JD')).id }, { now: at('2026-06-01') });
    await flow.act(spot, 'answer', { answer: '当场答复：政策已解释' }, { now: at('2026-06-01') });
    const unclassified = await receivedOn('2026-06-01');

    // On the due date nothing is late yet (only the unclassified one: to be classified by 06-02).
    const ids = (r: { escalated: { id: number }[] }) =>
      r.escalated.map((e) => e.id).filter((id) => [small, urgent, spot, unclassified].includes(id));
    expect(ids(await w.plugin().escalateOverdue(at('2026-06-08')))).toEqual([unclassified]);
    // 06-09: the 急难事 missed its weekly push (due 06-08), the 小微事 its week (due 06-08).
    const r1 = await w.plugin().escalateOverdue(at('2026-06-09'));
    expect(ids(r1).sort()).toEqual([small, urgent].sort());
    expect(await get(small)).toMatchObject({
      overdue: true,
      overdueCount: 1,
      escalationLevel: 3,
      dueOn: '2026-06-16',
      nextDueOn: '2026-06-16',
    });
    expect(await get(urgent)).toMatchObject({
      overdue: true,
      overdueCount: 1,
      escalationLevel: 4,
      dueOn: null,
      nextDueOn: '2026-06-16',
    });
    expect(await get(spot)).toMatchObject({ status: 'answered', overdue: false });
    // The same day again: nothing more.
    expect(ids(await w.plugin().escalateOverdue(at('2026-06-09')))).toEqual([]);
    const milestones = await w.app.db
      .getRepository('opinionMilestones')
      .find({ filter: { opinionId: small, kind: 'escalated' } });
    expect(milestones).toHaveLength(1);
    expect(milestones[0].get('level')).toBe(3);
    expect(milestones[0].get('note')).toContain('2026-06-08');
    // The top level stays the top level; the opinion is still flagged each missed period.
    await w.plugin().escalateOverdue(at('2026-06-17'));
    expect(await get(urgent)).toMatchObject({ escalationLevel: 4, overdueCount: 2 });
    expect(await get(small)).toMatchObject({ escalationLevel: 4, overdueCount: 2 });
    // Progress restarts the cadence: the next push is due a week after it.
    await flow.act(urgent, 'progress', { note: '县住建局已现场勘查' }, { now: at('2026-06-20') });
    expect((await get(urgent)).nextDueOn).toBe('2026-06-27');
    // The deputy and the station staff were told, once per missed deadline.
    const log: Model[] = await w.app.db
      .getRepository('reminderLog')
      .find({ filter: { key: { $like: `opinion-escalated:${small}:%` } } });
    expect(log.map((l) => l.get('userId')).sort()).toEqual(
      [w.dA1.user.id, w.staffA.user.id, w.dA1.user.id, w.staffA.user.id].sort(),
    );
  });

  it('the daily job runs from NocoBase’s cron manager: started with the app, it escalates an overdue opinion', async () => {
    const { w } = ctx;
    // The cron package's declared CronJob leaves out cronTime, which holds the pattern.
    const job = scheduledJob(w.app, 'public-voice daily') as CronJob & { cronTime: { source: string } };
    expect(job && w.app.cronJobManager.jobs.has(job)).toBe(true);
    expect(job.running).toBe(true);
    expect(job.cronTime.source).toBe('0 20 0 * * *');
    // Received a month ago and never classified: overdue today. The cron library fires the job each second.
    const past = new Date(Date.now() - 30 * 86400e3).toISOString().slice(0, 10);
    const late = await receivedOn(past);
    job.setTime(new CronTime('* * * * * *', 'Asia/Shanghai'));
    job.start();
    try {
      const deadline = Date.now() + 20000;
      while (
        Date.now() < deadline &&
        !(await w.app.db.getRepository('opinionMilestones').count({ filter: { opinionId: late, kind: 'escalated' } }))
      ) {
        await new Promise((r) => setTimeout(r, 250));
      }
      expect(
        await w.app.db.getRepository('opinionMilestones').count({ filter: { opinionId: late, kind: 'escalated' } }),
      ).toBeGreaterThanOrEqual(1);
    } finally {
      job.setTime(new CronTime('0 20 0 * * *', 'Asia/Shanghai'));
      job.start();
    }
  });

  it('closure rate: closed ÷ received in the period, one decimal, half up; 127 of 129 is 98.4%', () => {
    expect(closureRate(127, 129)).toBe(98.4);
    expect(closureRate(125, 127)).toBe(98.4);
    expect(closureRate(124, 127)).toBe(97.6);
    expect(closureRate(127, 130)).toBe(97.7);
    expect(closureRate(0, 0)).toBeNull();
    expect(closureRate(5, 5)).toBe(100);
    expect(closureRate(1, 8)).toBe(12.5);
    expect(closureRate(1, 16)).toBe(6.3); // 6.25 rounds half up
    // 高沙镇's "127 件, 98.2%": no whole number of items gives 98.2% with 127 closed or 127 received.
    const withClosed127 = Array.from({ length: 200 }, (_, i) => i + 127).filter((d) => closureRate(127, d) === 98.2);
    const withReceived127 = Array.from({ length: 128 }, (_, n) => n).filter((n) => closureRate(n, 127) === 98.2);
    expect(withClosed127).toEqual([]);
    expect(withReceived127).toEqual([]);
    // The rate is reachable with other counts, e.g. 109 of 111 or 164 of 167.
    expect(closureRate(109, 111)).toBe(98.2);
    expect(closureRate(164, 167)).toBe(98.2);
  });

  it('the summary counts the period’s cohort: 127 closed of 129 received → 98.4%, open/overdue by class and station, time to close, satisfaction', async () => {
    const { w } = ctx;
    const model = w.app.db.getModel('opinions');
    const klass = await w.classOf('YB');
    // 129 opinions received in November 2025 at station B, 127 of them closed 10 days later, rated 5,5,4,2 …
    const rows = Array.from({ length: 129 }, (_, i) => {
      const received = new Date(Date.UTC(2025, 10, 1 + (i % 28), 2));
      const closed = i < 127;
      return {
        trackingCode: `YJT${String(i).padStart(9, '0')}`,
        source: 'hotline',
        stationId: w.stationB.id,
        deputyId: w.deputyB1.id,
        citizenName: '群众',
        category: 'other',
        content: '测试意见内容',
        opinionClassId: klass.id,
        status: closed ? 'closed' : 'assigned',
        receivedAt: received,
        closedAt: closed ? new Date(received.getTime() + 10 * 86400e3) : null,
        rating: closed && i < 4 ? [5, 5, 4, 2][i] : null,
        nextDueOn: closed ? null : '2025-12-01',
        overdue: false,
        overdueCount: 0,
        escalationLevel: 2,
      };
    });
    await model.bulkCreate(rows, { hooks: false });
    const res = await w.admin.agent.get('/opinionStats:summary?period=2025-11&stationId=' + w.stationB.id);
    expect(res.status).toBe(200);
    const s = res.body.data;
    expect(s).toMatchObject({ received: 129, closed: 127, closureRate: 98.4, averageDaysToClose: 10 });
    expect(s.satisfaction).toEqual({ ratings: 4, average: 4, satisfiedRate: 75 });
    // The two still open are overdue (due 2025-12-01), by class and by station.
    expect(s.byClass.find((c: { classId: number }) => c.classId === klass.id)).toMatchObject({
      name: '一般问题',
      open: 2,
      overdue: 2,
    });
    expect(s.byStation).toEqual([
      { stationId: w.stationB.id, name: '玉霞街道联络站', open: expect.any(Number), overdue: expect.any(Number) },
    ]);
    expect(s.byStation[0].overdue).toBeGreaterThanOrEqual(2);
    // Other period: none of these.
    expect(
      (await w.admin.agent.get(`/opinionStats:summary?period=2025-10&stationId=${w.stationB.id}`)).body.data,
    ).toMatchObject({ received: 0, closureRate: null });
    expect((await w.admin.agent.get('/opinionStats:summary?period=2025-13')).status).toBe(400);
  });

  it('mediation 一三六九: due dates 1/3/6/9 days, milestones in order, overdue alerts, agreement as evidence', async () => {
    const { w } = ctx;
    const m = w.plugin().mediation;
    const res = await w.staffB.agent.resource('mediationCases').create({
      values: {
        title: '宅基地边界纠纷',
        parties: '甲户、乙户',
        deputyId: w.deputyB1.id,
        judicialOfficerName: '司法所李某',
        gridWorkerName: '网格员周某',
        complex: true,
        respondedAt: '2020-01-01',
      },
    });
    expect(res.status).toBe(200);
    const c = res.body.data;
    expect(c.stationId).toBe(w.stationB.id);
    expect(c.respondedAt).toBeNull();
    // Opened now: the due dates, in calendar days from today (Asia/Shanghai).
    const today = new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 10);
    const plus = (n: number) => new Date(Date.parse(`${today}T00:00:00Z`) + n * 86400e3).toISOString().slice(0, 10);
    expect([c.respondDueOn, c.interveneDueOn, c.mediateDueOn, c.solutionDueOn]).toEqual([
      plus(1),
      plus(3),
      plus(6),
      plus(9),
    ]);
    // Another station's staff cannot open a case here, nor see or touch this one.
    expect(
      (await w.staffA.agent.resource('mediationCases').create({ values: { title: 'x', stationId: w.stationB.id } }))
        .status,
    ).toBe(403);
    expect(
      (await w.staffA.agent.post(`/mediationCases:milestone?filterByTk=${c.id}`).send({ stage: 'respond' })).status,
    ).toBe(404);
    // Out of order, unknown stage: refused.
    expect(
      (await w.staffB.agent.post(`/mediationCases:milestone?filterByTk=${c.id}`).send({ stage: 'mediate' })).status,
    ).toBe(400);
    expect(
      (await w.staffB.agent.post(`/mediationCases:milestone?filterByTk=${c.id}`).send({ stage: 'sing' })).status,
    ).toBe(400);
    const r1 = await w.dB1.agent
      .post(`/mediationCases:milestone?filterByTk=${c.id}`)
      .send({ stage: 'respond', note: '当天电话回应双方' });
    expect(r1.status).toBe(200);
    expect(r1.body.data.respondedAt).toBeTruthy();
    expect(
      (await w.dB1.agent.post(`/mediationCases:milestone?filterByTk=${c.id}`).send({ stage: 'respond' })).status,
    ).toBe(400);
    // The clock cannot be edited directly.
    expect(
      (
        await w.admin.agent
          .resource('mediationCases')
          .update({ filterByTk: c.id, values: { interveneDueOn: '2030-01-01' } })
      ).status,
    ).toBe(400);

    // Four days on, "intervene" (due in 3 days) is overdue: flagged and the team told, once.
    const r = await m.checkOverdue(new Date(Date.now() + 4 * 86400e3));
    expect(r.flagged.find((f) => f.id === c.id)?.stages).toEqual(['intervene']);
    const row = (await w.app.db.getRepository('mediationCases').findOne({ filterByTk: c.id })).toJSON();
    expect(row).toMatchObject({ overdue: true, overdueStages: ['intervene'] });
    await m.checkOverdue(new Date(Date.now() + 4 * 86400e3));
    const alerts: Model[] = await w.app.db
      .getRepository('reminderLog')
      .find({ filter: { key: { $like: `mediation-overdue:${c.id}:%` } } });
    expect(alerts.map((a) => a.get('userId')).sort()).toEqual([w.dB1.user.id, w.staffB.user.id].sort());
    // Intervening clears the flag.
    const r2 = await w.staffB.agent
      .post(`/mediationCases:milestone?filterByTk=${c.id}`)
      .send({ stage: 'intervene', note: '司法员到场' });
    expect(r2.body.data).toMatchObject({ overdue: false, overdueStages: [] });
    await w.staffB.agent
      .post(`/mediationCases:milestone?filterByTk=${c.id}`)
      .send({ stage: 'mediate', note: '双方同意以现有界桩为准' });
    // An agreement needs the signed agreement attached.
    expect(
      (await w.staffB.agent.post(`/mediationCases:closeMediation?filterByTk=${c.id}`).send({ result: 'agreed' }))
        .status,
    ).toBe(400);
    // The staff's own upload: a file someone else uploaded cannot be attached (security, #15).
    const file = await w.app.db.getRepository('attachments').create({
      values: {
        title: '调解协议书',
        filename: 'agreement.pdf',
        extname: '.pdf',
        mimetype: 'application/pdf',
        size: 10,
        url: '/storage/uploads/agreement.pdf',
      },
      context: { state: { currentUser: w.staffB.user } },
    });
    expect(
      (
        await w.staffB.agent
          .resource('mediationCases')
          .update({ filterByTk: c.id, values: { agreement: [file.get('id')] } })
      ).status,
    ).toBe(200);
    const closed = await w.staffB.agent
      .post(`/mediationCases:closeMediation?filterByTk=${c.id}`)
      .send({ result: 'agreed', outcome: '签订调解协议' });
    expect(closed.status).toBe(200);
    expect(closed.body.data).toMatchObject({ status: 'agreed' });
    expect(closed.body.data.outcome).toContain('签订调解协议');
    expect(
      (await w.staffB.agent.post(`/mediationCases:milestone?filterByTk=${c.id}`).send({ stage: 'solution' })).status,
    ).toBe(400);
  });
});
