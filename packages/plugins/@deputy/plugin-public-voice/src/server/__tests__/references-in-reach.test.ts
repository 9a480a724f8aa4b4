import { useVoiceWorld, VoiceWorld } from './setup';

/** The world with the ids of the opinions `prepare` submitted (station A's, station B's). */
type WithOpinions = VoiceWorld & { opinions: number[] };

/** An opinion through each station's QR code: A's and B's. */
async function prepare(w: VoiceWorld) {
  const ids: number[] = [];
  for (const id of [w.stationA.id, w.stationB.id]) {
    const res = await w.submit(await w.token('liaisonStations', id), {
      phone: '13700137001',
      content: '经联络站二维码提交的意见',
    });
    if (res.status !== 200) throw new Error(JSON.stringify(res.body));
    ids.push(
      (await w.app.db.getRepository('opinions').findOne({ filter: { trackingCode: res.body.data.trackingCode } })).get(
        'id',
      ),
    );
  }
  (w as WithOpinions).opinions = ids;
}

/**
 * Station staff write references only within their station: they cannot hand their station's opinion to
 * another station's deputy (who would then read the citizen's name and phone), nor tie another station's
 * opinion or deputy to their mediation case (whose opinion would then show through the case).
 */
describe('references in writes stay within the writer’s station', () => {
  const ctx = useVoiceWorld(false, prepare);
  const message = (res: { body?: { errors?: { message?: string }[] } }) => res.body?.errors?.[0]?.message;

  it('staff cannot assign their station’s opinion to another station’s deputy; a deputy of their own station is fine', async () => {
    const { w } = ctx;
    const [ownId] = (w as WithOpinions).opinions;
    const res = await w.staffA.agent
      .set('X-Locale', 'zh-CN')
      .resource('opinions')
      .update({ filterByTk: ownId, values: { deputyId: w.deputyB1.id } });
    expect(res.status).toBe(400);
    expect(message(res)).toBe('该代表不属于此联络站');
    const en = await w.staffA.agent
      .set('X-Locale', 'en-US')
      .resource('opinions')
      .update({ filterByTk: ownId, values: { deputy: { id: w.deputyB1.id } } });
    expect(en.status).toBe(400);
    expect(message(en)).toBe('The deputy is not at this station');
    expect((await w.app.db.getRepository('opinions').findOne({ filterByTk: ownId })).get('deputyId')).toBeNull();
    expect((await w.dB1.agent.resource('opinions').get({ filterByTk: ownId })).body.data).toBeFalsy();
    const fine = await w.staffA.agent
      .resource('opinions')
      .update({ filterByTk: ownId, values: { deputyId: w.deputyA1.id } });
    expect(fine.status).toBe(200);
    expect((await w.app.db.getRepository('opinions').findOne({ filterByTk: ownId })).get('deputyId')).toBe(
      w.deputyA1.id,
    );
  });

  it('staff cannot tie another station’s opinion or deputy to their mediation case, on create or update', async () => {
    const { w } = ctx;
    const [ownId, otherId] = (w as WithOpinions).opinions;
    const count = await w.app.db.getRepository('mediationCases').count();
    const withOpinion = await w.staffA.agent
      .set('X-Locale', 'zh-CN')
      .resource('mediationCases')
      .create({ values: { title: '邻里纠纷', opinionId: otherId } });
    expect(withOpinion.status).toBe(400);
    expect(message(withOpinion)).toBe('该意见不属于此联络站');
    const withDeputy = await w.staffA.agent
      .set('X-Locale', 'zh-CN')
      .resource('mediationCases')
      .create({ values: { title: '邻里纠纷', deputyId: w.deputyB1.id } });
    expect(withDeputy.status).toBe(400);
    expect(message(withDeputy)).toBe('该代表不属于此联络站');
    expect(await w.app.db.getRepository('mediationCases').count()).toBe(count);

    const c = (
      await w.staffA.agent
        .resource('mediationCases')
        .create({ values: { title: '邻里纠纷', opinionId: ownId, deputyId: w.deputyA1.id } })
    ).body.data;
    expect(c).toMatchObject({ opinionId: ownId, deputyId: w.deputyA1.id, stationId: w.stationA.id });
    const moved = await w.staffA.agent
      .set('X-Locale', 'en-US')
      .resource('mediationCases')
      .update({ filterByTk: c.id, values: { opinion: { id: otherId } } });
    expect(moved.status).toBe(400);
    expect(message(moved)).toBe('The opinion is not of this station');
    expect(
      (
        await w.staffA.agent
          .resource('mediationCases')
          .update({ filterByTk: c.id, values: { deputyId: w.deputyB1.id } })
      ).status,
    ).toBe(400);
    const row = (await w.app.db.getRepository('mediationCases').findOne({ filterByTk: c.id })).toJSON();
    expect(row).toMatchObject({ opinionId: ownId, deputyId: w.deputyA1.id });
    // Through the case, station B's opinion never shows.
    const seen = await w.staffA.agent.resource('mediationCases').get({ filterByTk: c.id, appends: ['opinion'] });
    expect(JSON.stringify(seen.body.data)).not.toContain(String(`"id":${otherId},`));
  });

  it('administrators are not limited to a station', async () => {
    const { w } = ctx;
    const [, otherId] = (w as WithOpinions).opinions;
    const res = await w.admin.agent
      .resource('mediationCases')
      .create({ values: { title: '跨站纠纷', stationId: w.stationA.id, opinionId: otherId, deputyId: w.deputyB1.id } });
    expect(res.status).toBe(200);
  });
});
