import type { DemoCall } from '@deputy/test-helpers';
import type { Model } from '@nocobase/database';
import type { MockServer } from '@nocobase/test';
import { OPINION_SOURCES, OPINION_STATUSES, OPEN_STATUSES } from '../collections/opinions';
import { MEDIATION_STAGES } from '../collections/mediationCases';
import { addDays, asDate, shanghaiDate } from '../services/clock';
import { TRANSITIONS } from '../services/opinion-flow';
import { readSettings } from '../services/settings';
import { closureRate } from '../services/stats';
import type { OpinionStats } from '../services/stats';

/** The status each milestone kind leads to (escalated and rated leave it as it is). */
const STEP_OF: Record<string, keyof typeof TRANSITIONS> = {
  classified: 'classify',
  assigned: 'assign',
  progress: 'progress',
  answered: 'answer',
  closed: 'close',
  converted: 'convert',
};
const AT_FIELD: Record<string, string> = {
  respond: 'respondedAt',
  intervene: 'intervenedAt',
  mediate: 'mediatedAt',
  solution: 'solutionAt',
};
const ms = (v: unknown) => (v ? new Date(v as string | number | Date).getTime() : null);
/** The Asia/Shanghai day a step counts for against the daily job (which runs at 00:20): a step before 00:20 is the day before's. */
const jobDay = (at: Date) => shanghaiDate(new Date(at.getTime() - 20 * 60e3));

/** What the demo town must hold of this plugin's data (demo-town.test.ts); returns the failed checks. */
export async function checkPublicVoiceDemo(
  app: MockServer,
  signIn: (username: string) => Promise<string>,
  call: DemoCall,
): Promise<string[]> {
  const failures: string[] = [];
  const fail = (message: string) => failures.push(`public-voice: ${message}`);
  const db = app.db;
  const now = new Date();
  const today = jobDay(now);
  const year = Number(shanghaiDate(now).slice(0, 4));
  const settings = await readSettings(db);

  const stations: Model[] = await db.getRepository('liaisonStations').find({ appends: ['staff'], sort: ['id'] });
  const districts = stations.filter((s) => s.get('parentId'));
  const classes: Model[] = await db.getRepository('opinionClasses').find({ sort: ['sort', 'id'] });
  const classById = new Map(classes.map((c) => [c.get('id'), c]));
  const opinions: Model[] = await db.getRepository('opinions').find({ appends: ['photos', 'deputy'], sort: ['id'] });
  const milestones: Model[] = await db.getRepository('opinionMilestones').find({ sort: ['at', 'id'] });
  const milestonesOf = new Map<number, Model[]>();
  for (const m of milestones)
    milestonesOf.set(m.get('opinionId'), [...(milestonesOf.get(m.get('opinionId')) ?? []), m]);

  // ---- Volume and coverage: every class, state and source, the five 片区站 -----------------------------
  if (opinions.length < 100) fail(`only ${opinions.length} opinions (expected about 120)`);
  const countBy = <K>(key: (o: Model) => K) => {
    const out = new Map<K, number>();
    for (const o of opinions) out.set(key(o), (out.get(key(o)) ?? 0) + 1);
    return out;
  };
  const byStatus = countBy((o) => o.get('status'));
  for (const s of OPINION_STATUSES) if (!byStatus.get(s.value)) fail(`no opinion is ${s.value}`);
  const byClass = countBy((o) => o.get('opinionClassId'));
  for (const c of classes.filter((c) => c.get('active') !== false))
    if (!byClass.get(c.get('id'))) fail(`no opinion is of the class ${c.get('code')} ${c.get('name')}`);
  const bySource = countBy((o) => o.get('source'));
  for (const s of OPINION_SOURCES) if (!bySource.get(s.value)) fail(`no opinion came in by ${s.value}`);
  const byStation = countBy((o) => o.get('stationId'));
  for (const s of districts)
    if ((byStation.get(s.get('id')) ?? 0) < 10)
      fail(`${s.get('name')} has only ${byStation.get(s.get('id')) ?? 0} opinions`);
  const outside = opinions.filter((o) => !districts.some((s) => s.get('id') === o.get('stationId')));
  if (outside.length) fail(`opinions ${outside.map((o) => o.get('id')).join(', ')} are not at a 片区站`);
  const strayDeputy = opinions.filter(
    (o) => o.get('deputy') && o.get('deputy').get('stationId') !== o.get('stationId'),
  );
  if (strayDeputy.length)
    fail(`opinions ${strayDeputy.map((o) => o.get('id')).join(', ')} name a deputy of another station`);
  if (opinions.filter((o) => o.get('deputyId')).length < opinions.length / 2)
    fail('fewer than half of the opinions are addressed to a deputy');
  const notThisYear = opinions.filter(
    (o) =>
      shanghaiDate(new Date(o.get('receivedAt'))).slice(0, 4) !== String(year) ||
      ms(o.get('receivedAt'))! > now.getTime(),
  );
  if (notThisYear.length)
    fail(`opinions ${notThisYear.map((o) => o.get('id')).join(', ')} were not received this year, before now`);
  const months = new Set(opinions.map((o) => shanghaiDate(new Date(o.get('receivedAt'))).slice(5, 7)));
  const wantedMonths = Math.min(12, Number(shanghaiDate(now).slice(5, 7)));
  if (months.size < Math.max(1, wantedMonths - 1))
    fail(`the opinions came in over ${months.size} months, expected the whole year so far`);
  if (!opinions.some((o) => (o.get('photos') ?? []).length)) fail('no citizen sent a photo with an opinion');
  const hanzi = /[\u4e00-\u9fff]/;
  const foreign = opinions.filter(
    (o) => !hanzi.test(o.get('content') ?? '') || !hanzi.test(o.get('citizenName') ?? ''),
  );
  if (foreign.length) fail(`opinions ${foreign.map((o) => o.get('id')).join(', ')} have no Chinese content or name`);
  const rated = opinions.filter((o) => o.get('rating'));
  if (rated.length < 20) fail(`only ${rated.length} opinions are rated by the citizen`);
  const ratedOpen = rated.filter((o) => o.get('status') !== 'closed');
  if (ratedOpen.length) fail(`opinions ${ratedOpen.map((o) => o.get('id')).join(', ')} are rated but not closed`);
  const overdueOpen = opinions.filter((o) => o.get('overdue') && OPEN_STATUSES.includes(o.get('status')));
  const overdueDone = opinions.filter((o) => o.get('overdue') && !OPEN_STATUSES.includes(o.get('status')));
  if (!overdueOpen.length) fail('no open opinion is overdue (escalated)');
  if (!overdueDone.length) fail('no opinion was escalated and then answered');
  if (!opinions.some((o) => Number(o.get('overdueCount')) > 1)) fail('no opinion was escalated more than once');

  // ---- Milestones: one per step, in an order the flow allows, ending in the opinion's status ------------
  for (const o of opinions) {
    const id = o.get('id');
    const list = milestonesOf.get(id) ?? [];
    const label = `opinion ${id} (${o.get('status')})`;
    if (!list.length || list[0].get('kind') !== 'received') {
      fail(`${label} does not start with its "received" milestone`);
      continue;
    }
    if (ms(list[0].get('at')) !== ms(o.get('receivedAt')))
      fail(`${label}: the received milestone is not at the receipt`);
    let state = 'received';
    let escalations = 0;
    let ratings = 0;
    let previous = 0;
    for (const m of list.slice(1)) {
      const kind = m.get('kind');
      const t = ms(m.get('at'))!;
      if (t < previous) fail(`${label}: milestone ${m.get('id')} is earlier than the one before`);
      if (t > now.getTime()) fail(`${label}: milestone ${m.get('id')} is in the future`);
      previous = t;
      if (kind === 'escalated') {
        if (!OPEN_STATUSES.includes(state)) fail(`${label}: escalated while ${state}`);
        escalations++;
      } else if (kind === 'rated') {
        if (state !== 'closed') fail(`${label}: rated while ${state}`);
        ratings++;
      } else if (kind === 'received') {
        fail(`${label}: received twice`);
      } else {
        const spec = TRANSITIONS[STEP_OF[kind]];
        if (!spec) {
          fail(`${label}: unknown milestone ${kind}`);
          continue;
        }
        if (!spec.from.includes(state)) fail(`${label}: ${kind} while ${state}`);
        state = kind === 'classified' ? (state === 'received' ? 'classified' : state) : spec.to!;
        if (kind === 'answered' && t !== ms(o.get('answeredAt')))
          fail(`${label}: the answered milestone is not at answeredAt`);
        if ((kind === 'closed' || kind === 'converted') && t !== ms(o.get('closedAt')))
          fail(`${label}: the ${kind} milestone is not at closedAt`);
      }
    }
    if (state !== o.get('status')) fail(`${label}: its milestones lead to ${state}`);
    if (escalations !== Number(o.get('overdueCount') ?? 0))
      fail(`${label}: ${escalations} escalated milestones, overdueCount ${o.get('overdueCount')}`);
    if (Boolean(o.get('overdue')) !== escalations > 0)
      fail(`${label}: overdue is ${o.get('overdue')} with ${escalations} escalations`);
    if (ratings !== (o.get('rating') ? 1 : 0))
      fail(`${label}: ${ratings} rated milestones for the rating ${o.get('rating')}`);
    if (['answered', 'closed'].includes(o.get('status')) && !o.get('answer')) fail(`${label} has no answer`);
    if (o.get('status') === 'converted' && !o.get('suggestionRef')) fail(`${label} names no deputy suggestion`);
  }
  const milestoneTotal = [...milestonesOf.values()].reduce((n, l) => n + l.length, 0);
  if (milestoneTotal !== milestones.length)
    fail(`${milestones.length - milestoneTotal} milestones belong to no opinion`);

  // ---- Deadlines: an opinion is overdue exactly when it passed its class's deadline or cadence ----------
  // Replays each opinion's clock from its milestones up to its first escalation: the receipt must be
  // classified within the settings' days; the class sets the answer deadline from the receipt and the
  // progress cadence from each step. The first escalation is on the day after the first date missed; an
  // opinion never escalated missed none — not by the end of its handling, nor (still open) by today.
  for (const o of opinions) {
    const list = milestonesOf.get(o.get('id')) ?? [];
    if (!list.length) continue;
    const label = `opinion ${o.get('id')} (${o.get('status')})`;
    const received = shanghaiDate(new Date(o.get('receivedAt')));
    let next: string | null = addDays(received, settings.classifyWithinDays);
    let dueOn: string | null = null;
    let reminder: number | null = null;
    let open = true;
    let checked = false;
    const nextDue = (last: string) => {
      const push = reminder ? addDays(last, reminder) : null;
      return dueOn && push ? (dueOn < push ? dueOn : push) : (dueOn ?? push);
    };
    for (const m of list.slice(1)) {
      const kind = m.get('kind');
      const day = jobDay(new Date(m.get('at')));
      if (kind === 'escalated') {
        if (!next || addDays(next, 1) !== shanghaiDate(new Date(m.get('at'))))
          fail(
            `${label}: first escalated on ${shanghaiDate(new Date(m.get('at')))}, but its next step was due on ${next ?? 'no date'}`,
          );
        checked = true;
        break;
      }
      if (open && next && day > next) {
        fail(`${label}: its ${kind} on ${day} is after the date due, ${next}, and it was not escalated`);
        checked = true;
        break;
      }
      if (kind === 'classified') {
        const klass = classById.get(o.get('opinionClassId'));
        if (klass?.get('workingDays')) {
          checked = true; // working days: the calendar's, not replayed here (the demo's classes count calendar days)
          break;
        }
        const days = klass?.get('deadlineDays');
        dueOn = days === null || days === undefined ? null : addDays(received, Number(days));
        reminder = Number(klass?.get('reminderDays')) > 0 ? Number(klass.get('reminderDays')) : null;
        next = nextDue(day);
      } else if (kind === 'progress') {
        next = nextDue(day);
      } else if (['answered', 'closed', 'converted'].includes(kind)) {
        open = false;
        next = null;
      }
    }
    if (!checked && open && next && today > next) fail(`${label}: due on ${next}, still open and not escalated`);
  }
  const stale = opinions.filter(
    (o) => OPEN_STATUSES.includes(o.get('status')) && (asDate(o.get('nextDueOn')) ?? '9999') < today,
  );
  if (stale.length)
    fail(
      `opinions ${stale.map((o) => o.get('id')).join(', ')} are open past their next date without the daily job's escalation`,
    );

  // ---- D14: each opinion accepted into handling with a deputy filed once, the day it was accepted ------
  if (db.hasCollection('dutyRecords')) {
    const records: Model[] = await db
      .getRepository('dutyRecords')
      .find({ filter: { source: { $like: 'opinion:%' } }, appends: ['item'] });
    const recordOf = new Map(records.map((r) => [r.get('source'), r]));
    for (const o of opinions) {
      const label = `opinion ${o.get('id')}`;
      const accepted = (milestonesOf.get(o.get('id')) ?? []).find((m) =>
        ['assigned', 'answered'].includes(m.get('kind')),
      );
      const record = recordOf.get(`opinion:${o.get('id')}`);
      if (o.get('creditStatus') === 'failed') fail(`${label}: the D14 credit failed: ${o.get('creditError')}`);
      if (accepted && o.get('deputyId')) {
        if (!record) {
          fail(`${label} was accepted into handling but filed no D14 record`);
          continue;
        }
        if (o.get('creditStatus') !== 'filed' || o.get('dutyRecordId') !== record.get('id'))
          fail(`${label}: its credit bookkeeping does not name record ${record.get('id')}`);
        if (record.get('item')?.get('code') !== settings.creditItemCode)
          fail(`${label}: its record is of item ${record.get('item')?.get('code')}`);
        if (record.get('deputyId') !== o.get('deputyId')) fail(`${label}: its record is another deputy's`);
        if (asDate(record.get('date')) !== shanghaiDate(new Date(accepted.get('at'))))
          fail(
            `${label}: its record is dated ${asDate(record.get('date'))}, accepted on ${shanghaiDate(new Date(accepted.get('at')))}`,
          );
      } else if (record || o.get('creditStatus')) {
        fail(`${label} (${accepted ? 'no deputy' : 'not accepted'}) has a D14 record or credit status`);
      }
    }
    const orphans = records.filter((r) => !opinions.some((o) => `opinion:${o.get('id')}` === r.get('source')));
    if (orphans.length) fail(`D14 records ${orphans.map((r) => r.get('id')).join(', ')} name no opinion`);
    if (!records.length) fail('no D14 record was filed for the opinions');
  }

  // ---- Mediation: every state, milestones in order on their clock, the agreement uploaded by the staff --
  const cases: Model[] = await db
    .getRepository('mediationCases')
    .find({ appends: ['agreement', 'station', 'station.staff', 'opinion'], sort: ['id'] });
  if (cases.length < 3 || cases.length > 8) fail(`${cases.length} mediation cases (expected 3 to 5)`);
  for (const status of ['open', 'agreed', 'failed'])
    if (!cases.some((c) => c.get('status') === status)) fail(`no mediation case is ${status}`);
  if (!cases.some((c) => c.get('status') === 'open' && c.get('overdue'))) fail('no open mediation case is overdue');
  if (!cases.some((c) => c.get('status') === 'open' && !c.get('overdue'))) fail('no open mediation case is on time');
  if (!cases.some((c) => c.get('complex') && c.get('solutionAt')))
    fail('no complex mediation case reached its solution');
  if (!cases.some((c) => c.get('opinion'))) fail('no mediation case came from an opinion');
  for (const c of cases) {
    const label = `mediation case ${c.get('id')} (${c.get('status')})`;
    const opened = shanghaiDate(new Date(c.get('openedAt')));
    if (!c.get('judicialOfficerName') && !c.get('judicialOfficerId')) fail(`${label} has no judicial officer`);
    if (!c.get('deputyId')) fail(`${label} has no deputy on its team`);
    if (c.get('opinion') && c.get('opinion').get('stationId') !== c.get('stationId'))
      fail(`${label} comes from an opinion of another station`);
    let previous = ms(c.get('openedAt'))!;
    const late: string[] = [];
    let gap = false;
    for (const s of MEDIATION_STAGES) {
      if (s.value === 'solution' && !c.get('complex')) continue;
      if (asDate(c.get(`${s.value}DueOn`)) !== addDays(opened, s.days))
        fail(`${label}: ${s.value} is due on ${asDate(c.get(`${s.value}DueOn`))}, not ${s.days} days after ${opened}`);
      const reached = ms(c.get(AT_FIELD[s.value]));
      if (reached === null) {
        gap = true;
        if (c.get('status') === 'open' && addDays(opened, s.days) < today) late.push(s.value);
        continue;
      }
      if (gap) fail(`${label}: ${s.value} reached after a milestone skipped`);
      if (reached < previous) fail(`${label}: ${s.value} reached before the step before it`);
      previous = reached;
    }
    if (c.get('status') !== 'open' && ms(c.get('closedAt'))! < previous)
      fail(`${label}: closed before its last milestone`);
    if (c.get('status') === 'open') {
      const flagged = [...(c.get('overdueStages') ?? [])].sort().join(',');
      if (flagged !== [...late].sort().join(',') || Boolean(c.get('overdue')) !== late.length > 0)
        fail(`${label}: flagged overdue [${flagged}], missed [${late.join(',')}]`);
    }
    if (c.get('status') === 'agreed') {
      const files: Model[] = c.get('agreement') ?? [];
      const staff = ((c.get('station')?.get('staff') ?? []) as Model[]).map((u) => u.get('id'));
      if (!files.length) fail(`${label} has no signed agreement attached`);
      for (const f of files)
        if (!staff.includes(f.get('createdById')))
          fail(`${label}: the agreement ${f.get('id')} was not uploaded by the station's staff`);
      if (!c.get('mediatedAt')) fail(`${label} was agreed without its mediation milestone`);
      if (db.hasCollection('dutyRecords')) {
        const record: Model | null = await db
          .getRepository('dutyRecords')
          .findOne({ filter: { source: `mediation:${c.get('id')}` }, appends: ['item', 'evidence'] });
        if (!record || c.get('creditStatus') !== 'filed' || c.get('dutyRecordId') !== record.get('id'))
          fail(`${label} filed no D22 record for its deputy`);
        else {
          if (record.get('item')?.get('code') !== settings.mediationItemCode)
            fail(`${label}: its record is of item ${record.get('item')?.get('code')}`);
          const evidence = (record.get('evidence') as Model[])
            .map((a) => a.get('id'))
            .sort()
            .join(',');
          if (
            evidence !==
            files
              .map((a) => a.get('id'))
              .sort()
              .join(',')
          )
            fail(`${label}: its D22 record's evidence is not the agreement`);
          if (asDate(record.get('date')) !== shanghaiDate(new Date(c.get('closedAt'))))
            fail(`${label}: its D22 record is not dated the day it closed`);
        }
      }
    } else if (c.get('creditStatus')) {
      fail(`${label} has a credit status without an agreement`);
    }
  }

  // ---- Through the API: the figures as the administrator reads them, the station head's and a deputy's lists
  const period = String(year);
  const admin = await signIn('demo-admin');
  const res = await call('get', `/opinionStats:summary?period=${period}`, admin);
  if (res.status !== 200) fail(`opinionStats:summary as demo-admin answers ${res.status}: ${JSON.stringify(res.body)}`);
  else {
    // The answer is the JSON of OpinionStats.summary.
    const s = res.body.data as Awaited<ReturnType<OpinionStats['summary']>>;
    const isOverdue = (o: Model) =>
      Boolean(o.get('overdue')) || (asDate(o.get('nextDueOn')) ?? '9999') < shanghaiDate(now);
    const cohort = opinions.filter((o) => shanghaiDate(new Date(o.get('receivedAt'))).startsWith(period));
    const done = cohort.filter((o) => ['closed', 'converted'].includes(o.get('status')));
    const open = opinions.filter((o) => OPEN_STATUSES.includes(o.get('status')));
    const stars = cohort.map((o) => Number(o.get('rating'))).filter((r) => r >= 1);
    const expected: Record<string, unknown> = {
      received: cohort.length,
      closed: done.length,
      closureRate: closureRate(done.length, cohort.length),
      open: open.length,
      overdue: open.filter(isOverdue).length,
      ratings: stars.length,
      satisfiedRate: closureRate(stars.filter((r) => r >= 4).length, stars.length),
      mediationOpen: cases.filter((c) => c.get('status') === 'open').length,
      mediationOverdue: cases.filter((c) => c.get('status') === 'open' && c.get('overdue')).length,
    };
    const got: Record<string, unknown> = {
      received: s.received,
      closed: s.closed,
      closureRate: s.closureRate,
      open: s.open,
      overdue: s.overdue,
      ratings: s.satisfaction?.ratings,
      satisfiedRate: s.satisfaction?.satisfiedRate,
      mediationOpen: s.mediation?.open,
      mediationOverdue: s.mediation?.overdue,
    };
    for (const key of Object.keys(expected))
      if (expected[key] !== got[key])
        fail(`opinionStats:summary says ${key} ${got[key]}, the records ${expected[key]}`);
    for (const c of classes) {
      const mine = open.filter((o) => o.get('opinionClassId') === c.get('id'));
      const row = (s.byClass ?? []).find((r) => r.classId === c.get('id'));
      if ((row?.open ?? 0) !== mine.length || (row?.overdue ?? 0) !== mine.filter(isOverdue).length)
        fail(
          `opinionStats:summary, class ${c.get('code')}: ${row?.open ?? 0} open / ${row?.overdue ?? 0} overdue, the records ${mine.length} / ${mine.filter(isOverdue).length}`,
        );
    }
    for (const st of districts) {
      const mine = open.filter((o) => o.get('stationId') === st.get('id'));
      const row = (s.byStation ?? []).find((r) => r.stationId === st.get('id'));
      if ((row?.open ?? 0) !== mine.length)
        fail(`opinionStats:summary, ${st.get('name')}: ${row?.open ?? 0} open, the records ${mine.length}`);
    }
  }

  const head1: Model | null = await db.getRepository('users').findOne({ filter: { username: 'demo-head1' } });
  const station1 = districts.find((s) =>
    ((s.get('staff') ?? []) as Model[]).some((u) => u.get('id') === head1?.get('id')),
  );
  if (!head1 || !station1) fail('demo-head1 is not on the staff of a 片区站');
  else {
    const token = await signIn('demo-head1');
    const list = await call('get', '/opinions:list?pageSize=500&sort=id', token);
    const mine = opinions.filter((o) => o.get('stationId') === station1.get('id'));
    if (list.status !== 200) fail(`opinions:list as demo-head1 answers ${list.status}`);
    else {
      const rows = (list.body.data ?? []) as { stationId: number }[];
      const others = rows.filter((r) => r.stationId !== station1.get('id'));
      if (others.length) fail(`demo-head1 lists ${others.length} opinions of other stations`);
      if (rows.length !== mine.length || !mine.length)
        fail(`demo-head1 lists ${rows.length} opinions, ${station1.get('name')} has ${mine.length}`);
    }
    const foreign = opinions.find((o) => o.get('stationId') !== station1.get('id'));
    if (foreign) {
      const get = await call('get', `/opinions:get?filterByTk=${foreign.get('id')}`, token);
      if (get.status === 200 && get.body.data) fail(`demo-head1 reads opinion ${foreign.get('id')} of another station`);
    }
    const figures = await call('get', `/opinionStats:summary?period=${period}`, token);
    const open = mine.filter((o) => OPEN_STATUSES.includes(o.get('status'))).length;
    const figuresOpen = (figures.body.data as { open?: number } | undefined)?.open;
    if (figures.status !== 200 || figuresOpen !== open)
      fail(`demo-head1's figures: ${figures.status} ${figuresOpen} open, the station has ${open}`);
    const mediationList = await call('get', '/mediationCases:list?pageSize=50', token);
    const ownCases = cases.filter((c) => c.get('stationId') === station1.get('id')).length;
    const listedCases = (mediationList.body.data ?? []) as unknown[];
    if (mediationList.status !== 200 || listedCases.length !== ownCases)
      fail(`demo-head1 lists ${listedCases.length} mediation cases, the station has ${ownCases}`);
  }

  // The deputy with the most opinions sees those addressed to it, and only those.
  const byDeputy = countBy((o) => o.get('deputyId'));
  byDeputy.delete(null);
  const [busiest] = [...byDeputy.entries()].sort((a, b) => b[1] - a[1]);
  if (busiest) {
    const deputy: Model = await db.getRepository('deputies').findOne({ filterByTk: busiest[0], appends: ['user'] });
    const token = await signIn(deputy.get('user').get('username'));
    const list = await call('get', '/opinions:list?pageSize=500', token);
    const rows = (list.body.data ?? []) as { deputyId: number }[];
    if (list.status !== 200 || rows.length !== busiest[1] || rows.some((r) => r.deputyId !== busiest[0])) {
      fail(
        `deputy ${deputy.get('name')} lists ${rows.length} opinions (${list.status}), ${busiest[1]} are addressed to it`,
      );
    }
  }

  // A citizen follows a rated opinion with its tracking code, without signing in: its milestones, nothing personal.
  const followed = rated.find((o) => o.get('source') === 'qr') ?? rated[0];
  if (followed) {
    const res2 = await app
      .agent()
      .get(`/opinions:track?code=${followed.get('trackingCode')}`)
      .set('X-Locale', 'zh-CN');
    const view = res2.body?.data;
    if (
      res2.status !== 200 ||
      view?.status !== 'closed' ||
      view?.milestones?.length !== (milestonesOf.get(followed.get('id')) ?? []).length ||
      view?.rating !== followed.get('rating')
    ) {
      fail(`tracking ${followed.get('trackingCode')} answers ${res2.status}: ${JSON.stringify(view)?.slice(0, 200)}`);
    }
    if (JSON.stringify(view ?? {}).includes(followed.get('citizenName')))
      fail("the public tracking shows the citizen's name");
  }

  return failures;
}
