import type { Model } from '@nocobase/database';
import { idNumber, lastYear, Row, useAidWorld } from './setup';

/**
 * 1+N changes leave a trail (who, when, before, after) in plugin-deputies' auditTrail: households, pairings
 * opened, closed and transferred, plan versions, visits and outcomes. The household's ID number appears only
 * masked — never as typed, never its hash.
 */
describe('1+N audit trail', () => {
  const ctx = useAidWorld();
  const trail = (collectionName: string, recordId: number): Promise<Model[]> =>
    ctx.app.db
      .getRepository('auditTrail')
      .find({ filter: { collectionName, recordId: String(recordId) }, sort: ['id'] });
  const ok = (res: { status: number; body: { data?: unknown } }) => {
    if (res.status !== 200) throw new Error(`${res.status} ${JSON.stringify(res.body)}`);
    return res.body.data as Row;
  };

  it('records a household’s registration and edit with the ID number masked only', async () => {
    const { staffA, admin, stationA, category } = ctx.w;
    const number = idNumber('43062119750312004');
    const h = ok(
      await staffA.agent.resource('aidHouseholds').create({
        values: {
          headName: '李四',
          idNumber: number,
          categoryId: (await category('subsistence')).id,
          stationId: stationA.id,
          consent: true,
        },
      }),
    );
    ok(
      await staffA.agent
        .resource('aidHouseholds')
        .update({ filterByTk: h.id, values: { needs: '就医报销', idNumber: idNumber('43062119750312012') } }),
    );
    const entries = await trail('aidHouseholds', h.id);
    expect(entries.map((e) => [e.get('action'), e.get('userId')])).toEqual([
      ['create', staffA.user.id],
      ['update', staffA.user.id],
    ]);
    const corrected = idNumber('43062119750312012');
    const masked = (id: string) => `430${'*'.repeat(11)}${id.slice(-4)}`;
    expect(entries[0].get('after')).toMatchObject({ headName: '李四', idNumberMasked: masked(number) });
    expect(entries[1].get('before')).toMatchObject({ idNumberMasked: masked(number) });
    expect(entries[1].get('after')).toMatchObject({ needs: '就医报销', idNumberMasked: masked(corrected) });
    // Neither the number as typed nor its hash, in any row the administrator can list.
    const listed = JSON.stringify(
      (await admin.agent.resource('auditTrail').list({ filter: { collectionName: 'aidHouseholds' }, paginate: false }))
        .body.data,
    );
    const hash = (await ctx.app.db.getRepository('aidHouseholds').findOne({ filterByTk: h.id })).get('idNumberHash');
    for (const secret of [number, number.slice(0, 14), corrected, corrected.slice(0, 14), hash])
      expect(listed).not.toContain(secret);
    expect(listed).not.toMatch(/idNumberHash|"idNumber"/);
  });

  it('records pairings opened, closed and transferred, plan versions, visits and outcomes — by whom, before and after', async () => {
    const { admin, staffA, dA1, deputyA1, deputyA2, household, pair, type } = ctx.w;
    const h1 = await household();
    const p1 = ok(await pair(staffA.agent, deputyA1.id, h1.id));
    const plan = ok(await dA1.agent.resource('aidPlans').create({ values: { pairingId: p1.id, goals: '落实低保' } }));
    const plan2 = ok(
      await dA1.agent
        .resource('aidPlans')
        .update({ filterByTk: plan.id, values: { goals: '落实低保并对接就业', changeNote: '增加就业' } }),
    );
    const visit = ok(
      await dA1.agent
        .resource('aidVisits')
        .create({ values: { pairingId: p1.id, date: lastYear(5), mode: 'home', findings: '生活基本稳定' } }),
    );
    ok(await dA1.agent.resource('aidVisits').update({ filterByTk: visit.id, values: { findings: '需要就业帮助' } }));
    const outcome = ok(
      await dA1.agent.resource('aidRecords').create({
        values: { pairingId: p1.id, typeId: (await type('relief')).id, date: lastYear(6), amount: '300.00' },
      }),
    );
    ok(
      await staffA.agent
        .post(`/aidPairings:closePairing?filterByTk=${p1.id}`)
        .send({ reason: 'movedAway', date: lastYear(7), note: '迁往市区' }),
    );

    const h2 = await household();
    const p2 = ok(await pair(admin.agent, deputyA1.id, h2.id));
    const p3 = ok(
      await admin.agent
        .post(`/aidPairings:transfer?filterByTk=${p2.id}`)
        .send({ deputyId: deputyA2.id, date: lastYear(8), note: '工作调动' }),
    );

    const changes = async (name: string, id: number) =>
      (await trail(name, id)).map((e) => ({
        action: e.get('action'),
        by: e.get('userId'),
        before: e.get('before'),
        after: e.get('after'),
      }));
    const p1Trail = await changes('aidPairings', p1.id);
    expect(p1Trail[0]).toMatchObject({
      action: 'create',
      by: staffA.user.id,
      after: { deputyId: deputyA1.id, householdId: h1.id, status: 'active' },
    });
    expect(p1Trail.at(-1)).toMatchObject({
      action: 'update',
      by: staffA.user.id,
      before: { status: 'active' },
      after: { status: 'closed', endReason: 'movedAway', endNote: '迁往市区' },
    });
    expect(await changes('aidPairings', p2.id)).toContainEqual(
      expect.objectContaining({
        action: 'update',
        by: admin.user.id,
        before: expect.objectContaining({ status: 'active' }),
        after: expect.objectContaining({ status: 'transferred', endNote: '工作调动' }),
      }),
    );
    expect((await changes('aidPairings', p3.id))[0]).toMatchObject({
      action: 'create',
      by: admin.user.id,
      after: { deputyId: deputyA2.id, previousPairingId: p2.id },
    });
    // A plan edit saves a new version (versions are never changed): both versions' texts stay in the trail.
    expect((await changes('aidPlans', plan.id))[0]).toMatchObject({
      action: 'create',
      by: dA1.user.id,
      after: { goals: '落实低保', version: 1 },
    });
    expect((await changes('aidPlans', plan2.id))[0]).toMatchObject({
      action: 'create',
      by: dA1.user.id,
      after: { goals: '落实低保并对接就业', changeNote: '增加就业', version: 2 },
    });
    expect(await changes('aidVisits', visit.id)).toEqual([
      expect.objectContaining({
        action: 'create',
        by: dA1.user.id,
        after: expect.objectContaining({ findings: '生活基本稳定', mode: 'home' }),
      }),
      expect.objectContaining({
        action: 'update',
        by: dA1.user.id,
        before: { findings: '生活基本稳定' },
        after: { findings: '需要就业帮助' },
      }),
    ]);
    expect((await changes('aidRecords', outcome.id))[0]).toMatchObject({
      action: 'create',
      by: dA1.user.id,
      after: { pairingId: p1.id },
    });
    // Every entry carries its time.
    for (const e of await trail('aidPairings', p1.id)) expect(e.get('createdAt')).toBeTruthy();
  });
});
