import { migrationOf } from '@deputy/test-helpers';
import type { Model } from '@nocobase/database';
import LabelMigration from '../migrations/20261202090000-pairing-labels';
import { isPg, lastYear, Row, useAidWorld } from './setup';

describe('plugin-pairing-aid: pairings, the N limit, transfer and closing', () => {
  const ctx = useAidWorld();
  const active = (deputyId: number) =>
    ctx.app.db.getRepository('aidPairings').count({ filter: { deputyId, status: 'active' } });

  it('seeds the editable lists and settings', async () => {
    const cats = await ctx.w.admin.agent.resource('aidCategories').list({ paginate: false });
    expect(cats.body.data.map((c: Row) => c.name)).toEqual([
      '低保',
      '特困供养',
      '残疾',
      '留守老人',
      '留守儿童',
      '困境儿童',
      '重病',
      '其他',
    ]);
    expect(cats.body.data.find((c: Row) => c.code === 'left-behind-elderly').visitIntervalDays).toBe(7);
    const types = await ctx.w.dA1.agent.resource('aidAssistanceTypes').list({ paginate: false });
    expect(types.body.data.map((c: Row) => c.name)).toEqual([
      '法律援助',
      '困难救助',
      '住房协调',
      '就业岗位',
      '捐资助学',
      '联系就医',
      '物资慰问',
    ]);
    const settings = (await ctx.app.db.getRepository('aidSettings').findOne()).toJSON();
    expect(settings).toMatchObject({ maxPairingsPerDeputy: 3, visitItemCode: 'D20', outcomeItemCode: 'D21' });
    const registered = await ctx.app.db
      .getRepository('collections')
      .find({ filter: { name: { $in: ['aidHouseholds', 'aidPairings', 'aidRecords'] } } });
    expect(registered).toHaveLength(3);
  });

  it('refuses the N+1th active pairing of a deputy with a clear message', async () => {
    const { staffA, deputyA1, household, pair } = ctx.w;
    for (let i = 0; i < 3; i++) {
      const res = await pair(staffA.agent, deputyA1.id, (await household()).id);
      expect(res.status).toBe(200);
      expect(res.body.data.status).toBe('active');
    }
    const fourth = await household();
    const zh = await staffA.agent
      .set('X-Locale', 'zh-CN')
      .resource('aidPairings')
      .create({ values: { deputyId: deputyA1.id, householdId: fourth.id, startDate: lastYear(2) } });
    expect(zh.status).toBe(400);
    expect(zh.body.errors[0].message).toBe('代表甲一 已有 3 个在帮结对，已达上限（N = 3）；请先结束或移交一个');
    const en = await staffA.agent
      .set('X-Locale', 'en-US')
      .resource('aidPairings')
      .create({ values: { deputyId: deputyA1.id, householdId: fourth.id, startDate: lastYear(2) } });
    expect(en.body.errors[0].message).toBe(
      '代表甲一 already has 3 active pairings, the most allowed (N = 3); close or transfer one first',
    );
    expect(await active(deputyA1.id)).toBe(3);
  });

  it('follows the N setting an administrator changes', async () => {
    const { admin, deputyA1, household, pair } = ctx.w;
    const settings = await ctx.app.db.getRepository('aidSettings').findOne();
    await admin.agent
      .resource('aidSettings')
      .update({ filterByTk: settings.get('id'), values: { maxPairingsPerDeputy: 4 } });
    expect((await pair(admin.agent, deputyA1.id, (await household()).id)).status).toBe(200);
    expect((await pair(admin.agent, deputyA1.id, (await household()).id)).status).toBe(400);
    await admin.agent
      .resource('aidSettings')
      .update({ filterByTk: settings.get('id'), values: { maxPairingsPerDeputy: 3 } });
    expect(await active(deputyA1.id)).toBe(4);
  });

  it('leaves exactly N active pairings when several are requested at once', async () => {
    const { admin, deputyA2, household, pair } = ctx.w;
    const households = [];
    for (let i = 0; i < 6; i++) households.push(await household());
    const results = isPg()
      ? await Promise.all(households.map((h) => pair(admin.agent, deputyA2.id, h.id)))
      : await households.reduce(
          async (acc: Promise<Awaited<ReturnType<typeof pair>>[]>, h) => [
            ...(await acc),
            await pair(admin.agent, deputyA2.id, h.id),
          ],
          Promise.resolve([]),
        );
    expect(results.filter((r) => r.status === 200)).toHaveLength(3);
    expect(results.filter((r) => r.status === 400)).toHaveLength(3);
    expect(await active(deputyA2.id)).toBe(3);
  });

  it('gives a household one active deputy at a time, also under concurrent requests', async () => {
    const { admin, deputyB1, deputyA1, household, pair } = ctx.w;
    const h = await household('disability', ctx.w.stationB.id);
    const both = isPg()
      ? await Promise.all([pair(admin.agent, deputyB1.id, h.id), pair(admin.agent, deputyB1.id, h.id)])
      : [await pair(admin.agent, deputyB1.id, h.id), await pair(admin.agent, deputyB1.id, h.id)];
    expect(both.map((r) => r.status).sort()).toEqual([200, 400]);
    const refused = await admin.agent
      .set('X-Locale', 'zh-CN')
      .resource('aidPairings')
      .create({ values: { deputyId: deputyA1.id, householdId: h.id } });
    expect(refused.status).toBe(400);
    expect(refused.body.errors[0].message).toBe('该户已有在帮结对；更换代表请使用移交');
    expect(
      await ctx.app.db.getRepository('aidPairings').count({ filter: { householdId: h.id, status: 'active' } }),
    ).toBe(1);
  });

  it('transfers a pairing: history kept, the current plan carried over, the N limit of the new deputy applies', async () => {
    const { admin, staffA, deputyB1, deputyA1, household, pair } = ctx.w;
    const h = await household('serious-illness', ctx.w.stationB.id);
    const p = (await pair(admin.agent, deputyB1.id, h.id)).body.data;
    await admin.agent
      .resource('aidPlans')
      .create({ values: { pairingId: p.id, goals: '协调就医报销', measures: ['medical'] } });
    // Deputy A1 is full (4 active since the setting test): refused, nothing changes.
    const full = await admin.agent
      .set('X-Locale', 'en-US')
      .post(`/aidPairings:transfer?filterByTk=${p.id}`)
      .send({ deputyId: deputyA1.id, date: lastYear(20) });
    expect(full.status).toBe(400);
    expect(full.body.errors[0].message).toMatch(/already has 4 active pairings, the most allowed \(N = 3\)/);
    expect((await ctx.app.db.getRepository('aidPairings').findOne({ filterByTk: p.id })).get('status')).toBe('active');
    // Station A staff cannot touch a station B pairing.
    const outside = await staffA.agent
      .post(`/aidPairings:transfer?filterByTk=${p.id}`)
      .send({ deputyId: ctx.w.deputyA2.id });
    expect(outside.status).toBe(404);
    // Not through update: a pairing marked transferred would have no successor. Refused whole, also out of reach.
    const state = async () => ({
      pairings: (await ctx.app.db.getRepository('aidPairings').find({ sort: ['id'] })).map((x: Model) => x.toJSON()),
      plans: await ctx.app.db.getRepository('aidPlans').count(),
    });
    const before = await state();
    const messages = {
      'zh-CN': '结对通过“移交结对”移交，并为接手的代表建立新结对；编辑结对不能修改其状态',
      'en-US':
        "A pairing is transferred with Transfer the pairing, which starts the new deputy's pairing; editing it does not change its status",
    };
    for (const [who, locale] of [
      [admin, 'zh-CN'],
      [ctx.w.staffB, 'en-US'],
      [staffA, 'en-US'],
    ] as const) {
      const res = await who.agent
        .set('X-Locale', locale)
        .post(`/aidPairings:update?filterByTk=${p.id}`)
        .send({ status: 'transferred', endReason: 'reassigned' });
      expect([res.status, res.body.errors?.[0]?.message]).toEqual([400, messages[locale]]);
    }
    expect(await state()).toEqual(before);

    const newDeputy = (
      await admin.agent.resource('deputies').create({ values: { name: '代表乙二', stationId: ctx.w.stationB.id } })
    ).body.data;
    const moved = await admin.agent
      .post(`/aidPairings:transfer?filterByTk=${p.id}`)
      .send({ deputyId: newDeputy.id, date: lastYear(20), note: '工作调动' });
    expect(moved.status).toBe(200);
    expect(moved.body.data).toMatchObject({
      deputyId: newDeputy.id,
      householdId: h.id,
      status: 'active',
      previousPairingId: p.id,
      startDate: lastYear(20),
    });
    const old = (await ctx.app.db.getRepository('aidPairings').findOne({ filterByTk: p.id })).toJSON();
    expect(old).toMatchObject({ status: 'transferred', endDate: lastYear(20), endReason: 'reassigned' });
    const plans: Model[] = await ctx.app.db
      .getRepository('aidPlans')
      .find({ filter: { householdId: h.id }, sort: ['id'] });
    expect(plans.map((x) => [x.get('pairingId'), x.get('version'), x.get('current'), x.get('goals')])).toEqual([
      [p.id, 1, true, '协调就医报销'],
      [moved.body.data.id, 1, true, '协调就医报销'],
    ]);
    // The transferred pairing is history: it cannot be reopened or deleted.
    const reopen = await admin.agent.resource('aidPairings').update({ filterByTk: p.id, values: { status: 'active' } });
    expect(reopen.status).toBe(400);
    expect((await admin.agent.resource('aidPairings').destroy({ filterByTk: p.id })).status).toBe(400);
  });

  it('closes a pairing with its reason, which frees a place under N', async () => {
    const { staffA, deputyA2, household, pair } = ctx.w;
    const p = await ctx.app.db
      .getRepository('aidPairings')
      .findOne({ filter: { deputyId: deputyA2.id, status: 'active' } });
    const noReason = await staffA.agent
      .set('X-Locale', 'zh-CN')
      .post(`/aidPairings:closePairing?filterByTk=${p.get('id')}`)
      .send({});
    expect(noReason.status).toBe(400);
    expect(noReason.body.errors[0].message).toBe('请填写结束结对的原因');
    const early = await staffA.agent
      .post(`/aidPairings:closePairing?filterByTk=${p.get('id')}`)
      .send({ reason: 'resolved', date: '2001-01-01' });
    expect(early.status).toBe(400);
    const closed = await staffA.agent
      .post(`/aidPairings:closePairing?filterByTk=${p.get('id')}`)
      .send({ reason: 'resolved', date: lastYear(25) });
    expect(closed.status).toBe(200);
    expect(closed.body.data).toMatchObject({ status: 'closed', endReason: 'resolved', endDate: lastYear(25) });
    expect(await active(deputyA2.id)).toBe(2);
    expect((await pair(staffA.agent, deputyA2.id, (await household()).id)).status).toBe(200);
    // Station B staff cannot pair a deputy of station A.
    const other = await ctx.w.staffB.agent
      .set('X-Locale', 'zh-CN')
      .resource('aidPairings')
      .create({ values: { deputyId: deputyA2.id, householdId: (await household()).id } });
    expect(other.status).toBe(403);
    expect(other.body.errors[0].message).toBe('只能为本站代表建立结对');
  });

  it('labels a pairing "deputy · masked household head · start" for the forms, follows renames, ignores a label sent by a request', async () => {
    const { admin, staffB, dB1, deputyB1, household, pair } = ctx.w;
    const h = await household('disability', ctx.w.stationB.id, { headName: '龙奶奶' });
    const created = await pair(staffB.agent, deputyB1.id, h.id, lastYear(3));
    expect(created.status).toBe(200);
    const id = created.body.data.id;
    // The head's name masked: a deputy keeps reading its closed pairings, not their households.
    expect(created.body.data.label).toBe(`代表乙一 · 龙** · ${lastYear(3)}`);
    // The deputy picks it by that label in the visit form (the select lists the pairings the deputy may see).
    const mine = await dB1.agent
      .resource('aidPairings')
      .list({ filter: { status: 'active' }, fields: ['id', 'label'] });
    expect(mine.body.data.map((p: Row) => p.label)).toContain(`代表乙一 · 龙** · ${lastYear(3)}`);
    const forged = await admin.agent
      .resource('aidPairings')
      .update({ filterByTk: id, values: { label: '别人 · 别户' } });
    expect(forged.status).toBe(200);
    const label = async () => (await ctx.app.db.getRepository('aidPairings').findOne({ filterByTk: id })).get('label');
    expect(await label()).toBe(`代表乙一 · 龙** · ${lastYear(3)}`);
    expect(
      (await admin.agent.resource('aidHouseholds').update({ filterByTk: h.id, values: { headName: '欧阳大爷' } }))
        .status,
    ).toBe(200);
    expect(await label()).toBe(`代表乙一 · 欧*** · ${lastYear(3)}`);
    expect(
      (await admin.agent.resource('deputies').update({ filterByTk: deputyB1.id, values: { name: '代表乙一改' } }))
        .status,
    ).toBe(200);
    expect(await label()).toBe(`代表乙一改 · 欧*** · ${lastYear(3)}`);
    expect(
      (await admin.agent.resource('aidPairings').update({ filterByTk: id, values: { startDate: lastYear(2) } })).status,
    ).toBe(200);
    expect(await label()).toBe(`代表乙一改 · 欧*** · ${lastYear(2)}`);
    await admin.agent.resource('deputies').update({ filterByTk: deputyB1.id, values: { name: '代表乙一' } });
  });

  it('fills the labels of pairings made before labels existed (migration), once', async () => {
    const repo = ctx.app.db.getRepository('aidPairings');
    const before = ((await repo.find({ sort: ['id'] })) as Model[]).map((p) => [p.get('id'), p.get('label')]);
    expect(before.length).toBeGreaterThan(3);
    await ctx.app.db.getCollection('aidPairings').model.update({ label: null }, { where: {}, hooks: false });
    const migration = migrationOf(ctx.app, LabelMigration);
    expect(migration.on).toBe('afterSync');
    await migration.up();
    const after = async () =>
      ((await repo.find({ sort: ['id'] })) as Model[]).map((p) => [p.get('id'), p.get('label')]);
    expect(await after()).toEqual(before);
    const stamps = ((await repo.find({ sort: ['id'] })) as Model[]).map((p) => String(p.get('updatedAt')));
    await migration.up();
    expect(((await repo.find({ sort: ['id'] })) as Model[]).map((p) => String(p.get('updatedAt')))).toEqual(stamps);
  });
});
