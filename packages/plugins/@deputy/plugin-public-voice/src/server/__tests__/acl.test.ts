import { Agent, Row, step, useVoiceWorld, VoiceWorld } from './setup';

/** The world with the tracking codes of the opinions `prepare` submitted (A1's, B1's, station A's). */
type WithCodes = VoiceWorld & { codes: string[] };

/** Opinions at both stations: two through deputy QR codes (A1, B1), one through station A's code. */
async function prepare(w: VoiceWorld) {
  const codes: string[] = [];
  for (const [kind, id] of [
    ['deputies', w.deputyA1.id],
    ['deputies', w.deputyB1.id],
    ['liaisonStations', w.stationA.id],
  ] as const) {
    const res = await w.submit(await w.token(kind, id), { phone: '13700137000', content: `经${kind}二维码提交的意见` });
    if (res.status !== 200) throw new Error(JSON.stringify(res.body));
    codes.push(res.body.data.trackingCode);
  }
  (w as WithCodes).codes = codes;
}

describe('who sees and does what', () => {
  const ctx = useVoiceWorld(false, prepare);
  const idOf = async (code: string) =>
    (await ctx.w.app.db.getRepository('opinions').findOne({ filter: { trackingCode: code } })).get('id') as number;
  const listed = async (agent: Agent, resource = 'opinions') => {
    const res = await agent.resource(resource).list({ pageSize: 200 });
    expect(res.status).toBe(200);
    return res.body.data as Row[];
  };

  it('a deputy sees the opinions addressed to it, its station staff the station’s, administrators all', async () => {
    const { w } = ctx;
    const [a1, b1, stA] = (w as WithCodes).codes;
    const codes = (rows: Row[]) => rows.map((r) => r.trackingCode).sort();
    expect(codes(await listed(w.dA1.agent))).toEqual([a1]);
    expect(codes(await listed(w.dA2.agent))).toEqual([]);
    expect(codes(await listed(w.dB1.agent))).toEqual([b1]);
    expect(codes(await listed(w.staffA.agent))).toEqual([a1, stA].sort());
    expect(codes(await listed(w.staffB.agent))).toEqual([b1]);
    expect(codes(await listed(w.admin.agent))).toEqual([a1, b1, stA].sort());
    // The addressee sees the citizen's phone to call back; milestones follow the same reach.
    expect((await listed(w.dA1.agent))[0].citizenPhone).toBe('13700137000');
    const milestones = await listed(w.dA1.agent, 'opinionMilestones');
    expect(milestones.map((m) => m.opinionId)).toEqual([await idOf(a1)]);
    expect((await listed(w.staffB.agent, 'opinionMilestones')).map((m) => m.opinionId)).toEqual([await idOf(b1)]);
    // Another's opinion by id: not found.
    expect((await w.dA2.agent.resource('opinions').get({ filterByTk: await idOf(a1) })).body.data).toBeFalsy();
  });

  it('steps only on opinions in reach: a deputy reports progress and answers its own; staff handle their station’s', async () => {
    const { w } = ctx;
    const [a1, b1] = (w as WithCodes).codes;
    const idA = await idOf(a1);
    const idB = await idOf(b1);
    expect(
      (
        await w.staffB.agent
          .post(`/opinions:classify?filterByTk=${idA}`)
          .send({ opinionClassId: (await w.classOf('XW')).id })
      ).status,
    ).toBe(404);
    expect(
      (
        await w.dA1.agent
          .post(`/opinions:classify?filterByTk=${idA}`)
          .send({ opinionClassId: (await w.classOf('XW')).id })
      ).status,
    ).toBe(403);
    await step(w.staffA.agent, idA, 'classify', { opinionClassId: (await w.classOf('XW')).id });
    await step(w.staffA.agent, idA, 'assign', { handlingUnit: '镇水利站' });
    expect((await w.dA2.agent.post(`/opinions:progress?filterByTk=${idA}`).send({ note: '看看' })).status).toBe(404);
    expect((await w.dB1.agent.post(`/opinions:progress?filterByTk=${idA}`).send({ note: '看看' })).status).toBe(404);
    await step(w.dA1.agent, idA, 'progress', { note: '已到现场查看' });
    // Writes outside the scope answer 404, not a silent 200.
    expect(
      (await w.staffA.agent.resource('opinions').update({ filterByTk: idB, values: { content: '改写别站的意见' } }))
        .status,
    ).toBe(404);
    expect(
      (await w.dA1.agent.resource('opinions').update({ filterByTk: idB, values: { content: '改写别人的意见' } }))
        .status,
    ).toBe(404);
    expect((await w.staffA.agent.post('/opinions:classify?filterByTk=abc').send({})).status).toBe(404);
  });

  it('registering an opinion: a deputy for itself, staff for their station, with a source other than the QR code', async () => {
    const { w } = ctx;
    const mine = await w.dA2.agent.resource('opinions').create({
      values: {
        citizenName: '周九',
        category: 'education',
        content: '学校门口需要减速带',
        source: 'visit',
        deputyId: w.deputyB1.id,
      },
    });
    expect(mine.status).toBe(200);
    expect(mine.body.data).toMatchObject({
      deputyId: w.deputyA2.id,
      stationId: w.stationA.id,
      source: 'visit',
      status: 'received',
    });
    expect(
      (
        await w.staffA.agent.resource('opinions').create({
          values: { citizenName: '吴十', category: 'other', content: '别站的意见内容', stationId: w.stationB.id },
        })
      ).status,
    ).toBe(403);
    expect(
      (
        await w.staffA.agent.resource('opinions').create({
          values: { citizenName: '吴十', category: 'other', content: '别站代表的意见', deputyId: w.deputyB1.id },
        })
      ).status,
    ).toBe(403);
    expect(
      (
        await w.staffA.agent.resource('opinions').create({
          values: {
            citizenName: '吴十',
            category: 'other',
            content: '别站代表的意见',
            deputyId: w.deputyB1.id,
            stationId: w.stationA.id,
          },
        })
      ).status,
    ).toBe(403); // another station's deputy is out of reach (#15)
    expect(
      (
        await w.staffA.agent
          .resource('opinions')
          .create({ values: { citizenName: '吴十', category: 'other', content: '来源不对的意见', source: 'qr' } })
      ).status,
    ).toBe(400);
    const hotline = await w.staffA.agent
      .resource('opinions')
      .create({ values: { citizenName: '吴十', category: 'other', content: '12345 转来的意见', source: 'hotline' } });
    expect(hotline.body.data).toMatchObject({ stationId: w.stationA.id, source: 'hotline' });
  });

  it('mediation cases: the deputy on the case and the station see them; nobody else', async () => {
    const { w } = ctx;
    const c = (
      await w.staffA.agent.resource('mediationCases').create({ values: { title: '噪音纠纷', deputyId: w.deputyA1.id } })
    ).body.data;
    expect((await listed(w.dA1.agent, 'mediationCases')).map((r) => r.id)).toEqual([c.id]);
    expect(await listed(w.dA2.agent, 'mediationCases')).toEqual([]);
    expect(await listed(w.staffB.agent, 'mediationCases')).toEqual([]);
    expect(
      (await w.dA2.agent.post(`/mediationCases:milestone?filterByTk=${c.id}`).send({ stage: 'respond' })).status,
    ).toBe(404);
    expect(
      (await w.dA1.agent.post(`/mediationCases:closeMediation?filterByTk=${c.id}`).send({ result: 'failed' })).status,
    ).toBe(403);
  });

  it('figures in reach: staff their stations, a deputy its own, others refused', async () => {
    const { w } = ctx;
    const year = new Date().getFullYear();
    const all = (await w.admin.agent.get(`/opinionStats:summary?period=${year}`)).body.data;
    const a = (await w.staffA.agent.get(`/opinionStats:summary?period=${year}`)).body.data;
    const d = (await w.dB1.agent.get(`/opinionStats:summary?period=${year}`)).body.data;
    expect(all.received).toBeGreaterThan(a.received);
    expect(a.byStation.map((s: { stationId: number }) => s.stationId)).toEqual([w.stationA.id]);
    expect(d.received).toBe(1);
    expect((await w.staffA.agent.get(`/opinionStats:summary?period=${year}&stationId=${w.stationB.id}`)).status).toBe(
      403,
    );
    expect((await w.dA1.agent.get(`/opinionStats:summary?period=${year}&deputyId=${w.deputyB1.id}`)).status).toBe(403);
    expect((await w.app.agent().get(`/opinionStats:summary?period=${year}`)).status).toBe(401);
  });

  it('public responses never carry the citizen’s name or phone', async () => {
    const { w } = ctx;
    const [a1] = (w as WithCodes).codes;
    const bodies = [
      await w.app.agent().get(`/opinions:track?code=${a1}`),
      await w.app.agent().get(`/opinions:target?token=${await w.token('deputies', w.deputyA1.id)}`),
      await w.submit(await w.token('deputies', w.deputyA1.id), { name: '秘密姓名', phone: '13600136000' }),
    ];
    for (const res of bodies) {
      expect(res.status).toBe(200);
      const json = JSON.stringify(res.body);
      for (const secret of ['13700137000', '13600136000', '秘密姓名', '张三', 'phone', 'qrToken'])
        expect(json).not.toContain(secret);
    }
  });
});
