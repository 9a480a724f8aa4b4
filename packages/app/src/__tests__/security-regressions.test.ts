import { createSuiteServer, signedInAs, type SignedIn, type TestAgent } from '@deputy/test-helpers';
import type { BelongsToManyRepository, Model } from '@nocobase/database';
import { MockServer, sleep } from '@nocobase/test';
import fs from 'fs';
import { buildWorld, Http } from '@deputy/test-helpers/security/permissions-matrix';

/**
 * Regression tests for the attacks listed under "Why now" in issue #15, one `it` per example, each performed
 * through the HTTP API (ACL on) as a real user with its role, exactly as the issue describes. Each test
 *  - first makes the same call without the forbidden part where that is possible (a "control"), so that a
 *    refusal is caused by the protection and not by a missing field;
 *  - reads the whole answer and fails on anything the caller may not read (phones, QR tokens, user ids,
 *    sign-in codes, usernames, e-mails, password hashes of others);
 *  - reads the attacked rows directly from the database before and after, and fails on any change.
 * Every part of an example is checked even when an earlier part failed: a failing test lists them all.
 */

const SUITE = [
  '@deputy/plugin-deputies',
  '@deputy/plugin-duty-points',
  '@deputy/plugin-six-ones',
  '@deputy/plugin-pairing-aid',
  '@deputy/plugin-public-voice',
  '@deputy/plugin-suggestions',
];
// A 1×1 PNG: a real image for uploads.
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);
const PASSWORD = 'Regress-Passw0rd-7';
const today = () => new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 10);
const ok = (status: number) => status >= 200 && status < 300;
const q = (v: unknown) => encodeURIComponent(JSON.stringify(v));
const brief = (res: { status: number; body: any }) =>
  `${res.status} ${JSON.stringify(res.body?.errors ?? res.body?.data ?? res.body).slice(0, 300)}`;
let serial = 0;
const phoneNo = () => `17${String((Date.now() + ++serial * 7919) % 1e9).padStart(9, '0')}`;

type World = Awaited<ReturnType<typeof buildWorld>>;
/** Who reads an answer: what it may legitimately see decides what counts as a leak. */
type Viewer =
  { kind: 'deputy'; userId: number; deputyId: number } | { kind: 'staff'; userId: number; stationIds: number[] };

/** Collects every failed check of a test, so that one run reports all broken parts of an example. */
function collector() {
  const list: string[] = [];
  return {
    list,
    check(cond: unknown, message: string) {
      if (!cond) list.push(message);
    },
    done() {
      expect(list).toEqual([]);
    },
  };
}

describe('security regressions (issue #15: the attacks of "Why now")', () => {
  let app: MockServer;
  let w: World;
  let http: Http;
  const f: Record<string, any> = {};

  const repo = (name: string) => app.db.getRepository(name);
  const row = async (name: string, id: number) => (await repo(name).findOne({ filterByTk: id }))?.toJSON() as any;
  const passwordHash = async (userId: number) =>
    ((await app.db.getModel('users').findByPk(userId, { raw: true })) as any)?.password as string;
  const rolesOf = async (userId: number) =>
    (await repo('users').findOne({ filterByTk: userId, appends: ['roles'] }))
      .get('roles')
      .map((r: Model) => r.get('name'))
      .sort();
  const signIn = async (account: string, password: string) => http('POST', '/auth:signIn', { account, password });
  const tokenOf = async (account: string, password: string) => {
    const res = await signIn(account, password);
    if (!ok(res.status)) throw new Error(`sign-in of ${account} failed: ${brief(res)}`);
    return res.body.data.token as string;
  };
  const count = (name: string, filter: Record<string, unknown>) => repo(name).count({ filter });
  const evidenceIds = async (recordId: number) =>
    (await app.db.getRepository<BelongsToManyRepository>('dutyRecords.evidence', recordId).find())
      .map((a: Model) => a.get('id'))
      .sort((a: number, b: number) => a - b);

  async function upload(token: string, filename: string) {
    const res = await app
      .agent()
      .post('/attachments:create')
      .set('X-Authenticator', 'basic')
      .set('Authorization', `Bearer ${token}`)
      .attach('file', PNG, { filename, contentType: 'image/png' });
    if (!ok(res.status)) throw new Error(`upload failed: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body.data as { id: number; url: string; filename: string };
  }

  /**
   * The URL NocoBase 2.2 gives a file: by id (attachments:getFile, then a redirect to its stored name). The
   * stored-name URL itself (/storage/uploads/…) is checked by NocoBase against the API path of a started app,
   * which the test app does not have: e2e/file-access.e2e.ts fetches both from the started app.
   */
  const fileUrls = (file: { id: number; filename: string }) => [
    `/files/main/main/attachments/${file.id}${file.filename.slice(file.filename.lastIndexOf('.'))}`,
  ];
  /** GET as a browser would: following redirects, with the caller's token. */
  async function fetchFile(url: string, token?: string) {
    for (let hop = 0; hop < 4; hop++) {
      let req = app
        .agent()
        .get(encodeURI(decodeURI(url)))
        .buffer(true)
        .parse((res, cb) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => cb(null, Buffer.concat(chunks)));
        });
      if (token) req = req.set('Authorization', `Bearer ${token}`);
      const res = await req;
      if (res.status >= 300 && res.status < 400 && res.headers.location) {
        url =
          new URL(res.headers.location, 'http://localhost').pathname +
          (new URL(res.headers.location, 'http://localhost').search || '');
        continue;
      }
      return { status: res.status, body: Buffer.isBuffer(res.body) ? res.body : Buffer.alloc(0) };
    }
    throw new Error(`${url}: too many redirects`);
  }

  /** Everything in the database that the viewer may not read: values, searched in the whole answer. */
  async function secretsFor(viewer: Viewer) {
    const values = new Map<string, string>();
    const deputies: any[] = await app.db.getModel('deputies').findAll({ raw: true });
    for (const d of deputies) {
      const mine = viewer.kind === 'deputy' ? d.id === viewer.deputyId : viewer.stationIds.includes(d.stationId);
      if (mine) continue;
      if (d.phone) values.set(d.phone, `phone of deputy #${d.id}`);
      if (d.qrToken) values.set(d.qrToken, `qrToken of deputy #${d.id}`);
    }
    const stations: any[] = await app.db.getModel('liaisonStations').findAll({ raw: true });
    for (const s of stations) {
      if (viewer.kind === 'staff' && viewer.stationIds.includes(s.id)) continue;
      if (s.qrToken) values.set(s.qrToken, `qrToken of station #${s.id}`);
    }
    const users: any[] = await app.db.getModel('users').findAll({ raw: true });
    for (const u of users) {
      if (u.password) values.set(u.password, `password hash of user #${u.id}`);
      if (u.id === viewer.userId) continue;
      // 'nocobase' (root) is too common a word to search as text; the key check below still finds it.
      if (u.username && u.username.length >= 6 && u.username !== 'nocobase')
        values.set(u.username, `username of user #${u.id}`);
      if (u.email) values.set(u.email, `email of user #${u.id}`);
      if (u.phone) values.set(u.phone, `phone of user #${u.id}`);
    }
    const activities: any[] = await app.db.getModel('dutyActivities').findAll({ raw: true });
    for (const a of activities) {
      // Sign-in codes: their station's staff only.
      if (viewer.kind === 'staff' && viewer.stationIds.includes(a.stationId)) continue;
      if (a.signInCode) values.set(a.signInCode, `signInCode of activity #${a.id}`);
    }
    return values;
  }

  /** What in an answer the viewer may not read: secret values anywhere, and forbidden keys with a value. */
  async function leaks(body: unknown, viewer: Viewer, ignore: string[] = []): Promise<string[]> {
    const found: string[] = [];
    const text = JSON.stringify(body ?? null);
    for (const [value, what] of await secretsFor(viewer))
      if (text.includes(value) && !ignore.some((i) => what.startsWith(i))) found.push(what);
    const keys = (
      viewer.kind === 'deputy'
        ? ['password', 'username', 'email', 'userId', 'qrToken', 'signInCode', 'idNumberHash']
        : ['password', 'username', 'email', 'idNumberHash']
    ).filter((k) => !ignore.includes(k));
    const walk = (v: any, path: string) => {
      if (Array.isArray(v)) return v.forEach((x, i) => walk(x, `${path}[${i}]`));
      if (v && typeof v === 'object') {
        for (const [k, x] of Object.entries(v)) {
          if (keys.includes(k) && x !== null && x !== undefined && x !== '') {
            // A deputy's own QR token (its own card) is its own to read.
            if (!(k === 'qrToken' && viewer.kind === 'deputy' && x === f.qr[viewer.deputyId]))
              found.push(`key ${path}.${k}`);
          }
          walk(x, `${path}.${k}`);
        }
      }
    };
    walk(body, '$');
    return [...new Set(found)].slice(0, 12);
  }

  async function checkNoLeak(
    p: ReturnType<typeof collector>,
    label: string,
    body: unknown,
    viewer: Viewer,
    ignore: string[] = [],
  ) {
    const found = await leaks(body, viewer, ignore);
    p.check(found.length === 0, `${label}: the answer holds what the caller may not read: ${found.join(', ')}`);
  }

  /** A citizen's opinion through a QR code, brought by the administrator to a status. */
  async function opinionAt(qrToken: string, status: 'received' | 'classified' | 'assigned' | 'answered') {
    const res = await http('POST', '/opinions:submit', {
      token: qrToken,
      name: '王五',
      phone: '13900139000',
      category: 'infrastructure',
      content: `村口路灯坏了 ${++serial}`,
    });
    if (!ok(res.status)) throw new Error(`opinions:submit: ${brief(res)}`);
    const [row0] = await w.admin('GET', `/opinions:list?filter=${q({ trackingCode: res.body.data.trackingCode })}`);
    const steps: [string, any][] = [
      ['classify', { opinionClassId: w.ids.opinionClass }],
      ['assign', { handlingUnit: '镇政府' }],
      ['answer', { answer: '已修复' }],
    ];
    const n = { received: 0, classified: 1, assigned: 2, answered: 3 }[status];
    for (const [action, values] of steps.slice(0, n))
      await w.admin('POST', `/opinions:${action}?filterByTk=${row0.id}`, values);
    return row0.id as number;
  }

  /** A deputy of a station with a sign-in account (password changed unless `fresh`). */
  async function deputyWithAccount(name: string, stationId: number, fresh = false) {
    const d = await w.admin('POST', '/deputies:create', { name, stationId, termId: w.ids.term, phone: phoneNo() });
    const account = await w.admin('POST', `/deputies:createAccount?filterByTk=${d.id}`, {});
    const first = await tokenOf(account.username, account.initialPassword);
    if (!fresh) {
      const changed = await http(
        'POST',
        '/auth:changePassword',
        { oldPassword: account.initialPassword, newPassword: PASSWORD, confirmPassword: PASSWORD },
        first,
      );
      if (!ok(changed.status)) throw new Error(`password change failed: ${brief(changed)}`);
    }
    const stored: Model = await repo('deputies').findOne({ filterByTk: d.id });
    return {
      id: d.id as number,
      userId: stored.get('userId') as number,
      username: account.username as string,
      initialPassword: account.initialPassword as string,
      token: first,
      qrToken: stored.get('qrToken') as string,
      fresh,
    };
  }

  const tok = () => w.tokens as Record<string, string>;
  const deputyViewer = (which: 'A' | 'B'): Viewer => ({
    kind: 'deputy',
    deputyId: which === 'A' ? w.ids.deputyA : w.ids.deputyB,
    userId: which === 'A' ? f.userDeputyA : f.userDeputyB,
  });
  const staffViewer = (which: 'A' | 'B'): Viewer => ({
    kind: 'staff',
    userId: which === 'A' ? f.userStaffA : f.userStaffB,
    stationIds: [which === 'A' ? w.ids.stationA : w.ids.stationB],
  });

  beforeAll(async () => {
    app = await createSuiteServer(SUITE);
    await repo('users').create({
      values: {
        username: 'matrix-admin',
        nickname: '人大管理员',
        email: 'matrix-admin@example.gov.cn',
        password: 'Matrix-Admin-1',
        roles: ['npc-admin'],
      },
    });
    http = async (method, url, body, token) => {
      let req = method === 'GET' ? app.agent().get(url) : app.agent().post(url);
      req = req.set('X-Authenticator', 'basic').set('X-Locale', 'zh-CN');
      if (token) req = req.set('Authorization', `Bearer ${token}`);
      const res = method === 'GET' ? await req : await req.send((body ?? {}) as object);
      // SEC_TRACE=<file>: every call of a test with its answer, to read why a check failed.
      if (process.env.SEC_TRACE && token !== w?.tokens?.admin) {
        const test = expect.getState().currentTestName?.split(' > ').pop()?.slice(0, 3) ?? 'setup';
        fs.appendFileSync(
          process.env.SEC_TRACE,
          `[${test}] ${method} ${decodeURIComponent(url)} ${JSON.stringify(body ?? '').slice(0, 200)} → ${res.status} ${JSON.stringify(res.body?.errors ?? res.body?.data ?? '').slice(0, 200)}\n`,
        );
      }
      return { status: res.status, body: res.body };
    };
    w = await buildWorld(http, 'matrix-admin', 'Matrix-Admin-1');

    // Accounts and e-mails, so that a leaked user shows.
    const stationA: Model = await repo('liaisonStations').findOne({ filterByTk: w.ids.stationA });
    const stationB: Model = await repo('liaisonStations').findOne({ filterByTk: w.ids.stationB });
    f.userStaffA = stationA.get('headId');
    f.userStaffB = stationB.get('headId');
    f.userDeputyA = (await repo('deputies').findOne({ filterByTk: w.ids.deputyA })).get('userId');
    f.userDeputyB = (await repo('deputies').findOne({ filterByTk: w.ids.deputyB })).get('userId');
    for (const u of (await repo('users').find()) as Model[]) {
      if (!u.get('email'))
        await repo('users').update({
          filterByTk: u.get('id'),
          values: { email: `u${u.get('id')}-${u.get('username')}@example.gov.cn` },
        });
    }
    f.root = (await repo('users').findOne({ filter: { username: 'nocobase' } })).toJSON();
    f.victimAdmin = (
      await repo('users').create({
        values: {
          username: 'victim-admin',
          nickname: '另一位管理员',
          email: 'victim-admin@example.gov.cn',
          password: 'Victim-Admin-1',
          roles: ['npc-admin'],
        },
      })
    ).toJSON();
    f.officer = (
      await repo('users').create({
        values: {
          username: 'officer-li',
          nickname: '司法员李',
          email: 'officer-li@example.gov.cn',
          password: 'Officer-Li-1',
          roles: ['station-staff'],
        },
      })
    ).toJSON();

    // N high enough that the attacks' pairings never hit the 1+N limit.
    const aidSettings: Model = await repo('aidSettings').findOne();
    await repo('aidSettings').update({ filterByTk: aidSettings.get('id'), values: { maxPairingsPerDeputy: 100 } });

    // Station B gets what station A has: a grid area, a reception session with a roster, an activity today.
    f.gridB = (
      await w.admin('POST', '/gridAreas:create', {
        name: '乙站片区',
        stationId: w.ids.stationB,
        deputies: [w.ids.deputyB],
      })
    ).id;
    f.activityB = (
      await w.admin('POST', '/dutyActivities:create', {
        title: '乙站学习',
        itemId: w.ids.item,
        stationId: w.ids.stationB,
        date: today(),
      })
    ).id;
    await w.admin('POST', `/dutyActivities:update?filterByTk=${f.activityB}`, { status: 'approved' });
    f.activityA2 = (
      await w.admin('POST', '/dutyActivities:create', {
        title: '甲站学习',
        itemId: w.ids.item,
        stationId: w.ids.stationA,
        date: today(),
      })
    ).id;
    await w.admin('POST', `/dutyActivities:update?filterByTk=${f.activityA2}`, { status: 'approved' });
    f.sessionB = (
      await w.admin('POST', '/receptionSessions:create', {
        stationId: w.ids.stationB,
        scheduledOn: '2025-02-06',
        date: '2025-02-06',
        noticeOn: '2025-02-03',
        roster: [w.ids.deputyB],
      })
    ).id;
    await repo('receptionSessions').update({ filterByTk: f.sessionB, values: { activityId: f.activityB } });
    f.itemByAdmin = (
      await w.admin('POST', '/dutyItems:create', { code: 'SEC-1', category: 'A', name: '安全回归测试项', points: 1 })
    ).id;

    // Households: of station A, not paired; of station B, one not paired and one paired with deputy B.
    const household = (stationId: number, name: string) =>
      w.admin('POST', '/aidHouseholds:create', {
        headName: name,
        categoryId: w.ids.category,
        stationId,
        consent: true,
        address: `${name}的地址`,
        monthlyIncome: '800.00',
      });
    f.householdsA = [];
    for (let i = 0; i < 6; i++) f.householdsA.push((await household(w.ids.stationA, `甲户${i}`)).id);
    f.householdB1 = (await household(w.ids.stationB, '乙户一')).id;
    f.householdB2 = (await household(w.ids.stationB, '乙户二')).id;
    f.pairingB = (
      await w.admin('POST', '/aidPairings:create', {
        deputyId: w.ids.deputyB,
        householdId: f.householdB2,
        startDate: '2025-01-01',
      })
    ).id;

    // For the write guard: a deputy who will leave office, a deputy who has not changed its initial password,
    // and station staff who has not changed its initial password.
    f.deputyC = await deputyWithAccount('丙代表', w.ids.stationA);
    f.deputyD = await deputyWithAccount('丁代表', w.ids.stationA, true);
    const freshStaff: Model = await repo('users').create({
      values: {
        username: 'fresh-staff',
        nickname: '新站员',
        email: 'fresh-staff@example.gov.cn',
        password: PASSWORD,
        roles: ['station-staff'],
        mustChangePassword: true,
      },
    });
    await app.db
      .getRepository<BelongsToManyRepository>('liaisonStations.staff', w.ids.stationA)
      .add(freshStaff.get('id'));
    f.freshStaff = freshStaff.toJSON();
    // A token issued in the same second as a password change is refused by NocoBase.
    await sleep(1100);
    f.deputyC.token = await tokenOf(f.deputyC.username, PASSWORD);
    f.freshStaff.token = await tokenOf('fresh-staff', PASSWORD);

    f.qr = {} as Record<number, string>;
    for (const d of (await app.db.getModel('deputies').findAll({ raw: true })) as any[]) f.qr[d.id] = d.qrToken;
  }, 600000);

  afterAll(async () => {
    await app?.destroy();
  });

  it('1. deputy: dutyRecords:create with nested item + item.createdBy (updateAssociationValues) changes neither the item nor root’s / an administrator’s password', async () => {
    const p = collector();
    const itemId = w.ids.item;
    const itemBefore = await row('dutyItems', itemId);
    const control = await http('POST', '/dutyRecords:create', { itemId, date: '2024-07-01' }, tok().deputyA);
    p.check(ok(control.status), `control: deputy A may create a duty record: ${brief(control)}`);
    for (const victim of [f.root, f.victimAdmin]) {
      const hashBefore = await passwordHash(victim.id);
      const rows0 = [await repo('users').count(), await repo('dutyItems').count()];
      const res = await http(
        'POST',
        '/dutyRecords:create?updateAssociationValues[]=item&updateAssociationValues[]=item.createdBy',
        {
          itemId,
          date: '2024-07-02',
          item: { id: itemId, points: 999, createdBy: { id: victim.id, password: 'Hacked-123' } },
        },
        tok().deputyA,
      );
      const rows1 = [await repo('users').count(), await repo('dutyItems').count()];
      p.check(
        JSON.stringify(rows1) === JSON.stringify(rows0),
        `users / duty items created through the nested values: ${rows0} → ${rows1}`,
      );
      const itemAfter = await row('dutyItems', itemId);
      p.check(
        itemAfter.points === itemBefore.points,
        `item points changed ${itemBefore.points} → ${itemAfter.points} (answer ${res.status})`,
      );
      p.check(
        itemAfter.createdById === itemBefore.createdById,
        `item createdById changed ${itemBefore.createdById} → ${itemAfter.createdById}`,
      );
      p.check(
        (await passwordHash(victim.id)) === hashBefore,
        `password of ${victim.username} (#${victim.id}) was changed`,
      );
      const hacked = await signIn(victim.username, 'Hacked-123');
      p.check(!ok(hacked.status), `signed in as ${victim.username} with the password the deputy set`);
      await checkNoLeak(p, `answer to the attack on ${victim.username}`, res.body, deputyViewer('A'));
    }
    // Put the catalogue back for the other tests whatever happened.
    await app.db
      .getModel('dutyItems')
      .update(
        { points: itemBefore.points, createdById: itemBefore.createdById },
        { where: { id: itemId }, hooks: false },
      );
    p.done();
  });

  it('2. station staff: mediationCases:create with nested judicialOfficer {id, roles: [..., npc-admin]} leaves that user’s roles unchanged', async () => {
    const p = collector();
    const victim = f.officer;
    const rolesBefore = await rolesOf(victim.id);
    const hashBefore = await passwordHash(victim.id);
    const base = { title: `纠纷-${++serial}`, stationId: w.ids.stationA, deputyId: w.ids.deputyA };
    const control = await http(
      'POST',
      '/mediationCases:create',
      { ...base, judicialOfficerId: victim.id },
      tok().staffA,
    );
    p.check(ok(control.status), `control: staff A may open a case with a judicial officer: ${brief(control)}`);
    const attacks: [string, string, any][] = [
      [
        'nested roles objects',
        '/mediationCases:create',
        {
          ...base,
          title: `纠纷-${++serial}`,
          judicialOfficer: {
            id: victim.id,
            roles: [...rolesBefore.map((name: string) => ({ name })), { name: 'npc-admin' }],
          },
        },
      ],
      [
        'nested roles names',
        '/mediationCases:create',
        {
          ...base,
          title: `纠纷-${++serial}`,
          judicialOfficer: { id: victim.id, roles: [...rolesBefore, 'npc-admin'] },
        },
      ],
      [
        'with updateAssociationValues',
        '/mediationCases:create?updateAssociationValues[]=judicialOfficer&updateAssociationValues[]=judicialOfficer.roles',
        {
          ...base,
          title: `纠纷-${++serial}`,
          judicialOfficer: {
            id: victim.id,
            roles: [...rolesBefore.map((name: string) => ({ name })), { name: 'npc-admin' }],
            password: 'Hacked-123',
          },
        },
      ],
    ];
    for (const [label, url, body] of attacks) {
      const users0 = await repo('users').count();
      const res = await http('POST', url, body, tok().staffA);
      p.check((await repo('users').count()) === users0, `${label}: a user was created through the nested value`);
      const rolesAfter = await rolesOf(victim.id);
      p.check(
        JSON.stringify(rolesAfter) === JSON.stringify(rolesBefore),
        `${label}: roles of ${victim.username} changed ${rolesBefore} → ${rolesAfter} (answer ${res.status})`,
      );
      p.check((await passwordHash(victim.id)) === hashBefore, `${label}: password of ${victim.username} changed`);
      await checkNoLeak(p, label, res.body, staffViewer('A'));
      // Put the roles back so that the next variant is tested on its own.
      if (JSON.stringify(rolesAfter) !== JSON.stringify(rolesBefore))
        await repo('users').update({ filterByTk: victim.id, values: { roles: rolesBefore } });
    }
    p.done();
  });

  it('3. nested values on gridAreas:update, aidPairings:create, aidVisits:create, opinions:update and pointAppeals:create move no deputy or household, rewrite no household, reopen no period', async () => {
    const p = collector();
    const deputyFields = (d: any) => ({
      name: d.name,
      stationId: d.stationId,
      phone: d.phone,
      status: d.status,
      termId: d.termId,
    });
    // The nested values carry names, so that a nested value stripped of its id would create a new row: none may appear.
    const NAMES = ['deputies', 'aidHouseholds', 'liaisonStations', 'users'];
    const counts = async () =>
      JSON.stringify(
        await Promise.all(
          NAMES.map(async (n) => [await repo(n).count(), ((await app.db.getModel(n).max('id')) as number) ?? 0]),
        ),
      );
    const noNewRows = async (label: string, before: string) => {
      const after = await counts();
      if (after === before) return;
      const made: string[] = [];
      const was = JSON.parse(before);
      for (const [i, n] of NAMES.entries()) {
        const rows: any[] = await app.db.getModel(n).findAll({ raw: true });
        for (const r of rows.filter((x) => x.id > was[i][1]))
          made.push(
            `${n} #${r.id} ${JSON.stringify({ name: r.name ?? r.headName ?? r.username, stationId: r.stationId, createdById: r.createdById })}`,
          );
      }
      p.check(
        false,
        `${label}: rows were created through the nested values: ${made.join('; ') || `${before} → ${after}`}`,
      );
    };
    const householdFields = (h: any) => ({
      stationId: h.stationId,
      headName: h.headName,
      address: h.address,
      monthlyIncome: h.monthlyIncome === null || h.monthlyIncome === undefined ? null : String(h.monthlyIncome),
      categoryId: h.categoryId,
    });
    const same = (a: any, b: any) => JSON.stringify(a) === JSON.stringify(b);
    const restoreDeputy = (id: number, d: any) =>
      app.db.getModel('deputies').update(deputyFields(d), { where: { id }, hooks: false });
    const restoreHousehold = (id: number, h: any) =>
      app.db.getModel('aidHouseholds').update(householdFields(h), { where: { id }, hooks: false });

    // a) station staff, gridAreas:update of their own grid area with nested deputies
    {
      const a0 = await row('deputies', w.ids.deputyA);
      const control = await http(
        'POST',
        `/gridAreas:update?filterByTk=${w.ids.grid}`,
        { description: '控制：修改说明', deputies: [w.ids.deputyA] },
        tok().staffA,
      );
      p.check(
        ok(control.status),
        `gridAreas control: staff A may update its grid area and its deputies: ${brief(control)}`,
      );
      // Deputy A is in this grid area already (no grid-area limit in the way); the nested values move it to station B.
      const c0 = await counts();
      const res = await http(
        'POST',
        `/gridAreas:update?filterByTk=${w.ids.grid}&updateAssociationValues[]=deputies`,
        {
          description: '攻击',
          deputies: [{ id: w.ids.deputyA, name: '伪造的代表', stationId: w.ids.stationB, phone: '13000000001' }],
        },
        tok().staffA,
      );
      await noNewRows('gridAreas:update', c0);
      const linked = (await app.db.getRepository<BelongsToManyRepository>('gridAreas.deputies', w.ids.grid).find()).map(
        (d: Model) => d.get('id'),
      );
      p.check(
        JSON.stringify(linked) === JSON.stringify([w.ids.deputyA]),
        `gridAreas:update: the grid area's deputies are now ${linked}`,
      );
      const a1 = await row('deputies', w.ids.deputyA);
      p.check(
        same(deputyFields(a1), deputyFields(a0)),
        `gridAreas:update: deputy A changed ${JSON.stringify(deputyFields(a0))} → ${JSON.stringify(deputyFields(a1))} (answer ${res.status})`,
      );
      await checkNoLeak(p, 'gridAreas:update answer', res.body, staffViewer('A'));
      await restoreDeputy(w.ids.deputyA, a0);
      await app.db.getRepository<BelongsToManyRepository>('gridAreas.deputies', w.ids.grid).set([w.ids.deputyA]);
    }

    // b) station staff, aidPairings:create with nested household and deputy
    {
      const [controlHousehold, ownHousehold, , , , lastA] = f.householdsA;
      const control = await http(
        'POST',
        '/aidPairings:create',
        { deputyId: w.ids.deputyA, householdId: controlHousehold, startDate: '2025-03-01' },
        tok().staffA,
      );
      p.check(
        ok(control.status),
        `aidPairings control: staff A may pair its deputy with its household: ${brief(control)}`,
      );
      const h0 = await row('aidHouseholds', ownHousehold);
      const hb0 = await row('aidHouseholds', f.householdB1);
      const a0 = await row('deputies', w.ids.deputyA);
      const c0 = await counts();
      const res = await http(
        'POST',
        '/aidPairings:create?updateAssociationValues[]=household&updateAssociationValues[]=deputy',
        {
          deputyId: w.ids.deputyA,
          householdId: ownHousehold,
          startDate: '2025-03-01',
          household: {
            id: ownHousehold,
            headName: '改写的户主',
            address: '改写的地址',
            monthlyIncome: '99999.00',
            stationId: w.ids.stationB,
          },
          deputy: { id: w.ids.deputyA, name: '伪造的代表', stationId: w.ids.stationB },
        },
        tok().staffA,
      );
      await noNewRows('aidPairings:create', c0);
      p.check(
        same(householdFields(await row('aidHouseholds', ownHousehold)), householdFields(h0)),
        `aidPairings:create: household #${ownHousehold} rewritten or moved: ${JSON.stringify(householdFields(await row('aidHouseholds', ownHousehold)))} (answer ${res.status})`,
      );
      p.check(
        same(deputyFields(await row('deputies', w.ids.deputyA)), deputyFields(a0)),
        `aidPairings:create: deputy A moved: ${JSON.stringify(deputyFields(await row('deputies', w.ids.deputyA)))}`,
      );
      await checkNoLeak(p, 'aidPairings:create answer', res.body, staffViewer('A'));
      await restoreHousehold(ownHousehold, h0);
      await restoreDeputy(w.ids.deputyA, a0);
      // Another station's household pulled into station A through the nested value.
      const c1 = await counts();
      const res2 = await http(
        'POST',
        '/aidPairings:create?updateAssociationValues[]=household',
        {
          deputyId: w.ids.deputyA,
          householdId: lastA,
          startDate: '2025-03-01',
          household: {
            id: f.householdB1,
            stationId: w.ids.stationA,
            headName: '被搬走的户',
            categoryId: w.ids.category,
          },
        },
        tok().staffA,
      );
      await noNewRows('aidPairings:create (other station household)', c1);
      p.check(
        same(householdFields(await row('aidHouseholds', f.householdB1)), householdFields(hb0)),
        `aidPairings:create: station B's household #${f.householdB1} moved or rewritten: ${JSON.stringify(householdFields(await row('aidHouseholds', f.householdB1)))} (answer ${res2.status})`,
      );
      await checkNoLeak(p, 'aidPairings:create (other station household) answer', res2.body, staffViewer('A'));
      await restoreHousehold(ownHousehold, h0);
      await restoreHousehold(f.householdB1, hb0);
      await restoreDeputy(w.ids.deputyA, a0);
    }

    // c) deputy, aidVisits:create on its own pairing with a nested pairing and household
    {
      const pr0 = await row('aidPairings', w.ids.pairing);
      const h0 = await row('aidHouseholds', w.ids.household);
      const control = await http(
        'POST',
        '/aidVisits:create',
        { pairingId: w.ids.pairing, date: '2025-02-05', mode: 'phone' },
        tok().deputyA,
      );
      p.check(ok(control.status), `aidVisits control: deputy A may record a visit of its pairing: ${brief(control)}`);
      const c0 = await counts();
      const res = await http(
        'POST',
        '/aidVisits:create?updateAssociationValues[]=pairing&updateAssociationValues[]=pairing.household',
        {
          pairingId: w.ids.pairing,
          date: '2025-02-06',
          mode: 'phone',
          // The pairing keeps its deputy and household (the lifecycle refuses those changes): only the nested household is rewritten and moved.
          pairing: {
            id: w.ids.pairing,
            endNote: '改写的备注',
            household: {
              id: w.ids.household,
              headName: '改写的户主',
              categoryId: w.ids.category,
              stationId: w.ids.stationB,
              monthlyIncome: '0.01',
            },
          },
        },
        tok().deputyA,
      );
      await noNewRows('aidVisits:create', c0);
      const pr1 = await row('aidPairings', w.ids.pairing);
      p.check(
        pr1.deputyId === pr0.deputyId && pr1.householdId === pr0.householdId && pr1.endNote === pr0.endNote,
        `aidVisits:create: pairing changed: deputy ${pr0.deputyId} → ${pr1.deputyId}, household ${pr0.householdId} → ${pr1.householdId}, endNote ${pr0.endNote} → ${pr1.endNote} (answer ${res.status})`,
      );
      p.check(
        same(householdFields(await row('aidHouseholds', w.ids.household)), householdFields(h0)),
        `aidVisits:create: household rewritten or moved: ${JSON.stringify(householdFields(await row('aidHouseholds', w.ids.household)))}`,
      );
      await checkNoLeak(p, 'aidVisits:create answer', res.body, deputyViewer('A'));
      await app.db
        .getModel('aidPairings')
        .update(
          { deputyId: pr0.deputyId, householdId: pr0.householdId, endNote: pr0.endNote },
          { where: { id: w.ids.pairing }, hooks: false },
        );
      await restoreHousehold(w.ids.household, h0);
    }

    // d) station staff, opinions:update of its station's opinion with a nested deputy and station
    {
      const a0 = await row('deputies', w.ids.deputyA);
      const s0 = await row('liaisonStations', w.ids.stationA);
      const control = await http(
        'POST',
        `/opinions:update?filterByTk=${w.ids.opinion}`,
        { content: '控制：补充意见内容' },
        tok().staffA,
      );
      p.check(ok(control.status), `opinions control: staff A may edit its station's opinion: ${brief(control)}`);
      const c0 = await counts();
      const res = await http(
        'POST',
        `/opinions:update?filterByTk=${w.ids.opinion}&updateAssociationValues[]=deputy&updateAssociationValues[]=station`,
        {
          content: '攻击',
          deputy: { id: w.ids.deputyA, name: '伪造的代表', stationId: w.ids.stationB, phone: '13000000002' },
          station: { id: w.ids.stationA, name: '改名的联络站', qrToken: 'forged' },
        },
        tok().staffA,
      );
      await noNewRows('opinions:update', c0);
      const op = await row('opinions', w.ids.opinion);
      p.check(
        op.deputyId === w.ids.deputyA && op.stationId === w.ids.stationA,
        `opinions:update: the opinion now points to deputy #${op.deputyId}, station #${op.stationId}`,
      );
      const a1 = await row('deputies', w.ids.deputyA);
      const s1 = await row('liaisonStations', w.ids.stationA);
      p.check(
        same(deputyFields(a1), deputyFields(a0)),
        `opinions:update: deputy A changed ${JSON.stringify(deputyFields(a1))} (answer ${res.status})`,
      );
      p.check(
        s1.name === s0.name && s1.qrToken === s0.qrToken,
        `opinions:update: station A renamed or re-tokened: ${s1.name}`,
      );
      await checkNoLeak(p, 'opinions:update answer', res.body, staffViewer('A'));
      await restoreDeputy(w.ids.deputyA, a0);
      await app.db
        .getModel('liaisonStations')
        .update({ name: s0.name, qrToken: s0.qrToken }, { where: { id: w.ids.stationA }, hooks: false });
    }

    // e) deputy, pointAppeals:create with a nested period set back to open
    {
      const period0 = await row('scorePeriods', w.ids.published);
      const control = await http(
        'POST',
        '/pointAppeals:create',
        { periodId: w.ids.published, kind: 'missing', description: '控制：漏记一次走访' },
        tok().deputyA,
      );
      p.check(
        ok(control.status),
        `pointAppeals control: deputy A may appeal against the published period: ${brief(control)}`,
      );
      const res = await http(
        'POST',
        '/pointAppeals:create?updateAssociationValues[]=period',
        {
          periodId: w.ids.published,
          kind: 'missing',
          description: '攻击',
          period: { id: w.ids.published, status: 'open', appealDeadline: '2099-12-31', version: 0 },
        },
        tok().deputyA,
      );
      const period1 = await row('scorePeriods', w.ids.published);
      p.check(
        period1.status === period0.status &&
          String(period1.appealDeadline) === String(period0.appealDeadline) &&
          period1.version === period0.version,
        `pointAppeals:create: period changed ${period0.status}/${period0.appealDeadline}/v${period0.version} → ${period1.status}/${period1.appealDeadline}/v${period1.version} (answer ${res.status})`,
      );
      await checkNoLeak(p, 'pointAppeals:create answer', res.body, deputyViewer('A'));
      await app.db
        .getModel('scorePeriods')
        .update(
          { status: period0.status, appealDeadline: period0.appealDeadline, version: period0.version },
          { where: { id: w.ids.published }, hooks: false },
        );
    }
    p.done();
  });

  it('4. deputy: appends (gridAreas→deputies, deputyTerms→deputies, deputies→gridAreas.deputies, receptionSessions→roster, deputies→station.staff, dutyActivities→station.deputies, createdBy on anything) show no phone, user id, QR token, username or e-mail of others', async () => {
    const p = collector();
    const urls = [
      '/gridAreas:list?pageSize=200&appends[]=deputies',
      '/deputyTerms:list?pageSize=200&appends[]=deputies',
      '/deputies:list?pageSize=200&appends[]=gridAreas.deputies',
      '/receptionSessions:list?pageSize=200&appends[]=roster',
      '/deputies:list?pageSize=200&appends[]=station.staff',
      '/dutyActivities:list?pageSize=200&appends[]=station.deputies',
      `/gridAreas:get?filterByTk=${f.gridB}&appends[]=deputies`,
      `/dutyActivities:get?filterByTk=${f.activityB}&appends[]=station.deputies&appends[]=station.staff`,
    ];
    for (const name of [
      'deputies',
      'liaisonStations',
      'gridAreas',
      'deputyGroups',
      'deputyTerms',
      'dutyItems',
      'dutyActivities',
      'scorePeriods',
      'dutyRecords',
      'pointAppeals',
      'aidPairings',
      'opinions',
      'mediationCases',
    ]) {
      urls.push(`/${name}:list?pageSize=200&appends[]=createdBy&appends[]=updatedBy`);
    }
    let answered = 0;
    for (const url of urls) {
      const res = await http('GET', url, undefined, tok().deputyA);
      if (!ok(res.status)) continue; // a refusal is acceptable
      answered += 1;
      // Sign-in codes are example 6's.
      await checkNoLeak(p, `GET ${url}`, res.body, deputyViewer('A'), ['signInCode']);
    }
    // The fixtures are such that the appends do reach others: deputy B is in grid area B, in the term, on session B's roster.
    p.check(answered > 0 || urls.length === 0, 'no URL answered (nothing checked)');
    p.done();
  });

  it('4 (the other way). what a role may read still comes back: appended associations in its field list, with their readable fields', async () => {
    const p = collector();
    // A deputy's grid areas and station, and the public fields of the deputies of its grid area.
    const deputies = await http(
      'GET',
      '/deputies:list?pageSize=200&appends[]=station&appends[]=gridAreas.deputies',
      undefined,
      tok().deputyA,
    );
    p.check(ok(deputies.status), `deputies:list answered ${deputies.status}`);
    const rows: any[] = deputies.body?.data ?? [];
    p.check(
      rows.length > 1 && rows.every((d) => d.station && typeof d.station.name === 'string'),
      'every deputy comes with its station name',
    );
    p.check(
      rows.some((d) =>
        (d.gridAreas ?? []).some((g: any) => (g.deputies ?? []).some((x: any) => typeof x.name === 'string')),
      ),
      'grid areas come with their deputies’ names',
    );
    // Station staff see their station's deputies with the phone (their field list has it).
    const staff = await http('GET', '/gridAreas:list?pageSize=200&appends[]=deputies', undefined, tok().staffA);
    p.check(ok(staff.status), `gridAreas:list (staff) answered ${staff.status}`);
    p.check(
      (staff.body?.data ?? []).some((g: any) => (g.deputies ?? []).some((x: any) => typeof x.phone === 'string')),
      'staff see the phone of their own deputies',
    );
    p.done();
  });

  it('5. deputy: filters on createdBy.password ($like prefixes) and on deputies’ phone are refused or ignored — no yes/no oracle', async () => {
    const p = collector();
    const hash = await passwordHash((await repo('users').findOne({ filter: { username: 'matrix-admin' } })).get('id'));
    const ids = (res: any) => JSON.stringify((res.body?.data ?? []).map((r: any) => r.id));
    const plainItems = await http('GET', '/dutyItems:list?pageSize=500&sort=id', undefined, tok().deputyA);
    p.check(
      ok(plainItems.status) && (plainItems.body.data ?? []).some((r: any) => r.id === f.itemByAdmin),
      `control: the deputy lists duty items, the one made by the administrator included: ${brief(plainItems)}`,
    );
    const other = hash[0] === 'z' ? 'y' : 'z';
    for (const prefix of [
      '$2%',
      `${hash.slice(0, 1)}%`,
      `${hash.slice(0, 2)}%`,
      `${hash.slice(0, 8)}%`,
      `${other}%`,
      `%${hash.slice(-6)}`,
    ]) {
      const filter = { 'createdBy.password': { $like: prefix } };
      const res = await http(
        'GET',
        `/dutyItems:list?pageSize=500&sort=id&filter=${q(filter)}`,
        undefined,
        tok().deputyA,
      );
      p.check(
        res.status >= 400 || ids(res) === ids(plainItems),
        `dutyItems filter createdBy.password $like "${prefix}": answered ${res.status} with ${(res.body?.data ?? []).length} of ${(plainItems.body.data ?? []).length} rows (an oracle)`,
      );
      await checkNoLeak(p, `dutyItems filter ${prefix}`, res.body, deputyViewer('A'));
    }
    for (const filter of [
      { 'createdBy.username': { $eq: 'matrix-admin' } },
      { 'createdBy.email': { $like: 'matrix%' } },
    ]) {
      const res = await http(
        'GET',
        `/dutyItems:list?pageSize=500&sort=id&filter=${q(filter)}`,
        undefined,
        tok().deputyA,
      );
      p.check(
        res.status >= 400 || ids(res) === ids(plainItems),
        `dutyItems filter ${JSON.stringify(filter)}: answered ${res.status} with ${(res.body?.data ?? []).length} rows (an oracle)`,
      );
    }
    const plainDeputies = await http('GET', '/deputies:list?pageSize=500&sort=id', undefined, tok().deputyA);
    p.check(
      ok(plainDeputies.status) && (plainDeputies.body.data ?? []).length >= 2,
      `control: the deputy lists deputies: ${brief(plainDeputies)}`,
    );
    const phoneB = (await row('deputies', w.ids.deputyB)).phone;
    for (const filter of [
      { phone: { $like: '15%' } },
      { phone: { $like: '99%' } },
      { phone: { $eq: phoneB } },
      { phone: { $like: `${phoneB.slice(0, 6)}%` } },
      { 'user.username': { $eq: phoneB } },
      { qrToken: { $like: `${f.qr[w.ids.deputyB].slice(0, 2)}%` } },
    ]) {
      const res = await http(
        'GET',
        `/deputies:list?pageSize=500&sort=id&filter=${q(filter)}`,
        undefined,
        tok().deputyA,
      );
      p.check(
        res.status >= 400 || ids(res) === ids(plainDeputies),
        `deputies filter ${JSON.stringify(filter)}: answered ${res.status} with ${(res.body?.data ?? []).length} of ${(plainDeputies.body.data ?? []).length} rows (an oracle)`,
      );
      await checkNoLeak(p, `deputies filter ${JSON.stringify(filter)}`, res.body, deputyViewer('A'));
    }
    p.done();
  });

  it('6. deputy: another station’s activity signInCode can be read neither by list, get nor appends, and signing in with it fails', async () => {
    const p = collector();
    const code = (await row('dutyActivities', f.activityB)).signInCode as string;
    p.check(!!code, 'fixture: activity B has a sign-in code');
    const reads = [
      `/dutyActivities:list?pageSize=200&filter=${q({ id: f.activityB })}`,
      '/dutyActivities:list?pageSize=200',
      `/dutyActivities:get?filterByTk=${f.activityB}`,
      `/dutyActivities:list?pageSize=200&fields[]=id&fields[]=signInCode`,
      `/receptionSessions:list?pageSize=200&appends[]=activity`,
      `/receptionSessions:get?filterByTk=${f.sessionB}&appends[]=activity`,
      `/activityAttendances:list?pageSize=200&appends[]=activity`,
      `/dutyRecords:list?pageSize=200&appends[]=item`,
    ];
    for (const url of reads) {
      const res = await http('GET', url, undefined, tok().deputyA);
      if (!ok(res.status)) continue;
      p.check(!JSON.stringify(res.body).includes(code), `GET ${url}: the answer holds activity B's sign-in code`);
      await checkNoLeak(p, `GET ${url}`, res.body, deputyViewer('A'));
    }
    const attendances0 = await count('activityAttendances', { activityId: f.activityB });
    const records0 = await count('dutyRecords', { deputyId: w.ids.deputyA });
    const res = await http('POST', '/dutyActivities:signIn', { code }, tok().deputyA);
    p.check(!ok(res.status), `deputy A (station A) signed in to station B's activity with its code: ${brief(res)}`);
    p.check(
      (await count('activityAttendances', { activityId: f.activityB, deputyId: w.ids.deputyA })) === 0,
      'an attendance of deputy A at activity B was stored',
    );
    p.check(
      (await count('dutyRecords', { deputyId: w.ids.deputyA })) === records0,
      'a duty record of deputy A was filed',
    );
    p.check(
      (await count('activityAttendances', { activityId: f.activityB })) === attendances0,
      'activity B got an attendance',
    );
    // Control: the activity is open to its own station's deputy, today.
    const control = await http('POST', '/dutyActivities:signIn', { code }, tok().deputyB);
    p.check(ok(control.status), `control: deputy B (station B) signs in to activity B: ${brief(control)}`);
    p.done();
  });

  it('7. sign-in lockout: giving the account as `email`, and parallel wrong guesses, still lock after deputySettings.maxSignInFailures', async () => {
    const p = collector();
    const settings: Model = await repo('deputySettings').findOne();
    const original = {
      maxSignInFailures: settings.get('maxSignInFailures'),
      signInLockMinutes: settings.get('signInLockMinutes'),
    };
    await w.admin('POST', `/deputySettings:update?filterByTk=${settings.get('id')}`, {
      maxSignInFailures: 3,
      signInLockMinutes: 10,
    });
    try {
      const mk = async (username: string) =>
        (
          await repo('users').create({
            values: { username, nickname: username, email: `${username}@example.gov.cn`, password: 'Right-Passw0rd1' },
          })
        ).toJSON() as any;
      // a) e-mail instead of account
      const u1 = await mk('lock-email');
      const viaEmail = (password: string) => http('POST', '/auth:signIn', { email: u1.email, password });
      const control = await viaEmail('Right-Passw0rd1');
      p.check(ok(control.status), `control: signing in with email works: ${brief(control)}`);
      for (let i = 0; i < 3; i++) {
        const res = await viaEmail('Wrong-Passw0rd9');
        p.check(!ok(res.status), `wrong password ${i + 1} through email accepted`);
      }
      const stored1: Model = await repo('users').findOne({ filterByTk: u1.id });
      p.check(
        stored1.get('lockedUntil') && new Date(stored1.get('lockedUntil')) > new Date(),
        `after 3 wrong passwords through email the account is not locked (failedSignIns ${stored1.get('failedSignIns')}, lockedUntil ${stored1.get('lockedUntil')})`,
      );
      const right1 = await viaEmail('Right-Passw0rd1');
      p.check(
        right1.status === 403,
        `the right password through email after 3 failures is not refused as locked: ${brief(right1)}`,
      );
      const right1b = await signIn('lock-email', 'Right-Passw0rd1');
      p.check(
        right1b.status === 403,
        `the right password through account after 3 failures through email is not refused as locked: ${brief(right1b)}`,
      );
      // a') the e-mail given as `account`
      const u3 = await mk('lock-email-account');
      for (let i = 0; i < 3; i++) await signIn(u3.email, 'Wrong-Passw0rd9');
      const right3 = await signIn('lock-email-account', 'Right-Passw0rd1');
      p.check(
        right3.status === 403,
        `the right password after 3 failures with the e-mail as account is not refused as locked: ${brief(right3)}`,
      );
      // b) parallel wrong guesses
      const u2 = await mk('lock-parallel');
      await Promise.all([0, 1, 2].map(() => signIn('lock-parallel', 'Wrong-Passw0rd9')));
      const stored2: Model = await repo('users').findOne({ filterByTk: u2.id });
      p.check(
        stored2.get('lockedUntil') && new Date(stored2.get('lockedUntil')) > new Date(),
        `after 3 parallel wrong passwords the account is not locked (failedSignIns ${stored2.get('failedSignIns')})`,
      );
      const right2 = await signIn('lock-parallel', 'Right-Passw0rd1');
      p.check(
        right2.status === 403,
        `the right password after 3 parallel failures is not refused as locked: ${brief(right2)}`,
      );
      // b') many parallel guesses: the count is exact, the account locked
      const u4 = await mk('lock-parallel-many');
      await Promise.all(
        Array.from({ length: 8 }, () => http('POST', '/auth:signIn', { email: u4.email, password: 'Wrong-Passw0rd9' })),
      );
      const right4 = await signIn('lock-parallel-many', 'Right-Passw0rd1');
      p.check(
        right4.status === 403,
        `the right password after 8 parallel failures through email is not refused as locked: ${brief(right4)}`,
      );
    } finally {
      await w.admin('POST', `/deputySettings:update?filterByTk=${settings.get('id')}`, original);
    }
    p.done();
  });

  it('8. a user cannot attach another user’s upload to its own duty record (create and update with evidence: [{id}]), nor read that upload', async () => {
    const p = collector();
    const foreign = await upload(tok().deputyB, '乙代表的照片.png');
    const own = await upload(tok().deputyA, '甲代表的照片.png');
    const itemId = w.ids.item;
    // Control: its own upload is attached.
    const control = await http(
      'POST',
      '/dutyRecords:create',
      { itemId, date: '2024-08-01', evidence: [{ id: own.id }] },
      tok().deputyA,
    );
    p.check(
      ok(control.status) && (await evidenceIds(control.body.data.id)).includes(own.id),
      `control: deputy A attaches its own upload at create: ${brief(control)}`,
    );
    // create
    const records0 = await count('dutyRecords', { deputyId: w.ids.deputyA });
    const created = await http(
      'POST',
      '/dutyRecords:create',
      { itemId, date: '2024-08-02', evidence: [{ id: foreign.id }] },
      tok().deputyA,
    );
    p.check(!ok(created.status), `dutyRecords:create with another user's upload was accepted: ${brief(created)}`);
    if (ok(created.status))
      p.check(
        !(await evidenceIds(created.body.data.id)).includes(foreign.id),
        'dutyRecords:create linked another user’s upload',
      );
    else
      p.check(
        (await count('dutyRecords', { deputyId: w.ids.deputyA })) === records0,
        'a refused create still stored a record',
      );
    await checkNoLeak(p, 'dutyRecords:create answer', created.body, deputyViewer('A'));
    // update
    const draft = await http('POST', '/dutyRecords:create', { itemId, date: '2024-08-03' }, tok().deputyA);
    const draftId = draft.body.data.id;
    const ctrlUpdate = await http(
      'POST',
      `/dutyRecords:update?filterByTk=${draftId}`,
      { description: '控制' },
      tok().deputyA,
    );
    p.check(ok(ctrlUpdate.status), `control: deputy A may update its draft: ${brief(ctrlUpdate)}`);
    const updated = await http(
      'POST',
      `/dutyRecords:update?filterByTk=${draftId}`,
      { evidence: [{ id: foreign.id }] },
      tok().deputyA,
    );
    p.check(!ok(updated.status), `dutyRecords:update with another user's upload was accepted: ${brief(updated)}`);
    p.check(!(await evidenceIds(draftId)).includes(foreign.id), 'dutyRecords:update linked another user’s upload');
    const added = await http(
      'POST',
      `/dutyRecords/${draftId}/evidence:add?filterByTk=${foreign.id}`,
      {},
      tok().deputyA,
    );
    p.check(
      !(await evidenceIds(draftId)).includes(foreign.id),
      `dutyRecords/ID/evidence:add linked another user’s upload (answer ${added.status})`,
    );
    // Not readable by deputy A: not through attachments, not through its records, not by URL.
    for (const url of [
      `/attachments:get?filterByTk=${foreign.id}`,
      `/attachments:list?filter=${q({ id: foreign.id })}`,
      `/dutyRecords:list?pageSize=200&appends[]=evidence`,
      `/dutyRecords:get?filterByTk=${draftId}&appends[]=evidence`,
    ]) {
      const res = await http('GET', url, undefined, tok().deputyA);
      p.check(
        !ok(res.status) || !JSON.stringify(res.body).includes(foreign.filename),
        `GET ${url}: deputy A reads the other user's upload`,
      );
    }
    // Its uploader fetches it (control), by id and by stored name; deputy A by neither.
    for (const url of fileUrls(foreign)) {
      const mine = await fetchFile(url, tok().deputyB);
      p.check(
        mine.status === 200 && mine.body.equals(PNG),
        `control: deputy B fetches its own upload at ${url}: ${mine.status}`,
      );
      const theirs = await fetchFile(url, tok().deputyA);
      p.check(
        theirs.status === 404 && !theirs.body.equals(PNG),
        `GET ${url}: deputy A downloads the other user's upload (${theirs.status})`,
      );
    }
    p.done();
  });

  it('8b. a file on a duty record is fetched by who may read the record (its deputy, its station, administrators), by nobody else', async () => {
    const p = collector();
    const photo = await upload(tok().deputyA, '甲代表的佐证.png');
    const record = await http(
      'POST',
      '/dutyRecords:create',
      { itemId: w.ids.item, date: '2024-08-05', evidence: [{ id: photo.id }] },
      tok().deputyA,
    );
    p.check(
      ok(record.status) && (await evidenceIds(record.body.data.id)).includes(photo.id),
      `control: the evidence is attached: ${brief(record)}`,
    );
    for (const url of fileUrls(photo)) {
      for (const who of ['deputyA', 'staffA', 'admin']) {
        const res = await fetchFile(url, tok()[who]);
        p.check(
          res.status === 200 && res.body.equals(PNG),
          `${who} may read the record and fetches its evidence at ${url}: ${res.status}`,
        );
      }
      for (const who of ['deputyB', 'staffB', 'anonymous']) {
        const res = await fetchFile(url, tok()[who]);
        p.check(
          res.status !== 200 && !res.body.equals(PNG),
          `${who} may not read the record but fetched its evidence at ${url}: ${res.status}`,
        );
      }
    }
    p.done();
  });

  it('8c. a custom action’s answer keeps its own record and prunes what the record carries along: deputies:me shows the deputy its phone, not its station head’s user id or the station’s QR token', async () => {
    const p = collector();
    const me = await http('GET', '/deputies:me', undefined, tok().deputyA);
    p.check(
      ok(me.status) && me.body.data?.id === w.ids.deputyA,
      `control: deputies:me answers deputy A's record: ${brief(me)}`,
    );
    const own = (await row('deputies', w.ids.deputyA)) as any;
    p.check(
      me.body.data?.phone === own.phone,
      'deputies:me lost the deputy’s own phone (a chosen record keeps its values)',
    );
    const station = me.body.data?.station ?? {};
    p.check(station.name, `deputies:me lost the station's name: ${JSON.stringify(station)}`);
    for (const hidden of ['headId', 'qrToken', 'staff', 'head'])
      p.check(!(hidden in station), `deputies:me shows the station's ${hidden}: ${JSON.stringify(station)}`);
    // Its own user id and QR token are the deputy's to see; nobody else's value may appear.
    await checkNoLeak(p, 'deputies:me answer', me.body, deputyViewer('A'), ['userId', 'qrToken']);
    p.done();
  });

  it('9. station staff cannot change the evidence of an approved record (dutyRecords:update {evidence}, dutyRecords/ID/evidence:add|remove|set)', async () => {
    const p = collector();
    const first = await upload(tok().staffA, '原始佐证.png');
    const second = await upload(tok().staffA, '替换佐证.png');
    // Control: on a draft of its station, staff A changes the evidence.
    const draft = await http(
      'POST',
      '/dutyRecords:create',
      { deputyId: w.ids.deputyA, itemId: w.ids.item, date: '2024-09-01' },
      tok().staffA,
    );
    p.check(ok(draft.status), `control: staff A records a duty for its deputy: ${brief(draft)}`);
    if (ok(draft.status)) {
      const ctrl = await http(
        'POST',
        `/dutyRecords:update?filterByTk=${draft.body.data.id}`,
        { evidence: [{ id: second.id }] },
        tok().staffA,
      );
      p.check(
        ok(ctrl.status) && (await evidenceIds(draft.body.data.id)).includes(second.id),
        `control: staff A changes the evidence of a draft: ${brief(ctrl)}`,
      );
    }
    // An approved record with one piece of evidence (the administrator's own upload).
    const adminFile = await upload(tok().admin, '管理员佐证.png');
    const approved = await w.admin('POST', '/dutyRecords:create', {
      deputyId: w.ids.deputyA,
      itemId: w.ids.item,
      date: '2024-09-02',
      evidence: [adminFile.id],
    });
    await w.admin('POST', `/dutyRecords:submit?filterByTk=${approved.id}`, {});
    await w.admin('POST', `/dutyRecords:update?filterByTk=${approved.id}`, { status: 'approved' });
    p.check((await row('dutyRecords', approved.id)).status === 'approved', 'fixture: the record is approved');
    const before = await evidenceIds(approved.id);
    p.check(
      JSON.stringify(before) === JSON.stringify([adminFile.id]),
      `fixture: the approved record holds its evidence (${before})`,
    );
    const attacks: [string, string, any][] = [
      [
        'dutyRecords:update {evidence: [kept, second]}',
        `/dutyRecords:update?filterByTk=${approved.id}`,
        { evidence: [{ id: adminFile.id }, { id: second.id }] },
      ],
      [
        'dutyRecords:update {evidence: [own upload]}',
        `/dutyRecords:update?filterByTk=${approved.id}`,
        { evidence: [{ id: first.id }] },
      ],
      ['dutyRecords:update {evidence: []}', `/dutyRecords:update?filterByTk=${approved.id}`, { evidence: [] }],
      ['dutyRecords/ID/evidence:add', `/dutyRecords/${approved.id}/evidence:add?filterByTk=${second.id}`, {}],
      ['dutyRecords/ID/evidence:remove', `/dutyRecords/${approved.id}/evidence:remove?filterByTk=${adminFile.id}`, {}],
      ['dutyRecords/ID/evidence:set', `/dutyRecords/${approved.id}/evidence:set`, [second.id]],
      ['dutyRecords/ID/evidence:toggle', `/dutyRecords/${approved.id}/evidence:toggle?filterByTk=${adminFile.id}`, {}],
    ];
    for (const [label, url, body] of attacks) {
      const res = await http('POST', url, body, tok().staffA);
      const after = await evidenceIds(approved.id);
      p.check(!ok(res.status), `${label}: answered ${res.status}, not refused`);
      p.check(
        JSON.stringify(after) === JSON.stringify(before),
        `${label}: evidence of the approved record changed ${before} → ${after}`,
      );
      const rec = await row('dutyRecords', approved.id);
      p.check(rec.status === 'approved', `${label}: the record's status changed to ${rec.status}`);
      // Put the evidence back so that each route is tested on its own.
      if (JSON.stringify(after) !== JSON.stringify(before))
        await app.db.getRepository<BelongsToManyRepository>('dutyRecords.evidence', approved.id).set(before);
    }
    p.done();
  });

  it('10. association routes: aidPairings/ID/visits:create on another station’s pairing, aidHouseholds/ID/pairings:create with another station’s deputy, dutyActivities/ID/attendances:create are refused and create nothing', async () => {
    const p = collector();
    // Control: staff B records visits of its own station's pairing.
    const control = await http(
      'POST',
      '/aidVisits:create',
      { pairingId: f.pairingB, date: '2025-02-07', mode: 'home' },
      tok().staffB,
    );
    p.check(ok(control.status), `control: staff B records a visit of its station's pairing: ${brief(control)}`);
    // visits on station A's pairing, through the association route
    for (const who of ['staffB', 'deputyB'] as const) {
      const visits0 = await count('aidVisits', { pairingId: w.ids.pairing });
      const res = await http(
        'POST',
        `/aidPairings/${w.ids.pairing}/visits:create`,
        { date: '2025-02-08', mode: 'home', findings: '伪造的走访' },
        tok()[who],
      );
      p.check(
        !ok(res.status),
        `${who}: aidPairings/${w.ids.pairing}/visits:create (station A's pairing) answered ${res.status}`,
      );
      p.check(
        (await count('aidVisits', { pairingId: w.ids.pairing })) === visits0,
        `${who}: a visit was created on station A's pairing`,
      );
      await checkNoLeak(
        p,
        `${who} visits:create answer`,
        res.body,
        who === 'staffB' ? staffViewer('B') : deputyViewer('B'),
      );
    }
    // pairings of a station A household with station B's deputy
    const household = f.householdsA[2];
    const ctrlPair = await http(
      'POST',
      '/aidPairings:create',
      { deputyId: w.ids.deputyA, householdId: f.householdsA[3], startDate: '2025-03-02' },
      tok().staffA,
    );
    p.check(ok(ctrlPair.status), `control: staff A pairs its deputy with its household: ${brief(ctrlPair)}`);
    const pairings0 = await count('aidPairings', { householdId: household });
    const pair = await http(
      'POST',
      `/aidHouseholds/${household}/pairings:create`,
      { deputyId: w.ids.deputyB, startDate: '2025-03-02' },
      tok().staffA,
    );
    p.check(!ok(pair.status), `aidHouseholds/${household}/pairings:create with deputy B answered ${pair.status}`);
    p.check(
      (await count('aidPairings', { householdId: household, deputyId: w.ids.deputyB })) === 0,
      'a pairing of a station A household with station B’s deputy was created',
    );
    p.check((await count('aidPairings', { householdId: household })) === pairings0, 'the household got a pairing');
    // attendances, forged
    for (const [who, deputyId] of [
      ['deputyA', w.ids.deputyA],
      ['staffA', w.ids.deputyB],
      ['staffA', w.ids.deputyA],
      ['staffB', w.ids.deputyB],
    ] as const) {
      const attendances0 = await count('activityAttendances', { activityId: f.activityA2 });
      const res = await http('POST', `/dutyActivities/${f.activityA2}/attendances:create`, { deputyId }, tok()[who]);
      p.check(
        !ok(res.status),
        `${who}: dutyActivities/${f.activityA2}/attendances:create {deputyId: ${deputyId}} answered ${res.status}`,
      );
      p.check(
        (await count('activityAttendances', { activityId: f.activityA2 })) === attendances0,
        `${who}: a forged attendance of deputy #${deputyId} was created`,
      );
    }
    p.done();
  });

  it('11. station staff cannot roster another station’s deputy into their reception session, nor pair their deputy with another station’s household', async () => {
    const p = collector();
    const roster = async (id: number) =>
      (await app.db.getRepository<BelongsToManyRepository>('receptionSessions.roster', id).find())
        .map((d: Model) => d.get('id'))
        .sort();
    const before = await roster(w.ids.session);
    const control = await http(
      'POST',
      `/receptionSessions:update?filterByTk=${w.ids.session}`,
      { roster: [w.ids.deputyA] },
      tok().staffA,
    );
    p.check(ok(control.status), `control: staff A sets the roster of its session to its own deputy: ${brief(control)}`);
    const attacks: [string, string, any][] = [
      [
        'receptionSessions:update {roster: [A, B]}',
        `/receptionSessions:update?filterByTk=${w.ids.session}`,
        { roster: [w.ids.deputyA, w.ids.deputyB] },
      ],
      [
        'receptionSessions:update {roster: [{id: B}]}',
        `/receptionSessions:update?filterByTk=${w.ids.session}`,
        { roster: [{ id: w.ids.deputyB }] },
      ],
      [
        'receptionSessions/ID/roster:add',
        `/receptionSessions/${w.ids.session}/roster:add?filterByTk=${w.ids.deputyB}`,
        {},
      ],
    ];
    for (const [label, url, body] of attacks) {
      const res = await http('POST', url, body, tok().staffA);
      const after = await roster(w.ids.session);
      p.check(
        !after.includes(w.ids.deputyB),
        `${label}: deputy B (station B) is now on station A's roster (answer ${res.status})`,
      );
      p.check(!ok(res.status), `${label}: answered ${res.status}, not refused`);
      if (JSON.stringify(after) !== JSON.stringify(before))
        await app.db.getRepository<BelongsToManyRepository>('receptionSessions.roster', w.ids.session).set(before);
    }
    const sessions0 = await count('receptionSessions', { stationId: w.ids.stationA });
    const created = await http(
      'POST',
      '/receptionSessions:create',
      {
        stationId: w.ids.stationA,
        scheduledOn: '2024-11-06',
        date: '2024-11-06',
        noticeOn: '2024-11-03',
        roster: [w.ids.deputyB],
      },
      tok().staffA,
    );
    p.check(!ok(created.status), `receptionSessions:create with deputy B on the roster answered ${created.status}`);
    p.check((await count('receptionSessions', { stationId: w.ids.stationA })) === sessions0, 'a session was created');
    // pairing with another station's household
    const pairings0 = await count('aidPairings', { householdId: f.householdB1 });
    const pair = await http(
      'POST',
      '/aidPairings:create',
      { deputyId: w.ids.deputyA, householdId: f.householdB1, startDate: '2025-03-03' },
      tok().staffA,
    );
    p.check(!ok(pair.status), `aidPairings:create of deputy A with station B's household answered ${pair.status}`);
    p.check(
      (await count('aidPairings', { householdId: f.householdB1 })) === pairings0,
      'a pairing with station B’s household was created',
    );
    const read = await http('GET', `/aidHouseholds:get?filterByTk=${f.householdB1}`, undefined, tok().staffA);
    p.check(!ok(read.status) || !read.body?.data, `staff A reads station B's household afterwards: ${brief(read)}`);
    p.done();
  });

  it('12. a deputy who has left office, and users with an unchanged initial password, are refused (403) opinions:progress|answer, mediationCases:milestone, dutyActivities:signIn, opinions:classify|assign|close, with nothing changed', async () => {
    const p = collector();
    const milestones = (opinionId: number) => count('opinionMilestones', { opinionId });
    const state = async (opinionId: number) => ({
      status: (await row('opinions', opinionId)).status,
      milestones: await milestones(opinionId),
    });
    const activityCode = (await row('dutyActivities', f.activityA2)).signInCode;
    // Opinions and cases of each actor, made while all are active.
    const C = f.deputyC;
    const D = f.deputyD;
    const own: Record<string, Record<string, number>> = {};
    for (const d of [C, D]) {
      own[d.username] = {
        progress: await opinionAt(d.qrToken, 'assigned'),
        answer: await opinionAt(d.qrToken, 'assigned'),
        mediation: (
          await w.admin('POST', '/mediationCases:create', {
            title: `纠纷-${++serial}`,
            stationId: w.ids.stationA,
            deputyId: d.id,
          })
        ).id,
      };
    }
    const staffOps = {
      classify: await opinionAt(w.qrToken, 'received'),
      assign: await opinionAt(w.qrToken, 'classified'),
      progress: await opinionAt(w.qrToken, 'assigned'),
      answer: await opinionAt(w.qrToken, 'assigned'),
      close: await opinionAt(w.qrToken, 'answered'),
      mediation: (
        await w.admin('POST', '/mediationCases:create', {
          title: `纠纷-${++serial}`,
          stationId: w.ids.stationA,
          deputyId: w.ids.deputyA,
        })
      ).id,
    };
    // Controls: an active deputy and active staff run the same steps.
    const ctrlOpinion = await opinionAt(w.qrToken, 'assigned');
    const ctrl1 = await http(
      'POST',
      `/opinions:progress?filterByTk=${ctrlOpinion}`,
      { note: '已到现场' },
      tok().deputyA,
    );
    p.check(ok(ctrl1.status), `control: deputy A reports progress on its opinion: ${brief(ctrl1)}`);
    const ctrlClassify = await opinionAt(w.qrToken, 'received');
    const ctrl2 = await http(
      'POST',
      `/opinions:classify?filterByTk=${ctrlClassify}`,
      { opinionClassId: w.ids.opinionClass },
      tok().staffA,
    );
    p.check(ok(ctrl2.status), `control: staff A classifies its station's opinion: ${brief(ctrl2)}`);
    const ctrlCase = (
      await w.admin('POST', '/mediationCases:create', {
        title: `纠纷-${++serial}`,
        stationId: w.ids.stationA,
        deputyId: w.ids.deputyA,
      })
    ).id;
    const ctrl3 = await http(
      'POST',
      `/mediationCases:milestone?filterByTk=${ctrlCase}`,
      { stage: 'respond', note: '已联系' },
      tok().deputyA,
    );
    p.check(ok(ctrl3.status), `control: deputy A records a milestone of its case: ${brief(ctrl3)}`);
    // The write guard's own check works for these users on a plain write (so the setup is right).
    const guard = await http('POST', '/dutyRecords:create', { itemId: w.ids.item, date: '2024-10-01' }, D.token);
    p.check(
      guard.status === 403,
      `setup: a deputy with its initial password is refused dutyRecords:create (${guard.status})`,
    );

    // Deputy C leaves office.
    await w.admin('POST', `/deputies:update?filterByTk=${C.id}`, { status: 'left', leftOn: today() });
    p.check((await row('deputies', C.id)).status === 'left', 'setup: deputy C has left office');

    const attempt = async (
      who: string,
      token: string,
      label: string,
      url: string,
      body: any,
      opinionId?: number,
      caseId?: number,
    ) => {
      const opinion0 = opinionId ? await state(opinionId) : null;
      const case0 = caseId ? await row('mediationCases', caseId) : null;
      const res = await http('POST', url, body, token);
      p.check(res.status === 403, `${who} ${label}: answered ${brief(res)}, not 403`);
      if (opinionId) {
        const opinion1 = await state(opinionId);
        p.check(
          JSON.stringify(opinion1) === JSON.stringify(opinion0),
          `${who} ${label}: opinion changed ${JSON.stringify(opinion0)} → ${JSON.stringify(opinion1)}`,
        );
      }
      if (caseId) {
        const case1 = await row('mediationCases', caseId);
        p.check(
          !case1.respondedAt && case1.status === case0.status,
          `${who} ${label}: the case changed (respondedAt ${case1.respondedAt})`,
        );
      }
    };
    for (const d of [C, D]) {
      const who = d === C ? 'left deputy' : 'deputy with initial password';
      const o = own[d.username];
      await attempt(
        who,
        d.token,
        'opinions:progress',
        `/opinions:progress?filterByTk=${o.progress}`,
        { note: '伪造的进展' },
        o.progress,
      );
      await attempt(
        who,
        d.token,
        'opinions:answer',
        `/opinions:answer?filterByTk=${o.answer}`,
        { answer: '伪造的答复' },
        o.answer,
      );
      await attempt(
        who,
        d.token,
        'mediationCases:milestone',
        `/mediationCases:milestone?filterByTk=${o.mediation}`,
        { stage: 'respond', note: '伪造' },
        undefined,
        o.mediation,
      );
      const att0 = await count('activityAttendances', { deputyId: d.id });
      const rec0 = await count('dutyRecords', { deputyId: d.id });
      await attempt(who, d.token, 'dutyActivities:signIn', '/dutyActivities:signIn', { code: activityCode });
      p.check(
        (await count('activityAttendances', { deputyId: d.id })) === att0 &&
          (await count('dutyRecords', { deputyId: d.id })) === rec0,
        `${who} dutyActivities:signIn: an attendance or duty record was stored`,
      );
    }
    const S = f.freshStaff;
    const who = 'staff with initial password';
    await attempt(
      who,
      S.token,
      'opinions:classify',
      `/opinions:classify?filterByTk=${staffOps.classify}`,
      { opinionClassId: w.ids.opinionClass },
      staffOps.classify,
    );
    await attempt(
      who,
      S.token,
      'opinions:assign',
      `/opinions:assign?filterByTk=${staffOps.assign}`,
      { handlingUnit: '县交通局' },
      staffOps.assign,
    );
    await attempt(
      who,
      S.token,
      'opinions:progress',
      `/opinions:progress?filterByTk=${staffOps.progress}`,
      { note: '伪造的进展' },
      staffOps.progress,
    );
    await attempt(
      who,
      S.token,
      'opinions:answer',
      `/opinions:answer?filterByTk=${staffOps.answer}`,
      { answer: '伪造的答复' },
      staffOps.answer,
    );
    await attempt(
      who,
      S.token,
      'opinions:closeOpinion',
      `/opinions:closeOpinion?filterByTk=${staffOps.close}`,
      {},
      staffOps.close,
    );
    await attempt(
      who,
      S.token,
      'mediationCases:milestone',
      `/mediationCases:milestone?filterByTk=${staffOps.mediation}`,
      { stage: 'respond', note: '伪造' },
      undefined,
      staffOps.mediation,
    );
    // Control: the activity was open to an active deputy of the station, today.
    const ctrl4 = await http('POST', '/dutyActivities:signIn', { code: activityCode }, tok().deputyA);
    p.check(ok(ctrl4.status), `control: deputy A signs in to the activity: ${brief(ctrl4)}`);
    p.done();
  });

  it('13. a deputy cannot confirm its own 1+N outcome (aidRecords:create {confirmed: true}); aidKpi:summary counts confirmed outcomes only', async () => {
    const p = collector();
    const relief: Model = await repo('aidAssistanceTypes').findOne({ filter: { code: 'relief' } });
    const day = '2025-05-17';
    const values = {
      pairingId: w.ids.pairing,
      typeId: relief.get('id'),
      date: day,
      amount: '300.00',
      description: '临时救助',
    };
    const control = await http('POST', '/aidRecords:create', values, tok().deputyA);
    p.check(ok(control.status), `control: deputy A records an outcome of its pairing: ${brief(control)}`);
    const res = await http(
      'POST',
      '/aidRecords:create',
      { ...values, amount: '500.00', confirmed: true },
      tok().deputyA,
    );
    p.check(
      ok(res.status) || res.status === 403 || res.status === 400,
      `aidRecords:create {confirmed: true}: ${brief(res)}`,
    );
    if (ok(res.status)) {
      const stored = await row('aidRecords', res.body.data.id);
      p.check(!stored.confirmed, 'the deputy’s own outcome is stored as confirmed');
      p.check(
        !stored.creditStatus && !stored.dutyRecordId,
        `the unconfirmed outcome was credited (creditStatus ${stored.creditStatus})`,
      );
      p.check(
        (await count('dutyRecords', { source: `aid-outcome:${res.body.data.id}` })) === 0,
        'a duty record was filed for the self-confirmed outcome',
      );
      // The update route too.
      const upd = await http(
        'POST',
        `/aidRecords:update?filterByTk=${res.body.data.id}`,
        { confirmed: true },
        tok().deputyA,
      );
      p.check(
        !(await row('aidRecords', res.body.data.id)).confirmed,
        `aidRecords:update {confirmed: true} by the deputy confirmed it (answer ${upd.status})`,
      );
    }
    if (ok(control.status)) {
      const upd = await http(
        'POST',
        `/aidRecords:update?filterByTk=${control.body.data.id}`,
        { confirmed: true },
        tok().deputyA,
      );
      p.check(
        !(await row('aidRecords', control.body.data.id)).confirmed,
        `aidRecords:update {confirmed: true} by the deputy confirmed its outcome (answer ${upd.status})`,
      );
    }
    const summary = async () =>
      (await w.admin('GET', `/aidKpi:summary?deputyId=${w.ids.deputyA}&from=${day}&to=${day}`)).outcomes;
    const s0 = await summary();
    p.check(s0.confirmed === 0, `aidKpi: ${s0.confirmed} confirmed outcomes, none was confirmed by station staff`);
    p.check(
      s0.records === 0 && s0.reliefFen === '0',
      `aidKpi counts outcomes nobody confirmed: records ${s0.records}, relief ${s0.reliefYuan} yuan`,
    );
    // Station staff confirm the control outcome: now it counts.
    if (ok(control.status)) {
      const confirm = await http(
        'POST',
        `/aidRecords:update?filterByTk=${control.body.data.id}`,
        { confirmed: true },
        tok().staffA,
      );
      p.check(
        ok(confirm.status) && (await row('aidRecords', control.body.data.id)).confirmed,
        `control: station staff confirm the outcome: ${brief(confirm)}`,
      );
      const s1 = await summary();
      p.check(
        s1.confirmed === 1 && s1.records === 1 && s1.reliefFen === '30000',
        `after staff confirmed one outcome of 300 yuan: confirmed ${s1.confirmed}, records ${s1.records}, relief ${s1.reliefFen} fen`,
      );
    }
    p.done();
  });
});

describe('security regressions (issue #15), with the review workflow: dutyRecords:reviewBatch', () => {
  let app: MockServer;
  let fx: any;

  async function pendingTaskFor(agent: TestAgent, recordId: number, ms = 60000) {
    const deadline = Date.now() + ms;
    while (Date.now() < deadline) {
      const res = await agent
        .resource('workflowManualTasks')
        .listMine({ filter: { status: 0 }, appends: ['execution'] });
      const task = (res.body.data || []).find((t: any) => t.execution?.context?.data?.id === recordId);
      if (task) return task;
      await sleep(200);
    }
    throw new Error(`no pending review task for record ${recordId}`);
  }
  const status = async (id: number) =>
    (await app.db.getRepository('dutyRecords').findOne({ filterByTk: id })).get('status');

  beforeAll(async () => {
    app = await createSuiteServer(
      ['@deputy/plugin-deputies', '@deputy/plugin-duty-points'],
      ['workflow', 'workflow-manual'],
    );
    const admin = await signedInAs(app, 'wf-admin', ['npc-admin']);
    const head1 = await signedInAs(app, 'wfhead1', ['station-staff']);
    const head2 = await signedInAs(app, 'wfhead2', ['station-staff']);
    const dep1 = await signedInAs(app, 'wfdep1', ['deputy']);
    const dep2 = await signedInAs(app, 'wfdep2', ['deputy']);
    const station = async (name: string, head: SignedIn) =>
      (
        await admin.agent
          .resource('liaisonStations')
          .create({ values: { name, headId: head.user.id, staff: [head.user.id] } })
      ).body.data;
    const s1 = await station('一站', head1);
    const s2 = await station('二站', head2);
    const deputy = async (name: string, stationId: number, userId: number) =>
      (await admin.agent.resource('deputies').create({ values: { name, stationId, userId } })).body.data;
    const d1 = await deputy('代表一', s1.id, dep1.user.id);
    const d2 = await deputy('代表二', s2.id, dep2.user.id);
    // Head 2 is itself a deputy of its station (it will leave office).
    const d3 = await deputy('站长代表', s2.id, head2.user.id);
    const item: Model = await app.db.getRepository('dutyItems').findOne({ filter: { code: 'D04' } });
    const year = new Date().getFullYear() - 1;
    const file = async (agent: TestAgent, n: number) => {
      const r = (
        await agent
          .resource('dutyRecords')
          .create({ values: { itemId: item.get('id'), date: `${year}-03-${String(n).padStart(2, '0')}` } })
      ).body.data;
      await agent.post(`/dutyRecords:submit?filterByTk=${r.id}`).send({});
      return r.id as number;
    };
    const r1 = await file(dep1.agent, 3);
    await pendingTaskFor(head1.agent, r1);
    const r2 = await file(dep2.agent, 4);
    await pendingTaskFor(head2.agent, r2);
    // For the control: a record of its own, so that it is valid whatever the attacks did.
    const r3 = await file(dep1.agent, 5);
    await pendingTaskFor(head1.agent, r3);
    fx = { head1, head2, d1, d2, d3, r1, r2, r3 };
  }, 600000);

  afterAll(async () => {
    await app?.destroy();
  });

  it('12 (reviewBatch). a reviewer with an unchanged initial password, and a reviewer who is a deputy that has left office, are refused dutyRecords:reviewBatch (403), the record stays submitted', async () => {
    const p = collector();
    const users = app.db.getRepository('users');
    await users.update({ filterByTk: fx.head1.user.id, values: { mustChangePassword: true } });
    await app.db.getRepository('deputies').update({ filterByTk: fx.d3.id, values: { status: 'left' } });
    // The guard's own check for a plain write works for both (so the setup is right).
    const plain = await fx.head1.agent
      .resource('dutyRecords')
      .update({ filterByTk: fx.r1, values: { description: 'x' } });
    p.check(
      plain.status === 403,
      `setup: the reviewer with its initial password is refused dutyRecords:update (${plain.status})`,
    );
    for (const [who, head, id] of [
      ['reviewer with initial password', fx.head1, fx.r1],
      ['reviewer who has left office', fx.head2, fx.r2],
    ] as const) {
      const res = await head.agent
        .post('/dutyRecords:reviewBatch')
        .send({ ids: [id], decision: 'approve', comment: '同意' });
      p.check(
        res.status === 403,
        `${who}: dutyRecords:reviewBatch answered ${res.status} ${JSON.stringify(res.body?.data ?? res.body?.errors)}, not 403`,
      );
      await sleep(500);
      p.check((await status(id)) === 'submitted', `${who}: the record is now ${await status(id)}`);
    }
    // Control: once the password is changed, the same call decides the record (the attack was valid).
    await users.update({ filterByTk: fx.head1.user.id, values: { mustChangePassword: false } });
    const ctrl = await fx.head1.agent
      .post('/dutyRecords:reviewBatch')
      .send({ ids: [fx.r3], decision: 'approve', comment: '同意' });
    p.check(
      ok(ctrl.status) && (ctrl.body.data?.done ?? []).includes(fx.r3),
      `control: the reviewer decides its task through reviewBatch: ${ctrl.status} ${JSON.stringify(ctrl.body?.data ?? ctrl.body?.errors)}`,
    );
    p.done();
  }, 120000);
});
