import { Agent, useVoiceWorld } from './setup';

describe('"三亮" QR cards: printable A4 page per station and deputy, each QR code opening the public form', () => {
  const ctx = useVoiceWorld(false, async (w) => {
    await w.app.db
      .getRepository('liaisonStations')
      .update({ filterByTk: w.stationA.id, values: { receptionDays: [26, 6, 16] } });
    await w.app.db.getRepository('deputies').update({
      filterByTk: w.deputyA1.id,
      values: {
        level: 'town',
        constituency: '第三选区<script>alert(1)</script>',
        duties: ['policy', 'mediation'],
        party: '中共党员',
      },
    });
  });
  const print = (agent: Agent, query = '') => agent.get(`/qrCards:print${query}`).set('X-Locale', 'zh-CN');
  const tokens = async (html: string) => [...html.matchAll(/<figure class="qr"[^>]*><svg[\s\S]*?<\/svg>/g)].length;

  it('station staff print their station’s card and its deputies’; each card has a real QR code, identity, duties and pledge; every value is escaped', async () => {
    const { w } = ctx;
    const res = await print(w.staffA.agent);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toContain('text/html');
    const html = res.text;
    expect(html).toContain('高沙镇联络站');
    expect(html).toContain('代表甲一');
    expect(html).toContain('代表甲二');
    expect(html).not.toContain('代表乙一');
    expect(html).not.toContain('玉霞街道联络站');
    expect(await tokens(html)).toBe(3);
    // 亮身份、亮职责、亮承诺, in zh-CN by default.
    for (const text of [
      '每月接待日：6、16、26',
      '亮身份',
      '亮职责',
      '亮承诺',
      '乡镇级人大代表',
      '政策宣传员',
      '矛盾调解员',
      '中共党员',
    ])
      expect(html).toContain(text);
    expect(html).toContain('第三选区&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).not.toContain('<script>alert(1)');
    expect(html).toContain('@page { size: A4');
    // The QR tokens of this station's cards are on the page, no other.
    for (const [collection, id, shown] of [
      ['deputies', w.deputyA1.id, true],
      ['liaisonStations', w.stationA.id, true],
      ['deputies', w.deputyB1.id, false],
    ] as const) {
      expect(html.includes(`opinions:form?token=${await w.token(collection, id)}`)).toBe(shown);
    }
    // A station's staff may ask for its station or one of its deputies, not another station's.
    expect((await print(w.staffA.agent, `?stationId=${w.stationA.id}`)).status).toBe(200);
    expect((await print(w.staffA.agent, `?deputyId=${w.deputyA2.id}`)).status).toBe(200);
    expect((await print(w.staffA.agent, `?stationId=${w.stationB.id}`)).status).toBe(403);
    expect((await print(w.staffA.agent, `?deputyId=${w.deputyB1.id}`)).status).toBe(403);
    expect((await print(w.staffA.agent, '?deputyId=1%20or%201=1')).status).toBe(403);
  });

  it('the QR code opens the public form of that deputy (the encoded URL is the form page)', async () => {
    const { w } = ctx;
    const { qrSvg } = await import('../services/qr-cards');
    const token = await w.token('deputies', w.deputyA1.id);
    // The address of the request, or the public address set for a reverse proxy.
    const asked = (await print(w.dA1.agent).set('Host', 'rd.local:13000')).text;
    expect(asked).toContain(`data-form-url="http://rd.local:13000/api/opinions:form?token=${token}&amp;locale=zh-CN"`);
    await w.settings({ publicUrl: 'https://rd.example.gov.cn/' });
    const html = (await print(w.dA1.agent)).text;
    await w.settings({ publicUrl: '' });
    const url = html.match(/data-form-url="([^"]*)"/)?.[1];
    expect(url).toBe(`https://rd.example.gov.cn/api/opinions:form?token=${token}&amp;locale=zh-CN`);
    // The SVG on the card is the QR code of exactly that URL.
    expect(html).toContain(await qrSvg(url!.replace(/&amp;/g, '&')));
    const form = await w.app.agent().get(url!.replace(/&amp;/g, '&').replace(/^https?:\/\/[^/]+\/api/, ''));
    expect(form.status).toBe(200);
    expect(form.text).toContain('代表甲一');
    expect(form.text).toContain('您的姓名');
    expect(url).toContain(token);
  });

  it('a deputy prints its own card only; administrators any or all; the public nothing', async () => {
    const { w } = ctx;
    const own = await print(w.dA1.agent);
    expect(own.status).toBe(200);
    expect(own.text).toContain('代表甲一');
    expect(own.text).not.toContain('代表甲二');
    expect(await tokens(own.text)).toBe(1);
    expect((await print(w.dA1.agent, `?deputyId=${w.deputyA2.id}`)).status).toBe(403);
    expect((await print(w.dA1.agent, `?stationId=${w.stationA.id}`)).status).toBe(403);
    const all = await print(w.admin.agent);
    expect(all.status).toBe(200);
    expect(await tokens(all.text)).toBe(5);
    expect(await tokens((await print(w.admin.agent, `?stationId=${w.stationB.id}`)).text)).toBe(2);
    const refused = await print(w.app.agent());
    expect(refused.status).toBe(401);
    expect(refused.text).not.toContain('qr');
  });

  it('the pledge is a setting; in en-US the card is in English', async () => {
    const { w } = ctx;
    await w.settings({ cardPledge: '有事找代表，代表帮您办' });
    expect((await print(w.dA1.agent)).text).toContain('有事找代表，代表帮您办');
    await w.settings({ cardPledge: '' });
    const en = await w.dA1.agent.get('/qrCards:print').set('X-Locale', 'en-US');
    expect(en.text).toContain('What I promise');
    expect(en.text).toContain('Town people’s congress deputy');
  });
});
