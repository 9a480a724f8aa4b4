import { createSuiteServer } from '@deputy/app/src/testing';
import { MockServer } from '@nocobase/test';
import { createProbes, Probe, runProbes, textProbes, updateProbes } from '../security/bad-input';
import type { Http } from '../security/permissions-matrix';

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const idNumber = (first17: string) => first17 + '10X98765432'[WEIGHTS.reduce((s, w, i) => s + w * Number(first17[i]), 0) % 11];
let serial = 0;
const next = () => ++serial;

/** Every create, update and custom action of the suite, with generated invalid payloads. */
const PROBES: Probe[] = [
  ...createProbes('dutyRecords', (ids) => ({ deputyId: ids.deputy, itemId: ids.item, date: '2025-03-01' }), {
    deputyId: ['fk', 'required'], itemId: ['fk', 'required'], date: ['pastDate', 'required'], quantity: ['positive'], description: ['string'],
  }),
  ...textProbes('dutyRecords', (ids) => ({ deputyId: ids.deputy, itemId: ids.item, date: '2025-03-02' }), 'description'),
  ...updateProbes('dutyRecords', 'draft', { date: ['pastDate'], quantity: ['positive'], itemId: ['fk'] }),
  ...createProbes('dutyActivities', (ids) => ({ title: `活动${next()}`, itemId: ids.item, stationId: ids.station, date: '2025-03-01' }), {
    title: ['required', 'string'], itemId: ['fk', 'required'], stationId: ['fk'], date: ['date', 'required'], status: ['select'],
  }),
  ...createProbes('dutyItems', () => ({ code: `T${next()}`, category: 'A', name: `事项${serial}`, points: 1 }), {
    code: ['required', 'string'], category: ['select', 'required'], name: ['required', 'string'], points: ['integer', 'required'], yearlyCap: ['positive'],
  }),
  ...updateProbes('dutyItems', 'item', { points: ['integer'], yearlyCap: ['positive'], category: ['select'] }),
  ...createProbes('gradeBands', () => ({ name: `等次${next()}`, minPoints: 10 }), { name: ['required', 'string'], minPoints: ['integer'] }),
  ...createProbes('scorePeriods', () => ({ key: `20${10 + (next() % 10)}-Q${1 + (serial % 4)}` }), { key: ['required', 'select', 'string'], appealWorkingDays: ['positive'] }),
  ...createProbes('pointAppeals', (ids) => ({ periodId: ids.published, deputyId: ids.deputy, kind: 'missing', description: '漏记' }), {
    periodId: ['fk', 'required'], deputyId: ['fk'], kind: ['select'], description: ['string'],
  }),
  ...updateProbes('dutyPointsSettings', 'pointsSettings', { boardColumns: ['select'], reelectionAllowedFailures: ['positive'] }),
  ...createProbes('deputies', (ids) => ({ name: `代表${next()}`, stationId: ids.station }), {
    name: ['required', 'string'], stationId: ['fk'], termId: ['fk'], gender: ['select'], phone: ['mobile'], leftOn: ['pastDate'],
  }),
  ...createProbes('liaisonStations', () => ({ name: `站${next()}` }), { name: ['required', 'string'], receptionDays: ['daysOfMonth'], phone: ['mobile'], headId: ['fk'] }),
  ...textProbes('liaisonStations', () => ({ name: `站${next()}` }), 'description'),
  ...createProbes('gridAreas', (ids) => ({ name: `片区${next()}`, stationId: ids.station }), { name: ['required', 'string'], stationId: ['fk'] }),
  ...createProbes('deputyGroups', (ids) => ({ name: `小组${next()}`, stationId: ids.station }), { name: ['required', 'string'], stationId: ['fk'], leaderId: ['fk'] }),
  ...createProbes('deputyTerms', () => ({ name: `届${next()}`, startsOn: '2021-01-01', endsOn: '2026-12-31' }), { name: ['required', 'string'], startsOn: ['date'], endsOn: ['date'] }),
  ...updateProbes('deputySettings', 'settings', { maxGridAreasPerDeputy: ['positive'], maxSignInFailures: ['positive'], passwordMinLength: ['positive'] }),
  ...createProbes('workCalendarDays', () => ({ date: `2030-01-${String(1 + (next() % 28)).padStart(2, '0')}`, kind: 'holiday' }), { date: ['date', 'required'], kind: ['select', 'required'] }),
  ...createProbes('aidHouseholds', (ids) => ({ headName: `户主${next()}`, idNumber: idNumber(`4306211960010${String(1000 + serial).slice(-4)}`), categoryId: ids.category, stationId: ids.station, consent: true }), {
    headName: ['required', 'string'], idNumber: ['mobile'], categoryId: ['fk', 'required'], stationId: ['fk'], monthlyIncome: ['amount'],
  }),
  ...createProbes('aidRecords', (ids) => ({ pairingId: ids.pairing, typeId: ids.type, date: '2025-03-01', amount: '100.00' }), {
    pairingId: ['fk', 'required'], typeId: ['fk', 'required'], date: ['pastDate', 'required'], amount: ['amount'], units: ['positive'],
  }),
  ...createProbes('aidVisits', (ids) => ({ pairingId: ids.pairing, date: '2025-03-01', mode: 'home' }), {
    pairingId: ['fk', 'required'], date: ['pastDate', 'required'], mode: ['select'], personCount: ['positive'],
  }),
  ...textProbes('aidVisits', (ids) => ({ pairingId: ids.pairing, date: '2025-03-03', mode: 'phone' }), 'findings'),
  ...createProbes('aidPairings', (ids) => ({ deputyId: ids.deputy2, householdId: ids.household2, startDate: '2025-01-01' }), {
    deputyId: ['fk', 'required'], householdId: ['fk', 'required'], startDate: ['pastDate'],
  }),
  // Custom actions.
  ...[
    ['dutyRecords:submit of an unknown record', 'dutyRecords', 'POST', '/dutyRecords:submit?filterByTk=999999', {}],
    ['dutyRecords:submit with text for the id', 'dutyRecords', 'POST', '/dutyRecords:submit?filterByTk=abc', {}],
    ['dutyRecords:revoke without a reason', 'dutyRecords', 'POST', '/dutyRecords:revoke?filterByTk=APPROVED', {}],
    ['dutyRecords:revoke with a 100,000-character reason', 'dutyRecords', 'POST', '/dutyRecords:revoke?filterByTk=APPROVED', { reason: 'x'.repeat(100_000) }],
    ['dutyRecords:reviewBatch without ids', 'dutyRecords', 'POST', '/dutyRecords:reviewBatch', { decision: 'approve' }],
    ['dutyRecords:reviewBatch with text ids', 'dutyRecords', 'POST', '/dutyRecords:reviewBatch', { ids: ['a', 'b'], decision: 'approve' }],
    ['dutyRecords:reviewBatch with 500 ids', 'dutyRecords', 'POST', '/dutyRecords:reviewBatch', { ids: Array.from({ length: 500 }, (_, i) => i + 1), decision: 'approve' }],
    ['dutyRecords:reviewBatch with an unknown decision', 'dutyRecords', 'POST', '/dutyRecords:reviewBatch', { ids: [1], decision: 'maybe' }],
    ['scorePeriods:publish of an unknown period', 'scorePeriods', 'POST', '/scorePeriods:publish?filterByTk=999999', {}],
    ['scorePeriods:publish of a period not ended', 'scorePeriods', 'POST', '/scorePeriods:publish?filterByTk=CURRENT', {}],
    ['scorePeriods:closeYear of an unknown period', 'scorePeriods', 'POST', '/scorePeriods:closeYear?filterByTk=999999', {}],
    ['pointAppeals:decide with an unknown decision', 'pointAppeals', 'POST', '/pointAppeals:decide?filterByTk=APPEAL', { decision: 'maybe', reason: 'x' }],
    ['pointAppeals:decide without a reason', 'pointAppeals', 'POST', '/pointAppeals:decide?filterByTk=APPEAL', { decision: 'accepted' }],
    ['dutyActivities:signIn with an empty code', 'activityAttendances', 'POST', '/dutyActivities:signIn', { code: '' }],
    ['dutyActivities:signIn with a 100,000-character code', 'activityAttendances', 'POST', '/dutyActivities:signIn', { code: 'x'.repeat(100_000) }],
    ['dutyActivities:signIn with an SQL injection', 'activityAttendances', 'POST', '/dutyActivities:signIn', { code: `' OR 1=1 --` }],
    ['deputies:createAccount with a weak password', 'deputies', 'POST', '/deputies:createAccount?filterByTk=NOACCOUNT', { password: 'abc' }],
    ['deputies:createAccount of an unknown deputy', 'deputies', 'POST', '/deputies:createAccount?filterByTk=999999', {}],
    ['dutyScores:ranking of a bogus period', 'scorePeriods', 'GET', '/dutyScores:ranking?period=abc', undefined],
    ['dutyScores:reelection of an unknown term', 'scorePeriods', 'GET', '/dutyScores:reelection?termId=999999', undefined],
    ['scoreBoard:print of an unknown station', 'scorePeriods', 'GET', '/scoreBoard:print?stationId=999999', undefined],
    ['aidPairings:close without a reason', 'aidPairings', 'POST', '/aidPairings:close?filterByTk=PAIRING', {}],
    ['aidPairings:transfer to an unknown deputy', 'aidPairings', 'POST', '/aidPairings:transfer?filterByTk=PAIRING', { deputyId: 999999, reason: 'x' }],
    ['aidKpi:summary of a bogus period', 'aidPairings', 'GET', '/aidKpi:summary?period=abc', undefined],
  ].map(([label, resource, method, url, body]) => ({
    label: label as string,
    resource: resource as string,
    expect: 'refuse' as const,
    request: (ids: Record<string, number>) => ({
      method: method as 'GET' | 'POST',
      url: (url as string).replace(/=([A-Z]+)$/, (_, key) => `=${ids[key.toLowerCase()]}`),
      body,
    }),
  })),
];

describe('bad input across the suite', () => {
  let app: MockServer;
  let http: Http;
  let token: string;
  const ids: Record<string, number> = {};

  beforeAll(async () => {
    app = await createSuiteServer(['@deputy/plugin-deputies', '@deputy/plugin-duty-points', '@deputy/plugin-pairing-aid']);
    await app.db.getRepository('users').create({ values: { username: 'probe-admin', nickname: '管理员', password: 'Probe-Admin-1', roles: ['npc-admin'] } });
    http = async (method, url, body, bearer) => {
      let req = method === 'GET' ? app.agent().get(url) : app.agent().post(url);
      req = req.set('X-Authenticator', 'basic').set('X-Locale', 'zh-CN');
      if (bearer) req = req.set('Authorization', `Bearer ${bearer}`);
      const res = method === 'GET' ? await req : await req.send((body ?? {}) as object);
      return { status: res.status, body: res.body };
    };
    token = (await http('POST', '/auth:signIn', { account: 'probe-admin', password: 'Probe-Admin-1' })).body.data.token;
    const make = async (url: string, values: unknown) => {
      const res = await http('POST', url, values, token);
      if (res.status !== 200) throw new Error(`${url}: ${JSON.stringify(res.body)}`);
      return res.body.data;
    };
    const head = await make('/users:create', { username: 'probehead', nickname: '站长', password: 'Probe-Head-1', roles: ['station-staff'] });
    ids.station = (await make('/liaisonStations:create', { name: '探测站', headId: head.id, staff: [head.id] })).id;
    ids.term = (await make('/deputyTerms:create', { name: '第十八届', startsOn: '2021-01-01', endsOn: '2026-12-31' })).id;
    ids.deputy = (await make('/deputies:create', { name: '探测代表', stationId: ids.station, termId: ids.term })).id;
    ids.deputy2 = (await make('/deputies:create', { name: '探测代表二', stationId: ids.station })).id;
    ids.noaccount = (await make('/deputies:create', { name: '无账号代表', stationId: ids.station })).id;
    ids.item = (await app.db.getRepository('dutyItems').findOne({ filter: { code: 'D04' } })).get('id');
    ids.draft = (await make('/dutyRecords:create', { deputyId: ids.deputy, itemId: ids.item, date: '2025-02-01' })).id;
    ids.approved = (await make('/dutyRecords:create', { deputyId: ids.deputy, itemId: ids.item, date: '2025-02-02' })).id;
    await make(`/dutyRecords:submit?filterByTk=${ids.approved}`, {});
    await make(`/dutyRecords:update?filterByTk=${ids.approved}`, { status: 'approved' });
    ids.published = (await make('/scorePeriods:create', { key: '2024' })).id;
    await make(`/scorePeriods:publish?filterByTk=${ids.published}`, {});
    ids.current = (await make('/scorePeriods:create', { key: String(new Date().getFullYear()) })).id;
    ids.appeal = (await make('/pointAppeals:create', { periodId: ids.published, deputyId: ids.deputy, kind: 'missing', description: '漏记' })).id;
    ids.settings = (await app.db.getRepository('deputySettings').findOne()).get('id');
    ids.pointssettings = ids.pointsSettings = (await app.db.getRepository('dutyPointsSettings').findOne()).get('id');
    ids.category = (await app.db.getRepository('aidCategories').findOne({ filter: { code: 'subsistence' } })).get('id');
    ids.type = (await app.db.getRepository('aidAssistanceTypes').findOne()).get('id');
    const household = await make('/aidHouseholds:create', { headName: '户主甲', idNumber: idNumber('43062119600101001'), categoryId: ids.category, stationId: ids.station, consent: true });
    ids.household2 = (await make('/aidHouseholds:create', { headName: '户主乙', idNumber: idNumber('43062119600101002'), categoryId: ids.category, stationId: ids.station, consent: true })).id;
    ids.pairing = (await make('/aidPairings:create', { deputyId: ids.deputy, householdId: household.id, startDate: '2025-01-01' })).id;
  });

  afterAll(async () => {
    await app?.destroy();
  });

  it('refuses every invalid payload with a clear message and changes no row', async () => {
    const snapshot = async (resource: string) => JSON.stringify(await app.db.getRepository(resource).find({ sort: ['id'] }));
    const result = await runProbes(http, token, ids, PROBES, snapshot);
    console.log(
      `bad input: ${result.tried} tried, ${result.refusedClearly} refused with a clear message, ${result.storedVerbatim} injection strings stored verbatim as text, ` +
        `${result.rowsChanged} with rows changed; problems:\n${result.problems.join('\n')}`,
    );
    expect(result.problems).toEqual([]);
    expect(result.rowsChanged).toBe(0);
  }, 600000);
});
