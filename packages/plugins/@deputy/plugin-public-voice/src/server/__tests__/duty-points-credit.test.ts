import { sleep } from '@nocobase/test';
import type { Model } from '@nocobase/database';
import { Agent, step, useVoiceWorld } from './setup';

describe('with plugin-duty-points: an opinion accepted into handling credits the deputy’s item D14 through the normal review', () => {
  const ctx = useVoiceWorld(true);
  /** On SQLite (one connection) the review workflow must finish before the next write. */
  const settled = async () => {
    const deadline = Date.now() + 60000;
    while (Date.now() < deadline) {
      await sleep(300);
      if (
        (await ctx.app.db.getRepository('executions').count({ filter: { status: 0, 'jobs.status': { $ne: 0 } } })) === 0
      )
        return;
    }
  };
  const pendingTaskFor = async (agent: Agent, recordId: number) => {
    const deadline = Date.now() + 60000;
    while (Date.now() < deadline) {
      const res = await agent
        .resource('workflowManualTasks')
        .listMine({ filter: { status: 0 }, appends: ['execution'] });
      const task = (res.body.data || []).find(
        (t: { execution?: { context?: { data?: { id?: number } } } }) => t.execution?.context?.data?.id === recordId,
      );
      if (task) return task;
      await sleep(200);
    }
    throw new Error(`no pending review task for record ${recordId}`);
  };
  const dutyRecords = (source: string): Promise<Model[]> =>
    ctx.app.db.getRepository('dutyRecords').find({ filter: { source }, appends: ['item'] });

  it('assigning a QR opinion files one submitted D14 record for the deputy, reviewed by the station head; later steps file nothing more', async () => {
    const { w } = ctx;
    const code = (await w.submit(await w.token('deputies', w.deputyA1.id))).body.data.trackingCode;
    const id = (await w.app.db.getRepository('opinions').findOne({ filter: { trackingCode: code } })).get('id');
    await step(w.staffA.agent, id, 'classify', { opinionClassId: (await w.classOf('XW')).id });
    expect(await dutyRecords(`opinion:${id}`)).toHaveLength(0);
    const assigned = await step(w.staffA.agent, id, 'assign', { handlingUnit: '高沙镇村建站' });
    expect(assigned.creditStatus).toBe('filed');
    const [record] = await dutyRecords(`opinion:${id}`);
    expect(record.get('id')).toBe(assigned.dutyRecordId);
    expect(record.toJSON()).toMatchObject({
      deputyId: w.deputyA1.id,
      status: 'submitted',
      reviewerId: w.staffA.user.id,
    });
    expect(record.get('item').get('code')).toBe('D14');
    expect(record.get('description')).toContain(code);
    await pendingTaskFor(w.staffA.agent, record.get('id'));
    await settled();
    await step(w.dA1.agent, id, 'progress', { note: '村建站已派人' });
    await step(w.dA1.agent, id, 'answer', { answer: '已修复' });
    await settled();
    expect(await dutyRecords(`opinion:${id}`)).toHaveLength(1);
  });

  it('an opinion to a station without a deputy files nothing; a failed filing keeps its reason and can be retried', async () => {
    const { w } = ctx;
    const code = (await w.submit(await w.token('liaisonStations', w.stationA.id))).body.data.trackingCode;
    const id = (await w.app.db.getRepository('opinions').findOne({ filter: { trackingCode: code } })).get('id');
    await step(w.staffA.agent, id, 'classify', { opinionClassId: (await w.classOf('YB')).id });
    const assigned = await step(w.staffA.agent, id, 'assign', { handlingUnit: '镇民政办' });
    expect(assigned.creditStatus ?? null).toBeNull();
    expect(await dutyRecords(`opinion:${id}`)).toHaveLength(0);

    // Station B has no head: the filing fails, the step does not.
    await w.app.db.getRepository('liaisonStations').update({ filterByTk: w.stationB.id, values: { headId: null } });
    const codeB = (await w.submit(await w.token('deputies', w.deputyB1.id))).body.data.trackingCode;
    const idB = (await w.app.db.getRepository('opinions').findOne({ filter: { trackingCode: codeB } })).get('id');
    await step(w.staffB.agent, idB, 'classify', { opinionClassId: (await w.classOf('JD')).id });
    const answered = await step(w.staffB.agent, idB, 'answer', { answer: '当场答复' });
    expect(answered.status).toBe('answered');
    expect(answered.creditStatus).toBe('failed');
    expect(answered.creditError).toBeTruthy();
    await w.app.db
      .getRepository('liaisonStations')
      .update({ filterByTk: w.stationB.id, values: { headId: w.staffB.user.id } });
    const retried = await w.staffB.agent.post(`/opinions:retryOpinionCredit?filterByTk=${idB}`).send({});
    expect(retried.status).toBe(200);
    expect(retried.body.data.creditStatus).toBe('filed');
    await pendingTaskFor(w.staffB.agent, retried.body.data.dutyRecordId);
    await settled();
  });

  it('a mediation case closed with an agreement files one submitted D22 record for its deputy, the agreement as evidence; a case not settled files nothing', async () => {
    const { w } = ctx;
    const open = async (title: string) => {
      const res = await w.staffA.agent.resource('mediationCases').create({
        values: { title, parties: '甲户、乙户', deputyId: w.deputyA2.id, judicialOfficerName: '司法所李某' },
      });
      if (res.status !== 200) throw new Error(JSON.stringify(res.body));
      const id = res.body.data.id;
      for (const stage of ['respond', 'intervene', 'mediate']) {
        const r = await w.staffA.agent.post(`/mediationCases:milestone?filterByTk=${id}`).send({ stage });
        if (r.status !== 200) throw new Error(JSON.stringify(r.body));
      }
      return id;
    };
    const agreed = await open('宅基地边界纠纷');
    // The station's staff upload the signed agreement (only one's own uploads can be attached, #15).
    const upload = await w.staffA.agent
      .post('/attachments:create')
      .attach('file', Buffer.from('%PDF-1.4 调解协议'), { filename: '调解协议书.pdf', contentType: 'application/pdf' });
    expect(upload.status).toBe(200);
    const file = { get: (key: string) => upload.body.data[key] };
    const attached = await w.staffA.agent
      .resource('mediationCases')
      .update({ filterByTk: agreed, values: { agreement: [file.get('id')] } });
    expect([attached.status, attached.body.errors]).toEqual([200, undefined]);
    // The bookkeeping cannot be written by hand, not even by an administrator.
    expect(
      (
        await w.admin.agent
          .resource('mediationCases')
          .update({ filterByTk: agreed, values: { creditStatus: 'filed', dutyRecordId: 1 } })
      ).status,
    ).toBe(400);
    const closed = await w.staffA.agent
      .post(`/mediationCases:closeMediation?filterByTk=${agreed}`)
      .send({ result: 'agreed', outcome: '签订调解协议' });
    expect(closed.status).toBe(200);
    expect(closed.body.data).toMatchObject({ status: 'agreed', creditStatus: 'filed' });
    const records = async (source: string) =>
      (await ctx.app.db
        .getRepository('dutyRecords')
        .find({ filter: { source }, appends: ['item', 'evidence'] })) as Model[];
    const [record] = await records(`mediation:${agreed}`);
    expect(record.get('id')).toBe(closed.body.data.dutyRecordId);
    expect(record.toJSON()).toMatchObject({
      deputyId: w.deputyA2.id,
      status: 'submitted',
      reviewerId: w.staffA.user.id,
      quantity: 1,
    });
    expect(record.get('item').get('code')).toBe('D22');
    expect((record.get('evidence') as Model[]).map((a) => a.get('id'))).toEqual([file.get('id')]);
    expect(record.get('description')).toContain('宅基地边界纠纷');
    await pendingTaskFor(w.staffA.agent, record.get('id'));
    await settled();
    // Exactly once: a retry and a second close file nothing more.
    const again = await w.staffA.agent.post(`/mediationCases:retryMediationCredit?filterByTk=${agreed}`).send({});
    expect(again.status).toBe(200);
    expect(again.body.data.dutyRecordId).toBe(record.get('id'));
    expect(
      (await w.staffA.agent.post(`/mediationCases:closeMediation?filterByTk=${agreed}`).send({ result: 'agreed' }))
        .status,
    ).toBe(400);
    expect(await records(`mediation:${agreed}`)).toHaveLength(1);
    // Another station's staff cannot retry it.
    expect(
      (await w.staffB.agent.post(`/mediationCases:retryMediationCredit?filterByTk=${agreed}`).send({})).status,
    ).toBe(404);

    const failed = await open('噪音纠纷');
    const notSettled = await w.staffA.agent
      .post(`/mediationCases:closeMediation?filterByTk=${failed}`)
      .send({ result: 'failed', outcome: '一方拒绝调解' });
    expect(notSettled.status).toBe(200);
    expect(notSettled.body.data.creditStatus ?? null).toBeNull();
    expect(await records(`mediation:${failed}`)).toHaveLength(0);
  });
});
