import type { ApiRow } from '@deputy/test-helpers';
import type { Model } from '@nocobase/database';
import { PNG_1PX, useVoiceWorld, step } from './setup';

describe('public form (码上找代表) without sign-in', () => {
  const ctx = useVoiceWorld();
  beforeEach(() => ctx.w.plugin().intake.limiter.reset());

  it('a valid submission through a deputy’s QR code returns a tracking code and reaches that deputy', async () => {
    const { w } = ctx;
    const target = await w.app.agent().get(`/opinions:target?token=${await w.token('deputies', w.deputyA1.id)}`);
    expect(target.status).toBe(200);
    expect(target.body.data).toMatchObject({ kind: 'deputy', deputy: '代表甲一', station: '高沙镇联络站' });
    const res = await w.submit(await w.token('deputies', w.deputyA1.id));
    expect(res.status).toBe(200);
    expect(res.body.data.trackingCode).toMatch(/^YJ[2-9A-Z]{10}$/);
    expect(res.body.data).not.toHaveProperty('citizenPhone');
    const row = await w.app.db
      .getRepository('opinions')
      .findOne({ filter: { trackingCode: res.body.data.trackingCode } });
    expect(row.get('deputyId')).toBe(w.deputyA1.id);
    expect(row.get('stationId')).toBe(w.stationA.id);
    expect(row.get('source')).toBe('qr');
    expect(row.get('status')).toBe('received');
    expect(row.get('citizenPhone')).toBe('13800138000');
  });

  it('a station’s QR code reaches the station without a deputy', async () => {
    const { w } = ctx;
    const res = await w.submit(await w.token('liaisonStations', w.stationB.id), { phone: '' });
    expect(res.status).toBe(200);
    const row = await w.app.db
      .getRepository('opinions')
      .findOne({ filter: { trackingCode: res.body.data.trackingCode } });
    expect(row.get('deputyId')).toBeNull();
    expect(row.get('stationId')).toBe(w.stationB.id);
    expect(row.get('citizenPhone')).toBeNull();
  });

  it('an unknown or malformed QR token answers 404 and stores nothing', async () => {
    const { w } = ctx;
    const before = await w.app.db.getRepository('opinions').count();
    for (const token of ['no-such-token-123', '../../etc/passwd', "' OR 1=1 --", '']) {
      const res = await w.submit(token);
      expect(res.status, token).toBe(404);
      expect(res.body.errors[0].message).toBeTruthy();
    }
    expect((await w.app.agent().get('/opinions:target?token=nope-nope-nope')).status).toBe(404);
    expect((await w.app.agent().get('/opinions:form?token=nope-nope-nope')).status).toBe(404);
    expect(await w.app.db.getRepository('opinions').count()).toBe(before);
  });

  it('refuses invalid fields with a clear message', async () => {
    const { w } = ctx;
    const token = await w.token('deputies', w.deputyA1.id);
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ name: '' }, /name|姓名/i],
      [{ name: '名'.repeat(51) }, /50/],
      [{ phone: 'call me maybe' }, /phone|电话/i],
      [{ category: 'weather' }, /categor|类别/i],
      [{ content: '短' }, /5/],
      [{ content: '长'.repeat(2001) }, /2000/],
      [{ name: { $gt: '' } }, /text|文字/i],
    ];
    for (const [values, message] of cases) {
      const res = await w.submit(token, values).set('X-Locale', 'en-US');
      expect(res.status, JSON.stringify(values)).toBe(400);
      expect(res.body.errors[0].message, JSON.stringify(values)).toMatch(message);
      await w.plugin().intake.limiter.reset();
    }
  });

  it('stores script and SQL injection as plain text, never executed; extra fields are ignored', async () => {
    const { w } = ctx;
    const evil = '<script>alert(1)</script><img src=x onerror=alert(2)>';
    const sql = "'); DROP TABLE opinions; --";
    const res = await w.submit(await w.token('deputies', w.deputyA1.id), {
      name: '<script>alert(1)</script>',
      content: `${sql} ${evil}\u0000`,
      status: 'closed',
      deputyId: w.deputyB1.id,
      rating: 5,
    });
    expect(res.status).toBe(200);
    const row = await w.app.db
      .getRepository('opinions')
      .findOne({ filter: { trackingCode: res.body.data.trackingCode } });
    expect(row.get('citizenName')).toBe('<script>alert(1)</script>');
    expect(row.get('content')).toBe(`${sql} ${evil}`);
    expect(row.get('status')).toBe('received');
    expect(row.get('deputyId')).toBe(w.deputyA1.id);
    expect(row.get('rating')).toBeNull();
    expect(await w.app.db.getRepository('opinions').count()).toBeGreaterThan(0);
    // The answer a staff member writes is shown escaped on the public page and as JSON text by the API.
    await step(w.admin.agent, row.get('id'), 'classify', { opinionClassId: (await w.classOf('JD')).id });
    await step(w.admin.agent, row.get('id'), 'answer', { answer: evil });
    const tracked = await w.app.agent().get(`/opinions:track?code=${row.get('trackingCode')}`);
    expect(tracked.body.data.answer).toBe(evil);
    const page = await w.app.agent().get(`/opinions:form?token=${await w.token('deputies', w.deputyA1.id)}`);
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toMatch(/text\/html/);
    expect(page.text).toContain('代表甲一');
    expect(page.text).not.toMatch(/<script>alert/);
    expect(page.headers['content-security-policy']).toContain("frame-ancestors 'none'");
  });

  it('a deputy’s name with markup is escaped on the form page', async () => {
    const { w } = ctx;
    await w.app.db
      .getRepository('deputies')
      .update({ filterByTk: w.deputyA2.id, values: { name: '<b onmouseover=alert(1)>甲二</b>' } });
    const page = await w.app.agent().get(`/opinions:form?token=${await w.token('deputies', w.deputyA2.id)}`);
    expect(page.text).toContain('&lt;b onmouseover=alert(1)&gt;甲二&lt;/b&gt;');
    expect(page.text).not.toContain('<b onmouseover');
    await w.app.db.getRepository('deputies').update({ filterByTk: w.deputyA2.id, values: { name: '代表甲二' } });
  });

  it('takes photos only as JPEG, PNG or WebP images within the count and size limits', async () => {
    const { w } = ctx;
    const token = await w.token('deputies', w.deputyA1.id);
    const ok = await w.submit(token, { photos: [{ name: 'lamp.png', data: `data:image/png;base64,${PNG_1PX}` }] });
    expect(ok.status).toBe(200);
    const row = await w.app.db
      .getRepository('opinions')
      .findOne({ filter: { trackingCode: ok.body.data.trackingCode }, appends: ['photos'] });
    expect(row.get('photos')).toHaveLength(1);
    expect(row.get('photos')[0].get('mimetype')).toBe('image/png');
    expect(row.get('photos')[0].get('extname')).toBe('.png');

    const attachments = await w.app.db.getRepository('attachments').count();
    const refused: [unknown, number][] = [
      // A script disguised as an image (declared PNG, name .png) is recognised by its bytes.
      [
        [
          {
            name: 'x.png',
            data: `data:image/png;base64,${Buffer.from('<script>alert(1)</script>').toString('base64')}`,
          },
        ],
        415,
      ],
      [[{ name: 'doc.pdf', data: Buffer.from('%PDF-1.4 hello').toString('base64') }], 415],
      // Larger than 2048 KB: refused before it is decoded.
      [[{ name: 'big.png', data: 'A'.repeat(3 * 1024 * 1024) }], 413],
      [Array.from({ length: 4 }, () => ({ name: 'p.png', data: PNG_1PX })), 400],
      [[{ name: 'bad', data: '!!!not base64!!!' }], 400],
      ['photo.png', 400],
    ];
    for (const [photos, status] of refused) {
      const res = await w.submit(token, { photos });
      expect(res.status, JSON.stringify(photos).slice(0, 80)).toBe(status);
      await w.plugin().intake.limiter.reset();
    }
    expect(await w.app.db.getRepository('attachments').count()).toBe(attachments);
    // The public cannot reach the attachments API itself.
    const direct = await w.app
      .agent()
      .post('/attachments:create')
      .attach('file', Buffer.from(PNG_1PX, 'base64'), 'x.png');
    expect([401, 403]).toContain(direct.status);
  });

  it('refuses spam beyond the rate limit per address with 429 and a clear message', async () => {
    const { w } = ctx;
    await w.settings({ submissionsPerIp: 3 });
    const token = await w.token('deputies', w.deputyA1.id);
    for (let i = 0; i < 3; i++) expect((await w.submit(token, { content: `第${i}条意见内容` })).status).toBe(200);
    const before = await w.app.db.getRepository('opinions').count();
    const res = await w.submit(token, { content: '第四条意见内容' }).set('X-Locale', 'en-US');
    expect(res.status).toBe(429);
    expect(res.body.errors[0].message).toMatch(/Too many requests.*try again in \d+ minutes/);
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    const zh = await w.submit(await w.token('liaisonStations', w.stationA.id)).set('X-Locale', 'zh-CN');
    expect(zh.status).toBe(429);
    expect(zh.body.errors[0].message).toMatch(/提交过于频繁/);
    expect(await w.app.db.getRepository('opinions').count()).toBe(before);
    await w.settings({ submissionsPerIp: 5 });
  });

  it('limits submissions per QR code whatever the address', async () => {
    const { w } = ctx;
    await w.settings({ submissionsPerIp: 100, submissionsPerCode: 2 });
    const token = await w.token('liaisonStations', w.stationA.id);
    const from = (ip: string) => w.submit(token, { content: '一条正常的意见内容' }).set('X-Forwarded-For', ip);
    expect((await from('10.0.0.1')).status).toBe(200);
    expect((await from('10.0.0.2')).status).toBe(200);
    expect((await from('10.0.0.3')).status).toBe(429);
    // Another code is not affected.
    expect((await w.submit(await w.token('deputies', w.deputyB1.id))).status).toBe(200);
    await w.settings({ submissionsPerIp: 5, submissionsPerCode: 30 });
  });

  it('tracking shows only that opinion’s status, milestones and answer — nothing personal', async () => {
    const { w } = ctx;
    const code = (await w.submit(await w.token('deputies', w.deputyA1.id), { name: '李四', phone: '13900139000' })).body
      .data.trackingCode;
    const res = await w.app.agent().get(`/opinions:track?code=${code.toLowerCase().replace(/(.{4})/g, '$1-')}`);
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({ trackingCode: code, status: 'received', to: '代表甲一' });
    expect(res.body.data.milestones.map((m: ApiRow) => m.kind)).toEqual(['received']);
    const json = JSON.stringify(res.body);
    for (const secret of ['李四', '13900139000', 'citizenName', 'citizenPhone', 'content', 'createdBy'])
      expect(json).not.toContain(secret);
    expect((await w.app.agent().get('/opinions:track?code=YJ2222222222')).status).toBe(404);
    expect((await w.app.agent().get('/opinions:track?code=%27%20OR%201%3D1')).status).toBe(404);
    // Nothing else of opinions is public.
    for (const url of [
      '/opinions:list',
      `/opinions:get?filter[trackingCode]=${code}`,
      '/opinionMilestones:list',
      '/mediationCases:list',
      '/opinionStats:summary',
    ]) {
      expect([401, 403], url).toContain((await w.app.agent().get(url)).status);
    }
  });

  it('rates 1–5 stars only once the opinion is closed, and only once', async () => {
    const { w } = ctx;
    const code = (await w.submit(await w.token('deputies', w.deputyA1.id))).body.data.trackingCode;
    const id = (await w.app.db.getRepository('opinions').findOne({ filter: { trackingCode: code } })).get('id');
    const rate = (stars: unknown) => w.app.agent().post('/opinions:rate').send({ code, stars });
    expect((await rate(5)).status).toBe(400);
    await step(w.staffA.agent, id, 'classify', { opinionClassId: (await w.classOf('XW')).id });
    await step(w.staffA.agent, id, 'assign', { handlingUnit: '高沙镇城管办' });
    await step(w.staffA.agent, id, 'answer', { answer: '路灯已修复' });
    expect((await rate(5)).status).toBe(400);
    await step(w.staffA.agent, id, 'closeOpinion');
    for (const bad of [0, 6, 2.5, 'five']) expect((await rate(bad)).status, String(bad)).toBe(400);
    const ok = await rate(4);
    expect(ok.status).toBe(200);
    expect(ok.body.data).toMatchObject({ status: 'closed', rating: 4, canRate: false });
    expect(ok.body.data.milestones.map((m: ApiRow) => m.kind)).toEqual([
      'received',
      'classified',
      'assigned',
      'answered',
      'closed',
      'rated',
    ]);
    const again = await rate(1);
    expect(again.status).toBe(400);
    expect((await w.app.db.getRepository('opinions').findOne({ filterByTk: id })).get('rating')).toBe(4);
  });

  it('keeps the counts in the database, where only the limiter writes them: no role reads or changes them through the API', async () => {
    const { w } = ctx;
    expect((await w.submit(await w.token('deputies', w.deputyA1.id))).status).toBe(200);
    const counters = w.app.db.getRepository('publicVoiceRateLimits');
    const stored = (await counters.find({ sort: ['name'] })).map((r: Model) => r.toJSON<{ name: string }>());
    expect(stored.map((r) => r.name.split(':')[0])).toEqual(['submit-ip', 'submit-qr']);
    const name = encodeURIComponent(stored[0].name);
    for (const agent of [w.admin.agent, w.staffA.agent, w.dA1.agent, w.app.agent()]) {
      expect([401, 403]).toContain((await agent.get('/publicVoiceRateLimits:list')).status);
      expect([401, 403]).toContain(
        (await agent.post('/publicVoiceRateLimits:create').send({ name: 'submit-ip:1.2.3.4', hits: [] })).status,
      );
      expect([401, 403]).toContain(
        (await agent.post(`/publicVoiceRateLimits:update?filterByTk=${name}`).send({ hits: [] })).status,
      );
      expect([401, 403]).toContain((await agent.post(`/publicVoiceRateLimits:destroy?filterByTk=${name}`)).status);
    }
    // Root passes every ACL check; the plugin itself refuses its writes.
    const rootUser = await w.app.db.getRepository('users').findOne({ filter: { 'roles.name': 'root' } });
    const root = await w.app.agent().login(rootUser, 'root');
    expect(
      (await root.post('/publicVoiceRateLimits:create').send({ name: 'submit-ip:1.2.3.4', hits: [] })).status,
    ).toBe(403);
    expect((await root.post(`/publicVoiceRateLimits:update?filterByTk=${name}`).send({ hits: [] })).status).toBe(403);
    expect((await root.post(`/publicVoiceRateLimits:destroy?filterByTk=${name}`)).status).toBe(403);
    expect((await counters.find({ sort: ['name'] })).map((r: Model) => r.toJSON())).toEqual(stored);
  });
});
