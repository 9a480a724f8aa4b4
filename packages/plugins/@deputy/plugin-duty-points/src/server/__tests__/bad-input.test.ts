import { lastYear, pendingTaskFor, useDutyPointsWorld } from './setup';

// A 1×1 PNG: a real image for the evidence upload.
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);

/** A duty record's values as a deputy's form sends them, `code` naming the item, `TOMORROW` the date. */
type BadInput = { code?: string; itemId?: number; date?: string; quantity?: number; status?: string };

describe('plugin-duty-points: bad input is refused with a clear message and stores nothing', () => {
  const world = useDutyPointsWorld();

  const count = () => world.app.db.getRepository('dutyRecords').count();
  const tomorrow = () => new Date(Date.now() + 8 * 3600e3 + 86400e3).toISOString().slice(0, 10);

  it.each([
    ['an unknown item', { itemId: 99999, date: lastYear(1) }, '请选择已有的积分项目', 'Choose an existing duty item'],
    [
      'a negative quantity',
      { code: 'D04', quantity: -2, date: lastYear(1) },
      '数量须为 1 到 100 的整数',
      'Quantity must be a whole number from 1 to 100',
    ],
    [
      'a fractional quantity',
      { code: 'D04', quantity: 1.5, date: lastYear(1) },
      '数量须为 1 到 100 的整数',
      'Quantity must be a whole number from 1 to 100',
    ],
    [
      'a date in the future',
      { code: 'D04', date: 'TOMORROW' },
      '履职日期不能晚于今天',
      'The date of a duty cannot be in the future',
    ],
    ['a missing date', { code: 'D04' }, '请填写履职日期', 'Give the date of the duty'],
    ['an approved status from the start', { code: 'D04', date: lastYear(1), status: 'approved' }, null, null],
  ])('refuses %s', async (_label, input: BadInput, zh, en) => {
    const before = await count();
    const item = input.code ? await world.w.item(input.code) : null;
    const values = {
      ...input,
      ...(item ? { itemId: item.id } : {}),
      date: input.date === 'TOMORROW' ? tomorrow() : input.date,
    };
    delete values.code;
    if (zh === null) {
      // A deputy cannot choose the status: the field is dropped and the record starts as a draft.
      const res = await world.w.d1.agent.resource('dutyRecords').create({ values });
      expect(res.status).toBe(200);
      expect(res.body.data.status).toBe('draft');
      await world.app.db.getRepository('dutyRecords').destroy({ filterByTk: res.body.data.id });
      return;
    }
    const resZh = await world.w.d1.agent.set('X-Locale', 'zh-CN').resource('dutyRecords').create({ values });
    expect(resZh.status).toBe(400);
    expect(resZh.body.errors[0].message).toBe(zh);
    const resEn = await world.w.d1.agent.set('X-Locale', 'en-US').resource('dutyRecords').create({ values });
    expect(resEn.body.errors[0].message).toBe(en);
    expect(await count()).toBe(before);
  });

  it('refuses to submit an item that needs evidence without it, and accepts it with an uploaded photo', async () => {
    const item = await world.w.item('D13'); // 政策宣传: photos required
    const record = (
      await world.w.d1.agent.resource('dutyRecords').create({ values: { itemId: item.id, date: lastYear(5) } })
    ).body.data;
    const refused = await world.w.d1.agent
      .set('X-Locale', 'zh-CN')
      .post(`/dutyRecords:submit?filterByTk=${record.id}`)
      .send({});
    expect(refused.status).toBe(400);
    expect(refused.body.errors[0].message).toBe('该项目须提供佐证：请先上传照片或文档再提交');
    expect((await world.app.db.getRepository('dutyRecords').findOne({ filterByTk: record.id })).get('status')).toBe(
      'draft',
    );

    const upload = await world.w.d1.agent
      .post('/attachments:create')
      .attach('file', PNG, { filename: '宣讲现场.png', contentType: 'image/png' });
    expect(upload.status).toBe(200);
    const attached = await world.w.d1.agent
      .resource('dutyRecords')
      .update({ filterByTk: record.id, values: { evidence: [upload.body.data.id] } });
    expect(attached.status).toBe(200);
    const ok = await world.w.d1.agent.post(`/dutyRecords:submit?filterByTk=${record.id}`).send({});
    expect(ok.status).toBe(200);
    expect(ok.body.data[0]?.status ?? ok.body.data.status).toBe('submitted');
    await pendingTaskFor(world.app, world.w.head.agent, record.id);
  });

  it('refuses a deputy filing for another deputy, and staff filing for another station', async () => {
    const item = await world.w.item('D04');
    const res = await world.w.d1.agent
      .resource('dutyRecords')
      .create({ values: { deputyId: world.w.deputy2.id, itemId: item.id, date: lastYear(7) } });
    // The deputy is always the filer itself.
    expect(res.status).toBe(200);
    expect(res.body.data.deputyId).toBe(world.w.deputy1.id);
    const otherStation = (await world.w.admin.agent.resource('liaisonStations').create({ values: { name: '外站' } }))
      .body.data;
    const outsider = (
      await world.w.admin.agent
        .resource('deputies')
        .create({ values: { name: '外站代表', stationId: otherStation.id } })
    ).body.data;
    const before = await count();
    const staff = await world.w.head.agent
      .set('X-Locale', 'zh-CN')
      .resource('dutyRecords')
      .create({ values: { deputyId: outsider.id, itemId: item.id, date: lastYear(7) } });
    expect(staff.status).toBe(403);
    expect(staff.body.errors[0].message).toBe('只能为本站代表登记履职');
    expect(await count()).toBe(before);
  });

  it('refuses to submit a record twice and flags a same-day duplicate to the reviewer', async () => {
    const item = await world.w.item('D04');
    const a = (
      await world.w.d2.agent.resource('dutyRecords').create({ values: { itemId: item.id, date: lastYear(9) } })
    ).body.data;
    expect((await world.w.d2.agent.post(`/dutyRecords:submit?filterByTk=${a.id}`).send({})).status).toBe(200);
    await pendingTaskFor(world.app, world.w.head.agent, a.id);
    expect((await world.w.d2.agent.post(`/dutyRecords:submit?filterByTk=${a.id}`).send({})).status).toBe(404);
    const b = (
      await world.w.d2.agent.resource('dutyRecords').create({ values: { itemId: item.id, date: lastYear(9) } })
    ).body.data;
    expect((await world.w.d2.agent.post(`/dutyRecords:submit?filterByTk=${b.id}`).send({})).status).toBe(200);
    await pendingTaskFor(world.app, world.w.head.agent, b.id);
    expect(
      (await world.app.db.getRepository('dutyRecords').findOne({ filterByTk: b.id })).get('possibleDuplicate'),
    ).toBe(true);
    expect(
      (await world.app.db.getRepository('dutyRecords').findOne({ filterByTk: a.id })).get('possibleDuplicate'),
    ).toBe(false);
  });
});

describe('plugin-duty-points: field errors name the field in the caller’s language', () => {
  const world = useDutyPointsWorld();

  it('says which field is duplicated or missing, not a template or a database message', async () => {
    const { admin } = world.w;
    await admin.agent.resource('scorePeriods').create({ values: { key: '2011' } });
    const twice = await admin.agent
      .set('X-Locale', 'zh-CN')
      .resource('scorePeriods')
      .create({ values: { key: '2011' } });
    expect(twice.status).toBe(400);
    expect(twice.body.errors[0].message).toBe('周期 字段值已存在');
    const english = await admin.agent
      .set('X-Locale', 'en-US')
      .resource('scorePeriods')
      .create({ values: { key: '2011' } });
    expect(english.body.errors[0].message).toContain('Period');
    expect(english.body.errors[0].message).not.toContain('{{');
    const noCategory = await admin.agent
      .set('X-Locale', 'zh-CN')
      .resource('dutyItems')
      .create({ values: { code: 'X01', name: '新事项', points: 1 } });
    expect(noCategory.status).toBe(400);
    expect(noCategory.body.errors[0].message).toContain('类别');
    expect(noCategory.body.errors[0].message).not.toMatch(/notNull|dutyItems\./);
    expect(await world.app.db.getRepository('dutyItems').count({ filter: { code: 'X01' } })).toBe(0);
  });
});
