import { Agent, idNumber, lastYear, Row, useAidWorld } from './setup';

const ID = idNumber('43062119580307123');

describe('plugin-pairing-aid: privacy per role and bad input', () => {
  const s = {} as { household: Row; pairing: Row; unpaired: Row };
  const ctx = useAidWorld(false, async ({ staffA, deputyA1, category, stationA, pair }) => {
    const created = await staffA.agent.resource('aidHouseholds').create({
      values: {
        headName: '李奶奶',
        idNumber: ID,
        categoryId: (await category('left-behind-elderly')).id,
        consent: true,
        address: '荣家湾镇某村',
      },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(200);
    s.household = created.body.data;
    expect(s.household.stationId).toBe(stationA.id);
    s.pairing = (await pair(staffA.agent, deputyA1.id, s.household.id)).body.data;
    s.unpaired = (
      await staffA.agent
        .resource('aidHouseholds')
        .create({ values: { headName: '王大爷', categoryId: (await category('disability')).id, consent: true } })
    ).body.data;
  });

  it('stores the ID number masked and never returns it, nor its hash, in any response', async () => {
    const { admin, staffA, dA1 } = ctx.w;
    expect(JSON.stringify(s.household)).not.toContain(ID);
    expect(s.household.idNumberMasked).toBe(`430${'*'.repeat(11)}${ID.slice(-4)}`);
    const row = await ctx.app.db
      .getCollection('aidHouseholds')
      .model.findOne({ where: { id: s.household.id }, raw: true });
    expect(JSON.stringify(row)).not.toContain(ID);
    for (const agent of [admin.agent, staffA.agent, dA1.agent]) {
      const list = await agent.resource('aidHouseholds').list({ appends: ['pairings', 'category'] });
      const got = await agent.resource('aidHouseholds').get({ filterByTk: s.household.id });
      for (const res of [list, got]) {
        expect(res.status).toBe(200);
        const text = JSON.stringify(res.body);
        expect(text).not.toContain(ID);
        expect(text).not.toContain(ID.slice(6, 14));
        expect(text).not.toMatch(/idNumberHash|"idNumber"/);
      }
    }
    // Editing with the masked value shown in the form keeps the number.
    const edit = await staffA.agent.resource('aidHouseholds').update({
      filterByTk: s.household.id,
      values: { idNumberMasked: 'x', idNumber: s.household.idNumberMasked, needs: '代购药品' },
    });
    expect(edit.status).toBe(200);
    const after = (await admin.agent.resource('aidHouseholds').get({ filterByTk: s.household.id })).body.data;
    expect(after).toMatchObject({ idNumberMasked: s.household.idNumberMasked, needs: '代购药品' });
    // The same person cannot be registered twice.
    const twice = await staffA.agent
      .set('X-Locale', 'zh-CN')
      .resource('aidHouseholds')
      .create({
        values: { headName: '李奶奶', idNumber: ID.toLowerCase(), categoryId: s.household.categoryId, consent: true },
      });
    expect(twice.status).toBe(400);
    expect(twice.body.errors[0].message).toBe('该身份证号的帮扶对象已登记');
  });

  it('shows a household to its paired deputy, that station’s staff and administrators only', async () => {
    const { admin, staffA, staffB, dA1, dA2, dB1 } = ctx.w;
    const ids = async (agent: Agent) =>
      (await agent.resource('aidHouseholds').list({ paginate: false })).body.data.map((h: Row) => h.id).sort();
    expect(await ids(admin.agent)).toEqual([s.household.id, s.unpaired.id].sort());
    expect(await ids(staffA.agent)).toEqual([s.household.id, s.unpaired.id].sort());
    expect(await ids(dA1.agent)).toEqual([s.household.id]);
    expect(await ids(dA2.agent)).toEqual([]);
    expect(await ids(dB1.agent)).toEqual([]);
    expect(await ids(staffB.agent)).toEqual([]);
    for (const agent of [dA2.agent, dB1.agent, staffB.agent]) {
      const got = await agent.resource('aidHouseholds').get({ filterByTk: s.household.id });
      expect(got.body.data ?? null).toBeNull();
      expect((await agent.resource('aidPairings').list()).body.data).toEqual([]);
    }
    // Writes outside one's reach answer 404 and change nothing.
    const write = await staffB.agent
      .resource('aidHouseholds')
      .update({ filterByTk: s.household.id, values: { needs: '篡改' } });
    expect(write.status).toBe(404);
    const visit = await dB1.agent
      .set('X-Locale', 'zh-CN')
      .resource('aidVisits')
      .create({ values: { pairingId: s.pairing.id, date: lastYear(3), mode: 'home' } });
    expect(visit.status).toBe(403);
    expect(visit.body.errors[0].message).toBe('只能为自己的或本站的结对登记');
    const register = await staffB.agent
      .set('X-Locale', 'zh-CN')
      .resource('aidHouseholds')
      .create({ values: { headName: '越权', stationId: ctx.w.stationA.id, categoryId: s.household.categoryId } });
    expect(register.status).toBe(403);
    expect(register.body.errors[0].message).toBe('只能在本站登记帮扶对象');
  });

  it('takes a household away from a deputy once the pairing is transferred', async () => {
    const { admin, dA1, dA2, deputyA2 } = ctx.w;
    const v = await dA1.agent
      .resource('aidVisits')
      .create({ values: { pairingId: s.pairing.id, date: lastYear(5), mode: 'phone', findings: '身体尚可' } });
    expect(v.status).toBe(200);
    const moved = await admin.agent
      .post(`/aidPairings:transfer?filterByTk=${s.pairing.id}`)
      .send({ deputyId: deputyA2.id, date: lastYear(6) });
    expect(moved.status).toBe(200);
    expect((await dA1.agent.resource('aidHouseholds').list()).body.data).toEqual([]);
    expect((await dA2.agent.resource('aidHouseholds').list()).body.data.map((h: Row) => h.id)).toEqual([
      s.household.id,
    ]);
    // Its own visit stays in the deputy's history.
    expect((await dA1.agent.resource('aidVisits').list()).body.data.map((x: Row) => x.id)).toEqual([v.body.data.id]);
    s.pairing = moved.body.data;
  });

  it.each([
    [
      'a negative amount',
      'aidRecords',
      { typeCode: 'relief', amount: '-100', date: 'IN' },
      '金额不能为负数',
      'The amount cannot be negative',
    ],
    [
      'an amount below the fen',
      'aidRecords',
      { typeCode: 'relief', amount: '10.005', date: 'IN' },
      '金额以元为单位，最多两位小数',
      'Give amounts in yuan with at most two decimals',
    ],
    [
      'an unknown assistance type',
      'aidRecords',
      { typeId: 99999, date: 'IN' },
      '请选择已有的帮扶类型',
      'Choose an existing assistance type',
    ],
    [
      'negative units',
      'aidRecords',
      { typeCode: 'housing', units: -1, date: 'IN' },
      '数量须为不小于 0 的整数',
      'Units must be a whole number, zero or more',
    ],
    [
      'a visit before the pairing started',
      'aidVisits',
      { mode: 'home', date: lastYear(1) },
      `日期早于结对开始日期（${lastYear(6)}）`,
      `The date is before the pairing started (${lastYear(6)})`,
    ],
    [
      'a visit in the future',
      'aidVisits',
      { mode: 'home', date: '2999-01-01' },
      '日期不能晚于今天',
      'The date cannot be in the future',
    ],
    [
      'an unknown visit mode',
      'aidVisits',
      { mode: 'letter', date: 'IN' },
      '请选择走访方式：入户、电话或视频',
      'Choose how the visit was made: home, phone or video',
    ],
    ['a plan without goals', 'aidPlans', { goals: ' ' }, '请填写帮扶目标', 'Give the goals of the plan'],
  ])(
    'refuses %s with a clear message and stores nothing',
    async (_label, collection, input: Record<string, unknown>, zh, en) => {
      const { dA2, type } = ctx.w;
      const values: Record<string, unknown> = { ...input, pairingId: s.pairing.id };
      if (values.typeCode) values.typeId = (await type(values.typeCode as string)).id;
      delete values.typeCode;
      if (values.date === 'IN') values.date = lastYear(10);
      const before = await ctx.app.db.getRepository(collection).count();
      const resZh = await dA2.agent.set('X-Locale', 'zh-CN').resource(collection).create({ values });
      expect(resZh.status).toBe(400);
      expect(resZh.body.errors[0].message).toBe(zh);
      const resEn = await dA2.agent.set('X-Locale', 'en-US').resource(collection).create({ values });
      expect(resEn.body.errors[0].message).toBe(en);
      expect(await ctx.app.db.getRepository(collection).count()).toBe(before);
    },
  );

  it.each([
    [
      'an unknown category',
      { headName: '张三', categoryId: 99999 },
      '请选择已有的帮扶对象类别',
      'Choose an existing household category',
    ],
    [
      'an invalid ID number',
      { headName: '张三', idNumber: ID.slice(0, 17) + (ID[17] === '1' ? '2' : '1'), categoryCode: 'other' },
      '身份证号无效',
      'The ID number is not valid',
    ],
    [
      'a negative income',
      { headName: '张三', monthlyIncome: -5, categoryCode: 'other' },
      '收入不能为负数',
      'The income cannot be negative',
    ],
    [
      'no head of household',
      { headName: '', categoryCode: 'other' },
      '请填写户主姓名',
      'Give the name of the head of household',
    ],
  ])('refuses a household with %s', async (_label, input: Record<string, unknown>, zh, en) => {
    const { staffA, category } = ctx.w;
    const values: Record<string, unknown> = { ...input };
    if (values.categoryCode) values.categoryId = (await category(values.categoryCode as string)).id;
    delete values.categoryCode;
    const before = await ctx.app.db.getRepository('aidHouseholds').count();
    const resZh = await staffA.agent.set('X-Locale', 'zh-CN').resource('aidHouseholds').create({ values });
    expect(resZh.status).toBe(400);
    expect(resZh.body.errors[0].message).toBe(zh);
    const resEn = await staffA.agent.set('X-Locale', 'en-US').resource('aidHouseholds').create({ values });
    expect(resEn.body.errors[0].message).toBe(en);
    expect(await ctx.app.db.getRepository('aidHouseholds').count()).toBe(before);
  });

  it('refuses a pairing for a household that has not consented, and edits of a confirmed visit', async () => {
    const { staffA, dA2, deputyA1, category } = ctx.w;
    const h = (
      await staffA.agent
        .resource('aidHouseholds')
        .create({ values: { headName: '未同意', categoryId: (await category('other')).id } })
    ).body.data;
    const res = await staffA.agent
      .set('X-Locale', 'zh-CN')
      .resource('aidPairings')
      .create({ values: { deputyId: deputyA1.id, householdId: h.id } });
    expect(res.status).toBe(400);
    expect(res.body.errors[0].message).toBe('该户尚未同意结对帮扶');
    const draft = (
      await dA2.agent
        .resource('aidVisits')
        .create({ values: { pairingId: s.pairing.id, date: lastYear(8), mode: 'home' } })
    ).body.data;
    const v = [].concat(
      (await staffA.agent.resource('aidVisits').update({ filterByTk: draft.id, values: { householdConfirmed: true } }))
        .body.data,
    )[0] as Row;
    // Without duty-points the visit still counts; nothing is filed.
    expect(v.creditStatus).toBe('pending');
    const edit = await dA2.agent
      .set('X-Locale', 'zh-CN')
      .resource('aidVisits')
      .update({ filterByTk: v.id, values: { findings: '改写' } });
    expect(edit.status).toBe(403);
    expect(edit.body.errors[0].message).toBe('已经帮扶对象确认的走访不能修改');
    expect((await dA2.agent.resource('aidVisits').destroy({ filterByTk: v.id })).status).toBe(403);
  });
});
