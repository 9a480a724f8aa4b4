import { initialPassword } from '../services/deputy-accounts';
import { createSuiteServer, signedInAs, type ApiRow, type TestAgent } from '@deputy/test-helpers';
import type { Model } from '@nocobase/database';
import { MockServer, sleep } from '@nocobase/test';

describe('plugin-deputies: deputy user accounts', () => {
  let app: MockServer;
  let admin: TestAgent;

  beforeAll(async () => {
    app = await createSuiteServer(['@deputy/plugin-deputies']);
    ({ agent: admin } = await signedInAs(app, 'npc', ['npc-admin']));
  });

  afterAll(async () => {
    await app?.destroy();
  });

  it('creates the account from the phone, with the deputy role and a password that must be changed first', async () => {
    const deputy = (await admin.resource('deputies').create({ values: { name: '孙八', phone: '13700000001' } })).body
      .data;
    const res = await admin.post(`/deputies:createAccount?filterByTk=${deputy.id}`).send({});
    expect(res.status).toBe(200);
    const { username, initialPassword, userId } = res.body.data;
    expect(username).toBe('13700000001');
    expect(initialPassword).toMatch(/^[A-Za-z0-9]{12}$/);
    expect((await app.db.getRepository('deputies').findOne({ filterByTk: deputy.id })).get('userId')).toBe(userId);
    const user = await app.db.getRepository('users').findOne({ filterByTk: userId, appends: ['roles'] });
    expect(user.get('roles').map((r: { name: string }) => r.name)).toEqual(['deputy']);

    // Signs in with the initial password through the real sign-in action.
    const signIn = await app
      .agent()
      .set('X-Authenticator', 'basic')
      .post('/auth:signIn')
      .send({ account: username, password: initialPassword });
    expect(signIn.status).toBe(200);
    const token = signIn.body.data.token;
    const as = <R extends { set(field: string, value: string): R }>(req: R) =>
      req.set('Authorization', `Bearer ${token}`).set('X-Authenticator', 'basic').set('X-Locale', 'zh-CN');

    // The client asks auth:check whether to force the change before anything else (suite-core FirstPasswordChange).
    expect((await as(app.agent().get('/auth:check'))).body.data.mustChangePassword).toBe(true);
    const blocked = await as(app.agent().post(`/deputies:update?filterByTk=${deputy.id}`)).send({
      occupation: '个体户',
    });
    expect(blocked.status).toBe(403);
    expect(blocked.body.errors[0].message).toBe('请先修改初始密码，再进行操作');
    expect((await app.db.getRepository('deputies').findOne({ filterByTk: deputy.id })).get('occupation')).toBeNull();

    const changed = await as(app.agent().post('/auth:changePassword')).send({
      oldPassword: initialPassword,
      newPassword: 'New-Passw0rd-2026',
      confirmPassword: 'New-Passw0rd-2026',
    });
    expect(changed.status).toBe(200);
    // The old session ends, with a message in the user's language.
    const ended = await as(app.agent().get('/auth:check'));
    expect(ended.status).toBe(401);
    expect(ended.body.errors[0].message).toBe('密码已修改，请用新密码重新登录。');
    // NocoBase rejects tokens issued in the same second as a password change (token times are in seconds).
    await sleep(1100);
    const signIn2 = await app
      .agent()
      .set('X-Authenticator', 'basic')
      .post('/auth:signIn')
      .send({ account: username, password: 'New-Passw0rd-2026' });
    const token2 = signIn2.body.data.token;
    const checked = await app
      .agent()
      .get('/auth:check')
      .set('Authorization', `Bearer ${token2}`)
      .set('X-Authenticator', 'basic');
    expect(checked.body.data.mustChangePassword).toBe(false);
    const allowed = await app
      .agent()
      .post(`/deputies:update?filterByTk=${deputy.id}`)
      .set('Authorization', `Bearer ${token2}`)
      .set('X-Authenticator', 'basic')
      .send({ occupation: '个体户' });
    expect(allowed.status).toBe(200);
    expect((await app.db.getRepository('deputies').findOne({ filterByTk: deputy.id })).get('occupation')).toBe(
      '个体户',
    );
  });

  it('generates initial passwords that meet the sign-in policy', () => {
    for (let i = 0; i < 200; i++) expect(initialPassword()).toMatch(/^(?=.*[A-Za-z])(?=.*\d)[A-Za-z0-9]{12}$/);
  });

  it('refuses a second account for the same deputy, a taken username, and a deputy without phone or username', async () => {
    const a = (await admin.resource('deputies').create({ values: { name: '周九', phone: '13700000002' } })).body.data;
    expect((await admin.post(`/deputies:createAccount?filterByTk=${a.id}`).send({})).status).toBe(200);
    const again = await admin.set('X-Locale', 'zh-CN').post(`/deputies:createAccount?filterByTk=${a.id}`).send({});
    expect(again.status).toBe(400);
    expect(again.body.errors[0].message).toBe('该代表已有用户账号');

    const b = (await admin.resource('deputies').create({ values: { name: '吴十', phone: '13700000003' } })).body.data;
    const taken = await admin
      .set('X-Locale', 'en-US')
      .post(`/deputies:createAccount?filterByTk=${b.id}`)
      .send({ username: '13700000002' });
    expect(taken.status).toBe(400);
    expect(taken.body.errors[0].message).toBe('A user with this username or phone already exists');

    const c = (await admin.resource('deputies').create({ values: { name: '郑十一' } })).body.data;
    const none = await admin.post(`/deputies:createAccount?filterByTk=${c.id}`).send({});
    expect(none.status).toBe(400);
    const users = await app.db.getRepository('users').count();
    expect(
      (await admin.post(`/deputies:createAccount?filterByTk=${c.id}`).send({ username: "x'; DROP TABLE users;--" }))
        .status,
    ).toBe(400);
    expect(await app.db.getRepository('users').count()).toBe(users);
  });

  it('lets only those holding the createAccount permission create accounts', async () => {
    const { agent: staff } = await signedInAs(app, 'staff-x', ['station-staff']);
    const d = (await admin.resource('deputies').create({ values: { name: '王十二', phone: '13700000004' } })).body.data;
    const res = await staff.post(`/deputies:createAccount?filterByTk=${d.id}`).send({});
    expect(res.status).toBe(403);
    expect((await app.db.getRepository('deputies').findOne({ filterByTk: d.id })).get('userId')).toBeNull();
  });
});

describe('plugin-deputies: 每人联系一个网格片区', () => {
  let app: MockServer;
  let admin: TestAgent;
  let deputy: ApiRow;
  let g1: ApiRow, g2: ApiRow, g3: ApiRow;

  beforeAll(async () => {
    app = await createSuiteServer(['@deputy/plugin-deputies']);
    ({ agent: admin } = await signedInAs(app, 'npc', ['npc-admin']));
    const make = async (name: string) => (await admin.resource('gridAreas').create({ values: { name } })).body.data;
    [g1, g2, g3] = [await make('一片区'), await make('二片区'), await make('三片区')];
    deputy = (await admin.resource('deputies').create({ values: { name: '陈一', gridAreas: [g1.id] } })).body.data;
  });

  afterAll(async () => {
    await app?.destroy();
  });

  const linked = async () =>
    (await app.db.getRepository('deputies.gridAreas', deputy.id).find()).map((g: Model) => g.get('name')).sort();

  it('seeds the limit at 1 in a settings record administrators edit', async () => {
    const settings = await admin.resource('deputySettings').list();
    expect(settings.body.data.map((s: ApiRow) => s.maxGridAreasPerDeputy)).toEqual([1]);
    expect(await linked()).toEqual(['一片区']);
  });

  it('refuses a second grid area from the deputy side, the grid side and the association action, changing nothing', async () => {
    const fromDeputy = await admin
      .set('X-Locale', 'zh-CN')
      .resource('deputies')
      .update({ filterByTk: deputy.id, values: { gridAreas: [g1.id, g2.id] } });
    expect(fromDeputy.status).toBe(400);
    expect(fromDeputy.body.errors[0].message).toBe('每名代表最多联系 1 个网格片区');
    const fromGrid = await admin
      .set('X-Locale', 'en-US')
      .resource('gridAreas')
      .update({ filterByTk: g2.id, values: { deputies: [deputy.id] } });
    expect(fromGrid.status).toBe(400);
    expect(fromGrid.body.errors[0].message).toBe('A deputy can be linked to at most 1 grid area(s)');
    // Association routes do not change suite records at all (security, #15): refused before the limit is reached.
    const viaAdd = await admin.resource('deputies.gridAreas', deputy.id).add({ values: [g3.id] });
    expect(viaAdd.status).toBe(403);
    expect(await linked()).toEqual(['一片区']);
  });

  it('follows the setting when an administrator raises it, without a restart', async () => {
    const settings = (await admin.resource('deputySettings').list()).body.data[0];
    expect(
      (await admin.resource('deputySettings').update({ filterByTk: settings.id, values: { maxGridAreasPerDeputy: 2 } }))
        .status,
    ).toBe(200);
    const ok = await admin
      .resource('deputies')
      .update({ filterByTk: deputy.id, values: { gridAreas: [g1.id, g2.id] } });
    expect(ok.status).toBe(200);
    expect(await linked()).toEqual(['一片区', '二片区']);
    const third = await admin
      .resource('deputies')
      .update({ filterByTk: deputy.id, values: { gridAreas: [g1.id, g2.id, g3.id] } });
    expect(third.status).toBe(400);
    expect(await linked()).toEqual(['一片区', '二片区']);
  });
});
