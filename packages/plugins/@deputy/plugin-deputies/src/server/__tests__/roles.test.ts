import { createSuiteServer, signedInAs, type ApiRow, type TestAgent } from '@deputy/test-helpers';
import { MockServer } from '@nocobase/test';

/**
 * The suite's roles through the HTTP API (ACL on): what each may read and write, and what stays unchanged
 * when it is refused.
 */
describe('plugin-deputies: roles and data scopes', () => {
  let app: MockServer;
  let admin: TestAgent, staffA: TestAgent, staffB: TestAgent, deputyA1: TestAgent;
  let stationA: ApiRow, stationB: ApiRow, dA1: ApiRow, dA2: ApiRow, dB1: ApiRow;

  const deputies = () => app.db.getRepository('deputies');

  beforeAll(async () => {
    app = await createSuiteServer(['@deputy/plugin-deputies']);
    ({ agent: admin } = await signedInAs(app, 'npc', ['npc-admin']));
    const sA = await signedInAs(app, 'staff-a', ['station-staff']);
    const sB = await signedInAs(app, 'staff-b', ['station-staff']);
    staffA = sA.agent;
    staffB = sB.agent;
    const uA1 = await signedInAs(app, 'deputy-a1', ['deputy']);
    deputyA1 = uA1.agent;
    stationA = (
      await admin.resource('liaisonStations').create({ values: { name: '高沙镇联络站', staff: [sA.user.id] } })
    ).body.data;
    stationB = (
      await admin.resource('liaisonStations').create({ values: { name: '醪田镇联络站', staff: [sB.user.id] } })
    ).body.data;
    const make = async (values: Record<string, unknown>) =>
      (await admin.resource('deputies').create({ values })).body.data;
    dA1 = await make({ name: '甲一', stationId: stationA.id, phone: '13800000001', userId: uA1.user.id });
    dA2 = await make({ name: '甲二', stationId: stationA.id, phone: '13800000002' });
    dB1 = await make({ name: '乙一', stationId: stationB.id, phone: '13800000003' });
  });

  afterAll(async () => {
    await app?.destroy();
  });

  it('installs the three roles with their scopes, editable as ordinary NocoBase roles', async () => {
    const roles = await admin.resource('roles').list({ filter: { name: ['npc-admin', 'station-staff', 'deputy'] } });
    expect(roles.status).toBe(200);
    expect(roles.body.data.map((r: ApiRow) => r.name).sort()).toEqual(['deputy', 'npc-admin', 'station-staff']);
    const scopes = await app.db
      .getRepository('dataSourcesRolesResourcesScopes')
      .find({ filter: { key: { $startsWith: 'deputy-' } } });
    expect(scopes.length).toBe(5);
  });

  it('npc-admin reads and writes every deputy', async () => {
    const list = await admin.resource('deputies').list({ pageSize: 100 });
    expect(list.body.data.map((d: ApiRow) => d.name).sort()).toEqual(['乙一', '甲一', '甲二']);
    const moved = await admin.resource('deputies').update({ filterByTk: dA2.id, values: { occupation: '教师' } });
    expect(moved.status).toBe(200);
  });

  it('station staff see and edit only their own station’s deputies', async () => {
    const list = await staffA.resource('deputies').list({ pageSize: 100 });
    expect(list.status).toBe(200);
    expect(list.body.data.map((d: ApiRow) => d.name).sort()).toEqual(['甲一', '甲二']);
    const listB = await staffB.resource('deputies').list({ pageSize: 100 });
    expect(listB.body.data.map((d: ApiRow) => d.name)).toEqual(['乙一']);

    const ok = await staffA.resource('deputies').update({ filterByTk: dA2.id, values: { occupation: '种植大户' } });
    expect(ok.status).toBe(200);
    expect((await deputies().findOne({ filterByTk: dA2.id })).get('occupation')).toBe('种植大户');

    const other = await staffA.resource('deputies').update({ filterByTk: dB1.id, values: { occupation: 'x' } });
    expect(other.status).toBe(404);
    expect((await deputies().findOne({ filterByTk: dB1.id })).get('occupation')).toBeNull();

    const create = await staffA.resource('deputies').create({ values: { name: '擅自新增' } });
    expect(create.status).toBe(403);
    expect(await deputies().count({ filter: { name: '擅自新增' } })).toBe(0);

    const stations = await staffA.resource('liaisonStations').list();
    expect(stations.body.data.map((s: ApiRow) => s.name)).toEqual(['高沙镇联络站']);
  });

  it('station staff cannot move a deputy to another station', async () => {
    const res = await staffA
      .set('X-Locale', 'zh-CN')
      .resource('deputies')
      .update({ filterByTk: dA2.id, values: { stationId: stationB.id } });
    expect(res.status).toBe(403);
    expect(res.body.errors[0].message).toBe('代表的所属联络站只能由人大管理员调整');
    expect((await deputies().findOne({ filterByTk: dA2.id })).get('stationId')).toBe(stationA.id);
  });

  it('a deputy sees other deputies’ public fields only, and its own record in full', async () => {
    const list = await deputyA1.resource('deputies').list({ pageSize: 100 });
    expect(list.status).toBe(200);
    expect(list.body.data).toHaveLength(3);
    for (const d of list.body.data) {
      expect(d).not.toHaveProperty('phone');
      expect(d).not.toHaveProperty('qrToken');
      expect(d).not.toHaveProperty('userId');
    }
    const me = await deputyA1.get('/deputies:me');
    expect(me.status).toBe(200);
    expect(me.body.data).toMatchObject({ id: dA1.id, phone: '13800000001', station: { name: '高沙镇联络站' } });
  });

  it('a deputy edits its own contact fields but cannot move itself or edit others', async () => {
    const own = await deputyA1.resource('deputies').update({ filterByTk: dA1.id, values: { occupation: '村医' } });
    expect(own.status).toBe(200);
    expect((await deputies().findOne({ filterByTk: dA1.id })).get('occupation')).toBe('村医');

    const move = await deputyA1
      .set('X-Locale', 'en-US')
      .resource('deputies')
      .update({ filterByTk: dA1.id, values: { stationId: stationB.id } });
    expect(move.status).toBe(403);
    expect(move.body.errors[0].message).toBe('Only an NPC administrator can change the station of a deputy');
    expect((await deputies().findOne({ filterByTk: dA1.id })).get('stationId')).toBe(stationA.id);

    const other = await deputyA1.resource('deputies').update({ filterByTk: dA2.id, values: { occupation: 'x' } });
    expect(other.status).toBe(404);
    expect((await deputies().findOne({ filterByTk: dA2.id })).get('occupation')).toBe('种植大户');

    const station = await deputyA1
      .resource('liaisonStations')
      .update({ filterByTk: stationA.id, values: { name: 'x' } });
    expect(station.status).toBe(403);
  });

  it('anonymous callers get nothing', async () => {
    expect([401, 403]).toContain((await app.agent().resource('deputies').list()).status);
    expect([401, 403]).toContain((await app.agent().get('/deputies:me')).status);
  });

  it('a deputy who leaves keeps its history and can read, but can no longer write', async () => {
    const left = await admin
      .resource('deputies')
      .update({ filterByTk: dA1.id, values: { status: 'left', leftOn: '2026-06-30' } });
    expect(left.status).toBe(200);
    const write = await deputyA1
      .set('X-Locale', 'zh-CN')
      .resource('deputies')
      .update({ filterByTk: dA1.id, values: { occupation: '退休' } });
    expect(write.status).toBe(403);
    expect(write.body.errors[0].message).toBe('已离任代表不能再修改数据');
    expect((await deputies().findOne({ filterByTk: dA1.id })).get('occupation')).toBe('村医');
    const me = await deputyA1.get('/deputies:me');
    expect(me.body.data).toMatchObject({ id: dA1.id, status: 'left', leftOn: '2026-06-30' });
    // Back in office for the other tests.
    await admin.resource('deputies').update({ filterByTk: dA1.id, values: { status: 'active', leftOn: null } });
  });
});
