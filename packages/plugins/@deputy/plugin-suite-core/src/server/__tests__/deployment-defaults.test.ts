import { createSuiteServer } from '@deputy/test-helpers';
import { MockServer } from '@nocobase/test';

describe('plugin-suite-core: deployment defaults applied at install', () => {
  let app: MockServer;

  beforeAll(async () => {
    app = await createSuiteServer(['@deputy/plugin-deputies']);
  });

  afterAll(async () => {
    await app?.destroy();
  });

  it('turns public self-registration off, so sign-up is refused and creates no user', async () => {
    const before = await app.db.getRepository('users').count();
    const res = await app
      .agent()
      .set('X-Authenticator', 'basic')
      .post('/auth:signUp')
      .send({ username: 'stranger', password: 'Stranger-123456', confirm_password: 'Stranger-123456' });
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(await app.db.getRepository('users').count()).toBe(before);
  });

  it('offers zh-CN and en-US and names the system', async () => {
    const settings = await app.db.getRepository('systemSettings').findOne({ filterByTk: 1 });
    expect(settings.get('enabledLanguages')).toEqual(expect.arrayContaining(['zh-CN', 'en-US']));
    expect(settings.get('title')).toBe('代表履职');
  });
});
