import { createSuiteServer } from '@deputy/test-helpers';
import { trustProxy } from '@deputy/plugin-suite-core';
import { MockServer } from '@nocobase/test';

/**
 * Behind nginx (APP_TRUST_PROXY=true) the public form's per-address limit counts each citizen by the address
 * the proxy put in X-Forwarded-For; without it every request counts as the proxy's one address. A client's
 * own X-Forwarded-For entries (to the left of the proxy's) never choose the address that is counted.
 */
describe('APP_TRUST_PROXY: the public form’s per-address limit behind a reverse proxy', () => {
  let app: MockServer;
  let token: string;
  const saved = process.env.APP_TRUST_PROXY;

  beforeAll(async () => {
    process.env.APP_TRUST_PROXY = 'true';
    app = await createSuiteServer(['@deputy/plugin-deputies', '@deputy/plugin-public-voice']);
    const station = await app.db.getRepository('liaisonStations').create({ values: { name: '高沙镇联络站' } });
    token = station.get('qrToken') as string;
    // One submission per address, many per QR code: only the address limit can refuse.
    const settings = await app.db.getRepository('publicVoiceSettings').findOne();
    await app.db
      .getRepository('publicVoiceSettings')
      .update({ filterByTk: settings.get('id') as number, values: { submissionsPerIp: 1, submissionsPerCode: 100 } });
  });

  afterAll(async () => {
    if (saved === undefined) delete process.env.APP_TRUST_PROXY;
    else process.env.APP_TRUST_PROXY = saved;
    await app?.destroy();
  });

  const limiter = () => (app.pm.get('@deputy/plugin-public-voice') as any).intake.limiter;
  const submit = (forwardedFor: string) =>
    app
      .agent()
      .post('/opinions:submit')
      .set('X-Forwarded-For', forwardedFor)
      .set('X-Locale', 'zh-CN')
      .send({ token, name: '张三', category: 'other', content: '村口的路灯坏了三个月' });

  it('on (read from the environment at start): two addresses are limited separately; a forged left entry changes nothing', async () => {
    expect(app.proxy).toBe(true);
    await limiter().reset();
    expect((await submit('203.0.113.7')).status).toBe(200);
    expect((await submit('198.51.100.9')).status).toBe(200);
    const again = await submit('203.0.113.7');
    expect(again.status).toBe(429);
    expect(again.body.errors[0].message).toMatch(/请求过于频繁|分钟后再试/);
    // The citizen's own header comes first; nginx appends the real address, which is the one counted.
    expect((await submit('10.9.9.9, 198.51.100.9')).status).toBe(429);
  });

  it('off: every address in X-Forwarded-For counts as the one connection it came from', async () => {
    trustProxy(app, 'false');
    try {
      expect(app.proxy).toBe(false);
      await limiter().reset();
      expect((await submit('203.0.113.7')).status).toBe(200);
      expect((await submit('198.51.100.9')).status).toBe(429);
    } finally {
      trustProxy(app, 'true');
    }
  });

  it('reads true, a number of proxies, or off', () => {
    const fake: any = {};
    trustProxy(fake, '2');
    expect(fake).toEqual({ proxy: true, maxIpsCount: 2 });
    trustProxy(fake, 'no');
    expect(fake).toEqual({ proxy: false, maxIpsCount: 0 });
    trustProxy(fake, '');
    expect(fake).toEqual({ proxy: false, maxIpsCount: 0 });
  });
});
