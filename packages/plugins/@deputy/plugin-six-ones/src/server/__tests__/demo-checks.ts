import { shanghaiToday } from '@deputy/plugin-suite-core';
import type { DemoCall } from '@deputy/test-helpers';
import type { Model } from '@nocobase/database';
import type { MockServer } from '@nocobase/test';
import { demoMonths } from '../demo';

const asDate = (v: unknown) => String(v ?? '').slice(0, 10);

/** What the demo town must hold of this plugin's data (demo-town.test.ts); returns the failed checks. */
export async function checkSixOnesDemo(
  app: MockServer,
  signIn: (username: string) => Promise<string>,
  call: DemoCall,
): Promise<string[]> {
  const failures: string[] = [];
  const fail = (message: string) => failures.push(`six-ones: ${message}`);
  const db = app.db;
  const today = shanghaiToday();
  const months = demoMonths(today);

  const stations: Model[] = await db.getRepository('liaisonStations').find({ sort: ['id'] });
  const districts = stations.filter((s) => s.get('parentId'));
  const sessions: Model[] = await db
    .getRepository('receptionSessions')
    .find({ appends: ['roster', 'activity'], sort: ['date'] });
  const attendances: Model[] = await db
    .getRepository('activityAttendances')
    .find({ fields: ['activityId', 'deputyId'] });
  const attendedAt = new Map<number, Set<number>>();
  for (const a of attendances)
    attendedAt.set(a.get('activityId'), new Set([...(attendedAt.get(a.get('activityId')) ?? []), a.get('deputyId')]));

  // 1. Every 片区站 has its reception days in every month of the demo (January to next month).
  for (const station of districts) {
    const days = (station.get('receptionDays') ?? []).length;
    for (const month of months) {
      const n = sessions.filter(
        (s) => s.get('stationId') === station.get('id') && asDate(s.get('scheduledOn')).startsWith(month),
      ).length;
      if (n !== days)
        fail(`${station.get('name')} has ${n} reception sessions in ${month}, expected ${days} (its reception days)`);
    }
  }

  // 2. Each session has its approved sign-in activity at its station on its day, and a roster.
  for (const s of sessions) {
    const a = s.get('activity');
    if (
      !a ||
      a.get('status') !== 'approved' ||
      asDate(a.get('date')) !== asDate(s.get('date')) ||
      a.get('stationId') !== s.get('stationId')
    ) {
      fail(
        `session ${s.get('id')} (${asDate(s.get('date'))}) has no approved sign-in activity at its station on its day`,
      );
    } else if (!(s.get('roster') ?? []).length)
      fail(`session ${s.get('id')} (${asDate(s.get('date'))}) has nobody on its roster`);
  }

  // 3. Past sessions are settled, coming ones planned; held ones have sign-ins, the not-held ones none.
  const past = sessions.filter((s) => asDate(s.get('date')) < today);
  const statusCount = (list: Model[], status: string) => list.filter((s) => s.get('status') === status).length;
  if (!past.length) fail('no reception session has passed yet');
  const unsettled = statusCount(past, 'planned');
  if (unsettled) fail(`${unsettled} past reception sessions are still planned (closeDue not run)`);
  const settledFuture = sessions.filter((s) => asDate(s.get('date')) >= today && s.get('status') !== 'planned').length;
  if (settledFuture) fail(`${settledFuture} reception sessions of today or later are already settled`);
  for (const s of past.filter((x) => x.get('status') !== 'planned')) {
    const came = attendedAt.get(s.get('activityId'))?.size ?? 0;
    if ((s.get('status') === 'held') !== came > 0)
      fail(`session ${s.get('id')} is ${s.get('status')} with ${came} sign-ins`);
  }
  if (statusCount(past, 'held') < past.length * 0.8)
    fail(`only ${statusCount(past, 'held')} of ${past.length} past sessions were held`);
  if (!statusCount(past, 'missed')) fail('no past session shows as not held');

  // 4. Most rostered deputies signed in.
  const shifts = past.flatMap((s) => ((s.get('roster') ?? []) as Model[]).map((d) => ({ s, deputyId: d.get('id') })));
  const kept = shifts.filter(({ s, deputyId }) => attendedAt.get(s.get('activityId'))?.has(deputyId)).length;
  if (kept < shifts.length * 0.75)
    fail(`only ${kept} of ${shifts.length} rostered shifts of past sessions were signed in`);
  // Each sign-in has its approved 进站接待 duty record of the deputy, on the day.
  const signInRecords: Model[] = await db.getRepository('activityAttendances').find({
    appends: ['record', 'activity'],
    filter: { activityId: { $in: sessions.map((s) => s.get('activityId')) } },
  });
  const badRecords = signInRecords.filter(
    (a) =>
      a.get('record')?.get('status') !== 'approved' ||
      a.get('record')?.get('deputyId') !== a.get('deputyId') ||
      asDate(a.get('record')?.get('date')) !== asDate(a.get('activity')?.get('date')),
  );
  if (badRecords.length)
    fail(`${badRecords.length} reception sign-ins have no approved duty record of the deputy on the day`);

  // 5. No-show deductions: exactly the rostered deputies of settled sessions who neither signed in nor had approved leave.
  const leaves: Model[] = await db.getRepository('deputyLeaves').find();
  for (const status of ['pending', 'approved', 'rejected'])
    if (!leaves.some((l) => l.get('status') === status)) fail(`no leave is ${status}`);
  const deputyUsers = new Map(
    ((await db.getRepository('deputies').find({ fields: ['id', 'userId'] })) as Model[]).map((d) => [
      d.get('id'),
      d.get('userId'),
    ]),
  );
  const notAsked = leaves.filter((l) => l.get('createdById') !== deputyUsers.get(l.get('deputyId')));
  if (notAsked.length) fail(`${notAsked.length} leaves were not requested by the deputy itself`);
  const onLeave = (deputyId: number, date: string) =>
    leaves.some(
      (l) =>
        l.get('status') === 'approved' &&
        l.get('deputyId') === deputyId &&
        asDate(l.get('from')) <= date &&
        date <= asDate(l.get('to')),
    );
  const expected = new Set<string>();
  let excused = 0;
  for (const { s, deputyId } of shifts) {
    if (s.get('status') === 'planned' || attendedAt.get(s.get('activityId'))?.has(deputyId)) continue;
    if (onLeave(deputyId, asDate(s.get('date')))) excused += 1;
    else expected.add(`reception-no-show:${s.get('id')}:${deputyId}`);
  }
  const deductions: Model[] = await db
    .getRepository('dutyRecords')
    .find({ filter: { source: { $like: 'reception-no-show:%' } }, appends: ['item'] });
  const actual = new Set(deductions.filter((r) => r.get('status') === 'approved').map((r) => r.get('source')));
  const missing = [...expected].filter((k) => !actual.has(k));
  const extra = [...actual].filter((k) => !expected.has(k));
  if (missing.length || extra.length)
    fail(
      `no-show deductions differ from the rostered absentees without leave: missing ${missing.join(', ') || 'none'}; not due ${extra.join(', ') || 'none'}`,
    );
  if (!expected.size) fail('no rostered deputy missed a shift without leave: no no-show deduction to show');
  if (!excused) fail('no rostered absentee was excused by an approved leave');
  const wrongItem = deductions.filter(
    (r) => r.get('item')?.get('code') !== 'D25' || Number(r.get('awardedPoints')) >= 0,
  );
  if (wrongItem.length) fail(`${wrongItem.length} no-show records are not D25 deductions with negative points`);

  // 6. Compliance: rows for every deputy, and more than one outcome across the town (met, missed, in progress).
  const results: Model[] = await db
    .getRepository('ruleResults')
    .find({ fields: ['id', 'ruleId', 'deputyId', 'stationId', 'periodKey', 'status', 'count'] });
  const deputies: Model[] = await db.getRepository('deputies').find({ fields: ['id', 'name', 'userId', 'stationId'] });
  const withRows = new Set(results.map((r) => r.get('deputyId')).filter(Boolean));
  const without = deputies.filter((d) => !withRows.has(d.get('id')));
  if (without.length) fail(`${without.length} deputies have no compliance results (e.g. ${without[0].get('name')})`);
  const outcomes = new Set(results.filter((r) => r.get('deputyId')).map((r) => r.get('status')));
  for (const status of ['met', 'missed', 'in-progress'])
    if (!outcomes.has(status)) fail(`no deputy's compliance result is ${status}`);
  // The station rule 逢6接待 counts the sessions held in the month.
  const rules: Model[] = await db.getRepository('dutyRules').find();
  const r2b = rules.find((r) => r.get('measure') === 'receptionSessions' && r.get('active'));
  if (r2b) {
    for (const station of districts) {
      for (const month of months.filter((m) => `${m}-01` <= today)) {
        const held = sessions.filter(
          (s) =>
            s.get('stationId') === station.get('id') &&
            s.get('status') === 'held' &&
            asDate(s.get('date')).startsWith(month),
        ).length;
        const row = results.find(
          (r) =>
            r.get('ruleId') === r2b.get('id') &&
            r.get('stationId') === station.get('id') &&
            !r.get('deputyId') &&
            r.get('periodKey') === month,
        );
        if (!row || Number(row.get('count')) !== held)
          fail(
            `${station.get('name')} ${month}: rule ${r2b.get('code')} counts ${row?.get('count') ?? 'no row'}, ${held} sessions were held`,
          );
      }
    }
  }

  // 7. 履职台账: each 片区站 uploaded entries for every month so far; the ledger rule shows complete and incomplete months.
  const entries: Model[] = await db
    .getRepository('ledgerEntries')
    .find({ fields: ['stationId', 'sectionId', 'month', 'createdById'] });
  const notByHead = entries.filter(
    (e) => e.get('createdById') !== districts.find((s) => s.get('id') === e.get('stationId'))?.get('headId'),
  );
  if (notByHead.length) fail(`${notByHead.length} ledger entries were not uploaded by their station's head`);
  for (const station of districts) {
    for (const month of months.filter((m) => m <= today.slice(0, 7))) {
      if (!entries.some((e) => e.get('stationId') === station.get('id') && e.get('month') === month))
        fail(`${station.get('name')} has no ledger entries for ${month}`);
    }
  }
  const r8 = rules.find((r) => r.get('measure') === 'ledgerSections' && r.get('active'));
  if (r8) {
    const ledgerOutcomes = new Set(
      results
        .filter((r) => r.get('ruleId') === r8.get('id') && districts.some((s) => s.get('id') === r.get('stationId')))
        .map((r) => r.get('status')),
    );
    if (!ledgerOutcomes.has('met') || !ledgerOutcomes.has('missed'))
      fail(
        `the ledger rule shows only ${[...ledgerOutcomes].join(', ') || 'nothing'} for the 片区站 (expected complete and incomplete months)`,
      );
  }

  // 8. Through HTTP: the head of the first 片区站 lists its own station's sessions, all of them and no other's.
  const head = await db.getRepository('users').findOne({ filter: { username: 'demo-head1' } });
  const headStation = districts.find((s) => s.get('headId') === head?.get('id'));
  if (!headStation) fail('demo-head1 heads no 片区站');
  else {
    const res = await call('get', '/receptionSessions:list?pageSize=1000', await signIn('demo-head1'));
    const rows = (res.body?.data ?? []) as { stationId: number }[];
    const own = sessions.filter((s) => s.get('stationId') === headStation.get('id')).length;
    if (res.status !== 200) fail(`demo-head1 lists reception sessions: ${res.status} ${JSON.stringify(res.body)}`);
    else if (rows.some((r) => r.stationId !== headStation.get('id')))
      fail('demo-head1 sees reception sessions of other stations');
    else if (rows.length !== own || !own)
      fail(`demo-head1 sees ${rows.length} reception sessions, its station has ${own}`);
  }

  // 9. Through HTTP: a deputy reads its own compliance (the list and the matrix of this month), nobody else's.
  const user = await db.getRepository('users').findOne({ filter: { username: 'demo-deputy01' } });
  const deputy = deputies.find((d) => d.get('userId') === user?.get('id'));
  if (!deputy) fail('demo-deputy01 is not a deputy');
  else {
    const token = await signIn('demo-deputy01');
    const own = results.filter((r) => r.get('deputyId') === deputy.get('id')).length;
    const list = await call('get', '/ruleResults:list?pageSize=1000', token);
    const rows = (list.body?.data ?? []) as { deputyId: number }[];
    if (list.status !== 200) fail(`demo-deputy01 lists its compliance: ${list.status} ${JSON.stringify(list.body)}`);
    else if (rows.some((r) => r.deputyId !== deputy.get('id'))) fail('demo-deputy01 sees compliance results of others');
    else if (rows.length !== own || !own) fail(`demo-deputy01 sees ${rows.length} compliance results, it has ${own}`);
    const matrix = await call('get', `/ruleResults:matrix?period=${today.slice(0, 7)}`, token);
    const mine =
      (matrix.body?.data as { deputies?: { deputyId: number; cells?: object }[] } | undefined)?.deputies ?? [];
    if (matrix.status !== 200)
      fail(`demo-deputy01 reads the compliance matrix: ${matrix.status} ${JSON.stringify(matrix.body)}`);
    else if (mine.length !== 1 || mine[0].deputyId !== deputy.get('id') || !Object.keys(mine[0].cells ?? {}).length) {
      fail(`demo-deputy01's compliance matrix shows ${mine.length} deputies (expected its own row with cells)`);
    }
  }
  return failures;
}
