import path from 'path';
/**
 * The permissions matrix of the suite (issue #8): every role × every resource and action of the suite,
 * called through the HTTP API, each outcome compared with the expected matrix in expected-permissions.json.
 *
 * "allow" means the call did what it asks for, checked afterwards as an administrator: a list shows
 * station A's fixture, a get returns it, an update changed it, a destroy removed it, a create stored a row,
 * a custom action answered 2xx. Anything else — 401, 403, 404, 400, or a 200 that changed nothing — is "deny".
 * The same runner serves the server test (createMockServer) and the browser-stage run on the started app.
 */
export type Http = (
  method: 'GET' | 'POST',
  url: string,
  body?: unknown,
  token?: string,
) => Promise<{ status: number; body: any }>;

/** The expected matrix, checked in beside this file. */
export const EXPECTED_PERMISSIONS_FILE = path.join(__dirname, 'expected-permissions.json');

export const ROLES = ['anonymous', 'deputyA', 'deputyB', 'staffA', 'staffB', 'admin'] as const;
export type Role = (typeof ROLES)[number];
export type Outcome = 'allow' | 'deny';
export type Matrix = Record<string, Partial<Record<Role, Outcome>>>;

export type World = {
  tokens: Record<Role, string | undefined>;
  ids: Record<string, number>;
  admin: (method: 'GET' | 'POST', url: string, body?: unknown) => Promise<any>;
  /** Deputy A's QR token and the tracking code of the fixture opinion sent through it. */
  qrToken: string;
  trackingCode: string;
  /** Puts back what buildWorld changed in shared settings (the public form's limits). */
  restore: () => Promise<void>;
};

type Case = {
  key: string;
  /** Performs the call as the role, and says whether it took effect. */
  run: (http: Http, w: World, role: Role) => Promise<Outcome>;
};

const ok = (status: number) => status >= 200 && status < 300;
let serial = 0;
const unique = (prefix: string) => `${prefix}-${Date.now() % 1e7}-${++serial}`;
/** Period keys already taken in the database (they are unique); filled by buildWorld. */
const takenKeys = new Set<string>();
const freeKey = (candidates: string[]) => {
  const key = candidates.find((k) => !takenKeys.has(k));
  if (!key) throw new Error('no free score period key left for the matrix');
  takenKeys.add(key);
  return key;
};
const QUARTERS = Array.from({ length: 23 * 4 }, (_, n) => `${2002 + Math.floor(n / 4)}-Q${(n % 4) + 1}`);
const YEARS = Array.from({ length: 60 }, (_, n) => String(2001 - n));
/** A past quarter not yet used: 2002-Q1 … 2024-Q4. */
const uniqueQuarter = () => freeKey(QUARTERS);
/** A past day unique per call (workCalendarDays.date is unique). */
const uniqueDay = () => {
  const d = new Date(Date.UTC(2001, 0, 1) + (++serial + (Date.now() % 3000)) * 86400e3);
  return d.toISOString().slice(0, 10);
};

/** A citizen's opinion through a QR code (no sign-in), as the administrator sees it afterwards. */
async function submitOpinion(http: Http, admin: World['admin'], token: string) {
  const res = await http('POST', '/opinions:submit', {
    token,
    name: '王五',
    phone: '13900139000',
    category: 'infrastructure',
    content: unique('村口路灯坏了'),
  });
  if (!ok(res.status)) throw new Error(`opinions:submit: ${res.status} ${JSON.stringify(res.body)}`);
  const [row] = await admin(
    'GET',
    `/opinions:list?filter=${encodeURIComponent(JSON.stringify({ trackingCode: res.body.data.trackingCode }))}`,
  );
  return row as { id: number; trackingCode: string };
}

/** Steps (as the administrator) that bring a fresh opinion of deputy A to a status. */
const STEPS_TO: Record<string, [string, Record<string, unknown>][]> = {
  received: [],
  classified: [['classify', {}]],
  assigned: [
    ['classify', {}],
    ['assign', { handlingUnit: '镇政府' }],
  ],
  answered: [
    ['classify', {}],
    ['assign', { handlingUnit: '镇政府' }],
    ['answer', { answer: '已修复' }],
  ],
  closed: [
    ['classify', {}],
    ['assign', { handlingUnit: '镇政府' }],
    ['answer', { answer: '已修复' }],
    ['closeOpinion', {}],
  ],
};
async function freshOpinion(http: Http, w: World, status: keyof typeof STEPS_TO) {
  const row = await submitOpinion(http, w.admin, w.qrToken);
  for (const [action, values] of STEPS_TO[status]) {
    await w.admin(
      'POST',
      `/opinions:${action}?filterByTk=${row.id}`,
      action === 'classify' ? { opinionClassId: w.ids.opinionClass } : values,
    );
  }
  return row;
}

/** An opinion step as the role on a fresh opinion in the step's starting status; "allow": it reached `to`. */
function opinionStep(
  action: string,
  from: keyof typeof STEPS_TO,
  to: string,
  values: (w: World) => Record<string, unknown>,
): Case {
  return {
    key: `opinions:${action}`,
    run: async (http, w, role) => {
      const row = await freshOpinion(http, w, from);
      await http('POST', `/opinions:${action}?filterByTk=${row.id}`, values(w), w.tokens[role]);
      return (await w.admin('GET', `/opinions:get?filterByTk=${row.id}`)).status === to ? 'allow' : 'deny';
    },
  };
}

type Admin = (method: 'GET' | 'POST', url: string, body?: unknown) => Promise<any>;
const SUGGESTION_STAGES = ['draft', 'submitted', 'registered', 'assigned', 'replied'] as const;
type SuggestionStage = (typeof SUGGESTION_STAGES)[number];

/** A suggestion of the deputy taken by the administrator to `stage` (assigned to `unitId` as its lead unit). */
async function freshSuggestion(
  admin: Admin,
  sessionId: number,
  deputyId: number,
  stage: SuggestionStage,
  unitId?: number,
) {
  const row = await admin('POST', '/suggestions:create', {
    sessionId,
    leadDeputyId: deputyId,
    title: unique('建议'),
    content: '建议内容',
  });
  const at = SUGGESTION_STAGES.indexOf(stage);
  if (at >= 1) await admin('POST', `/suggestions:submitSuggestion?filterByTk=${row.id}`, {});
  if (at >= 2) await admin('POST', `/suggestions:reviewSuggestion?filterByTk=${row.id}`, { decision: 'accept' });
  if (at >= 3)
    await admin('POST', `/suggestions:assignSuggestion?filterByTk=${row.id}`, { units: [{ unitId, role: 'lead' }] });
  if (at >= 4) {
    const [part] = await admin(
      'GET',
      `/suggestionAssignments:list?filter=${encodeURIComponent(JSON.stringify({ suggestionId: row.id }))}`,
    );
    await admin('POST', `/suggestionAssignments:replyAssignment?filterByTk=${part.id}`, {
      reply: '已办理',
      resultCode: 'A',
    });
  }
  return row;
}

/** Years for key suggestions, one per use: a year holds only so many (the settings), shared by every world of an app. */
let keyYear = 2000 + (Date.now() % 40);
const nextKeyYear = () => (keyYear = keyYear >= 2099 ? 2000 : keyYear + 1);

/**
 * A fresh key suggestion of deputy A (assigned, of a year of its own) and an appraisal of that year with deputy A's
 * user as its voter; `stage`: taken in as its subject, and deputy A's ballot cast.
 */
async function freshAppraisal(http: Http, w: World, stage: 'open' | 'subjects' | 'voted') {
  const year = nextKeyYear();
  const row = await freshSuggestion(w.admin, w.ids.congressSession, w.ids.deputyA, 'assigned', w.ids.handlingUnit);
  await w.admin('POST', `/suggestions:markKey?filterByTk=${row.id}`, { year });
  const appraisal = await w.admin('POST', '/appraisalSessions:create', {
    title: unique('测评'),
    year,
    voters: [w.ids.userDeputyA],
  });
  if (stage === 'open') return { appraisal, subjectId: 0 };
  await w.admin('POST', `/appraisalSessions:addKeySuggestions?filterByTk=${appraisal.id}`, {});
  const filter = encodeURIComponent(JSON.stringify({ sessionId: appraisal.id }));
  const [subject] = await w.admin('GET', `/appraisalSubjects:list?filter=${filter}`);
  if (stage === 'voted') {
    const res = await http(
      'POST',
      `/appraisalSessions:castBallots?filterByTk=${appraisal.id}`,
      { choices: [{ subjectId: subject.id, choice: 'satisfied' }] },
      w.tokens.deputyA,
    );
    if (!ok(res.status)) throw new Error(`deputy A's ballot: ${res.status} ${JSON.stringify(res.body)}`);
  }
  return { appraisal, subjectId: subject.id as number };
}

/** A suggestion step as the role on a fresh suggestion of deputy A in `from`; "allow": it reached `done`. */
function suggestionStep(
  action: string,
  from: SuggestionStage,
  values: object | ((w: World) => object),
  done: (row: any) => boolean,
): Case {
  return {
    key: `suggestions:${action}`,
    run: async (http, w, role) => {
      const row = await freshSuggestion(w.admin, w.ids.congressSession, w.ids.deputyA, from, w.ids.handlingUnit);
      const body = typeof values === 'function' ? values(w) : values;
      await http('POST', `/suggestions:${action}?filterByTk=${row.id}`, body, w.tokens[role]);
      return done(await w.admin('GET', `/suggestions:get?filterByTk=${row.id}`)) ? 'allow' : 'deny';
    },
  };
}

/** An assignment step as the role on the lead unit's part of a fresh suggestion in `from`; "allow": `done`. */
function assignmentStep(action: string, from: SuggestionStage, values: object, done: (part: any) => boolean): Case {
  return {
    key: `suggestionAssignments:${action}`,
    run: async (http, w, role) => {
      const row = await freshSuggestion(w.admin, w.ids.congressSession, w.ids.deputyA, from, w.ids.handlingUnit);
      const filter = encodeURIComponent(JSON.stringify({ suggestionId: row.id }));
      const [part] = await w.admin('GET', `/suggestionAssignments:list?filter=${filter}`);
      await http('POST', `/suggestionAssignments:${action}?filterByTk=${part.id}`, values, w.tokens[role]);
      return done(await w.admin('GET', `/suggestionAssignments:get?filterByTk=${part.id}`)) ? 'allow' : 'deny';
    },
  };
}

/** Fixtures, made by the administrator: two stations with their heads and a deputy each. */
export async function buildWorld(http: Http, adminAccount: string, adminPassword: string): Promise<World> {
  const signIn = async (account: string, password: string) => {
    const res = await http('POST', '/auth:signIn', { account, password });
    if (!ok(res.status)) throw new Error(`sign-in of ${account} failed: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body.data.token as string;
  };
  const adminToken = await signIn(adminAccount, adminPassword);
  const admin = async (method: 'GET' | 'POST', url: string, body?: unknown) => {
    const res = await http(method, url, body, adminToken);
    if (!ok(res.status)) throw new Error(`${url}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body.data;
  };
  const tag = unique('m');
  for (const p of await admin('GET', '/scorePeriods:list?paginate=false&fields=key')) takenKeys.add(p.key);
  const password = `Matrix-${tag}-9`;
  const user = async (name: string, roles: string[]) =>
    admin('POST', '/users:create', { username: `${name}${tag}`.replace(/-/g, ''), nickname: name, password, roles });
  const staffA = await user('staffA', ['station-staff']);
  const staffB = await user('staffB', ['station-staff']);
  const stationA = await admin('POST', '/liaisonStations:create', {
    name: `甲站-${tag}`,
    headId: staffA.id,
    staff: [staffA.id],
  });
  const stationB = await admin('POST', '/liaisonStations:create', {
    name: `乙站-${tag}`,
    headId: staffB.id,
    staff: [staffB.id],
  });
  const term = await admin('POST', '/deputyTerms:create', {
    name: `届-${tag}`,
    startsOn: '2021-01-01',
    endsOn: '2026-12-31',
  });
  const deputy = async (name: string, stationId: number, phone: string) => {
    const d = await admin('POST', '/deputies:create', { name, stationId, termId: term.id, phone });
    const account = await admin('POST', `/deputies:createAccount?filterByTk=${d.id}`, {});
    // First sign-in: the initial password must be changed before any write.
    const first = await signIn(account.username, account.initialPassword);
    const changed = await http(
      'POST',
      '/auth:changePassword',
      { oldPassword: account.initialPassword, newPassword: password, confirmPassword: password },
      first,
    );
    if (!ok(changed.status))
      throw new Error(`password change failed: ${changed.status} ${JSON.stringify(changed.body)}`);
    return { ...d, username: account.username };
  };
  const phone = (n: number) => `15${String((Date.now() + n) % 1e9).padStart(9, '0')}`;
  const deputyA = await deputy('甲代表', stationA.id, phone(1));
  const deputyB = await deputy('乙代表', stationB.id, phone(2));
  // A token issued in the same second as a password change is refused by NocoBase ("password changed").
  await new Promise((r) => setTimeout(r, 1100));
  const tokens: Record<Role, string | undefined> = {
    anonymous: undefined,
    deputyA: await signIn(deputyA.username, password),
    deputyB: await signIn(deputyB.username, password),
    staffA: await signIn(staffA.username, password),
    staffB: await signIn(staffB.username, password),
    admin: adminToken,
  };
  const grid = await admin('POST', '/gridAreas:create', {
    name: `片区-${tag}`,
    stationId: stationA.id,
    deputies: [deputyA.id],
  });
  const group = await admin('POST', '/deputyGroups:create', {
    name: `小组-${tag}`,
    stationId: stationA.id,
    members: [deputyA.id],
  });
  const [item] = await admin('GET', `/dutyItems:list?filter=${encodeURIComponent(JSON.stringify({ code: 'D04' }))}`);
  const record = await http(
    'POST',
    '/dutyRecords:create',
    { itemId: item.id, date: '2025-03-02' },
    tokens.deputyA,
  ).then((r) => r.body.data);
  const activity = await admin('POST', '/dutyActivities:create', {
    title: `学习-${tag}`,
    itemId: item.id,
    stationId: stationA.id,
    date: '2025-03-03',
  });
  // An approved record of deputy A (a ledger entry), a published year with deputy A's appeal, and a closed
  // year (grades in the duty file): every collection has a row for the matrix to aim at.
  const approved = await admin('POST', '/dutyRecords:create', {
    deputyId: deputyA.id,
    itemId: item.id,
    date: '2000-06-01',
  });
  await admin('POST', `/dutyRecords:submit?filterByTk=${approved.id}`, {});
  await admin('POST', `/dutyRecords:update?filterByTk=${approved.id}`, { status: 'approved' });
  const period = await admin('POST', '/scorePeriods:create', { key: uniqueQuarter() });
  const published = await admin('POST', '/scorePeriods:create', { key: freeKey(YEARS) });
  await admin('POST', `/scorePeriods:publish?filterByTk=${published.id}`, {});
  const appeal = await http(
    'POST',
    '/pointAppeals:create',
    { periodId: published.id, kind: 'missing', description: '漏记一次接待' },
    tokens.deputyA,
  ).then((r) => r.body.data);
  const closed = await admin('POST', '/scorePeriods:create', { key: freeKey(YEARS) });
  await admin('POST', `/scorePeriods:publish?filterByTk=${closed.id}`, {});
  await admin('POST', `/scorePeriods:update?filterByTk=${closed.id}`, {
    appealDeadline: `${Number(closed.key) + 1}-01-10`,
  });
  await admin('POST', `/scorePeriods:closeYear?filterByTk=${closed.id}`, {});
  // Deputy A signs in to an approved activity of today (an attendance row).
  const today = new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 10);
  const meeting = await admin('POST', '/dutyActivities:create', {
    title: `会议-${tag}`,
    itemId: item.id,
    stationId: stationA.id,
    date: today,
  });
  await admin('POST', `/dutyActivities:update?filterByTk=${meeting.id}`, { status: 'approved' });
  const { signInCode } = await admin('GET', `/dutyActivities:get?filterByTk=${meeting.id}`);
  await http('POST', '/dutyActivities:signIn', { code: signInCode }, tokens.deputyA);
  const [settings] = await admin('GET', '/deputySettings:list');
  const [pointsSettings] = await admin('GET', '/dutyPointsSettings:list');
  const [band] = await admin('GET', '/gradeBands:list');
  const [level] = await admin('GET', '/reviewLevels:list?sort=sort&pageSize=1');
  const day = await admin('POST', '/workCalendarDays:create', { date: uniqueDay(), kind: 'holiday', name: '测试' });
  // 六个一: results exist once the matrix has been read; a leave, a reception session, a ledger entry.
  await admin('GET', `/ruleResults:matrix?period=${today.slice(0, 7)}`);
  const [rule] = await admin('GET', `/dutyRules:list?filter=${encodeURIComponent(JSON.stringify({ code: 'R1' }))}`);
  const [section] = await admin('GET', '/ledgerSections:list?sort=sort&pageSize=1');
  const [sixSettings] = await admin('GET', '/sixOnesSettings:list');
  const leave = await admin('POST', '/deputyLeaves:create', {
    deputyId: deputyA.id,
    from: '2025-04-01',
    to: '2025-04-03',
    reason: '出差',
  });
  const session = await admin('POST', '/receptionSessions:create', {
    stationId: stationA.id,
    scheduledOn: `2025-0${1 + (serial % 9)}-06`,
    date: '2025-01-06',
    noticeOn: '2025-01-03',
    roster: [deputyA.id],
  });
  const ledgerEntry = await admin('POST', '/ledgerEntries:create', {
    stationId: stationA.id,
    sectionId: section.id,
    month: '2025-01',
    note: '制度上墙',
  });
  // 1+N: a household of station A paired with deputy A, with a plan, a visit and an outcome.
  const [category] = await admin('GET', '/aidCategories:list?sort=id&pageSize=1');
  const [assistanceType] = await admin('GET', '/aidAssistanceTypes:list?sort=id&pageSize=1');
  const [aidSettings] = await admin('GET', '/aidSettings:list');
  const household = await admin('POST', '/aidHouseholds:create', {
    headName: `户主-${tag}`,
    categoryId: category.id,
    stationId: stationA.id,
    consent: true,
  });
  const pairing = await admin('POST', '/aidPairings:create', {
    deputyId: deputyA.id,
    householdId: household.id,
    startDate: '2025-01-01',
  });
  const plan = await admin('POST', '/aidPlans:create', { pairingId: pairing.id, goals: '稳定就医' });
  const visit = await admin('POST', '/aidVisits:create', { pairingId: pairing.id, date: '2025-02-01', mode: 'home' });
  const outcome = await admin('POST', '/aidRecords:create', {
    pairingId: pairing.id,
    typeId: assistanceType.id,
    date: '2025-02-02',
    amount: '100.00',
  });
  // 码上找代表: the public form's limits raised for the matrix's many submissions (restored at the end);
  // an opinion through deputy A's QR code with its first milestone, one through station A's code (no
  // deputy), and a mediation case of station A with deputy A on it.
  const [voiceSettings] = await admin('GET', '/publicVoiceSettings:list');
  const limits = {
    submissionsPerIp: voiceSettings.submissionsPerIp,
    submissionsPerCode: voiceSettings.submissionsPerCode,
    lookupsPerIp: voiceSettings.lookupsPerIp,
  };
  await admin('POST', `/publicVoiceSettings:update?filterByTk=${voiceSettings.id}`, {
    submissionsPerIp: 100000,
    submissionsPerCode: 100000,
    lookupsPerIp: 100000,
  });
  const qrToken = (await admin('GET', `/deputies:get?filterByTk=${deputyA.id}`)).qrToken as string;
  const stationToken = (await admin('GET', `/liaisonStations:get?filterByTk=${stationA.id}`)).qrToken as string;
  const [opinionClass] = await admin('GET', '/opinionClasses:list?sort=id&pageSize=1');
  const opinion = await submitOpinion(http, admin, qrToken);
  const stationOpinion = await submitOpinion(http, admin, stationToken);
  const [milestone] = await admin(
    'GET',
    `/opinionMilestones:list?filter=${encodeURIComponent(JSON.stringify({ opinionId: opinion.id }))}`,
  );
  const mediation = await admin('POST', '/mediationCases:create', {
    title: `纠纷-${tag}`,
    stationId: stationA.id,
    deputyId: deputyA.id,
  });
  // 代表建议: a session and a handling unit; deputy A's draft, and a registered one of deputy A assigned to the unit.
  const congressSession = await admin('POST', '/congressSessions:create', { code: `会-${tag}`, title: `会议-${tag}` });
  const handlingUnit = await admin('POST', '/handlingUnits:create', { name: `承办-${tag}` });
  const [suggestionSettings] = await admin('GET', '/suggestionSettings:list');
  const suggestion = await http(
    'POST',
    '/suggestions:create',
    { sessionId: congressSession.id, title: `建议-${tag}`, content: '建议内容' },
    tokens.deputyA,
  ).then((r) => r.body.data);
  const assigned = await freshSuggestion(admin, congressSession.id, deputyA.id, 'assigned', handlingUnit.id);
  const [assignment] = await admin(
    'GET',
    `/suggestionAssignments:list?filter=${encodeURIComponent(JSON.stringify({ suggestionId: assigned.id }))}`,
  );
  const supervision = await admin('POST', '/supervisionRecords:create', {
    suggestionId: assigned.id,
    kind: 'daily',
    method: 'phone',
    date: '2025-06-01',
    findings: '承办单位已制定方案',
  });
  // 满意度测评: deputy A's user votes in an appraisal whose subject is the assigned suggestion, made key.
  const [userDeputyA] = await admin(
    'GET',
    `/users:list?filter=${encodeURIComponent(JSON.stringify({ username: deputyA.username }))}`,
  );
  const appraisalYear = nextKeyYear();
  await admin('POST', `/suggestions:markKey?filterByTk=${assigned.id}`, { year: appraisalYear });
  const appraisal = await admin('POST', '/appraisalSessions:create', {
    title: `测评-${tag}`,
    year: appraisalYear,
    voters: [userDeputyA.id],
  });
  await admin('POST', `/appraisalSessions:addKeySuggestions?filterByTk=${appraisal.id}`, {});
  const [appraisalSubject] = await admin(
    'GET',
    `/appraisalSubjects:list?filter=${encodeURIComponent(JSON.stringify({ sessionId: appraisal.id }))}`,
  );
  await http(
    'POST',
    `/appraisalSessions:castBallots?filterByTk=${appraisal.id}`,
    { choices: [{ subjectId: appraisalSubject.id, choice: 'satisfied' }] },
    tokens.deputyA,
  );
  const [appraisalBallot] = await admin(
    'GET',
    `/appraisalBallots:list?filter=${encodeURIComponent(JSON.stringify({ sessionId: appraisal.id }))}`,
  );
  const [appraisalTurnout] = await admin(
    'GET',
    `/appraisalTurnouts:list?filter=${encodeURIComponent(JSON.stringify({ sessionId: appraisal.id }))}`,
  );
  const [trail] = await admin('GET', '/auditTrail:list?sort=-id&pageSize=1');
  return {
    tokens,
    admin,
    qrToken,
    trackingCode: opinion.trackingCode,
    restore: async () => {
      await admin('POST', `/publicVoiceSettings:update?filterByTk=${voiceSettings.id}`, limits);
    },
    ids: {
      voiceSettings: voiceSettings.id,
      opinionClass: opinionClass.id,
      opinion: opinion.id,
      stationOpinion: stationOpinion.id,
      milestone: milestone.id,
      mediation: mediation.id,
      stationA: stationA.id,
      stationB: stationB.id,
      term: term.id,
      deputyA: deputyA.id,
      deputyB: deputyB.id,
      grid: grid.id,
      group: group.id,
      item: item.id,
      record: record.id,
      activity: activity.id,
      period: period.id,
      published: published.id,
      appeal: appeal.id,
      settings: settings.id,
      pointsSettings: pointsSettings.id,
      band: band.id,
      level: level.id,
      day: day.id,
      trail: trail.id,
      rule: rule.id,
      section: section.id,
      sixSettings: sixSettings.id,
      leave: leave.id,
      session: session.id,
      ledgerEntry: ledgerEntry.id,
      category: category.id,
      assistanceType: assistanceType.id,
      aidSettings: aidSettings.id,
      household: household.id,
      pairing: pairing.id,
      plan: plan.id,
      visit: visit.id,
      outcome: outcome.id,
      congressSession: congressSession.id,
      handlingUnit: handlingUnit.id,
      suggestionSettings: suggestionSettings.id,
      suggestion: suggestion.id,
      assignment: assignment.id,
      userDeputyA: userDeputyA.id,
      supervision: supervision.id,
      appraisal: appraisal.id,
      appraisalSubject: appraisalSubject.id,
      appraisalBallot: appraisalBallot.id,
      appraisalTurnout: appraisalTurnout.id,
    },
  };
}

type CollectionSpec = {
  resource: string;
  /** The fixture the list/get/update calls aim at; none: the first row of deputy A the administrator sees. */
  fixture?: string;
  /** A harmless change for update: field and a value builder. */
  update?: [string, () => unknown];
  /** Values of a new row; a fresh row (made by the administrator) is destroyed in the destroy case. */
  create?: (w: World) => Record<string, unknown>;
};

const COLLECTIONS: CollectionSpec[] = [
  {
    resource: 'deputyTerms',
    fixture: 'term',
    update: ['name', () => unique('届')],
    create: () => ({ name: unique('届') }),
  },
  {
    resource: 'liaisonStations',
    fixture: 'stationA',
    update: ['description', () => unique('说明')],
    create: () => ({ name: unique('站') }),
  },
  {
    resource: 'gridAreas',
    fixture: 'grid',
    update: ['description', () => unique('说明')],
    create: (w) => ({ name: unique('片区'), stationId: w.ids.stationA }),
  },
  {
    resource: 'deputies',
    fixture: 'deputyA',
    update: ['occupation', () => unique('职业')],
    create: (w) => ({ name: unique('代表'), stationId: w.ids.stationA }),
  },
  {
    resource: 'deputyGroups',
    fixture: 'group',
    update: ['name', () => unique('小组')],
    create: (w) => ({ name: unique('小组'), stationId: w.ids.stationA }),
  },
  { resource: 'deputySettings', fixture: 'settings', update: ['maxGridAreasPerDeputy', () => 1 + (serial++ % 2)] },
  {
    resource: 'workCalendarDays',
    fixture: 'day',
    update: ['name', () => unique('节')],
    create: () => ({ date: uniqueDay(), kind: 'holiday', name: unique('节') }),
  },
  {
    resource: 'auditTrail',
    fixture: 'trail',
    update: ['via', () => unique('x')],
    create: () => ({ collectionName: 'deputies', action: 'update' }),
  },
  {
    resource: 'dutyItems',
    fixture: 'item',
    update: ['nameEn', () => unique('item')],
    create: () => ({ code: unique('X'), category: 'A', name: unique('事项'), points: 1 }),
  },
  {
    resource: 'gradeBands',
    fixture: 'band',
    update: ['nameEn', () => unique('band')],
    create: () => ({ name: unique('等次'), minPoints: 999 }),
  },
  {
    // A fresh level reviews by the station head as the first does: records in review meanwhile just need the
    // head twice; the destroy case removes it again.
    resource: 'reviewLevels',
    fixture: 'level',
    update: ['titleEn', () => unique('level')],
    create: () => ({ sort: 99, title: unique('级别'), reviewerType: 'stationHead' }),
  },
  {
    resource: 'dutyPointsSettings',
    fixture: 'pointsSettings',
    update: ['reelectionAllowedFailures', () => serial++ % 2],
  },
  {
    resource: 'dutyActivities',
    fixture: 'activity',
    update: ['place', () => unique('地点')],
    create: (w) => ({ title: unique('活动'), itemId: w.ids.item, stationId: w.ids.stationA, date: '2025-03-04' }),
  },
  {
    resource: 'dutyRecords',
    fixture: 'record',
    update: ['description', () => unique('说明')],
    create: (w) => ({ deputyId: w.ids.deputyA, itemId: w.ids.item, date: '2025-03-05' }),
  },
  {
    resource: 'scorePeriods',
    fixture: 'period',
    update: ['title', () => unique('周期')],
    create: () => ({ key: uniqueQuarter() }),
  },
  {
    resource: 'pointEntries',
    update: ['points', () => 999],
    create: (w) => ({ deputyId: w.ids.deputyA, points: 100, year: 2025 }),
  },
  // The ledger's kept totals: administrators read them, nobody writes them through the API.
  {
    resource: 'pointTotals',
    update: ['total', () => 999],
    create: (w) => ({ deputyId: w.ids.deputyA, year: 1798, total: 999 }),
  },
  {
    resource: 'pointItemTotals',
    update: ['points', () => 999],
    create: (w) => ({ deputyId: w.ids.deputyA, itemId: w.ids.item, year: 1798, points: 999, standing: 1 }),
  },
  {
    resource: 'scoreSnapshots',
    update: ['total', () => 999],
    create: (w) => ({ periodId: w.ids.period, deputyId: w.ids.deputyA, total: 999 }),
  },
  {
    resource: 'deputyYearGrades',
    update: ['grade', () => '优秀'],
    create: (w) => ({ deputyId: w.ids.deputyA, year: 1799, grade: '优秀' }),
  },
  { resource: 'activityAttendances', create: (w) => ({ activityId: w.ids.activity, deputyId: w.ids.deputyB }) },
  {
    resource: 'dutyRules',
    fixture: 'rule',
    update: ['description', () => unique('说明')],
    create: () => ({
      code: unique('R'),
      name: unique('规则'),
      subject: 'deputy',
      period: 'year',
      measure: 'records',
      requiredCount: 1,
    }),
  },
  {
    resource: 'ruleResults',
    update: ['count', () => 99],
    create: (w) => ({ ruleId: w.ids.rule, deputyId: w.ids.deputyA, periodKey: '2025', status: 'met' }),
  },
  {
    resource: 'deputyLeaves',
    fixture: 'leave',
    update: ['reason', () => unique('事由')],
    create: (w) => ({ deputyId: w.ids.deputyA, from: '2025-05-01', to: '2025-05-02' }),
  },
  {
    resource: 'receptionSessions',
    fixture: 'session',
    update: ['noticeOn', () => `2024-12-${String(10 + (serial++ % 18)).padStart(2, '0')}`],
    create: (w) => ({
      stationId: w.ids.stationA,
      scheduledOn: `2024-${String(1 + (serial++ % 12)).padStart(2, '0')}-${String(1 + (serial % 28)).padStart(2, '0')}`,
      date: '2024-06-06',
    }),
  },
  {
    resource: 'ledgerSections',
    fixture: 'section',
    update: ['nameEn', () => unique('section')],
    create: () => ({ name: unique('栏目'), source: 'entry' }),
  },
  {
    resource: 'ledgerEntries',
    fixture: 'ledgerEntry',
    update: ['note', () => unique('备注')],
    create: (w) => ({ stationId: w.ids.stationA, sectionId: w.ids.section, month: '2025-02' }),
  },
  { resource: 'sixOnesSettings', fixture: 'sixSettings', update: ['noticeDaysBefore', () => 1 + (serial++ % 5)] },
  { resource: 'aidSettings', fixture: 'aidSettings', update: ['defaultVisitIntervalDays', () => 60 + (serial++ % 30)] },
  {
    resource: 'aidCategories',
    fixture: 'category',
    update: ['visitIntervalDays', () => 80 + (serial++ % 20)],
    create: () => ({ code: unique('cat'), name: unique('类别'), visitIntervalDays: 90 }),
  },
  {
    resource: 'aidAssistanceTypes',
    fixture: 'assistanceType',
    update: ['name', () => unique('类型')],
    create: () => ({ code: unique('type'), name: unique('类型') }),
  },
  {
    resource: 'aidHouseholds',
    fixture: 'household',
    update: ['needs', () => unique('需求')],
    create: (w) => ({ headName: unique('户主'), categoryId: w.ids.category, stationId: w.ids.stationA, consent: true }),
  },
  { resource: 'aidPairings', fixture: 'pairing', update: ['endNote', () => unique('备注')] },
  {
    resource: 'aidPlans',
    fixture: 'plan',
    update: ['responsibleParty', () => unique('责任人')],
    create: (w) => ({ pairingId: w.ids.pairing, goals: unique('目标') }),
  },
  {
    resource: 'aidVisits',
    fixture: 'visit',
    update: ['findings', () => unique('情况')],
    create: (w) => ({ pairingId: w.ids.pairing, date: '2025-02-03', mode: 'phone' }),
  },
  {
    resource: 'aidRecords',
    fixture: 'outcome',
    update: ['description', () => unique('说明')],
    create: (w) => ({ pairingId: w.ids.pairing, typeId: w.ids.assistanceType, date: '2025-02-04', amount: '50.00' }),
  },
  {
    resource: 'opinionClasses',
    fixture: 'opinionClass',
    update: ['description', () => unique('范围')],
    create: () => ({ code: unique('C'), name: unique('类'), escalationLevel: 1 }),
  },
  { resource: 'publicVoiceSettings', fixture: 'voiceSettings', update: ['cardPledge', () => unique('承诺')] },
  {
    resource: 'opinions',
    fixture: 'opinion',
    update: ['content', () => unique('改写的意见内容')],
    create: (w) => ({
      citizenName: '李四',
      category: 'other',
      content: unique('接待日登记的意见'),
      source: 'reception',
      deputyId: w.ids.deputyA,
    }),
  },
  {
    resource: 'opinionMilestones',
    fixture: 'milestone',
    update: ['note', () => unique('备注')],
    create: (w) => ({ opinionId: w.ids.opinion, kind: 'progress', note: unique('伪造') }),
  },
  {
    resource: 'mediationCases',
    fixture: 'mediation',
    update: ['description', () => unique('说明')],
    create: (w) => ({ title: unique('纠纷'), stationId: w.ids.stationA, deputyId: w.ids.deputyA }),
  },
  {
    resource: 'suggestionSettings',
    fixture: 'suggestionSettings',
    update: ['reopenLimit', () => 1 + (serial++ % 2)],
  },
  {
    resource: 'congressSessions',
    fixture: 'congressSession',
    update: ['title', () => unique('会议')],
    create: () => ({ code: unique('会'), title: unique('会议') }),
  },
  {
    resource: 'handlingUnits',
    fixture: 'handlingUnit',
    update: ['contactName', () => unique('联系人')],
    create: () => ({ name: unique('承办') }),
  },
  {
    resource: 'suggestions',
    fixture: 'suggestion',
    update: ['content', () => unique('建议内容')],
    create: (w) => ({
      sessionId: w.ids.congressSession,
      leadDeputyId: w.ids.deputyA,
      title: unique('建议'),
      content: '建议内容',
    }),
  },
  {
    resource: 'suggestionAssignments',
    fixture: 'assignment',
    update: ['reply', () => unique('答复')],
    create: (w) => ({ suggestionId: w.ids.suggestion, unitId: w.ids.handlingUnit, role: 'lead' }),
  },
  {
    resource: 'supervisionRecords',
    fixture: 'supervision',
    update: ['findings', () => unique('督办情况')],
    create: (w) => ({ suggestionId: w.ids.suggestion, date: '2025-06-02', findings: unique('督办情况') }),
  },
  {
    resource: 'appraisalSessions',
    fixture: 'appraisal',
    update: ['title', () => unique('测评')],
    create: () => ({ title: unique('测评'), year: 2030 }),
  },
  {
    resource: 'appraisalSubjects',
    fixture: 'appraisalSubject',
    update: ['title', () => unique('对象')],
    create: (w) => ({ sessionId: w.ids.appraisal, suggestionId: w.ids.suggestion, title: unique('对象') }),
  },
  {
    resource: 'appraisalBallots',
    fixture: 'appraisalBallot',
    update: ['choice', () => 'unsatisfied'],
    create: (w) => ({ sessionId: w.ids.appraisal, subjectId: w.ids.appraisalSubject, choice: 'satisfied' }),
  },
  {
    resource: 'appraisalTurnouts',
    fixture: 'appraisalTurnout',
    update: ['voterId', () => 1],
    create: (w) => ({ sessionId: w.ids.appraisal, subjectId: w.ids.appraisalSubject, voterId: 1 }),
  },
  {
    resource: 'pointAppeals',
    fixture: 'appeal',
    update: ['description', () => unique('申诉')],
    create: (w) => ({
      periodId: w.ids.published,
      deputyId: w.ids.deputyA,
      kind: 'missing',
      description: unique('申诉'),
    }),
  },
];

async function countOf(w: World, resource: string, filter: Record<string, unknown> = {}) {
  const res = await w.admin(
    'GET',
    `/${resource}:list?paginate=false&filter=${encodeURIComponent(JSON.stringify(filter))}`,
  );
  return (res as any[]).length;
}

/** The row a case aims at: the named fixture, or the first row the administrator sees (null: none yet). */
async function targetOf(w: World, spec: CollectionSpec): Promise<number | null> {
  if (spec.fixture) return w.ids[spec.fixture];
  // Other tests share the started app: aim at deputy A's own row, not whichever came first.
  const filter = encodeURIComponent(JSON.stringify({ deputyId: w.ids.deputyA }));
  const rows = await w.admin('GET', `/${spec.resource}:list?pageSize=1&sort=id&filter=${filter}`);
  return rows?.[0]?.id ?? null;
}

function collectionCases(spec: CollectionSpec): Case[] {
  const { resource } = spec;
  const cases: Case[] = [
    {
      key: `${resource}:list`,
      run: async (http, w, role) => {
        const id = await targetOf(w, spec);
        if (id === null) return 'deny';
        const res = await http(
          'GET',
          `/${resource}:list?filter=${encodeURIComponent(JSON.stringify({ id }))}`,
          undefined,
          w.tokens[role],
        );
        return ok(res.status) && (res.body?.data ?? []).some((r: any) => r.id === id) ? 'allow' : 'deny';
      },
    },
    {
      key: `${resource}:get`,
      run: async (http, w, role) => {
        const id = await targetOf(w, spec);
        if (id === null) return 'deny';
        const res = await http('GET', `/${resource}:get?filterByTk=${id}`, undefined, w.tokens[role]);
        return ok(res.status) && res.body?.data?.id === id ? 'allow' : 'deny';
      },
    },
  ];
  if (spec.update) {
    const [field, value] = spec.update;
    cases.push({
      key: `${resource}:update`,
      run: async (http, w, role) => {
        const id = await targetOf(w, spec);
        if (id === null) return 'deny';
        const wanted = value();
        const res = await http('POST', `/${resource}:update?filterByTk=${id}`, { [field]: wanted }, w.tokens[role]);
        const after = await w.admin('GET', `/${resource}:get?filterByTk=${id}`);
        return ok(res.status) && after?.[field] === wanted ? 'allow' : 'deny';
      },
    });
  }
  if (spec.create) {
    cases.push({
      key: `${resource}:create`,
      run: async (http, w, role) => {
        const before = await countOf(w, resource);
        const res = await http('POST', `/${resource}:create`, spec.create(w), w.tokens[role]);
        return ok(res.status) && (await countOf(w, resource)) > before ? 'allow' : 'deny';
      },
    });
  }
  cases.push({
    key: `${resource}:destroy`,
    run: async (http, w, role) => {
      // A fresh copy made by the administrator where it can make one, so the shared fixtures stay.
      const copy = spec.create ? await w.admin('POST', `/${resource}:create`, spec.create(w)).catch(() => null) : null;
      const id = copy?.id ?? (await targetOf(w, spec));
      if (id === null) return 'deny';
      const before = await countOf(w, resource);
      const res = await http('POST', `/${resource}:destroy?filterByTk=${id}`, {}, w.tokens[role]);
      const gone = (await countOf(w, resource)) < before;
      return ok(res.status) && gone ? 'allow' : 'deny';
    },
  });
  return cases;
}

/** Custom actions of the suite, each called the way its users call it. */
const CUSTOM: Case[] = [
  {
    key: 'deputies:me',
    run: async (http, w, role) =>
      ok((await http('GET', '/deputies:me', undefined, w.tokens[role])).status) ? 'allow' : 'deny',
  },
  {
    key: 'deputies:createAccount',
    run: async (http, w, role) => {
      const d = await w.admin('POST', '/deputies:create', {
        name: unique('新代表'),
        stationId: w.ids.stationA,
        phone: `16${String(Date.now() % 1e9).padStart(9, '0')}`,
      });
      return ok((await http('POST', `/deputies:createAccount?filterByTk=${d.id}`, {}, w.tokens[role])).status)
        ? 'allow'
        : 'deny';
    },
  },
  {
    key: 'dutyRecords:submit',
    run: async (http, w, role) => {
      // A fresh draft of deputy A each time; "allow" means it left the draft state.
      const r = await w.admin('POST', '/dutyRecords:create', {
        deputyId: w.ids.deputyA,
        itemId: w.ids.item,
        date: `2025-04-${String(1 + (serial++ % 27)).padStart(2, '0')}`,
      });
      await http('POST', `/dutyRecords:submit?filterByTk=${r.id}`, {}, w.tokens[role]);
      return (await w.admin('GET', `/dutyRecords:get?filterByTk=${r.id}`)).status === 'submitted' ? 'allow' : 'deny';
    },
  },
  {
    key: 'dutyRecords:revoke',
    run: async (http, w, role) => {
      const r = await w.admin('POST', '/dutyRecords:create', {
        deputyId: w.ids.deputyA,
        itemId: w.ids.item,
        date: `2025-05-${String(1 + (serial++ % 27)).padStart(2, '0')}`,
      });
      await w.admin('POST', `/dutyRecords:submit?filterByTk=${r.id}`, {});
      await w.admin('POST', `/dutyRecords:update?filterByTk=${r.id}`, { status: 'approved' });
      await http('POST', `/dutyRecords:revoke?filterByTk=${r.id}`, { reason: '测试' }, w.tokens[role]);
      return (await w.admin('GET', `/dutyRecords:get?filterByTk=${r.id}`)).status === 'revoked' ? 'allow' : 'deny';
    },
  },
  {
    key: 'dutyRecords:reviewBatch',
    run: async (http, w, role) => {
      // Nobody but the assigned reviewer has a task: the call answers, and decides nothing.
      const res = await http(
        'POST',
        '/dutyRecords:reviewBatch',
        { ids: [w.ids.record], decision: 'approve' },
        w.tokens[role],
      );
      return ok(res.status) && (res.body?.data?.done ?? []).length > 0 ? 'allow' : 'deny';
    },
  },
  {
    key: 'namedActions:list',
    run: async (http, w, role) => {
      const res = await http('GET', '/namedActions:list', undefined, w.tokens[role]);
      return ok(res.status) && (res.body?.data ?? []).includes('dutyRecords:submit') ? 'allow' : 'deny';
    },
  },
  {
    key: 'dutyScores:mine',
    run: async (http, w, role) =>
      ok((await http('GET', '/dutyScores:mine', undefined, w.tokens[role])).status) ? 'allow' : 'deny',
  },
  {
    key: 'dutyScores:ranking',
    run: async (http, w, role) => {
      const res = await http('GET', '/dutyScores:ranking?period=2025', undefined, w.tokens[role]);
      return ok(res.status) && (res.body?.data ?? []).some((r: any) => r.deputyId === w.ids.deputyA) ? 'allow' : 'deny';
    },
  },
  {
    key: 'dutyScores:reelection',
    run: async (http, w, role) =>
      ok((await http('GET', `/dutyScores:reelection?termId=${w.ids.term}`, undefined, w.tokens[role])).status)
        ? 'allow'
        : 'deny',
  },
  {
    key: 'dutyScores:reconcileTotals',
    run: async (http, w, role) =>
      ok((await http('POST', '/dutyScores:reconcileTotals', {}, w.tokens[role])).status) ? 'allow' : 'deny',
  },
  {
    key: 'scorePeriods:publish',
    run: async (http, w, role) => {
      const p = await w.admin('POST', '/scorePeriods:create', { key: uniqueQuarter() });
      await http('POST', `/scorePeriods:publish?filterByTk=${p.id}`, {}, w.tokens[role]);
      return (await w.admin('GET', `/scorePeriods:get?filterByTk=${p.id}`)).status === 'published' ? 'allow' : 'deny';
    },
  },
  {
    key: 'scorePeriods:closeYear',
    run: async (http, w, role) => {
      const res = await http('POST', `/scorePeriods:closeYear?filterByTk=${w.ids.period}`, {}, w.tokens[role]);
      // The fixture period is a quarter: an administrator gets a 400 for that, everyone else a 403.
      return res.status === 400 ? 'allow' : ok(res.status) ? 'allow' : 'deny';
    },
  },
  {
    key: 'scoreBoard:list',
    run: async (http, w, role) =>
      ok((await http('GET', '/scoreBoard:list', undefined, w.tokens[role])).status) ? 'allow' : 'deny',
  },
  {
    key: 'scoreBoard:print',
    run: async (http, w, role) =>
      ok((await http('GET', '/scoreBoard:print', undefined, w.tokens[role])).status) ? 'allow' : 'deny',
  },
  {
    key: 'pointAppeals:decide',
    run: async (http, w, role) => {
      const res = await http(
        'POST',
        '/pointAppeals:decide?filterByTk=999999',
        { decision: 'accepted', reason: 'x' },
        w.tokens[role],
      );
      // A permitted caller reaches the action (404: no such appeal); others are stopped before it.
      return res.status === 404 ? 'allow' : 'deny';
    },
  },
  {
    key: 'ruleResults:matrix',
    run: async (http, w, role) =>
      ok((await http('GET', '/ruleResults:matrix?period=2025-04', undefined, w.tokens[role])).status)
        ? 'allow'
        : 'deny',
  },
  {
    key: 'ruleResults:recomputeCompliance',
    run: async (http, w, role) =>
      ok((await http('POST', '/ruleResults:recomputeCompliance', { year: 2019 }, w.tokens[role])).status)
        ? 'allow'
        : 'deny',
  },
  {
    key: 'receptionSessions:generateSessions',
    run: async (http, w, role) =>
      ok((await http('POST', '/receptionSessions:generateSessions', { month: '2019-01' }, w.tokens[role])).status)
        ? 'allow'
        : 'deny',
  },
  {
    key: 'receptionSessions:closeDue',
    run: async (http, w, role) =>
      ok((await http('POST', '/receptionSessions:closeDue', {}, w.tokens[role])).status) ? 'allow' : 'deny',
  },
  {
    key: 'receptionSessions:upcoming',
    run: async (http, w, role) =>
      ok(
        (await http('GET', `/receptionSessions:upcoming?stationId=${w.ids.stationA}`, undefined, w.tokens[role]))
          .status,
      )
        ? 'allow'
        : 'deny',
  },
  {
    key: 'aidKpi:summary',
    run: async (http, w, role) => {
      // Figures of station A: its staff and administrators only.
      const res = await http(
        'GET',
        `/aidKpi:summary?period=2025&stationId=${w.ids.stationA}`,
        undefined,
        w.tokens[role],
      );
      return ok(res.status) ? 'allow' : 'deny';
    },
  },
  {
    key: 'aidKpi:overdue',
    run: async (http, w, role) =>
      ok((await http('GET', '/aidKpi:overdue', undefined, w.tokens[role])).status) ? 'allow' : 'deny',
  },
  {
    key: 'aidKpi:public',
    run: async (http, w, role) =>
      ok((await http('GET', '/aidKpi:public?period=2025', undefined, w.tokens[role])).status) ? 'allow' : 'deny',
  },
  {
    key: 'aidPairings:create',
    run: async (http, w, role) => {
      // A fresh household of station A for deputy A; a pairing made is closed again (N stays free).
      const household = await w.admin('POST', '/aidHouseholds:create', {
        headName: unique('户主'),
        categoryId: w.ids.category,
        stationId: w.ids.stationA,
        consent: true,
      });
      const res = await http(
        'POST',
        '/aidPairings:create',
        { deputyId: w.ids.deputyA, householdId: household.id, startDate: '2025-03-01' },
        w.tokens[role],
      );
      const made = await w.admin(
        'GET',
        `/aidPairings:list?filter=${encodeURIComponent(JSON.stringify({ householdId: household.id }))}`,
      );
      for (const p of made)
        await w.admin('POST', `/aidPairings:closePairing?filterByTk=${p.id}`, { reason: 'other', date: '2025-06-01' });
      return ok(res.status) && made.length === 1 ? 'allow' : 'deny';
    },
  },
  {
    key: 'aidPairings:closePairing',
    run: async (http, w, role) => {
      // A fresh pairing of deputy A each time; "allow" means it was closed.
      const household = await w.admin('POST', '/aidHouseholds:create', {
        headName: unique('户主'),
        categoryId: w.ids.category,
        stationId: w.ids.stationA,
        consent: true,
      });
      const pairing = await w.admin('POST', '/aidPairings:create', {
        deputyId: w.ids.deputyA,
        householdId: household.id,
        startDate: '2025-01-01',
      });
      await http(
        'POST',
        `/aidPairings:closePairing?filterByTk=${pairing.id}`,
        { reason: 'movedAway', date: '2025-06-01' },
        w.tokens[role],
      );
      const after = await w.admin('GET', `/aidPairings:get?filterByTk=${pairing.id}`);
      if (after.status === 'active')
        await w.admin('POST', `/aidPairings:closePairing?filterByTk=${pairing.id}`, {
          reason: 'movedAway',
          date: '2025-06-01',
        });
      return after.status === 'closed' ? 'allow' : 'deny';
    },
  },
  {
    key: 'dutyActivities:signIn',
    run: async (http, w, role) => {
      const res = await http('POST', '/dutyActivities:signIn', { code: 'NOSUCHCODE' }, w.tokens[role]);
      // Signed-in users reach the action (it answers "no activity has this code" or "not a deputy").
      return [403, 404].includes(res.status) &&
        res.body?.errors?.[0]?.message &&
        !/No permissions|权限/.test(res.body.errors[0].message)
        ? 'allow'
        : 'deny';
    },
  },
  // 码上找代表 — the public side: a QR code's addressee, the form, submitting, tracking and rating.
  {
    key: 'opinions:target',
    run: async (http, w, role) => {
      const res = await http('GET', `/opinions:target?token=${w.qrToken}`, undefined, w.tokens[role]);
      return ok(res.status) && res.body?.data?.deputy ? 'allow' : 'deny';
    },
  },
  {
    key: 'opinions:form',
    run: async (http, w, role) =>
      ok((await http('GET', `/opinions:form?token=${w.qrToken}`, undefined, w.tokens[role])).status) ? 'allow' : 'deny',
  },
  {
    key: 'opinions:submit',
    run: async (http, w, role) => {
      const before = await countOf(w, 'opinions');
      const res = await http(
        'POST',
        '/opinions:submit',
        { token: w.qrToken, name: '赵六', category: 'other', content: unique('扫码提交的意见') },
        w.tokens[role],
      );
      return ok(res.status) && (await countOf(w, 'opinions')) > before ? 'allow' : 'deny';
    },
  },
  {
    key: 'opinions:track',
    run: async (http, w, role) => {
      const res = await http('GET', `/opinions:track?code=${w.trackingCode}`, undefined, w.tokens[role]);
      return ok(res.status) && res.body?.data?.trackingCode === w.trackingCode ? 'allow' : 'deny';
    },
  },
  {
    key: 'opinions:rate',
    run: async (http, w, role) => {
      const row = await freshOpinion(http, w, 'closed');
      await http('POST', '/opinions:rate', { code: row.trackingCode, stars: 4 }, w.tokens[role]);
      return (await w.admin('GET', `/opinions:get?filterByTk=${row.id}`)).rating === 4 ? 'allow' : 'deny';
    },
  },
  // An opinion sent through station A's code, addressed to no deputy: the station's, not deputy A's.
  {
    key: 'opinions:list of a station’s opinion',
    run: async (http, w, role) => {
      const id = w.ids.stationOpinion;
      const res = await http(
        'GET',
        `/opinions:list?filter=${encodeURIComponent(JSON.stringify({ id }))}`,
        undefined,
        w.tokens[role],
      );
      return ok(res.status) && (res.body?.data ?? []).some((r: any) => r.id === id) ? 'allow' : 'deny';
    },
  },
  {
    key: 'opinions:get of a station’s opinion',
    run: async (http, w, role) => {
      const res = await http('GET', `/opinions:get?filterByTk=${w.ids.stationOpinion}`, undefined, w.tokens[role]);
      return ok(res.status) && res.body?.data?.id === w.ids.stationOpinion ? 'allow' : 'deny';
    },
  },
  // The handling steps, each on a fresh opinion of deputy A at station A.
  opinionStep('classify', 'received', 'classified', (w) => ({ opinionClassId: w.ids.opinionClass })),
  opinionStep('assign', 'classified', 'assigned', () => ({ handlingUnit: '县交通局' })),
  opinionStep('progress', 'assigned', 'inProgress', () => ({ note: '已到现场查看' })),
  opinionStep('answer', 'assigned', 'answered', () => ({ answer: '已安排维修' })),
  opinionStep('closeOpinion', 'answered', 'closed', () => ({})),
  opinionStep('convert', 'received', 'converted', () => ({ suggestionRef: '建议第1号' })),
  {
    key: 'opinions:retryOpinionCredit',
    run: async (http, w, role) =>
      ok((await http('POST', `/opinions:retryOpinionCredit?filterByTk=${w.ids.opinion}`, {}, w.tokens[role])).status)
        ? 'allow'
        : 'deny',
  },
  {
    key: 'mediationCases:milestone',
    run: async (http, w, role) => {
      const c = await w.admin('POST', '/mediationCases:create', {
        title: unique('纠纷'),
        stationId: w.ids.stationA,
        deputyId: w.ids.deputyA,
      });
      await http(
        'POST',
        `/mediationCases:milestone?filterByTk=${c.id}`,
        { stage: 'respond', note: '已联系双方' },
        w.tokens[role],
      );
      return (await w.admin('GET', `/mediationCases:get?filterByTk=${c.id}`)).respondedAt ? 'allow' : 'deny';
    },
  },
  {
    key: 'mediationCases:closeMediation',
    run: async (http, w, role) => {
      const c = await w.admin('POST', '/mediationCases:create', {
        title: unique('纠纷'),
        stationId: w.ids.stationA,
        deputyId: w.ids.deputyA,
      });
      await http(
        'POST',
        `/mediationCases:closeMediation?filterByTk=${c.id}`,
        { result: 'failed', outcome: '未达成' },
        w.tokens[role],
      );
      return (await w.admin('GET', `/mediationCases:get?filterByTk=${c.id}`)).status === 'failed' ? 'allow' : 'deny';
    },
  },
  // References stay within the writer's station: station A's opinion handed to deputy B, another station's
  // opinion tied to station A's mediation case ("allow": the reference was stored).
  {
    key: 'opinions:update to another station’s deputy',
    run: async (http, w, role) => {
      const row = await submitOpinion(
        http,
        w.admin,
        (await w.admin('GET', `/liaisonStations:get?filterByTk=${w.ids.stationA}`)).qrToken,
      );
      await http('POST', `/opinions:update?filterByTk=${row.id}`, { deputyId: w.ids.deputyB }, w.tokens[role]);
      return (await w.admin('GET', `/opinions:get?filterByTk=${row.id}`)).deputyId === w.ids.deputyB ? 'allow' : 'deny';
    },
  },
  {
    key: 'mediationCases:update to another station’s opinion',
    run: async (http, w, role) => {
      const other = await submitOpinion(
        http,
        w.admin,
        (await w.admin('GET', `/liaisonStations:get?filterByTk=${w.ids.stationB}`)).qrToken,
      );
      await http(
        'POST',
        `/mediationCases:update?filterByTk=${w.ids.mediation}`,
        { opinionId: other.id },
        w.tokens[role],
      );
      return (await w.admin('GET', `/mediationCases:get?filterByTk=${w.ids.mediation}`)).opinionId === other.id
        ? 'allow'
        : 'deny';
    },
  },
  {
    key: 'mediationCases:retryMediationCredit',
    run: async (http, w, role) =>
      ok(
        (await http('POST', `/mediationCases:retryMediationCredit?filterByTk=${w.ids.mediation}`, {}, w.tokens[role]))
          .status,
      )
        ? 'allow'
        : 'deny',
  },
  {
    key: 'opinionStats:summary',
    run: async (http, w, role) => {
      // Figures of station A: its staff and administrators only.
      const res = await http(
        'GET',
        `/opinionStats:summary?period=2025&stationId=${w.ids.stationA}`,
        undefined,
        w.tokens[role],
      );
      return ok(res.status) ? 'allow' : 'deny';
    },
  },
  {
    key: 'opinionStats:summary of a deputy',
    run: async (http, w, role) => {
      // Deputy A's figures: deputy A, its station's staff and administrators.
      const res = await http(
        'GET',
        `/opinionStats:summary?period=2025&deputyId=${w.ids.deputyA}`,
        undefined,
        w.tokens[role],
      );
      return ok(res.status) ? 'allow' : 'deny';
    },
  },
  {
    key: 'qrCards:print',
    run: async (http, w, role) =>
      ok((await http('GET', `/qrCards:print?deputyId=${w.ids.deputyA}`, undefined, w.tokens[role])).status)
        ? 'allow'
        : 'deny',
  },
  suggestionStep('submitSuggestion', 'draft', {}, (r) => r.status === 'submitted'),
  suggestionStep('withdrawSuggestion', 'draft', {}, (r) => r.status === 'withdrawn'),
  suggestionStep('reviewSuggestion', 'submitted', { decision: 'accept' }, (r) => r.status === 'registered'),
  suggestionStep(
    'assignSuggestion',
    'registered',
    (w) => ({ units: [{ unitId: w.ids.handlingUnit, role: 'lead' }] }),
    (r) => r.status === 'assigned',
  ),
  {
    key: 'suggestions:retrySuggestionCredit',
    run: async (http, w, role) => {
      const row = await freshSuggestion(w.admin, w.ids.congressSession, w.ids.deputyA, 'registered');
      const res = await http('POST', `/suggestions:retrySuggestionCredit?filterByTk=${row.id}`, {}, w.tokens[role]);
      return ok(res.status) ? 'allow' : 'deny';
    },
  },
  suggestionStep(
    'markKey',
    'registered',
    () => ({ year: nextKeyYear() }),
    (r) => r.key === true,
  ),
  {
    key: 'appraisalSessions:addKeySuggestions',
    run: async (http, w, role) => {
      const { appraisal } = await freshAppraisal(http, w, 'open');
      await http('POST', `/appraisalSessions:addKeySuggestions?filterByTk=${appraisal.id}`, {}, w.tokens[role]);
      const filter = encodeURIComponent(JSON.stringify({ sessionId: appraisal.id }));
      return (await w.admin('GET', `/appraisalSubjects:list?filter=${filter}`)).length ? 'allow' : 'deny';
    },
  },
  {
    key: 'appraisalSessions:castBallots',
    run: async (http, w, role) => {
      const { appraisal, subjectId } = await freshAppraisal(http, w, 'subjects');
      await http(
        'POST',
        `/appraisalSessions:castBallots?filterByTk=${appraisal.id}`,
        { choices: [{ subjectId, choice: 'basic' }] },
        w.tokens[role],
      );
      const filter = encodeURIComponent(JSON.stringify({ sessionId: appraisal.id }));
      return (await w.admin('GET', `/appraisalTurnouts:list?filter=${filter}`)).length ? 'allow' : 'deny';
    },
  },
  {
    key: 'appraisalSessions:closeAppraisal',
    run: async (http, w, role) => {
      const { appraisal } = await freshAppraisal(http, w, 'voted');
      await http('POST', `/appraisalSessions:closeAppraisal?filterByTk=${appraisal.id}`, {}, w.tokens[role]);
      const after = await w.admin('GET', `/appraisalSessions:get?filterByTk=${appraisal.id}`);
      return after.status === 'closed' ? 'allow' : 'deny';
    },
  },
  assignmentStep('extendAssignment', 'assigned', { reason: '需统筹' }, (p) => p.extensions === 1),
  assignmentStep('replyAssignment', 'assigned', { reply: '已办理', resultCode: 'A' }, (p) => p.status === 'replied'),
  assignmentStep('feedbackAssignment', 'replied', { satisfaction: 'satisfied' }, (p) => p.status === 'accepted'),
];

/** The named actions the pages' buttons run through `namedActions:run` (suite-core security/named-actions.ts). */
const BUTTON_ACTIONS = [
  'dutyRecords:submit',
  'dutyRecords:revoke',
  'dutyRecords:reviewBatch',
  'scorePeriods:publish',
  'scorePeriods:closeYear',
  'pointAppeals:decide',
  'suggestions:submitSuggestion',
  'suggestions:withdrawSuggestion',
  'suggestions:reviewSuggestion',
  'suggestions:assignSuggestion',
  'suggestionAssignments:extendAssignment',
  'suggestionAssignments:replyAssignment',
  'suggestionAssignments:feedbackAssignment',
  'suggestions:markKey',
  'appraisalSessions:addKeySuggestions',
  'appraisalSessions:castBallots',
  'appraisalSessions:closeAppraisal',
];

/**
 * The same case, called the way a page's button calls it: `POST /namedActions:run {action, filterByTk, values}`.
 * Its expected verdict is the action's own — the button grants nothing the role does not hold.
 */
function throughButton(base: Case): Case {
  return {
    key: `namedActions:run ${base.key}`,
    run: (http, w, role) =>
      base.run(
        (method, url, body, token) => {
          const [route, query = ''] = url.split('?');
          if (route !== `/${base.key}`) return http(method, url, body, token);
          const filterByTk = new URLSearchParams(query).get('filterByTk') ?? undefined;
          return http('POST', '/namedActions:run', { action: base.key, filterByTk, values: body ?? {} }, token);
        },
        w,
        role,
      ),
  };
}

export function allCases(): Case[] {
  const buttons = CUSTOM.filter((c) => BUTTON_ACTIONS.includes(c.key)).map(throughButton);
  return [...COLLECTIONS.flatMap(collectionCases), ...CUSTOM, ...buttons];
}

export type MatrixResult = {
  calls: number;
  allowed: number;
  refused: number;
  unexpectedAllows: string[];
  unexpectedRefusals: string[];
  missing: string[];
  actual: Matrix;
};

/** Runs every case for every role and compares with the expected matrix. */
export async function runMatrix(http: Http, world: World, expected: Matrix): Promise<MatrixResult> {
  const actual: Matrix = {};
  const result: MatrixResult = {
    calls: 0,
    allowed: 0,
    refused: 0,
    unexpectedAllows: [],
    unexpectedRefusals: [],
    missing: [],
    actual,
  };
  for (const c of allCases()) {
    actual[c.key] = {};
    for (const role of ROLES) {
      const outcome = await c.run(http, world, role);
      actual[c.key][role] = outcome;
      result.calls += 1;
      result[outcome === 'allow' ? 'allowed' : 'refused'] += 1;
      const want = expected[c.key]?.[role];
      if (!want) result.missing.push(`${c.key} ${role}`);
      else if (want !== outcome)
        (outcome === 'allow' ? result.unexpectedAllows : result.unexpectedRefusals).push(`${c.key} ${role}`);
    }
  }
  await world.restore();
  return result;
}
