import { createSuiteServer, SUITE_PLUGINS } from '@deputy/test-helpers';
import { MockServer } from '@nocobase/test';
import { checkDutyPointsDemo } from '../../../plugins/@deputy/plugin-duty-points/src/server/__tests__/demo-checks';
import { checkSixOnesDemo } from '../../../plugins/@deputy/plugin-six-ones/src/server/__tests__/demo-checks';
import { checkPairingAidDemo } from '../../../plugins/@deputy/plugin-pairing-aid/src/server/__tests__/demo-checks';
import { checkPublicVoiceDemo } from '../../../plugins/@deputy/plugin-public-voice/src/server/__tests__/demo-checks';

/**
 * The demo town (#22) as `npm start -- --demo` loads it: the whole suite with the review workflow, root calls
 * deputyDemo:load over HTTP and waits on deputyDemo:status. Then each plugin's checks (its demo-checks.ts)
 * read what its pages would show, the printed accounts sign in with the printed password, and a second load
 * — or one by anyone but root — is refused and changes nothing.
 */

export type DemoDone = {
  state: 'done';
  seconds: number;
  password: string;
  accounts: { username: string; role: string; name: string; tryFirst: string }[];
  counts: Record<string, number>;
  progress: string[];
};

/** DEMO_PARTS=@deputy/plugin-six-ones,… loads and checks only those plugins' parts (the town itself always). */
const ONLY = process.env.DEMO_PARTS ? process.env.DEMO_PARTS.split(',') : undefined;
const part = (name: string) => !ONLY || ONLY.includes(name);

describe('demo town (npm start -- --demo)', () => {
  let app: MockServer;
  let done: DemoDone;
  let rootToken: string;
  const previous = process.env.DEPUTY_DEMO;

  const call = (method: 'get' | 'post', url: string, token: string, body?: object) => {
    const req = (method === 'get' ? app.agent().get(url) : app.agent().post(url))
      .set('X-Authenticator', 'basic')
      .set('X-Locale', 'en-US')
      .set('Authorization', `Bearer ${token}`);
    return method === 'get' ? req : req.send(body ?? {});
  };
  const tokenOf = async (account: string, password: string) => {
    const res = await app.agent().post('/auth:signIn').set('X-Authenticator', 'basic').send({ account, password });
    expect(res.status, `${account} signs in: ${JSON.stringify(res.body)}`).toBe(200);
    return res.body.data.token as string;
  };
  const rowCounts = async () => {
    const counts: Record<string, number> = {};
    for (const c of app.db.collections.values()) {
      if (c.options.dumpRules === 'required' || c.name === 'users')
        counts[c.name] = await app.db.getRepository(c.name).count();
    }
    return counts;
  };

  beforeAll(async () => {
    process.env.DEPUTY_DEMO = 'on';
    app = await createSuiteServer(SUITE_PLUGINS, ['workflow', 'workflow-manual']);
    const root = await app.db
      .getRepository('users')
      .findOne({ filter: { username: process.env.INIT_ROOT_USERNAME || 'nocobase' } });
    await root.update({ password: 'Demo-Root-Passw0rd' });
    // A token issued in the same second as a password change is refused by NocoBase ("password changed").
    await new Promise((r) => setTimeout(r, 1100));
    rootToken = await tokenOf(root.get('username'), 'Demo-Root-Passw0rd');
    const started = await call('post', '/deputyDemo:load', rootToken, ONLY ? { only: ONLY } : {});
    expect(started.status, JSON.stringify(started.body)).toBe(202);
    const deadline = Date.now() + 12 * 60_000;
    for (;;) {
      const res = await call('get', '/deputyDemo:status', rootToken);
      const status = res.body.data;
      if (status.state === 'done') {
        done = status;
        break;
      }
      if (status.state === 'failed')
        throw new Error(`the demo failed: ${status.message}\n${status.progress.join('\n')}`);
      if (Date.now() > deadline)
        throw new Error(`the demo did not finish in 12 minutes:\n${status.progress.join('\n')}`);
      await new Promise((r) => setTimeout(r, 500));
    }
    console.log(`demo town loaded in ${done.seconds} s: ${JSON.stringify(done.counts)}`);
  }, 15 * 60_000);

  afterAll(async () => {
    process.env.DEPUTY_DEMO = previous;
    await app?.destroy();
  });

  it('makes the town of the seeds: 1+5 stations, 60 deputies, each with an account that signs in', async () => {
    const stations = await app.db.getRepository('liaisonStations').find({ appends: ['deputies'] });
    expect(stations.map((s: any) => s.get('name'))).toContain('高沙镇人大代表联络站');
    expect(stations.filter((s: any) => s.get('parentId')).map((s: any) => s.get('deputies').length)).toEqual([
      12, 12, 12, 12, 12,
    ]);
    const deputies = await app.db.getRepository('deputies').find({ appends: ['user'] });
    expect(deputies.length).toBe(60);
    expect(deputies.filter((d: any) => !d.get('user')).length).toBe(0);
    // The printed counts are what the load wrote.
    expect(done.counts).toMatchObject({
      liaisonStations: 6,
      deputies: 60,
      users: 66,
      dutyRecords: await app.db.getRepository('dutyRecords').count(),
    });
    // The printed accounts are real: the administrator, a station head and a deputy sign in with the printed password.
    const names = done.accounts.map((a) => a.username);
    for (const username of ['demo-admin', 'demo-head1', 'demo-deputy01', 'demo-deputy60']) {
      if (username !== 'demo-deputy60') expect(names).toContain(username);
      const token = await tokenOf(username, done.password);
      const me = await call('get', '/auth:check', token);
      expect(me.body.data.username).toBe(username);
    }
  });

  it('fills every collection whose data a page shows', async () => {
    // Derived from the definitions: every suite collection whose rows are instance data (dumpRules required,
    // not a settings row or a seeded catalogue) has rows, so no installed page opens empty.
    const counts = await rowCounts();
    const owner = (name: string) => app.db.getCollection(name).origin ?? '';
    const loaded = (name: string) =>
      owner(name).startsWith('@deputy/') &&
      (!ONLY || ONLY.includes(owner(name)) || owner(name) === '@deputy/plugin-deputies');
    const empty = Object.entries(counts).filter(
      ([name, n]) => n === 0 && loaded(name) && !NOT_DEMO_DATA.includes(name),
    );
    // A filter that matched no suite collection would pass whatever the demo did.
    expect(Object.keys(counts).filter(loaded).length).toBeGreaterThan(30);
    expect(empty).toEqual([]);
  });

  it('has the records, ledger, sessions, households and opinions each plugin shows', async () => {
    const sign = (username: string) => tokenOf(username, done.password);
    const failures = [
      ...(part('@deputy/plugin-duty-points') ? await checkDutyPointsDemo(app, sign, call) : []),
      ...(part('@deputy/plugin-six-ones') ? await checkSixOnesDemo(app, sign, call) : []),
      ...(part('@deputy/plugin-pairing-aid') ? await checkPairingAidDemo(app, sign, call) : []),
      ...(part('@deputy/plugin-public-voice') ? await checkPublicVoiceDemo(app, sign, call) : []),
    ];
    expect(failures).toEqual([]);
  });

  it('refuses a second load, and a load by anyone but root, and changes nothing', async () => {
    const before = await rowCounts();
    const again = await call('post', '/deputyDemo:load', rootToken);
    expect(again.status).toBe(400);
    expect(again.body.errors[0].message).toBe(
      'This instance already holds data: the demo town loads only into an empty suite',
    );
    const zh = await call('post', '/deputyDemo:load', rootToken).set('X-Locale', 'zh-CN');
    expect(zh.body.errors[0].message).toBe('本实例已有数据：演示数据只能载入到空的套件中');
    const admin = await tokenOf('demo-admin', done.password);
    expect((await call('post', '/deputyDemo:load', admin)).status).toBe(403);
    expect((await call('get', '/deputyDemo:status', admin)).status).toBe(403);
    expect(await rowCounts()).toEqual(before);
  });
});

/**
 * Suite collections that the demo leaves as they are: audit rows and reminder logs come by themselves, the rest
 * is configuration an administrator owns. Each name here is a decision, not an omission.
 */
const NOT_DEMO_DATA: string[] = [
  // The page installer's own record of what it installed (the test app installs no pages).
  'suitePages',
  // Written by the daily jobs when they run, not by anyone's work.
  'reminderLog',
  'scheduledJobRuns',
  // Written by closing a year, which the current year cannot be (over, published, past its appeal deadline).
  'deputyYearGrades',
];
