import { createSuiteServer, signedInAs } from '@deputy/app/src/testing';
import { MockServer } from '@nocobase/test';
import { initialPassword } from '../services/deputy-accounts';

describe('plugin-deputies: sign-in lockout and password policy', () => {
  let app: MockServer;
  let admin: any;
  const signIn = (account: string, password: string) =>
    app.agent().set('X-Authenticator', 'basic').set('X-Locale', 'zh-CN').post('/auth:signIn').send({ account, password });

  beforeAll(async () => {
    app = await createSuiteServer(['@deputy/plugin-deputies']);
    ({ agent: admin } = await signedInAs(app, 'npc', ['npc-admin']));
    await app.db.getRepository('users').create({ values: { username: 'wang', nickname: '王代表', password: 'Right-Passw0rd' } });
  });

  afterAll(async () => {
    await app?.destroy();
  });

  it('locks an account after the configured failures in a row, even for the right password, and says for how long', async () => {
    const settings = await app.db.getRepository('deputySettings').findOne();
    await admin.resource('deputySettings').update({ filterByTk: settings.get('id'), values: { maxSignInFailures: 3, signInLockMinutes: 10 } });
    for (let i = 0; i < 2; i++) expect((await signIn('wang', 'wrong')).status).toBe(401);
    // A success in between resets the count.
    expect((await signIn('wang', 'Right-Passw0rd')).status).toBe(200);
    for (let i = 0; i < 3; i++) expect((await signIn('wang', 'wrong')).status).toBe(401);
    const locked = await signIn('wang', 'Right-Passw0rd');
    expect(locked.status).toBe(403);
    expect(locked.body.errors[0].message).toBe('登录失败次数过多，账号已锁定，请 10 分钟后再试');
    // The lock ends by itself (the clock is moved by editing the stored time).
    await app.db.getRepository('users').update({ filter: { username: 'wang' }, values: { lockedUntil: new Date(Date.now() - 1000) } });
    expect((await signIn('wang', 'Right-Passw0rd')).status).toBe(200);
    const user = await app.db.getRepository('users').findOne({ filter: { username: 'wang' } });
    expect(user.get('failedSignIns')).toBe(0);
  });

  it('does not tell whether an unknown account exists', async () => {
    const res = await signIn('nobody', 'x');
    expect(res.status).toBe(401);
  });

  it('refuses weak passwords when an administrator sets one or a user changes its own, and changes nothing', async () => {
    const weak = await admin.set('X-Locale', 'zh-CN').resource('users').create({ values: { username: 'li', password: 'abc' } });
    expect(weak.status).toBe(400);
    expect(weak.body.errors[0].message).toBe('密码至少 8 位，且须同时包含字母和数字');
    expect(await app.db.getRepository('users').count({ filter: { username: 'li' } })).toBe(0);
    const letters = await admin.set('X-Locale', 'en-US').resource('users').create({ values: { username: 'li', password: 'onlyletters' } });
    expect(letters.body.errors[0].message).toBe('A password needs at least 8 characters, with letters and digits');
    expect((await admin.resource('users').create({ values: { username: 'li', password: 'Strong-Passw0rd' } })).status).toBe(200);

    const token = (await signIn('wang', 'Right-Passw0rd')).body.data.token;
    const change = await app.agent().set('Authorization', `Bearer ${token}`).set('X-Authenticator', 'basic').set('X-Locale', 'zh-CN')
      .post('/auth:changePassword').send({ oldPassword: 'Right-Passw0rd', newPassword: '12345678', confirmPassword: '12345678' });
    expect(change.status).toBe(400);
    expect((await signIn('wang', 'Right-Passw0rd')).status).toBe(200);
  });

  it('generates initial passwords that meet the policy', () => {
    for (let i = 0; i < 200; i++) expect(initialPassword()).toMatch(/^(?=.*[A-Za-z])(?=.*\d)[A-Za-z0-9]{12}$/);
  });
});
