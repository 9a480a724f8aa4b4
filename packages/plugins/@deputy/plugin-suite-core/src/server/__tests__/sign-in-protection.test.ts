import { createSuiteServer, signedInAs, type TestAgent } from '@deputy/test-helpers';
import { MockServer } from '@nocobase/test';

describe('plugin-suite-core: sign-in lockout and password policy', () => {
  let app: MockServer;
  let admin: TestAgent;
  const signIn = (account: string, password: string) =>
    app
      .agent()
      .set('X-Authenticator', 'basic')
      .set('X-Locale', 'zh-CN')
      .post('/auth:signIn')
      .send({ account, password });
  /** A sign-in with any body NocoBase's basic auth accepts (`account`, `email`…). */
  const post = (values: Record<string, unknown>) =>
    app.agent().set('X-Authenticator', 'basic').set('X-Locale', 'zh-CN').post('/auth:signIn').send(values);
  const LOCKED_10 = '登录失败次数过多，账号已锁定，请 10 分钟后再试';
  const RIGHT = 'Right-Passw0rd';
  const setPolicy = async (maxSignInFailures: number, signInLockMinutes = 10) => {
    const settings = await app.db.getRepository('deputySettings').findOne();
    const res = await admin
      .resource('deputySettings')
      .update({ filterByTk: settings.get('id'), values: { maxSignInFailures, signInLockMinutes } });
    expect(res.status).toBe(200);
  };
  const stateOf = async (username: string) => {
    const user = await app.db.getRepository('users').findOne({ filter: { username } });
    const lockedUntil = user.get('lockedUntil') ? new Date(user.get('lockedUntil')) : null;
    return { failures: user.get('failedSignIns'), locked: !!lockedUntil && lockedUntil > new Date() };
  };
  const makeUser = (username: string, values: Record<string, unknown> = {}) =>
    app.db.getRepository('users').create({ values: { username, nickname: username, password: RIGHT, ...values } });

  beforeAll(async () => {
    app = await createSuiteServer(['@deputy/plugin-deputies']);
    ({ agent: admin } = await signedInAs(app, 'npc', ['npc-admin']));
    await app.db
      .getRepository('users')
      .create({ values: { username: 'wang', nickname: '王代表', password: 'Right-Passw0rd' } });
  });

  afterAll(async () => {
    await app?.destroy();
  });

  it('locks an account after the configured failures in a row, even for the right password, and says for how long', async () => {
    const settings = await app.db.getRepository('deputySettings').findOne();
    await admin
      .resource('deputySettings')
      .update({ filterByTk: settings.get('id'), values: { maxSignInFailures: 3, signInLockMinutes: 10 } });
    for (let i = 0; i < 2; i++) expect((await signIn('wang', 'wrong')).status).toBe(401);
    // A success in between resets the count.
    expect((await signIn('wang', 'Right-Passw0rd')).status).toBe(200);
    for (let i = 0; i < 3; i++) expect((await signIn('wang', 'wrong')).status).toBe(401);
    const locked = await signIn('wang', 'Right-Passw0rd');
    expect(locked.status).toBe(403);
    expect(locked.body.errors[0].message).toBe('登录失败次数过多，账号已锁定，请 10 分钟后再试');
    // The lock ends by itself (the clock is moved by editing the stored time).
    await app.db
      .getRepository('users')
      .update({ filter: { username: 'wang' }, values: { lockedUntil: new Date(Date.now() - 1000) } });
    expect((await signIn('wang', 'Right-Passw0rd')).status).toBe(200);
    const user = await app.db.getRepository('users').findOne({ filter: { username: 'wang' } });
    expect(user.get('failedSignIns')).toBe(0);
  });

  it('does not tell whether an unknown account exists', async () => {
    const res = await signIn('nobody', 'x');
    expect(res.status).toBe(401);
  });

  it('refuses weak passwords when an administrator sets one or a user changes its own, and changes nothing', async () => {
    const weak = await admin
      .set('X-Locale', 'zh-CN')
      .resource('users')
      .create({ values: { username: 'li', password: 'abc' } });
    expect(weak.status).toBe(400);
    expect(weak.body.errors[0].message).toBe('密码至少 8 位，且须同时包含字母和数字');
    expect(await app.db.getRepository('users').count({ filter: { username: 'li' } })).toBe(0);
    const letters = await admin
      .set('X-Locale', 'en-US')
      .resource('users')
      .create({ values: { username: 'li', password: 'onlyletters' } });
    expect(letters.body.errors[0].message).toBe('A password needs at least 8 characters, with letters and digits');
    expect(
      (await admin.resource('users').create({ values: { username: 'li', password: 'Strong-Passw0rd' } })).status,
    ).toBe(200);

    const token = (await signIn('wang', 'Right-Passw0rd')).body.data.token;
    const change = await app
      .agent()
      .set('Authorization', `Bearer ${token}`)
      .set('X-Authenticator', 'basic')
      .set('X-Locale', 'zh-CN')
      .post('/auth:changePassword')
      .send({ oldPassword: 'Right-Passw0rd', newPassword: '12345678', confirmPassword: '12345678' });
    expect(change.status).toBe(400);
    expect((await signIn('wang', 'Right-Passw0rd')).status).toBe(200);
  });

  it('locks the account named by `email` — alone, next to an empty or another `account`, mixed with other identifiers', async () => {
    await setPolicy(3);
    await makeUser('zhao', { email: 'zhao@example.com' });
    await makeUser('zhou', { email: 'zhou@example.com' });
    // NocoBase takes `email` over `account`: these guesses are at zhao's password, and count for zhao.
    expect((await post({ account: '', email: 'zhao@example.com', password: 'wrong' })).status).toBe(401);
    expect((await post({ account: 'zhou', email: 'zhao@example.com', password: 'wrong' })).status).toBe(401);
    expect(await stateOf('zhou')).toEqual({ failures: 0, locked: false });
    expect(await stateOf('zhao')).toEqual({ failures: 2, locked: false });
    expect((await post({ email: 'zhao@example.com', password: 'wrong' })).status).toBe(401);
    expect((await stateOf('zhao')).locked).toBe(true);
    // Locked, whatever names the account, even with the right password; same message.
    for (const values of [
      { email: 'zhao@example.com' },
      { account: '', email: 'zhao@example.com' },
      { account: 'zhou', email: 'zhao@example.com' },
      { account: 'zhao@example.com' },
      { account: 'zhao' },
    ]) {
      const res = await post({ ...values, password: RIGHT });
      expect(res.status).toBe(403);
      expect(res.body.errors[0].message).toBe(LOCKED_10);
    }
    // zhou was never at stake.
    expect((await post({ account: 'zhou', password: RIGHT })).status).toBe(200);
  });

  it('locks the account named by `account` = e-mail, for parallel guesses too', async () => {
    await setPolicy(4);
    await makeUser('sun', { email: 'sun@example.com' });
    const replies = await Promise.all([1, 2, 3, 4].map(() => post({ account: 'sun@example.com', password: 'wrong' })));
    expect(replies.map((r) => r.status)).toEqual([401, 401, 401, 401]);
    expect((await stateOf('sun')).locked).toBe(true);
    for (const account of ['sun@example.com', 'sun']) {
      const res = await post({ account, password: RIGHT });
      expect(res.status).toBe(403);
      expect(res.body.errors[0].message).toBe(LOCKED_10);
    }
    const res = await post({ email: 'sun@example.com', password: RIGHT });
    expect(res.status).toBe(403);
  });

  it('locks the account named by its username, for parallel guesses too', async () => {
    await setPolicy(3);
    await makeUser('qian', { email: 'qian@example.com' });
    const replies = await Promise.all([1, 2, 3].map(() => signIn('qian', 'wrong')));
    expect(replies.map((r) => r.status)).toEqual([401, 401, 401]);
    expect((await stateOf('qian')).locked).toBe(true);
    for (const values of [{ account: 'qian' }, { account: 'qian@example.com' }, { email: 'qian@example.com' }]) {
      const res = await post({ ...values, password: RIGHT });
      expect(res.status).toBe(403);
      expect(res.body.errors[0].message).toBe(LOCKED_10);
    }
  });

  it('signs a user in by its mobile number (the one user with that phone), through the same lockout', async () => {
    await setPolicy(3);
    await makeUser('wu', { email: 'wu@example.com', phone: '13800000001' });
    const byPhone = await post({ account: '13800000001', password: RIGHT });
    expect(byPhone.status).toBe(200);
    expect(byPhone.body.data.user.username).toBe('wu');
    // Wrong passwords by phone count against that user and lock it; then the username is locked too.
    for (let i = 0; i < 3; i++) expect((await post({ account: '13800000001', password: 'wrong' })).status).toBe(401);
    expect((await stateOf('wu')).locked).toBe(true);
    const locked = await post({ account: '13800000001', password: RIGHT });
    expect(locked.status).toBe(403);
    expect(locked.body.data?.token).toBeUndefined();
    expect((await signIn('wu', RIGHT)).status).toBe(403);
    // A number that is nobody's phone is refused like an unknown account (NocoBase keeps phones unique).
    const nobody = await post({ account: '13800000009', password: RIGHT });
    expect(nobody.status).toBe(401);
    expect(nobody.body.data?.token).toBeUndefined();
    // A `username` field is still no identifier for basic auth.
    const byUsernameField = await post({ username: 'wu', password: RIGHT });
    expect(byUsernameField.status).toBe(400);
    expect(byUsernameField.body.data?.token).toBeUndefined();
  });

  it('refuses identifiers that are not text (they would be filter operators)', async () => {
    for (const values of [
      { email: { $ne: null } },
      { account: { $ne: null } },
      { account: ['wang', 'zhao'] },
      { email: 123 },
    ]) {
      const res = await post({ ...values, password: 'wrong' });
      expect(res.status).toBe(400);
      expect(res.body.errors[0].message).toBe('用户名或邮箱须为文本');
      expect(res.body.data?.token).toBeUndefined();
    }
  });

  it('counts 10 wrong guesses fired in parallel as 10, locks at the maximum, refuses the right password, and opens after the lock', async () => {
    await makeUser('zheng', { email: 'zheng@example.com' });
    await setPolicy(50);
    let replies = await Promise.all(Array.from({ length: 10 }, () => signIn('zheng', 'wrong')));
    expect(replies.every((r) => r.status === 401)).toBe(true);
    expect(await stateOf('zheng')).toEqual({ failures: 10, locked: false });

    await setPolicy(10);
    await app.db.getRepository('users').update({ filter: { username: 'zheng' }, values: { failedSignIns: 0 } });
    replies = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        post(i % 2 ? { account: 'zheng', password: 'wrong' } : { email: 'zheng@example.com', password: 'wrong' }),
      ),
    );
    expect(replies.every((r) => r.status === 401)).toBe(true);
    expect((await stateOf('zheng')).locked).toBe(true);
    const locked = await signIn('zheng', RIGHT);
    expect(locked.status).toBe(403);
    expect(locked.body.errors[0].message).toBe(LOCKED_10);
    expect(locked.body.data?.token).toBeUndefined();

    // The lock ends by itself (the clock is moved by editing the stored time); the right password works and resets.
    await app.db
      .getRepository('users')
      .update({ filter: { username: 'zheng' }, values: { lockedUntil: new Date(Date.now() - 1000) } });
    const open = await signIn('zheng', RIGHT);
    expect(open.status).toBe(200);
    expect(open.body.data.token).toBeTruthy();
    expect(await stateOf('zheng')).toEqual({ failures: 0, locked: false });
    const user = await app.db.getRepository('users').findOne({ filter: { username: 'zheng' } });
    expect(user.get('lockedUntil')).toBeNull();
  });

  it('checks at most the maximum number of passwords in a burst: the rest are refused unchecked and the account locks', async () => {
    await setPolicy(5);
    await makeUser('feng', { email: 'feng@example.com' });
    const replies = await Promise.all(Array.from({ length: 20 }, () => signIn('feng', 'wrong')));
    const checked = replies.filter((r) => r.status === 401).length;
    expect(checked).toBeLessThanOrEqual(5);
    expect(replies.filter((r) => r.status === 403).length).toBe(20 - checked);
    expect((await stateOf('feng')).locked).toBe(true);
    expect((await signIn('feng', RIGHT)).status).toBe(403);
  });

  it('counts from zero when the stored count is empty (accounts from before the field)', async () => {
    await setPolicy(2);
    await makeUser('chen');
    await app.db.getRepository('users').update({ filter: { username: 'chen' }, values: { failedSignIns: null } });
    expect((await signIn('chen', 'wrong')).status).toBe(401);
    expect(await stateOf('chen')).toEqual({ failures: 1, locked: false });
    expect((await signIn('chen', 'wrong')).status).toBe(401);
    expect((await signIn('chen', RIGHT)).status).toBe(403);
  });

  it('locks when the count already exceeds a lowered maximum, instead of refusing for ever', async () => {
    await setPolicy(10);
    await makeUser('han');
    for (let i = 0; i < 4; i++) expect((await signIn('han', 'wrong')).status).toBe(401);
    await setPolicy(2);
    expect((await signIn('han', RIGHT)).status).toBe(403);
    expect((await stateOf('han')).locked).toBe(true);
    await app.db
      .getRepository('users')
      .update({ filter: { username: 'han' }, values: { lockedUntil: new Date(Date.now() - 1000) } });
    expect((await signIn('han', RIGHT)).status).toBe(200);
  });
});
