import { createSuiteServer } from '@deputy/test-helpers';
import { MockServer } from '@nocobase/test';
import {
  createProbes,
  Probe,
  runProbes,
  SHORT_SCRIPT,
  SQL,
  textProbes,
  updateProbes,
} from '@deputy/test-helpers/security/bad-input';
import type { Http } from '@deputy/test-helpers/security/permissions-matrix';

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const idNumber = (first17: string) =>
  first17 + '10X98765432'[WEIGHTS.reduce((s, w, i) => s + w * Number(first17[i]), 0) % 11];
let serial = 0;
const next = () => ++serial;

/** 码上找代表 fixtures the public form's probes need (set in beforeAll): a deputy's QR token and tracking codes. */
const voice = { token: '', received: '', closed: '' };
const PNG_1PX = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';
const b64 = (text: string) => Buffer.from(text).toString('base64');
/** A valid citizen's submission through the QR code, with one field changed. */
const form = (values: Record<string, unknown> = {}) => ({
  token: voice.token,
  name: '张三',
  phone: '13800138000',
  category: 'infrastructure',
  content: '村口的路灯坏了三个月',
  ...values,
});

/** Custom actions as [label, resource(s) whose rows must not change, method, url (=KEY: a fixture id), body, anonymous]. */
type CustomProbe = [string, string, 'GET' | 'POST', string, unknown, boolean?];
const customProbes = (rows: CustomProbe[]): Probe[] =>
  rows.map(([label, resource, method, url, body, anonymous]) => ({
    label,
    resource,
    expect: 'refuse' as const,
    anonymous: Boolean(anonymous),
    request: (ids: Record<string, number>) => ({
      method,
      url: url.replace(/=([A-Z]+)(?=&|$)/g, (_, key) => `=${ids[key.toLowerCase()]}`),
      body: typeof body === 'function' ? body() : body,
    }),
  }));

/** plugin-public-voice: catalogues, settings, opinions, mediation cases, the public form and the handling steps. */
const PUBLIC_VOICE: Probe[] = [
  ...createProbes('opinionClasses', () => ({ code: `C${next()}`, name: `类${serial}`, escalationLevel: 1 }), {
    code: ['required', 'string'],
    name: ['required', 'string'],
    scheme: ['select'],
    deadlineDays: ['positive'],
    reminderDays: ['positive'],
    escalationLevel: ['integer'],
  }),
  ...updateProbes('opinionClasses', 'opinionclass', {
    deadlineDays: ['positive'],
    escalationLevel: ['integer'],
    name: ['required', 'string'],
  }),
  ...updateProbes('publicVoiceSettings', 'voicesettings', {
    submissionsPerIp: ['positive'],
    lookupsPerIp: ['positive'],
    windowMinutes: ['positive'],
    maxPhotos: ['positive'],
    maxPhotoKb: ['positive'],
    cardPledge: ['string'],
  }),
  ...createProbes(
    'opinions',
    (ids) => ({
      citizenName: '李四',
      category: 'other',
      content: '接待日登记的意见',
      source: 'reception',
      deputyId: ids.deputy,
    }),
    {
      citizenName: ['required', 'string'],
      citizenPhone: ['mobile'],
      category: ['select'],
      content: ['required', 'string'],
      source: ['select'],
      deputyId: ['fk'],
      stationId: ['fk'],
    },
  ),
  ...textProbes(
    'opinions',
    (ids) => ({ citizenName: '李四', category: 'other', source: 'visit', deputyId: ids.deputy }),
    'content',
  ),
  ...updateProbes('opinions', 'opinion', {
    content: ['required', 'string'],
    category: ['select'],
    citizenPhone: ['mobile'],
    deputyId: ['fk'],
  }),
  ...createProbes(
    'mediationCases',
    (ids) => ({ title: `纠纷${next()}`, stationId: ids.station, deputyId: ids.deputy }),
    {
      title: ['required', 'string'],
      stationId: ['fk', 'required'],
      deputyId: ['fk'],
      opinionId: ['fk'],
      judicialOfficerId: ['fk'],
      description: ['string'],
    },
  ),
  ...textProbes('mediationCases', (ids) => ({ title: `纠纷${next()}`, stationId: ids.station }), 'description'),
  ...updateProbes('mediationCases', 'case', {
    title: ['required', 'string'],
    deputyId: ['fk'],
    opinionId: ['fk'],
    parties: ['string'],
  }),
  // The public form, without signing in: what a citizen (or anyone) can send.
  ...textProbes('opinions', () => form(), 'content', { action: 'opinions:submit', anonymous: true }),
  ...textProbes('opinions', () => form(), 'name', {
    action: 'opinions:submit',
    stored: 'citizenName',
    anonymous: true,
    texts: [SQL, SHORT_SCRIPT],
  }),
  ...customProbes([
    [
      'opinions:submit without a QR token',
      'opinions,attachments',
      'POST',
      '/opinions:submit',
      () => form({ token: undefined }),
      true,
    ],
    [
      'opinions:submit with an unknown QR token',
      'opinions,attachments',
      'POST',
      '/opinions:submit',
      () => form({ token: 'nosuchtoken123' }),
      true,
    ],
    [
      'opinions:submit with an SQL injection for the QR token',
      'opinions,attachments',
      'POST',
      '/opinions:submit',
      () => form({ token: `' OR 1=1 --` }),
      true,
    ],
    [
      'opinions:submit with a 100,000-character QR token',
      'opinions,attachments',
      'POST',
      '/opinions:submit',
      () => form({ token: 'x'.repeat(100_000) }),
      true,
    ],
    [
      'opinions:submit without a name',
      'opinions,attachments',
      'POST',
      '/opinions:submit',
      () => form({ name: '' }),
      true,
    ],
    [
      'opinions:submit with a 100,000-character name',
      'opinions,attachments',
      'POST',
      '/opinions:submit',
      () => form({ name: 'x'.repeat(100_000) }),
      true,
    ],
    [
      'opinions:submit with an object for the name',
      'opinions,attachments',
      'POST',
      '/opinions:submit',
      () => form({ name: { $gt: '' } }),
      true,
    ],
    [
      'opinions:submit with letters for the phone',
      'opinions,attachments',
      'POST',
      '/opinions:submit',
      () => form({ phone: 'abcdefghijk' }),
      true,
    ],
    [
      'opinions:submit with an unknown category',
      'opinions,attachments',
      'POST',
      '/opinions:submit',
      () => form({ category: 'bogus-choice' }),
      true,
    ],
    [
      'opinions:submit with a too short opinion',
      'opinions,attachments',
      'POST',
      '/opinions:submit',
      () => form({ content: '路灯' }),
      true,
    ],
    [
      'opinions:submit with a 100,000-character opinion',
      'opinions,attachments',
      'POST',
      '/opinions:submit',
      () => form({ content: 'x'.repeat(100_000) }),
      true,
    ],
    [
      'opinions:submit with a list for the opinion',
      'opinions,attachments',
      'POST',
      '/opinions:submit',
      () => form({ content: ['路灯坏了', '三个月'] }),
      true,
    ],
    [
      'opinions:submit with text for the photos',
      'opinions,attachments',
      'POST',
      '/opinions:submit',
      () => form({ photos: 'photo.jpg' }),
      true,
    ],
    [
      'opinions:submit with 4 photos (3 at most)',
      'opinions,attachments',
      'POST',
      '/opinions:submit',
      () => form({ photos: Array(4).fill({ name: 'a.png', data: PNG_1PX }) }),
      true,
    ],
    [
      'opinions:submit with an oversized photo (3 MB)',
      'opinions,attachments',
      'POST',
      '/opinions:submit',
      () =>
        form({
          photos: [
            {
              name: 'big.png',
              data: Buffer.concat([Buffer.from(PNG_1PX, 'base64'), Buffer.alloc(3 * 1024 * 1024)]).toString('base64'),
            },
          ],
        }),
      true,
    ],
    [
      'opinions:submit with an HTML page as a photo',
      'opinions,attachments',
      'POST',
      '/opinions:submit',
      () => form({ photos: [{ name: 'x.png', data: b64('<html><script>alert(1)</script></html>') }] }),
      true,
    ],
    [
      'opinions:submit with an SVG with a script as a photo',
      'opinions,attachments',
      'POST',
      '/opinions:submit',
      () =>
        form({
          photos: [
            {
              name: 'x.svg',
              data: `data:image/svg+xml;base64,${b64('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>')}`,
            },
          ],
        }),
      true,
    ],
    [
      'opinions:submit with a GIF (not an accepted type)',
      'opinions,attachments',
      'POST',
      '/opinions:submit',
      () => form({ photos: [{ name: 'x.gif', data: b64('GIF89a\x01\x00\x01\x00') }] }),
      true,
    ],
    [
      'opinions:submit with an executable as a photo',
      'opinions,attachments',
      'POST',
      '/opinions:submit',
      () =>
        form({ photos: [{ name: 'photo.jpg.exe', data: b64('MZ\x90\x00 this program cannot be run in DOS mode') }] }),
      true,
    ],
    [
      'opinions:submit with a photo that is not base64',
      'opinions,attachments',
      'POST',
      '/opinions:submit',
      () => form({ photos: [{ name: 'x.png', data: '!!!not base64!!!' }] }),
      true,
    ],
    [
      'opinions:submit with a number for a photo',
      'opinions,attachments',
      'POST',
      '/opinions:submit',
      () => form({ photos: [12345] }),
      true,
    ],
    [
      'opinions:submit with an empty photo',
      'opinions,attachments',
      'POST',
      '/opinions:submit',
      () => form({ photos: [{ name: 'x.png', data: '' }] }),
      true,
    ],
    ['opinions:track with an empty code', 'opinions', 'GET', '/opinions:track?code=', undefined, true],
    ['opinions:track with an unknown code', 'opinions', 'GET', '/opinions:track?code=YJ2345678923', undefined, true],
    [
      'opinions:track with an SQL injection',
      'opinions',
      'GET',
      `/opinions:track?code=${encodeURIComponent(`' OR 1=1 --`)}`,
      undefined,
      true,
    ],
    [
      'opinions:track with a 100,000-character code',
      'opinions',
      'POST',
      '/opinions:track',
      { code: 'Y'.repeat(100_000) },
      true,
    ],
    [
      'opinions:target with an SQL injection',
      'opinions',
      'GET',
      `/opinions:target?token=${encodeURIComponent(`' OR 1=1 --`)}`,
      undefined,
      true,
    ],
    [
      'opinions:form with an unknown QR token',
      'opinions',
      'GET',
      '/opinions:form?token=nosuchtoken123',
      undefined,
      true,
    ],
    [
      'opinions:rate with 0 stars',
      'opinions,opinionMilestones',
      'POST',
      '/opinions:rate',
      () => ({ code: voice.closed, stars: 0 }),
      true,
    ],
    [
      'opinions:rate with 6 stars',
      'opinions,opinionMilestones',
      'POST',
      '/opinions:rate',
      () => ({ code: voice.closed, stars: 6 }),
      true,
    ],
    [
      'opinions:rate with 4.5 stars',
      'opinions,opinionMilestones',
      'POST',
      '/opinions:rate',
      () => ({ code: voice.closed, stars: 4.5 }),
      true,
    ],
    [
      'opinions:rate with text for the stars',
      'opinions,opinionMilestones',
      'POST',
      '/opinions:rate',
      () => ({ code: voice.closed, stars: 'five' }),
      true,
    ],
    [
      'opinions:rate with a 100,000-character comment',
      'opinions,opinionMilestones',
      'POST',
      '/opinions:rate',
      () => ({ code: voice.closed, stars: 5, comment: 'x'.repeat(100_000) }),
      true,
    ],
    [
      'opinions:rate of an opinion not closed',
      'opinions,opinionMilestones',
      'POST',
      '/opinions:rate',
      () => ({ code: voice.received, stars: 5 }),
      true,
    ],
    [
      'opinions:rate of an unknown code',
      'opinions,opinionMilestones',
      'POST',
      '/opinions:rate',
      { code: 'YJ2345678923', stars: 5 },
      true,
    ],
    // The handling steps, as the administrator.
    [
      'opinions:classify of an unknown opinion',
      'opinions,opinionMilestones',
      'POST',
      '/opinions:classify?filterByTk=999999',
      { opinionClassId: 1 },
    ],
    [
      'opinions:classify with text for the id',
      'opinions,opinionMilestones',
      'POST',
      '/opinions:classify?filterByTk=abc',
      { opinionClassId: 1 },
    ],
    [
      'opinions:classify with an unknown class',
      'opinions,opinionMilestones',
      'POST',
      '/opinions:classify?filterByTk=OPINION',
      { opinionClassId: 999999 },
    ],
    [
      'opinions:classify with text for the class',
      'opinions,opinionMilestones',
      'POST',
      '/opinions:classify?filterByTk=OPINION',
      { opinionClassId: 'abc' },
    ],
    [
      'opinions:classify with an object for the class',
      'opinions,opinionMilestones',
      'POST',
      '/opinions:classify?filterByTk=OPINION',
      { opinionClassId: { $gt: 0 } },
    ],
    [
      'opinions:assign without a handling unit',
      'opinions,opinionMilestones',
      'POST',
      '/opinions:assign?filterByTk=ASSIGNED',
      {},
    ],
    [
      'opinions:assign with a 100,000-character handling unit',
      'opinions,opinionMilestones',
      'POST',
      '/opinions:assign?filterByTk=ASSIGNED',
      { handlingUnit: 'x'.repeat(100_000) },
    ],
    [
      'opinions:progress without a note',
      'opinions,opinionMilestones',
      'POST',
      '/opinions:progress?filterByTk=ASSIGNED',
      {},
    ],
    [
      'opinions:progress with a 100,000-character note',
      'opinions,opinionMilestones',
      'POST',
      '/opinions:progress?filterByTk=ASSIGNED',
      { note: 'x'.repeat(100_000) },
    ],
    [
      'opinions:answer without an answer',
      'opinions,opinionMilestones',
      'POST',
      '/opinions:answer?filterByTk=ASSIGNED',
      {},
    ],
    [
      'opinions:answer with a 100,000-character answer',
      'opinions,opinionMilestones',
      'POST',
      '/opinions:answer?filterByTk=ASSIGNED',
      { answer: 'x'.repeat(100_000) },
    ],
    [
      'opinions:closeOpinion of an opinion not answered',
      'opinions,opinionMilestones',
      'POST',
      '/opinions:closeOpinion?filterByTk=OPINION',
      {},
    ],
    [
      'opinions:convert with a 100,000-character suggestion number',
      'opinions,opinionMilestones',
      'POST',
      '/opinions:convert?filterByTk=ASSIGNED',
      { suggestionRef: 'x'.repeat(100_000) },
    ],
    [
      'opinions:retryOpinionCredit of an unknown opinion',
      'opinions',
      'POST',
      '/opinions:retryOpinionCredit?filterByTk=999999',
      {},
    ],
    [
      'opinions:update of the status directly',
      'opinions',
      'POST',
      '/opinions:update?filterByTk=OPINION',
      { status: 'closed' },
    ],
    [
      'mediationCases:milestone with an unknown stage',
      'mediationCases',
      'POST',
      '/mediationCases:milestone?filterByTk=CASE',
      { stage: 'bogus' },
    ],
    [
      'mediationCases:milestone out of order',
      'mediationCases',
      'POST',
      '/mediationCases:milestone?filterByTk=CASE',
      { stage: 'mediate' },
    ],
    [
      'mediationCases:milestone of an unknown case',
      'mediationCases',
      'POST',
      '/mediationCases:milestone?filterByTk=999999',
      { stage: 'respond' },
    ],
    [
      'mediationCases:closeMediation with an unknown result',
      'mediationCases',
      'POST',
      '/mediationCases:closeMediation?filterByTk=CASE',
      { result: 'maybe' },
    ],
    [
      'mediationCases:closeMediation as agreed without the mediation milestone',
      'mediationCases',
      'POST',
      '/mediationCases:closeMediation?filterByTk=CASE',
      { result: 'agreed' },
    ],
    [
      'mediationCases:update of the clock directly',
      'mediationCases',
      'POST',
      '/mediationCases:update?filterByTk=CASE',
      { respondedAt: '2025-01-01T00:00:00Z' },
    ],
    ['opinionStats:summary of a bogus period', 'opinions', 'GET', '/opinionStats:summary?period=abc', undefined],
    [
      'opinionStats:summary with from after to',
      'opinions',
      'GET',
      '/opinionStats:summary?from=2025-12-01&to=2025-01-01',
      undefined,
    ],
    ['qrCards:print with text for the deputy', 'deputies', 'GET', '/qrCards:print?deputyId=abc', undefined],
  ]),
];

/** Every create, update and custom action of the suite, with generated invalid payloads. */
const PROBES: Probe[] = [
  ...PUBLIC_VOICE,
  ...createProbes('dutyRecords', (ids) => ({ deputyId: ids.deputy, itemId: ids.item, date: '2025-03-01' }), {
    deputyId: ['fk', 'required'],
    itemId: ['fk', 'required'],
    date: ['pastDate', 'required'],
    quantity: ['positive'],
    description: ['string'],
  }),
  ...textProbes(
    'dutyRecords',
    (ids) => ({ deputyId: ids.deputy, itemId: ids.item, date: '2025-03-02' }),
    'description',
  ),
  ...updateProbes('dutyRecords', 'draft', { date: ['pastDate'], quantity: ['positive'], itemId: ['fk'] }),
  ...createProbes(
    'dutyActivities',
    (ids) => ({ title: `活动${next()}`, itemId: ids.item, stationId: ids.station, date: '2025-03-01' }),
    {
      title: ['required', 'string'],
      itemId: ['fk', 'required'],
      stationId: ['fk'],
      date: ['date', 'required'],
      status: ['select'],
    },
  ),
  ...createProbes('dutyItems', () => ({ code: `T${next()}`, category: 'A', name: `事项${serial}`, points: 1 }), {
    code: ['required', 'string'],
    category: ['select', 'required'],
    name: ['required', 'string'],
    points: ['integer', 'required'],
    yearlyCap: ['positive'],
  }),
  ...updateProbes('dutyItems', 'item', { points: ['integer'], yearlyCap: ['positive'], category: ['select'] }),
  ...createProbes('gradeBands', () => ({ name: `等次${next()}`, minPoints: 10 }), {
    name: ['required', 'string'],
    minPoints: ['integer'],
  }),
  ...createProbes('scorePeriods', () => ({ key: `20${10 + (next() % 10)}-Q${1 + (serial % 4)}` }), {
    key: ['required', 'select', 'string'],
    appealWorkingDays: ['positive'],
  }),
  ...createProbes(
    'pointAppeals',
    (ids) => ({ periodId: ids.published, deputyId: ids.deputy, kind: 'missing', description: '漏记' }),
    {
      periodId: ['fk', 'required'],
      deputyId: ['fk'],
      kind: ['select'],
      description: ['string'],
    },
  ),
  ...updateProbes('dutyPointsSettings', 'pointsSettings', {
    boardColumns: ['select'],
    reelectionAllowedFailures: ['positive'],
  }),
  ...createProbes('deputies', (ids) => ({ name: `代表${next()}`, stationId: ids.station }), {
    name: ['required', 'string'],
    stationId: ['fk'],
    termId: ['fk'],
    gender: ['select'],
    phone: ['mobile'],
    leftOn: ['pastDate'],
  }),
  ...createProbes('liaisonStations', () => ({ name: `站${next()}` }), {
    name: ['required', 'string'],
    receptionDays: ['daysOfMonth'],
    phone: ['mobile'],
    headId: ['fk'],
  }),
  ...textProbes('liaisonStations', () => ({ name: `站${next()}` }), 'description'),
  ...createProbes('gridAreas', (ids) => ({ name: `片区${next()}`, stationId: ids.station }), {
    name: ['required', 'string'],
    stationId: ['fk'],
  }),
  ...createProbes('deputyGroups', (ids) => ({ name: `小组${next()}`, stationId: ids.station }), {
    name: ['required', 'string'],
    stationId: ['fk'],
    leaderId: ['fk'],
  }),
  ...createProbes('deputyTerms', () => ({ name: `届${next()}`, startsOn: '2021-01-01', endsOn: '2026-12-31' }), {
    name: ['required', 'string'],
    startsOn: ['date'],
    endsOn: ['date'],
  }),
  ...updateProbes('deputySettings', 'settings', {
    maxGridAreasPerDeputy: ['positive'],
    maxSignInFailures: ['positive'],
    passwordMinLength: ['positive'],
  }),
  ...createProbes(
    'workCalendarDays',
    () => ({ date: `2030-01-${String(1 + (next() % 28)).padStart(2, '0')}`, kind: 'holiday' }),
    { date: ['date', 'required'], kind: ['select', 'required'] },
  ),
  ...createProbes(
    'aidHouseholds',
    (ids) => ({
      headName: `户主${next()}`,
      idNumber: idNumber(`4306211960010${String(1000 + serial).slice(-4)}`),
      categoryId: ids.category,
      stationId: ids.station,
      consent: true,
    }),
    {
      headName: ['required', 'string'],
      idNumber: ['mobile'],
      categoryId: ['fk', 'required'],
      stationId: ['fk'],
      monthlyIncome: ['amount'],
    },
  ),
  ...createProbes(
    'aidRecords',
    (ids) => ({ pairingId: ids.pairing, typeId: ids.type, date: '2025-03-01', amount: '100.00' }),
    {
      pairingId: ['fk', 'required'],
      typeId: ['fk', 'required'],
      date: ['pastDate', 'required'],
      amount: ['amount'],
      units: ['positive'],
    },
  ),
  ...createProbes('aidVisits', (ids) => ({ pairingId: ids.pairing, date: '2025-03-01', mode: 'home' }), {
    pairingId: ['fk', 'required'],
    date: ['pastDate', 'required'],
    mode: ['select'],
    personCount: ['positive'],
  }),
  ...textProbes('aidVisits', (ids) => ({ pairingId: ids.pairing, date: '2025-03-03', mode: 'phone' }), 'findings'),
  ...createProbes(
    'aidPairings',
    (ids) => ({ deputyId: ids.deputy2, householdId: ids.household2, startDate: '2025-01-01' }),
    {
      deputyId: ['fk', 'required'],
      householdId: ['fk', 'required'],
      startDate: ['pastDate'],
    },
  ),
  // Custom actions.
  ...[
    ['dutyRecords:submit of an unknown record', 'dutyRecords', 'POST', '/dutyRecords:submit?filterByTk=999999', {}],
    ['dutyRecords:submit with text for the id', 'dutyRecords', 'POST', '/dutyRecords:submit?filterByTk=abc', {}],
    ['dutyRecords:revoke without a reason', 'dutyRecords', 'POST', '/dutyRecords:revoke?filterByTk=APPROVED', {}],
    [
      'dutyRecords:revoke with a 100,000-character reason',
      'dutyRecords',
      'POST',
      '/dutyRecords:revoke?filterByTk=APPROVED',
      { reason: 'x'.repeat(100_000) },
    ],
    ['dutyRecords:reviewBatch without ids', 'dutyRecords', 'POST', '/dutyRecords:reviewBatch', { decision: 'approve' }],
    [
      'dutyRecords:reviewBatch with text ids',
      'dutyRecords',
      'POST',
      '/dutyRecords:reviewBatch',
      { ids: ['a', 'b'], decision: 'approve' },
    ],
    [
      'dutyRecords:reviewBatch with 500 ids',
      'dutyRecords',
      'POST',
      '/dutyRecords:reviewBatch',
      { ids: Array.from({ length: 500 }, (_, i) => i + 1), decision: 'approve' },
    ],
    [
      'dutyRecords:reviewBatch with an unknown decision',
      'dutyRecords',
      'POST',
      '/dutyRecords:reviewBatch',
      { ids: [1], decision: 'maybe' },
    ],
    [
      'scorePeriods:publish of an unknown period',
      'scorePeriods',
      'POST',
      '/scorePeriods:publish?filterByTk=999999',
      {},
    ],
    [
      'scorePeriods:publish of a period not ended',
      'scorePeriods',
      'POST',
      '/scorePeriods:publish?filterByTk=CURRENT',
      {},
    ],
    [
      'scorePeriods:closeYear of an unknown period',
      'scorePeriods',
      'POST',
      '/scorePeriods:closeYear?filterByTk=999999',
      {},
    ],
    [
      'pointAppeals:decide with an unknown decision',
      'pointAppeals',
      'POST',
      '/pointAppeals:decide?filterByTk=APPEAL',
      { decision: 'maybe', reason: 'x' },
    ],
    [
      'pointAppeals:decide without a reason',
      'pointAppeals',
      'POST',
      '/pointAppeals:decide?filterByTk=APPEAL',
      { decision: 'accepted' },
    ],
    ['dutyActivities:signIn with an empty code', 'activityAttendances', 'POST', '/dutyActivities:signIn', { code: '' }],
    [
      'dutyActivities:signIn with a 100,000-character code',
      'activityAttendances',
      'POST',
      '/dutyActivities:signIn',
      { code: 'x'.repeat(100_000) },
    ],
    [
      'dutyActivities:signIn with an SQL injection',
      'activityAttendances',
      'POST',
      '/dutyActivities:signIn',
      { code: `' OR 1=1 --` },
    ],
    [
      'deputies:createAccount with a weak password',
      'deputies',
      'POST',
      '/deputies:createAccount?filterByTk=NOACCOUNT',
      { password: 'abc' },
    ],
    [
      'deputies:createAccount of an unknown deputy',
      'deputies',
      'POST',
      '/deputies:createAccount?filterByTk=999999',
      {},
    ],
    ['dutyScores:ranking of a bogus period', 'scorePeriods', 'GET', '/dutyScores:ranking?period=abc', undefined],
    [
      'dutyScores:reelection of an unknown term',
      'scorePeriods',
      'GET',
      '/dutyScores:reelection?termId=999999',
      undefined,
    ],
    ['scoreBoard:print of an unknown station', 'scorePeriods', 'GET', '/scoreBoard:print?stationId=999999', undefined],
    [
      'aidPairings:closePairing without a reason',
      'aidPairings',
      'POST',
      '/aidPairings:closePairing?filterByTk=PAIRING',
      {},
    ],
    [
      'aidPairings:transfer to an unknown deputy',
      'aidPairings',
      'POST',
      '/aidPairings:transfer?filterByTk=PAIRING',
      { deputyId: 999999, reason: 'x' },
    ],
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
    app = await createSuiteServer([
      '@deputy/plugin-deputies',
      '@deputy/plugin-duty-points',
      '@deputy/plugin-pairing-aid',
      '@deputy/plugin-public-voice',
    ]);
    await app.db.getRepository('users').create({
      values: { username: 'probe-admin', nickname: '管理员', password: 'Probe-Admin-1', roles: ['npc-admin'] },
    });
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
    const head = await make('/users:create', {
      username: 'probehead',
      nickname: '站长',
      password: 'Probe-Head-1',
      roles: ['station-staff'],
    });
    ids.station = (await make('/liaisonStations:create', { name: '探测站', headId: head.id, staff: [head.id] })).id;
    ids.term = (
      await make('/deputyTerms:create', { name: '第十八届', startsOn: '2021-01-01', endsOn: '2026-12-31' })
    ).id;
    ids.deputy = (await make('/deputies:create', { name: '探测代表', stationId: ids.station, termId: ids.term })).id;
    ids.deputy2 = (await make('/deputies:create', { name: '探测代表二', stationId: ids.station })).id;
    ids.noaccount = (await make('/deputies:create', { name: '无账号代表', stationId: ids.station })).id;
    ids.item = (await app.db.getRepository('dutyItems').findOne({ filter: { code: 'D04' } })).get('id');
    ids.draft = (await make('/dutyRecords:create', { deputyId: ids.deputy, itemId: ids.item, date: '2025-02-01' })).id;
    ids.approved = (
      await make('/dutyRecords:create', { deputyId: ids.deputy, itemId: ids.item, date: '2025-02-02' })
    ).id;
    await make(`/dutyRecords:submit?filterByTk=${ids.approved}`, {});
    await make(`/dutyRecords:update?filterByTk=${ids.approved}`, { status: 'approved' });
    ids.published = (await make('/scorePeriods:create', { key: '2024' })).id;
    await make(`/scorePeriods:publish?filterByTk=${ids.published}`, {});
    ids.current = (await make('/scorePeriods:create', { key: String(new Date().getFullYear()) })).id;
    ids.appeal = (
      await make('/pointAppeals:create', {
        periodId: ids.published,
        deputyId: ids.deputy,
        kind: 'missing',
        description: '漏记',
      })
    ).id;
    ids.settings = (await app.db.getRepository('deputySettings').findOne()).get('id');
    ids.pointssettings = ids.pointsSettings = (await app.db.getRepository('dutyPointsSettings').findOne()).get('id');
    ids.category = (await app.db.getRepository('aidCategories').findOne({ filter: { code: 'subsistence' } })).get('id');
    ids.type = (await app.db.getRepository('aidAssistanceTypes').findOne()).get('id');
    const household = await make('/aidHouseholds:create', {
      headName: '户主甲',
      idNumber: idNumber('43062119600101001'),
      categoryId: ids.category,
      stationId: ids.station,
      consent: true,
    });
    ids.household2 = (
      await make('/aidHouseholds:create', {
        headName: '户主乙',
        idNumber: idNumber('43062119600101002'),
        categoryId: ids.category,
        stationId: ids.station,
        consent: true,
      })
    ).id;
    ids.pairing = (
      await make('/aidPairings:create', { deputyId: ids.deputy, householdId: household.id, startDate: '2025-01-01' })
    ).id;
    // 码上找代表: the public form's limits out of the way (the probes are many, from one address), a received,
    // an assigned and a closed opinion of the deputy, an open mediation case.
    ids.voicesettings = (await app.db.getRepository('publicVoiceSettings').findOne()).get('id');
    await make(`/publicVoiceSettings:update?filterByTk=${ids.voicesettings}`, {
      submissionsPerIp: 100000,
      submissionsPerCode: 100000,
      lookupsPerIp: 100000,
    });
    ids.opinionclass = (await app.db.getRepository('opinionClasses').findOne({ sort: ['id'] })).get('id');
    voice.token = (await app.db.getRepository('deputies').findOne({ filterByTk: ids.deputy })).get('qrToken');
    const opinion = async (steps: [string, Record<string, unknown>][]) => {
      const { trackingCode } = (await http('POST', '/opinions:submit', form())).body.data;
      const id = (await app.db.getRepository('opinions').findOne({ filter: { trackingCode } })).get('id');
      for (const [action, values] of steps) await make(`/opinions:${action}?filterByTk=${id}`, values);
      return { id, trackingCode };
    };
    const received = await opinion([]);
    ids.opinion = received.id;
    voice.received = received.trackingCode;
    ids.assigned = (
      await opinion([
        ['classify', { opinionClassId: ids.opinionclass }],
        ['assign', { handlingUnit: '镇政府' }],
      ])
    ).id;
    voice.closed = (
      await opinion([
        ['classify', { opinionClassId: ids.opinionclass }],
        ['assign', { handlingUnit: '镇政府' }],
        ['answer', { answer: '已修复' }],
        ['closeOpinion', {}],
      ])
    ).trackingCode;
    ids.case = (
      await make('/mediationCases:create', { title: '邻里纠纷', stationId: ids.station, deputyId: ids.deputy })
    ).id;
  });

  afterAll(async () => {
    await app?.destroy();
  });

  it('refuses every invalid payload with a clear message and changes no row', async () => {
    const snapshot = async (resource: string) =>
      JSON.stringify(await app.db.getRepository(resource).find({ sort: ['id'] }));
    const result = await runProbes(http, token, ids, PROBES, snapshot);
    console.log(
      `bad input: ${result.tried} tried, ${result.refusedClearly} refused with a clear message, ${result.storedVerbatim} injection strings stored verbatim as text, ` +
        `${result.rowsChanged} with rows changed; problems:\n${result.problems.join('\n')}`,
    );
    expect(result.problems).toEqual([]);
    expect(result.rowsChanged).toBe(0);
  }, 600000);
});
