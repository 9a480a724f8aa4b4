import { BASE_PLUGINS, SUITE_CORE } from '@deputy/test-helpers';
import { scheduledJob } from '@deputy/plugin-suite-core';
import { createMockCluster, MockCluster, MockServer, sleep } from '@nocobase/test';
import { CronTime } from 'cron';
import {
  pendingTaskFor,
  waitForStatus,
  workflowsSettled,
} from '../../../plugins/@deputy/plugin-duty-points/src/server/__tests__/setup';

/**
 * Cluster mode (#17): two NocoBase nodes on one database — NocoBase's own createMockCluster (@nocobase/test: each
 * node a full app, the second on the first's database options, a shared in-memory pub/sub). Every call below is
 * real HTTP to one node or the other, by real users with their roles (ACL on), and what must hold for the
 * cluster is checked in the shared database:
 *  (a) one deputy's duty records approved at the same moment on both nodes never pass the item's yearly cap;
 *  (b) a scheduled job that the cron managers of both nodes tick in the same minute runs once;
 *  (c) the public form's rate limit counts the attempts made on both nodes (N in all, not N per node);
 *  (d) the sign-in lockout counts the failures made on both nodes.
 * On PostgreSQL (and MariaDB for the cap): on SQLite in memory each node would have a database of its own.
 *
 * Both nodes live in one process, so what is kept in a module (NocoBase's local lock adapter keeps its mutexes in
 * a static map) would look shared here although separate processes share nothing of it: the suite keeps nothing
 * of the kind — its locks are database row locks, its once-per-cluster runs database rows.
 */
const SERVER_DB = ['postgres', 'mysql', 'mariadb'].includes(String(process.env.DB_DIALECT));

describe.runIf(SERVER_DB)('cluster mode: two nodes on one database', () => {
  let cluster: MockCluster;
  let a: MockServer;
  let b: MockServer;
  const nodes = () => [a, b];
  // Signed-in agents on each node: [node a, node b].
  let admin: any[];
  let head: any[];
  let deputy: any[];
  let deputyId: number;

  const sessionsOf = async (user: any, role: string) =>
    Promise.all(nodes().map((node) => node.agent().login(user, role)));
  const user = (username: string, roles: string[]) =>
    a.db
      .getRepository('users')
      .create({ values: { username, nickname: username, password: `${username}-Passw0rd!`, roles } });

  beforeAll(async () => {
    cluster = await createMockCluster({
      number: 2,
      acl: true,
      plugins: [
        ...BASE_PLUGINS,
        'workflow',
        'workflow-manual',
        SUITE_CORE,
        '@deputy/plugin-deputies',
        '@deputy/plugin-duty-points',
        '@deputy/plugin-public-voice',
      ],
    });
    [a, b] = cluster.nodes;
    // Everything below is written after both nodes have started (each node's start installs the database).
    const npc = await user('npc', ['npc-admin']);
    const headUser = await user('head', ['station-staff']);
    const deputyUser = await user('deputy1', ['deputy']);
    admin = await sessionsOf(npc, 'npc-admin');
    head = await sessionsOf(headUser, 'station-staff');
    deputy = await sessionsOf(deputyUser, 'deputy');
    const station = await admin[1]
      .resource('liaisonStations')
      .create({ values: { name: '高沙镇联络站', headId: headUser.get('id'), staff: [headUser.get('id')] } });
    expect(station.status).toBe(200);
    const made = await admin[0]
      .resource('deputies')
      .create({ values: { name: '代表一', stationId: station.body.data.id, userId: deputyUser.get('id') } });
    expect(made.status).toBe(200);
    deputyId = made.body.data.id;
  });

  afterAll(async () => {
    await cluster?.destroy();
  });

  it('(a) one deputy’s records approved at once on both nodes: the ledger stops at the yearly cap, every record approved', async () => {
    // D16 提交代表建议: 3 points, yearly cap 15. Eight records ask for 24.
    const item = (await a.db.getRepository('dutyItems').findOne({ filter: { code: 'D16' } })).toJSON();
    expect([item.points, item.yearlyCap]).toEqual([3, 15]);
    const year = new Date().getFullYear() - 1;
    const ids: number[] = [];
    for (let day = 1; day <= 8; day++) {
      // Filed and submitted on alternate nodes: both nodes' review workflows open tasks.
      const on = deputy[day % 2];
      const created = await on
        .resource('dutyRecords')
        .create({ values: { itemId: item.id, date: `${year}-04-${String(day).padStart(2, '0')}` } });
      expect(created.status).toBe(200);
      expect((await on.post(`/dutyRecords:submit?filterByTk=${created.body.data.id}`).send({})).status).toBe(200);
      ids.push(created.body.data.id);
    }
    const taskOf = new Map<number, number>();
    // Two nodes' workflow dispatchers under a full run's load: once a task took longer than the default 60 s.
    for (const id of ids) taskOf.set(id, (await pendingTaskFor(a, head[0], id, 180000)).id);

    // All at once, as review-and-ledger, batch-review and review-under-load decide on one node: the head approves
    // two in the task centre of node a and a batch of two on node b (each decision then runs in its node's review
    // workflow); the administrator approves two directly on each node (in the request itself).
    const viaTasks = ids
      .slice(0, 2)
      .map((id) =>
        head[0]
          .post(`/workflowManualTasks:submit?filterByTk=${taskOf.get(id)}`)
          .send({ result: { review: { comment: '同意' }, _: 'approve' } }),
      );
    const viaBatch = head[1]
      .post('/dutyRecords:reviewBatch')
      .send({ ids: ids.slice(2, 4), decision: 'approve', comment: '批量通过' });
    const direct = ids
      .slice(4)
      .map((id, i) => admin[i % 2].resource('dutyRecords').update({ filterByTk: id, values: { status: 'approved' } }));
    const [batch, ...others] = await Promise.all([viaBatch, ...viaTasks, ...direct]);
    expect(
      others.map((r: any) => r.status),
      JSON.stringify(others.map((r: any) => r.body?.errors ?? null)),
    ).toEqual([202, 202, 200, 200, 200, 200]);
    // Done: the batch answers once each task is submitted; each record's workflow writes the decision.
    expect(batch.status).toBe(200);
    expect(batch.body.data).toEqual({ done: ids.slice(2, 4), failed: [] });

    const records = [];
    for (const id of ids) records.push(await waitForStatus(a, id, 'approved'));
    await workflowsSettled(a);
    const entries = await a.db.getRepository('pointEntries').find({ filter: { deputyId, itemId: item.id } });
    // One award per record, the sum at the cap: five in full, the three decided last capped to nothing.
    expect(entries.map((e: any) => e.get('recordId')).sort((x: number, y: number) => x - y)).toEqual(ids);
    expect(entries.reduce((s: number, e: any) => s + e.get('points'), 0)).toBe(15);
    expect(records.map((r: any) => r.get('awardedPoints')).sort()).toEqual([0, 0, 0, 3, 3, 3, 3, 3]);
    // What the deputy's 我的积分 reads, on either node.
    for (const on of deputy) {
      const mine = await on.resource('pointEntries').list({ filter: { itemId: item.id }, pageSize: 100 });
      expect(mine.body.data.reduce((s: number, e: any) => s + e.points, 0)).toBe(15);
    }
  });

  it('(b) a scheduled job ticked by the cron managers of both nodes in the same minute runs once', async () => {
    // The real job of plugin-public-voice, as each node's cron manager holds it; the nodes' own plugin instances
    // count their runs (the job calls plugin.daily).
    const name = 'public-voice daily';
    const jobs: any[] = nodes().map((node) => scheduledJob(node as any, name));
    expect(jobs[0]).toBeTruthy();
    expect(jobs[1]).toBeTruthy();
    expect(jobs[0]).not.toBe(jobs[1]);
    const ticks = [0, 0];
    const runs = [0, 0];
    nodes().forEach((node, i) => {
      const plugin: any = node.pm.get('@deputy/plugin-public-voice');
      const daily = plugin.daily.bind(plugin);
      plugin.daily = (...args: any[]) => (runs[i]++, daily(...args));
      jobs[i].addCallback(() => void ticks[i]++);
    });
    const runsOf = () => a.db.getRepository('scheduledJobRuns').find({ filter: { name } });
    expect(await runsOf()).toEqual([]);
    // Well inside one minute (Asia/Shanghai minutes start with UTC ones): a run of ticks every second, on both nodes.
    while (new Date().getSeconds() > 50) await sleep(500);
    for (const job of jobs) {
      job.setTime(new CronTime('* * * * * *', 'Asia/Shanghai'));
      job.start();
    }
    try {
      await sleep(3200);
    } finally {
      for (const job of jobs) job.stop();
    }
    for (let i = 0; i < 100 && !(await runsOf()).some((r: any) => r.get('status') !== 'running'); i++) await sleep(100);
    expect(ticks[0]).toBeGreaterThanOrEqual(2);
    expect(ticks[1]).toBeGreaterThanOrEqual(2);
    expect(runs[0] + runs[1]).toBe(1);
    const rows = await runsOf();
    expect(rows.map((r: any) => r.get('status'))).toEqual(['done']);
  });

  it('(c) the public form’s limit per address counts the submissions made on both nodes', async () => {
    await setVoiceSettings({ submissionsPerIp: 4, submissionsPerCode: 100 });
    await (a.pm.get('@deputy/plugin-public-voice') as any).intake.limiter.reset();
    const qr = (await a.db.getRepository('deputies').findOne({ filterByTk: deputyId })).get('qrToken');
    // Both nodes see the citizen at the same address (the test's loopback connection).
    const submit = (node: MockServer, n: number, locale = 'zh-CN') =>
      node
        .agent()
        .set('X-Locale', locale)
        .post('/opinions:submit')
        .send({ token: qr, name: '张三', category: 'infrastructure', content: `村口的路灯坏了（第${n}条）` });
    const before = await a.db.getRepository('opinions').count();
    // Eight at the same moment, four to each node: four pass in all.
    const burst = await Promise.all(Array.from({ length: 8 }, (_, n) => submit(nodes()[n % 2], n)));
    expect(burst.map((r: any) => r.status).sort()).toEqual([200, 200, 200, 200, 429, 429, 429, 429]);
    expect(await a.db.getRepository('opinions').count()).toBe(before + 4);
    // Refused on each node, saying how long to wait, in the citizen's language.
    const zh = await submit(a, 9);
    expect(zh.status).toBe(429);
    expect(zh.body.errors[0].message).toMatch(/提交过于频繁.*请 \d+ 分钟后再试/);
    const en = await submit(b, 10, 'en-US');
    expect(en.status).toBe(429);
    expect(en.body.errors[0].message).toMatch(/Too many requests.*try again in \d+ minutes/);
    for (const res of [zh, en]) expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    expect(await a.db.getRepository('opinions').count()).toBe(before + 4);
    await setVoiceSettings({ submissionsPerIp: 5, submissionsPerCode: 30 });
  });

  it('(d) the sign-in lockout counts the wrong passwords tried on both nodes', async () => {
    const settings = await a.db.getRepository('deputySettings').findOne();
    expect(
      (
        await admin[1]
          .resource('deputySettings')
          .update({ filterByTk: settings.get('id'), values: { maxSignInFailures: 4, signInLockMinutes: 10 } })
      ).status,
    ).toBe(200);
    await a.db
      .getRepository('users')
      .create({ values: { username: 'wang', nickname: '王代表', password: 'Right-Passw0rd' } });
    const signIn = (node: MockServer, password: string) =>
      node
        .agent()
        .set('X-Authenticator', 'basic')
        .set('X-Locale', 'zh-CN')
        .post('/auth:signIn')
        .send({ account: 'wang', password });
    // Four wrong passwords, alternating between the nodes: two on each, four in all.
    for (let i = 0; i < 4; i++) expect((await signIn(nodes()[i % 2], 'wrong')).status).toBe(401);
    for (const node of nodes()) {
      const locked = await signIn(node, 'Right-Passw0rd');
      expect(locked.status).toBe(403);
      expect(locked.body.errors[0].message).toBe('登录失败次数过多，账号已锁定，请 10 分钟后再试');
    }
  });

  /** Changes 码上找代表's settings as the administrator, through node a. */
  it('(e) the same source credited at once on both nodes files one duty record', async () => {
    // An opinion of a deputy whose station has no reviewer yet: accepted, its D14 credit fails (kept as failed).
    const headUser = await a.db.getRepository('users').findOne({ filter: { username: 'head' } });
    const station = await admin[0].resource('liaisonStations').create({ values: { name: '石江镇联络站' } });
    const other = await admin[1]
      .resource('deputies')
      .create({ values: { name: '代表二', stationId: station.body.data.id } });
    const opinion = await admin[0].resource('opinions').create({
      values: {
        source: 'reception',
        citizenName: '李四',
        citizenPhone: '13800138001',
        category: 'infrastructure',
        content: '村口的桥面破损多日',
        deputyId: other.body.data.id,
      },
    });
    expect(opinion.status, JSON.stringify(opinion.body)).toBe(200);
    const id = opinion.body.data.id;
    const opinionClassId = (await a.db.getRepository('opinionClasses').findOne({ filter: { code: 'XW' } })).get('id');
    expect((await admin[0].post(`/opinions:classify?filterByTk=${id}`).send({ opinionClassId })).status).toBe(200);
    expect((await admin[1].post(`/opinions:assign?filterByTk=${id}`).send({ handlingUnit: '镇政府' })).status).toBe(
      200,
    );
    expect((await a.db.getRepository('opinions').findOne({ filterByTk: id })).get('creditStatus')).toBe('failed');
    // The station gets its head; the credit is retried at the same moment on both nodes.
    expect(
      (
        await admin[0]
          .resource('liaisonStations')
          .update({ filterByTk: station.body.data.id, values: { headId: headUser.get('id') } })
      ).status,
    ).toBe(200);
    const retries = await Promise.all(
      admin.map((on) => on.post(`/opinions:retryOpinionCredit?filterByTk=${id}`).send({})),
    );
    expect(retries.map((r: any) => r.status)).toEqual([200, 200]);
    const filed = await a.db.getRepository('dutyRecords').find({ filter: { source: `opinion:${id}` } });
    expect(filed.map((r: any) => r.get('status'))).toEqual(['submitted']);
    expect((await a.db.getRepository('opinions').findOne({ filterByTk: id })).get('dutyRecordId')).toBe(
      filed[0].get('id'),
    );
  });

  async function setVoiceSettings(values: Record<string, any>) {
    const row = await a.db.getRepository('publicVoiceSettings').findOne();
    const res = await admin[0].resource('publicVoiceSettings').update({ filterByTk: row.get('id'), values });
    expect(res.status).toBe(200);
  }
});
