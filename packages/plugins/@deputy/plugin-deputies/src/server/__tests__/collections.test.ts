import { createSuiteServer, signedInAs } from '@deputy/test-helpers';
import { MockServer } from '@nocobase/test';

describe('plugin-deputies: collections through the HTTP API', () => {
  let app: MockServer;

  beforeAll(async () => {
    app = await createSuiteServer(['@deputy/plugin-deputies']);
  });

  afterAll(async () => {
    await app?.destroy();
  });

  it('registers deputies and liaisonStations in the collection manager, with their fields', async () => {
    const { agent } = await signedInAs(app, 'cm-admin', ['admin']);
    const res = await agent.resource('collections').listMeta();
    expect(res.status).toBe(200);
    const byName = Object.fromEntries(
      res.body.data.map((c: { name: string; fields: { name: string }[] }) => [c.name, c]),
    );
    expect(byName.deputies.fields.map((f: { name: string }) => f.name)).toEqual(
      expect.arrayContaining(['name', 'station', 'user', 'phone', 'status', 'duties']),
    );
    expect(byName.liaisonStations.fields.map((f: { name: string }) => f.name)).toEqual(
      expect.arrayContaining(['name', 'town', 'parent', 'receptionDays', 'deputies']),
    );
  });

  it('lets an administrator create a station and a deputy in it', async () => {
    const { agent } = await signedInAs(app, 'cm-admin2', ['admin']);
    const station = await agent
      .resource('liaisonStations')
      .create({ values: { name: '高沙镇中心联络站', town: '高沙镇' } });
    expect(station.status).toBe(200);
    // The array field may store values in another order; the days are a set.
    expect([...station.body.data.receptionDays].sort((a, b) => a - b)).toEqual([6, 16, 26]);
    const deputy = await agent
      .resource('deputies')
      .create({ values: { name: '李四', stationId: station.body.data.id, phone: '13900000001', duties: ['policy'] } });
    expect(deputy.status).toBe(200);
    expect(deputy.body.data.status).toBe('active');
    const list = await agent
      .resource('deputies')
      .list({ filter: { stationId: station.body.data.id }, appends: ['station'] });
    expect(list.body.data.map((d: { name: string; station: { name: string } }) => [d.name, d.station.name])).toEqual([
      ['李四', '高沙镇中心联络站'],
    ]);
  });

  it('refuses anonymous reads and writes', async () => {
    const list = await app.agent().resource('deputies').list();
    expect([401, 403]).toContain(list.status);
    const before = await app.db.getRepository('liaisonStations').count();
    const create = await app
      .agent()
      .resource('liaisonStations')
      .create({ values: { name: 'x' } });
    expect([401, 403]).toContain(create.status);
    expect(await app.db.getRepository('liaisonStations').count()).toBe(before);
  });

  it('refuses a second deputy with the same phone and keeps the first', async () => {
    const { agent } = await signedInAs(app, 'cm-admin3', ['admin']);
    await agent.resource('deputies').create({ values: { name: '王五', phone: '13900000009' } });
    const dup = await agent.resource('deputies').create({ values: { name: '赵六', phone: '13900000009' } });
    expect(dup.status).toBe(400);
    expect(await app.db.getRepository('deputies').count({ filter: { phone: '13900000009' } })).toBe(1);
  });

  it('refuses to delete the suite collections or their built-in fields, in zh-CN and en-US, changing nothing', async () => {
    const { agent } = await signedInAs(app, 'cm-admin4', ['admin']);
    const zh = await agent.set('X-Locale', 'zh-CN').resource('collections').destroy({ filterByTk: 'deputies' });
    expect(zh.status).toBe(400);
    expect(zh.body.errors[0].message).toBe('代表履职套件的数据表和字段不能删除');
    const en = await agent.set('X-Locale', 'en-US').resource('collections').destroy({ filterByTk: 'liaisonStations' });
    expect(en.status).toBe(400);
    expect(en.body.errors[0].message).toBe('Collections and fields of the deputy suite cannot be deleted');
    const field = await agent.resource('collections.fields', 'deputies').destroy({ filterByTk: 'station' });
    expect(field.status).toBe(400);
    expect(app.db.hasCollection('deputies')).toBe(true);
    expect(app.db.getCollection('deputies').hasField('station')).toBe(true);
    expect(await app.db.getRepository('collections').count({ filter: { name: ['deputies', 'liaisonStations'] } })).toBe(
      2,
    );
  });

  it('lets an administrator add a field to deputies in the collection manager, and delete it again', async () => {
    const { agent } = await signedInAs(app, 'cm-admin5', ['admin']);
    const added = await agent.resource('collections.fields', 'deputies').create({
      values: {
        name: 'activityPlace',
        type: 'string',
        interface: 'input',
        uiSchema: { title: '活动地点', 'x-component': 'Input' },
      },
    });
    expect(added.status).toBe(200);
    const saved = await agent.resource('deputies').create({ values: { name: '钱七', activityPlace: '高沙镇文化站' } });
    expect(saved.body.data.activityPlace).toBe('高沙镇文化站');
    const removed = await agent.resource('collections.fields', 'deputies').destroy({ filterByTk: 'activityPlace' });
    expect(removed.status).toBe(200);
  });
});
