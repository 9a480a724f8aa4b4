import { shanghaiToday } from '@deputy/plugin-suite-core';
import type { DemoCall } from '@deputy/test-helpers';
import type { Model } from '@nocobase/database';
import type { MockServer } from '@nocobase/test';
import { demoHead, DEMO_HOUSEHOLDS } from '../demo';
import { hashIdNumber } from '../services/id-number';
import type { AidKpi } from '../services/kpi';

/**
 * The check digit of a resident ID number (GB 11643), derived here from the standard's formula — weights
 * 2^(17−i) mod 11, check (12 − Σ mod 11) mod 11 with 10 written X — independently of services/id-number.ts.
 */
function validIdNumber(id: string, year: number) {
  if (!/^\d{17}[\dX]$/.test(id)) return false;
  const sum = [...id.slice(0, 17)].reduce((s, c, i) => s + Number(c) * (2 ** (17 - i) % 11), 0);
  const check = (12 - (sum % 11)) % 11;
  if (id[17] !== (check === 10 ? 'X' : String(check))) return false;
  const birth = `${id.slice(6, 10)}-${id.slice(10, 12)}-${id.slice(12, 14)}`;
  const date = new Date(`${birth}T00:00:00Z`);
  return (
    !Number.isNaN(date.getTime()) &&
    date.toISOString().slice(0, 10) === birth &&
    Number(id.slice(6, 10)) >= 1900 &&
    Number(id.slice(6, 10)) < year
  );
}

const day = (v: unknown) => (v ? String(v instanceof Date ? v.toISOString() : v).slice(0, 10) : '');

/** What the demo town must hold of this plugin's data (demo-town.test.ts); returns the failed checks. */
export async function checkPairingAidDemo(
  app: MockServer,
  signIn: (username: string) => Promise<string>,
  call: DemoCall,
): Promise<string[]> {
  const failures: string[] = [];
  const fail = (message: string) => failures.push(`pairing-aid: ${message}`);
  const db = app.db;
  const today = shanghaiToday();
  const year = Number(today.slice(0, 4));
  const raw = async (name: string, where: Record<string, unknown> = {}) =>
    (await db.getCollection(name).model.findAll({ where, raw: true, order: [['id', 'ASC']] })) as any[];

  const settings: { maxPairingsPerDeputy?: number } = (await db.getRepository('aidSettings').findOne())?.toJSON() ?? {};
  const N = Number(settings.maxPairingsPerDeputy) || 3;
  const households = await raw('aidHouseholds');
  const pairings = await raw('aidPairings');
  const plans = await raw('aidPlans');
  const visits = await raw('aidVisits');
  const records = await raw('aidRecords');
  const deputies = await raw('deputies');
  const categories = await raw('aidCategories');
  const types = await raw('aidAssistanceTypes');
  const stations = ((await db.getRepository('liaisonStations').find({ appends: ['staff'] })) as Model[]).map((s) =>
    s.toJSON<{ id: number; name: string; parentId: number | null; headId: number | null; staff?: { id: number }[] }>(),
  );
  const districts = stations.filter((s) => s.parentId);
  const deputyOf = new Map(deputies.map((d) => [d.id, d]));
  const staffOf = new Map(stations.map((s) => [s.id, new Set<number>((s.staff ?? []).map((u) => u.id))]));

  // ---------- households: about 150, in every 片区站's villages, several categories, valid unique ID numbers ----------
  if (households.length < 130 || households.length > 170) fail(`${households.length} households, expected about 150`);
  for (const s of districts) {
    const mine = households.filter((h) => h.stationId === s.id);
    if (mine.length < 20) fail(`${s.name} has ${mine.length} households, expected about 30`);
    const villages = new Set(mine.map((h) => h.gridAreaId).filter(Boolean));
    if (villages.size < 3) fail(`${s.name}'s households are in ${villages.size} of its 3 villages`);
  }
  const used = new Set(households.map((h) => h.categoryId));
  if (used.size < 6)
    fail(`households are of ${used.size} categories, expected most of the ${categories.length} seeded`);
  const hashes = new Set(households.map((h) => h.idNumberHash));
  if (hashes.has(null) || hashes.size !== households.length)
    fail(`ID numbers: ${hashes.size} distinct hashes for ${households.length} households (some missing or repeated)`);
  const codeOf = new Map(categories.map((c) => [c.id, c.code]));
  const badIds: string[] = [];
  if (households.length === DEMO_HOUSEHOLDS) {
    households.forEach((h, index) => {
      const { idNumber } = demoHead(index, codeOf.get(h.categoryId));
      if (!validIdNumber(idNumber, year) || !/^4305\d\d/.test(idNumber) || hashIdNumber(idNumber) !== h.idNumberHash)
        badIds.push(`${h.headName} ${h.idNumberMasked}`);
      else if (h.idNumberMasked !== `${idNumber.slice(0, 3)}${'*'.repeat(11)}${idNumber.slice(-4)}`)
        badIds.push(`${h.headName} masked as ${h.idNumberMasked}`);
    });
  } else fail(`${households.length} households, not the ${DEMO_HOUSEHOLDS} the demo registers`);
  if (badIds.length)
    fail(
      `households whose stored ID number is not a valid 4305xx number of the demo: ${badIds.slice(0, 5).join(', ')}`,
    );
  const leaked = households.filter((h) => Object.values(h).some((v) => typeof v === 'string' && /\d{17}[\dX]/.test(v)));
  if (leaked.length) fail(`${leaked.length} households keep an unmasked ID number`);

  // ---------- pairings: N limit held, most deputies at N, a few fewer; every state of a pairing ----------
  const activeOf = (deputyId: number) =>
    pairings.filter((p) => p.deputyId === deputyId && p.status === 'active').length;
  const over = deputies.filter((d) => activeOf(d.id) > N);
  if (over.length)
    fail(`deputies over N = ${N} active pairings: ${over.map((d) => `${d.name} (${activeOf(d.id)})`).join(', ')}`);
  const atN = deputies.filter((d) => activeOf(d.id) === N).length;
  const fewer = deputies.filter((d) => activeOf(d.id) < N).length;
  if (atN < deputies.length / 2) fail(`only ${atN} of ${deputies.length} deputies hold N = ${N} households`);
  if (!fewer) fail('no deputy holds fewer than N households');
  const activeHouseholds = pairings.filter((p) => p.status === 'active').map((p) => p.householdId);
  if (new Set(activeHouseholds).size !== activeHouseholds.length) fail('a household has two active pairings');
  for (const status of ['active', 'closed', 'transferred']) {
    if (!pairings.some((p) => p.status === status)) fail(`no pairing is ${status}`);
  }
  for (const p of pairings.filter((p) => p.status !== 'active')) {
    if (!p.endReason || !p.endDate || !p.endNote)
      fail(`pairing #${p.id} (${p.status}) has no end date, reason or note`);
  }
  for (const p of pairings.filter((p) => p.status === 'transferred')) {
    const next = pairings.find((q) => q.previousPairingId === p.id);
    if (!next) fail(`transferred pairing #${p.id} has no successor`);
    else if (!plans.some((x) => x.pairingId === next.id && String(x.changeNote).includes(`沿用自结对 #${p.id}`)))
      fail(`the plan of transferred pairing #${p.id} was not carried over to #${next.id} (with its note in Chinese)`);
  }
  const unpaired = households.filter((h) => !pairings.some((p) => p.householdId === h.id));
  if (unpaired.some((h) => h.consent))
    fail(`${unpaired.filter((h) => h.consent).length} consenting households were never paired`);

  // ---------- plans of the year, versions ----------
  const active = pairings.filter((p) => p.status === 'active');
  const withoutPlan = active.filter((p) => !plans.some((x) => x.pairingId === p.id));
  if (withoutPlan.length) fail(`${withoutPlan.length} active pairings have no plan`);
  if (!plans.some((x) => x.version === 2 && x.changeNote)) fail('no plan was revised (version 2 with what changed)');
  const currents = new Map<number, number>();
  for (const x of plans.filter((x) => x.current)) currents.set(x.pairingId, (currents.get(x.pairingId) ?? 0) + 1);
  if ([...currents.values()].some((n) => n !== 1)) fail('a pairing has more than one current plan version');

  // ---------- visits through the year; outcomes of several types with yuan amounts ----------
  const months = new Set(visits.map((v) => day(v.date).slice(0, 7)));
  if (visits.length < 300) fail(`${visits.length} visits, expected several hundred`);
  if (months.size < Math.min(10, Number(today.slice(5, 7)))) fail(`visits in only ${months.size} months of the year`);
  for (const mode of ['home', 'phone', 'video']) if (!visits.some((v) => v.mode === mode)) fail(`no visit by ${mode}`);
  const outOfRange = visits.filter((v) => {
    const p = pairings.find((q) => q.id === v.pairingId);
    return (
      !p ||
      day(v.date) < day(p.startDate) ||
      (p.endDate && day(v.date) > day(p.endDate)) ||
      day(v.date) > today ||
      v.deputyId !== p.deputyId
    );
  });
  if (outOfRange.length) fail(`${outOfRange.length} visits outside their pairing's dates or deputy`);
  const typeCodes = new Set(records.map((r) => types.find((t) => t.id === r.typeId)?.code));
  if (typeCodes.size < 5) fail(`outcomes of only ${typeCodes.size} assistance types`);
  const badMoney = records.filter((r) => Math.round(Number(r.amount) * 100) !== Number(r.amountFen));
  if (badMoney.length) fail(`${badMoney.length} outcomes whose amount (yuan) and amountFen differ`);
  if (!records.some((r) => Number(r.amountFen) % 100 !== 0)) fail('no amount has fen (yuan with cents)');

  // ---------- confirmation states, and who confirmed ----------
  const isTrue = (v: unknown) => v === true || v === 1;
  if (!records.some((r) => !isTrue(r.confirmed))) fail('no outcome awaits confirmation');
  if (!records.some((r) => isTrue(r.confirmed))) fail('no outcome is confirmed');
  if (!visits.some((v) => isTrue(v.householdConfirmed))) fail('no visit is confirmed');
  if (!visits.some((v) => !isTrue(v.householdConfirmed))) fail('every visit is confirmed');
  const trail = await raw('auditTrail', { collectionName: ['aidVisits', 'aidRecords'], action: 'update' });
  const parse = (v: unknown) => (typeof v === 'string' ? JSON.parse(v) : v) ?? {};
  for (const [collection, flag, rows] of [
    ['aidVisits', 'householdConfirmed', visits],
    ['aidRecords', 'confirmed', records],
  ] as const) {
    const wrong: string[] = [];
    for (const row of rows.filter((r) => isTrue(r[flag]))) {
      const deputy = deputyOf.get(row.deputyId);
      const staff = staffOf.get(deputy?.stationId) ?? new Set();
      const by = trail.find(
        (a) => a.collectionName === collection && String(a.recordId) === String(row.id) && isTrue(parse(a.after)[flag]),
      );
      if (!by || !staff.has(by.userId) || by.userId === deputy?.userId || !staff.has(row.updatedById))
        wrong.push(`#${row.id}`);
    }
    if (wrong.length)
      fail(
        `${collection} confirmed by someone not on the staff of the deputy's station: ${wrong.slice(0, 8).join(', ')}`,
      );
  }

  // ---------- credited to duty points through plugin-duty-points' filing ----------
  if (db.hasCollection('dutyRecords')) {
    for (const [collection, prefix, rows] of [
      ['aidVisits', 'aid-visit', visits],
      ['aidRecords', 'aid-outcome', records],
    ] as const) {
      const filed = rows.filter((r) => r.creditStatus === 'filed');
      if (!filed.length) fail(`no ${collection} row was filed for duty points`);
      const duty = await raw('dutyRecords', { source: filed.map((r) => `${prefix}:${r.id}`) });
      const unmatched = filed.filter(
        (r) =>
          !duty.some(
            (d) =>
              d.id === r.dutyRecordId &&
              d.source === `${prefix}:${r.id}` &&
              d.deputyId === r.deputyId &&
              d.status !== 'draft',
          ),
      );
      if (unmatched.length) fail(`${unmatched.length} ${collection} rows marked filed have no matching duty record`);
      const confirmedNotFiled = rows.filter(
        (r) => isTrue(r[collection === 'aidVisits' ? 'householdConfirmed' : 'confirmed']) && r.creditStatus !== 'filed',
      );
      if (confirmedNotFiled.some((r) => r.creditStatus !== 'failed' || !r.creditError))
        fail(`${collection}: confirmed rows neither filed nor failed with a reason`);
      if (!confirmedNotFiled.length)
        fail(`${collection}: no confirmed row that could not be filed (the 'failed' state)`);
      if (
        rows.some((r) => !isTrue(r[collection === 'aidVisits' ? 'householdConfirmed' : 'confirmed']) && r.creditStatus)
      )
        fail(`${collection}: an unconfirmed row was credited`);
    }
  }

  // ---------- KPIs through HTTP: the administrator's and a station head's, against a direct count ----------
  const inYear = (r: any) => day(r.date) >= `${year}-01-01` && day(r.date) <= `${year}-12-31`;
  const expected = (deputyIds: Set<number> | null) => {
    const mine = (r: any) => !deputyIds || deputyIds.has(r.deputyId);
    const confirmed = records.filter((r) => inYear(r) && mine(r) && isTrue(r.confirmed));
    const reliefTypes = new Set(types.filter((t) => t.kpiGroup === 'relief').map((t) => t.id));
    const relief = confirmed
      .filter((r) => reliefTypes.has(r.typeId))
      .reduce((s, r) => s + BigInt(r.amountFen), BigInt(0));
    return {
      confirmed: confirmed.length,
      awaiting: records.filter((r) => inYear(r) && mine(r) && !isTrue(r.confirmed)).length,
      relief: relief.toString(),
      visits: visits.filter((v) => inYear(v) && mine(v)).length,
    };
  };
  const users = await raw('users', { username: ['demo-admin', 'demo-head1', 'demo-deputy01'] });
  const userId = (username: string) => users.find((u) => u.username === username)?.id;
  const head1Station = districts.find((s) => s.headId === userId('demo-head1'));
  const checkKpi = async (username: string, deputyIds: Set<number> | null) => {
    const res = await call('get', `/aidKpi:summary?period=${year}`, await signIn(username));
    if (res.status !== 200) {
      fail(`${username}: aidKpi:summary answered ${res.status} ${JSON.stringify(res.body)}`);
      return null;
    }
    // The answer is the JSON of AidKpi.summary.
    const k = res.body.data as Awaited<ReturnType<AidKpi['summary']>>;
    const want = expected(deputyIds);
    const got = {
      confirmed: k.outcomes.confirmed,
      awaiting: k.outcomes.awaitingConfirmation,
      relief: k.outcomes.reliefFen,
      visits: k.visits.count,
    };
    if (JSON.stringify(got) !== JSON.stringify(want))
      fail(`${username}: KPI ${JSON.stringify(got)} differs from the direct count ${JSON.stringify(want)}`);
    if (!want.confirmed || !want.awaiting || want.relief === '0' || !want.visits)
      fail(`${username}: trivial KPI ${JSON.stringify(want)}`);
    if (
      !(k.households.total > 0) ||
      !(k.visits.personTimes > k.visits.count) ||
      !(k.outcomes.legalAidCases > 0 || k.outcomes.flats > 0 || k.outcomes.jobs > 0)
    ) {
      fail(
        `${username}: households, person-times or outcome counts are trivial: ${JSON.stringify({ households: k.households.total, personTimes: k.visits.personTimes, legal: k.outcomes.legalAidCases })}`,
      );
    }
    const share = k.coverage.currentPlanShare;
    if (!(share > 0.5 && share < 1) || !(k.coverage.visitInTimeShare > 0.5 && k.coverage.visitInTimeShare < 1)) {
      fail(`${username}: coverage shares not telling (${share}, ${k.coverage.visitInTimeShare})`);
    }
    return k;
  };
  const all = await checkKpi('demo-admin', null);
  if (all && (!(all.pairings.closed > 0) || !(all.pairings.transferred > 0) || !(all.pairings.started > 0)))
    fail(`the year's pairings show no start, close or transfer: ${JSON.stringify(all.pairings)}`);
  if (head1Station) {
    const own = new Set(deputies.filter((d) => d.stationId === head1Station.id).map((d) => d.id));
    const station = await checkKpi('demo-head1', own);
    if (all && station && !(station.outcomes.confirmed < all.outcomes.confirmed))
      fail('demo-head1 sees the whole town’s outcomes, not its station’s');
  } else fail('demo-head1 heads no station');
  const overdue = await call('get', '/aidKpi:overdue', await signIn('demo-admin'));
  if (overdue.status !== 200 || !Array.isArray(overdue.body.data) || !overdue.body.data.length)
    fail(`aidKpi:overdue lists no overdue visit (${overdue.status})`);

  // ---------- what the pages list: the station head its station's, the deputy its own only ----------
  const headToken = await signIn('demo-head1');
  if (head1Station) {
    const list = await call('get', '/aidHouseholds:list?paginate=false', headToken);
    const mine = households.filter((h) => h.stationId === head1Station.id);
    const rows = (list.body?.data ?? []) as Record<string, unknown>[];
    if (list.status !== 200 || !rows.length || rows.length !== mine.length)
      fail(`demo-head1 lists ${rows.length} households (${list.status}), its station has ${mine.length}`);
    if (rows.some((r) => 'idNumberHash' in r || 'idNumber' in r))
      fail('demo-head1 receives ID number data of households');
    const waiting = await call(
      'get',
      `/aidRecords:list?paginate=false&filter=${encodeURIComponent(JSON.stringify({ confirmed: { $isFalsy: true } }))}`,
      headToken,
    );
    const waitingRows = (waiting.body?.data ?? []) as { deputyId: number }[];
    const ownDeputies = new Set(deputies.filter((d) => d.stationId === head1Station.id).map((d) => d.id));
    if (waiting.status !== 200 || !waitingRows.length)
      fail(`demo-head1 has no outcome waiting for confirmation (${waiting.status})`);
    if (waitingRows.some((r) => !ownDeputies.has(r.deputyId))) fail('demo-head1 sees outcomes of another station');
  }
  const deputy01 = deputies.find((d) => d.userId === userId('demo-deputy01'));
  if (!deputy01) fail('demo-deputy01 has no deputy record');
  else {
    const token = await signIn('demo-deputy01');
    const own = pairings.filter((p) => p.deputyId === deputy01.id);
    const ownActive = own.filter((p) => p.status === 'active');
    if (ownActive.length !== N)
      fail(`demo-deputy01 holds ${ownActive.length} active pairings, the demo gives the first deputy N = ${N}`);
    const listed = await call('get', '/aidPairings:list?paginate=false', token);
    const rows = (listed.body?.data ?? []) as { deputyId: number }[];
    if (listed.status !== 200 || rows.length !== own.length || rows.some((r) => r.deputyId !== deputy01.id)) {
      fail(`demo-deputy01 lists ${rows.length} pairings (${listed.status}), its own are ${own.length}`);
    }
    const seen = await call('get', '/aidHouseholds:list?paginate=false', token);
    const seenIds = ((seen.body?.data ?? []) as { id: number }[]).map((h) => h.id).sort((a, b) => a - b);
    const ownIds = ownActive.map((p) => p.householdId).sort((a, b) => a - b);
    if (seen.status !== 200 || JSON.stringify(seenIds) !== JSON.stringify(ownIds))
      fail(
        `demo-deputy01 sees households ${JSON.stringify(seenIds)}, its active pairings are with ${JSON.stringify(ownIds)}`,
      );
    const visitsSeen = await call('get', '/aidVisits:list?paginate=false', token);
    const visitRows = (visitsSeen.body?.data ?? []) as { deputyId: number }[];
    if (!visitRows.length || visitRows.some((v) => v.deputyId !== deputy01.id))
      fail(`demo-deputy01 lists ${visitRows.length} visits, or some of another deputy`);
    const other = households.find((h) => !ownIds.includes(h.id));
    if (other) {
      const res = await call('get', `/aidHouseholds:get?filterByTk=${other.id}`, token);
      if (res.status === 200 && res.body?.data)
        fail(`demo-deputy01 can read household #${other.id}, not paired with it`);
    }
  }
  return failures;
}
