import type { DemoDeputy, DemoStation, DemoTown } from '@deputy/plugin-deputies';
import { uploadDemoPicture } from '@deputy/plugin-deputies';
import type { Context } from '@nocobase/actions';
import type { Model } from '@nocobase/database';
import {
  ClassCode,
  DISPUTE_OPINION,
  FOLLOW_UPS,
  GIVEN,
  MATTERS,
  Matter,
  RATING_COMMENTS,
  SURNAMES,
} from './demo-content';
import { agreementScan, roadPhoto } from './demo-pictures';
import { NS } from './fields';
import type { PluginPublicVoiceServer } from './plugin';
import { addDays, daysBetween, shanghaiDate } from './services/clock';
import { translate } from './services/errors';
import { ACCEPTED_STATUSES, OpinionAction, StepValues } from './services/opinion-flow';
import type { FlowCreate } from './services/write-options';

type Final = 'received' | 'classified' | 'assigned' | 'inProgress' | 'answered' | 'closed' | 'converted';
type Spec = { cls?: ClassCode; final: Final; late?: boolean; count: number };
type Source = 'qr' | 'reception' | 'visit' | 'hotline';

/**
 * The year's opinions by class and the state they are in today; `late` ones miss their class's deadline (or
 * cadence) on the way and are escalated by the daily job. Plus the dispute that becomes a mediation case: 120.
 */
const SPECS: Spec[] = [
  // Closed (most with the citizen's rating) or turned into a 代表建议: 83, a few of them late.
  { cls: 'JD', final: 'closed', count: 18 },
  { cls: 'YB', final: 'closed', count: 27 },
  { cls: 'YB', final: 'closed', late: true, count: 3 },
  { cls: 'XW', final: 'closed', count: 9 },
  { cls: 'XW', final: 'closed', late: true, count: 1 },
  { cls: 'ZD', final: 'closed', count: 7 },
  { cls: 'ZD', final: 'closed', late: true, count: 2 },
  { cls: 'JN', final: 'closed', count: 6 },
  { cls: 'JN', final: 'closed', late: true, count: 1 },
  { cls: 'DY', final: 'closed', count: 4 },
  { cls: 'ZD', final: 'converted', count: 3 },
  { cls: 'DY', final: 'converted', count: 2 },
  // Answered, waiting for the citizen's confirmation: 8.
  { cls: 'JD', final: 'answered', count: 2 },
  { cls: 'YB', final: 'answered', count: 2 },
  { cls: 'YB', final: 'answered', late: true, count: 1 },
  { cls: 'XW', final: 'answered', count: 1 },
  { cls: 'ZD', final: 'answered', count: 1 },
  { cls: 'JN', final: 'answered', count: 1 },
  // In handling today: 11 in progress, 7 assigned, 6 classified, 4 received — some of them overdue.
  { cls: 'YB', final: 'inProgress', count: 3 },
  { cls: 'YB', final: 'inProgress', late: true, count: 1 },
  { cls: 'ZD', final: 'inProgress', count: 1 },
  { cls: 'ZD', final: 'inProgress', late: true, count: 1 },
  { cls: 'JN', final: 'inProgress', count: 1 },
  { cls: 'JN', final: 'inProgress', late: true, count: 1 },
  { cls: 'DY', final: 'inProgress', count: 2 },
  { cls: 'XW', final: 'inProgress', late: true, count: 1 },
  { cls: 'YB', final: 'assigned', count: 2 },
  { cls: 'YB', final: 'assigned', late: true, count: 1 },
  { cls: 'XW', final: 'assigned', count: 1 },
  { cls: 'ZD', final: 'assigned', count: 1 },
  { cls: 'JN', final: 'assigned', count: 1 },
  { cls: 'DY', final: 'assigned', count: 1 },
  { cls: 'YB', final: 'classified', count: 1 },
  { cls: 'XW', final: 'classified', count: 1 },
  { cls: 'ZD', final: 'classified', count: 1 },
  { cls: 'JD', final: 'classified', late: true, count: 1 },
  { cls: 'JN', final: 'classified', count: 1 },
  { cls: 'DY', final: 'classified', count: 1 },
  { final: 'received', count: 3 },
  { final: 'received', late: true, count: 1 },
];

/** The answer deadline and progress cadence of each seeded class (opinion-classes.json), to plan on time or late. */
const CLOCK: Record<ClassCode, { deadline: number | null; cadence: number | null }> = {
  XW: { deadline: 7, cadence: null },
  JN: { deadline: null, cadence: 7 },
  DY: { deadline: null, cadence: 30 },
  JD: { deadline: 0, cadence: null },
  YB: { deadline: 30, cadence: null },
  ZD: { deadline: 90, cadence: 30 },
};

/**
 * For an opinion still open today: how many days ago it came in (a range), so that it is on time — or, `late`,
 * past its deadline or cadence (escalated).
 */
const OPEN_WINDOW: Record<string, [number, number]> = {
  'classified:JD:late': [2, 6],
  'classified:XW': [1, 5],
  'classified:YB': [1, 25],
  'classified:ZD': [1, 20],
  'classified:JN': [1, 5],
  'classified:DY': [1, 25],
  'assigned:XW': [2, 5],
  'assigned:YB': [2, 25],
  'assigned:YB:late': [32, 50],
  'assigned:ZD': [2, 25],
  'assigned:JN': [2, 5],
  'assigned:DY': [2, 25],
  'inProgress:YB': [4, 25],
  'inProgress:YB:late': [33, 55],
  'inProgress:XW:late': [9, 14],
  'inProgress:ZD': [31, 85],
  'inProgress:ZD:late': [95, 120],
  'inProgress:JN': [10, 40],
  'inProgress:JN:late': [20, 40],
  'inProgress:DY': [35, 150],
};

/** Days after its receipt of each step of one opinion (null: the step is not taken). */
type Offsets = {
  classify: number | null;
  assign: number | null;
  progress: number[];
  answer: number | null;
  convert: number | null;
  close: number | null;
  rate: number | null;
};

const CLOSE_NOTES = [
  '回访群众，对办理结果表示认可',
  '群众确认问题已解决',
  '电话回访，群众满意',
  '代表上门回访，办结归档',
];
const CONVERT_NOTES = ['涉及面广、需统筹资金，由代表联名提出建议', '需县级层面统筹解决，转为代表建议跟踪办理'];
const JUDICIAL_OFFICERS = ['高沙镇司法所 曾凡军', '高沙镇司法所 肖丽娟'];

/** A real-looking mobile number: 13x/15x/18x/19x and eight digits. */
const mobile = (random: () => number) =>
  `1${['35', '37', '38', '39', '58', '77', '87', '99'][Math.floor(random() * 8)]}${String(Math.floor(random() * 1e8)).padStart(8, '0')}`;

/** A moment of a day in Asia/Shanghai, `minutes` after its midnight. */
const shanghai = (date: string, minutes: number) => new Date(Date.parse(`${date}T00:00:00+08:00`) + minutes * 60e3);

/**
 * The public-voice part of the demo town (#22): a year of 群众意见 across the five 片区站 and their deputies —
 * citizens' QR submissions through the public intake (past its rate limits), receptions, visits and 12345
 * transfers registered by the stations and deputies — each moved through the opinion flow at the moment it
 * happened (every step writes its own milestone), the daily escalation job run for every day of the year (so the
 * late ones are escalated on the day they were), ratings by the citizens, the D14 / D22 credits filed through
 * plugin-duty-points, and five 一三六九 mediation cases in their states (two with a signed agreement uploaded by
 * the station head).
 */
export async function loadPublicVoiceDemo(plugin: PluginPublicVoiceServer, town: DemoTown) {
  const { db, random } = town;
  const { flow, intake, mediation, crediting } = plugin;
  const int = (from: number, to: number) => from + Math.floor(random() * (to - from + 1));
  const districts = town.stations.filter((s) => s.district);
  const deputiesOf = (stationId: number) => town.deputies.filter((d) => d.stationId === stationId);
  const now = Date.now();
  const today = shanghaiDate(new Date(now));
  const yesterday = addDays(today, -1);
  const firstDay = `${town.year}-01-02`;

  town.progress('public-voice: stations, QR codes and villages');
  const classes = new Map<string, number>(
    ((await db.getRepository('opinionClasses').find()) as Model[]).map((c) => [c.get('code'), c.get('id')]),
  );
  const villages = new Map<number, string[]>();
  for (const s of districts)
    villages.set(
      s.id,
      ((await db.getRepository('gridAreas').find({ filter: { stationId: s.id }, sort: ['id'] })) as Model[]).map((g) =>
        g.get('name'),
      ),
    );
  const qrTokens = new Map<string, string>();
  for (const s of districts)
    qrTokens.set(`s${s.id}`, (await db.getRepository('liaisonStations').findOne({ filterByTk: s.id })).get('qrToken'));
  for (const d of town.deputies)
    qrTokens.set(`d${d.id}`, (await db.getRepository('deputies').findOne({ filterByTk: d.id })).get('qrToken'));

  // The request of a user of the town (audit fields name who did each step); texts in zh-CN, the town's language.
  const users = new Map<number, Model | null>();
  const zh = (key: string, options: { ns?: string } & Record<string, unknown> = {}) =>
    options?.ns === NS ? translate({}, key, options) : town.ctx.t(key, options);
  const as = async (userId: number, role: string): Promise<Context> => {
    if (!users.has(userId)) users.set(userId, await db.getRepository('users').findOne({ filterByTk: userId }));
    return Object.create(town.ctx, {
      state: { value: { currentUser: users.get(userId), currentRole: role, currentRoles: [role] } },
      t: { value: zh },
    });
  };
  const head = (station: DemoStation) => as(station.headUserId, 'station-staff');
  const deputyCtx = (deputy: DemoDeputy) => as(deputy.userId, 'deputy');

  // The review workflow the D14 / D22 filings start: on SQLite (one shared connection) it must finish before the
  // next write, or it can miss its trigger; elsewhere it runs alongside and is waited for once, at the end.
  const dispatcher = (() => {
    try {
      // Its dispatcher is private in NocoBase's types: only whether it is idle is read here.
      return (plugin.app.pm.get('workflow') as unknown as { dispatcher?: { idle: boolean } })?.dispatcher;
    } catch {
      return null;
    }
  })();
  const idle = async () => {
    for (const deadline = Date.now() + 60_000; dispatcher && !dispatcher.idle && Date.now() < deadline;)
      await new Promise((r) => setTimeout(r, 20));
  };
  const sqlite = db.sequelize.getDialect() === 'sqlite';
  const settle = () => (sqlite ? idle() : Promise.resolve());

  // Every write of the year, in the order it happened: opinions' steps, mediation steps, the daily job.
  type Job = { at: Date; seq: number; run: () => Promise<void> };
  const jobs: Job[] = [];
  const at = (job: Date, run: () => Promise<void>) => jobs.push({ at: job, seq: jobs.length, run });

  /** One step of the opinion flow, as the opinion actions take it: the step, then the D14 credit once accepted. */
  const step = async (o: { id: number }, action: OpinionAction, values: StepValues, when: Date, ctx: Context) => {
    const row = await flow.act(o.id, action, values, { context: ctx, now: when });
    if (ACCEPTED_STATUSES.includes(row.get('status')) && crediting.dutyPoints()) {
      await crediting.credit(o.id, { now: when });
      await settle();
    }
  };

  // —— The plan of each opinion ——
  const pickMatter = (() => {
    const used = new Map<string, number>();
    return (cls: ClassCode | undefined, month: number | null, suggestion = false) => {
      const pool = MATTERS.filter(
        (m) =>
          (!cls || m.cls === cls) &&
          (!suggestion || m.suggestion) &&
          (month === null || !m.season || (month >= m.season[0] && month <= m.season[1])),
      );
      const candidates = pool.length ? pool : MATTERS.filter((m) => !cls || m.cls === cls);
      const least = Math.min(...candidates.map((m) => used.get(m.content) ?? 0));
      const fresh = candidates.filter((m) => (used.get(m.content) ?? 0) === least);
      const matter = fresh[Math.floor(random() * fresh.length)];
      used.set(matter.content, least + 1);
      return matter;
    };
  })();

  const answerDay = (cls: ClassCode, late: boolean, classify: number) => {
    switch (cls) {
      case 'JD':
        return 0;
      case 'XW':
        return late ? 7 + int(1, 4) : int(1, 6);
      case 'YB':
        return late ? 30 + int(1, 8) : int(3, 28);
      case 'ZD':
        return late ? 90 + int(2, 20) : int(25, 85);
      case 'JN':
        return classify + (late ? int(12, 40) : int(10, 45));
      case 'DY':
        return classify + int(35, 110);
    }
  };

  /** The days of the steps, from the receipt; `limit` is the last day an open opinion may have a step (yesterday). */
  const offsets = (cls: ClassCode, final: Final, late: boolean, limit: number, rated: boolean): Offsets => {
    const o: Offsets = {
      classify: null,
      assign: null,
      progress: [],
      answer: null,
      convert: null,
      close: null,
      rate: null,
    };
    if (final === 'received') return o;
    o.classify = cls === 'JD' || limit < 1 || random() < 0.6 ? 0 : 1;
    if (final === 'classified') return o;
    const done = ['answered', 'closed', 'converted'].includes(final);
    if (cls !== 'JD') o.assign = Math.min(random() < 0.5 ? o.classify : o.classify + 1, done ? Infinity : limit);
    if (cls === 'JD') {
      o.answer = 0;
    } else if (final !== 'assigned') {
      const { cadence } = CLOCK[cls];
      // The day the handling ends (answer or conversion), or the last day an open one reports progress.
      let end: number;
      if (final === 'converted') end = cls === 'ZD' ? int(15, 60) : o.classify + int(30, 90);
      else if (done) end = answerDay(cls, late, o.classify);
      else end = late && cadence ? limit - cadence - 3 : limit;
      end = Math.max(end, o.assign! + (done ? 1 : 0));
      if (cadence) {
        let day = o.classify;
        let lateGap = late && done && final !== 'converted';
        for (;;) {
          day += lateGap ? cadence + int(2, 4) : int(cadence - 4, cadence - 1);
          lateGap = false;
          if (done ? day >= end : day > end) break;
          o.progress.push(day);
        }
      } else {
        const n =
          final === 'inProgress' ? 1 + (random() < 0.3 ? 1 : 0) : (random() < 0.6 ? 1 : 0) + (random() < 0.2 ? 1 : 0);
        for (let k = 0; k < n; k++) o.progress.push(int(o.assign!, done ? end - 1 : end));
        o.progress.sort((a, b) => a - b);
      }
      if (final === 'inProgress' && !o.progress.length)
        o.progress.push(Math.max(o.assign!, Math.min(end, o.assign! + 1)));
      if (final === 'converted') o.convert = end;
      else if (done) o.answer = end;
    }
    if (final === 'closed') {
      o.close = o.answer! + (cls === 'JD' && random() < 0.5 ? 0 : int(1, 6));
      if (rated) o.rate = o.close + int(0, 3);
    }
    return o;
  };

  const lastDay = (o: Offsets) =>
    Math.max(
      0,
      ...[o.classify, o.assign, o.answer, o.convert, o.close, o.rate, ...o.progress].filter(
        (d): d is number => d !== null,
      ),
    );

  /** The day an opinion came in: a closed one anywhere in the year (in its season when it has one), an open one by its window. */
  const receiptDay = (spec: Spec, matter: Matter | null, o: Offsets) => {
    const span = lastDay(o);
    if (spec.final === 'answered') return maxDate(firstDay, addDays(yesterday, -span - int(0, 5)));
    const latest = addDays(yesterday, -span);
    if (latest < firstDay) return firstDay;
    const range = daysBetween(firstDay, latest);
    if (matter?.season) {
      const [first, last] = matter.season;
      const from = maxDate(firstDay, `${town.year}-${String(first).padStart(2, '0')}-01`);
      const to = minDate(
        latest,
        last === 12 ? `${town.year}-12-31` : addDays(`${town.year}-${String(last + 1).padStart(2, '0')}-01`, -1),
      );
      if (from <= to) return addDays(from, int(0, daysBetween(from, to)));
    }
    return addDays(firstDay, int(0, range));
  };

  type Planned = {
    spec: Spec;
    matter: Matter;
    station: DemoStation;
    deputy: DemoDeputy | null;
    source: Source;
    citizen: { name: string; phone: string | null };
    content: string;
    answer: string;
    progress: string[];
    unit: string;
    received: Date;
    offsets: Offsets;
    receivedOn: string;
    id: number;
    stars: number | null;
    /** The variant of the citizen's photo (0: none). */
    photo: number;
  };
  const planned: Planned[] = [];
  const order = SPECS.flatMap((s) => Array.from({ length: s.count }, () => s));
  let photos = 0;
  let fresh = 0;
  for (const [i, spec] of order.entries()) {
    const station = districts[(i * 3 + int(0, 4)) % districts.length];
    const late = Boolean(spec.late);
    const rated = spec.final === 'closed' && random() < 0.7;
    let receivedOn: string;
    let o: Offsets;
    let matter: Matter;
    let received: Date | null = null;
    if (spec.final === 'received') {
      matter = pickMatter(undefined, Number(today.slice(5, 7)));
      o = offsets('YB', 'received', late, 0, false);
      if (late) receivedOn = addDays(today, -3);
      else if (fresh++ < 2) {
        // Came in a little while ago (within the last hours).
        received = new Date(now - int(15, 240) * 60e3);
        receivedOn = shanghaiDate(received);
      } else receivedOn = yesterday;
    } else if (['classified', 'assigned', 'inProgress'].includes(spec.final)) {
      const [a, b] = OPEN_WINDOW[`${spec.final}:${spec.cls}${late ? ':late' : ''}`];
      receivedOn = maxDate(firstDay, addDays(today, -int(a, b)));
      matter = pickMatter(spec.cls, Number(receivedOn.slice(5, 7)));
      o = offsets(spec.cls!, spec.final, late, daysBetween(receivedOn, yesterday), false);
    } else {
      matter = pickMatter(spec.cls, null, spec.final === 'converted');
      o = offsets(spec.cls!, spec.final, late, Infinity, rated);
      receivedOn = receiptDay(spec, matter, o);
    }
    const cls = spec.cls ?? matter.cls;
    const roll = random();
    const source: Source = roll < 0.5 ? 'qr' : roll < 0.72 ? 'reception' : roll < 0.88 ? 'visit' : 'hotline';
    const deputies = deputiesOf(station.id);
    const withDeputy =
      source === 'visit' || (source === 'qr' && random() < 0.75) || (source === 'reception' && random() < 0.7);
    const deputy = withDeputy ? deputies[int(0, deputies.length - 1)] : null;
    const vs = villages.get(station.id)!;
    const n = int(2, 9);
    const village = vs[int(0, vs.length - 1)];
    const fillV = (s: string) => s.split('{v}').join(village).split('{n}').join(String(n));
    const stars = o.rate === null ? null : [5, 5, 5, 5, 5, 5, 4, 4, 4, 3, 3, 2][int(0, 11)];
    const photo =
      source === 'qr' && ['infrastructure', 'environment'].includes(matter.category) && photos < 10 && random() < 0.5
        ? ++photos
        : 0;
    planned.push({
      spec: { ...spec, cls },
      matter,
      station,
      deputy,
      source,
      citizen: {
        name: `${SURNAMES[int(0, SURNAMES.length - 1)]}${GIVEN[int(0, GIVEN.length - 1)]}`,
        phone: random() < 0.85 ? mobile(random) : null,
      },
      content: fillV(matter.content),
      answer: fillV(matter.answer),
      progress: matter.progress.map(fillV),
      unit: matter.unit,
      received: received ?? shanghai(receivedOn, cls === 'JD' ? int(510, 960) : int(500, 1050)),
      offsets: o,
      receivedOn,
      id: 0,
      stars,
      photo,
    });
  }

  // —— The opinions' steps, as jobs at their moments ——
  for (const p of planned) {
    const { offsets: o, station, deputy } = p;
    const cls = p.spec.cls!;
    let last = p.received.getTime();
    /** A moment on day `off` of the opinion (working hours), after its previous step. */
    const on = (off: number, from = 510, to = 1050) => {
      let t = shanghai(addDays(p.receivedOn, off), int(from, to)).getTime();
      if (t <= last) t = last + int(5, 45) * 60e3;
      last = t;
      return new Date(t);
    };
    const soon = (from: number, to: number) => {
      last += int(from, to) * 60e3;
      return new Date(last);
    };
    const staffOr = async (deputyShare: number) =>
      deputy && random() < deputyShare ? deputyCtx(deputy) : head(station);

    at(p.received, async () => {
      const values = { name: p.citizen.name, phone: p.citizen.phone, category: p.matter.category, content: p.content };
      if (p.source === 'qr') {
        // The citizen scanned the deputy's card or the station's board: the public form's path, past the rate limits.
        const target = await intake.target(qrTokens.get(deputy ? `d${deputy.id}` : `s${station.id}`));
        if (!target) throw new Error(`no QR target for opinion of ${station.name}`);
        const pictures = p.photo ? [{ name: '现场照片.png', data: roadPhoto(p.photo).toString('base64') }] : [];
        const res = await intake.accept(target, { ...values, photos: pictures }, { now: p.received });
        p.id = (await db.getRepository('opinions').findOne({ filter: { trackingCode: res.trackingCode } })).get('id');
      } else {
        // Registered by the station (a reception, a 12345 transfer) or by the deputy (a visit), as opinions:create does.
        const ctx = p.source === 'visit' ? await deputyCtx(deputy!) : await head(station);
        const fields = intake.validate(values, (key, vars) => translate({}, key, vars));
        const row = await flow.receive(
          { ...fields, source: p.source, deputyId: deputy?.id ?? null, stationId: station.id, photos: [] },
          { context: ctx, now: p.received },
        );
        p.id = row.get('id');
      }
    });
    if (o.classify === null) continue;
    const classifyAt = cls === 'JD' ? soon(10, 40) : o.classify === 0 ? soon(30, 100) : on(o.classify, 540, 700);
    at(classifyAt, async () =>
      step(p, 'classify', { opinionClassId: classes.get(cls) }, classifyAt, await head(station)),
    );
    if (o.assign !== null) {
      const assignAt = o.assign === o.classify ? soon(15, 60) : on(o.assign);
      at(assignAt, async () => step(p, 'assign', { handlingUnit: p.unit }, assignAt, await head(station)));
    }
    const notes = [...p.progress];
    let followUp = int(0, FOLLOW_UPS.length - 1);
    for (const day of o.progress) {
      const progressAt = on(day);
      // The matter's own progress first, then the station's follow-ups in turn.
      const note = notes.shift() ?? FOLLOW_UPS[followUp++ % FOLLOW_UPS.length];
      at(progressAt, async () => step(p, 'progress', { note }, progressAt, await staffOr(0.6)));
    }
    if (o.answer !== null) {
      const answerAt = cls === 'JD' ? soon(10, 60) : on(o.answer);
      const answer = cls === 'JD' ? p.answer : `经${p.unit}办理：${p.answer}`;
      at(answerAt, async () => step(p, 'answer', { answer }, answerAt, await staffOr(cls === 'JD' ? 0.8 : 0.4)));
    }
    if (o.convert !== null) {
      const convertAt = on(o.convert);
      const ref = `高沙镇第十九届人民代表大会第${int(4, 5)}次会议第${int(3, 42)}号建议`;
      const note = CONVERT_NOTES[int(0, CONVERT_NOTES.length - 1)];
      at(convertAt, async () => step(p, 'convert', { suggestionRef: ref, note }, convertAt, await head(station)));
    }
    if (o.close !== null) {
      const closeAt = o.close === o.answer ? soon(30, 120) : on(o.close);
      const note = CLOSE_NOTES[int(0, CLOSE_NOTES.length - 1)];
      at(closeAt, async () => step(p, 'close', { note }, closeAt, await head(station)));
    }
    if (o.rate !== null && p.stars) {
      const rateAt = on(o.rate, 480, 1290);
      const comments = RATING_COMMENTS[p.stars];
      const comment = random() < 0.6 ? comments[int(0, comments.length - 1)] : '';
      // The citizen rates with the tracking code (the public action, past its rate limit).
      at(rateAt, async () => {
        const opinion = await db
          .getRepository('opinions')
          .findOne({ filterByTk: p.id, appends: ['opinionClass', 'deputy', 'station'] });
        await intake.recordRating(opinion, { stars: p.stars, comment }, { now: rateAt });
      });
    }
  }

  // —— Mediation (一三六九), with the dispute that comes in as an opinion ——
  const mediationPlans = planMediation(town, districts, deputiesOf, villages, int, today);
  const dispute = mediationPlans[0];
  {
    const station = dispute.station;
    const deputy = dispute.deputy;
    const p = { id: 0 };
    dispute.opinion = p;
    const received = shanghai(dispute.openedOn, 560);
    at(received, async () => {
      const fields = intake.validate(
        {
          name: dispute.citizen,
          phone: mobile(random),
          category: DISPUTE_OPINION.category,
          content: DISPUTE_OPINION.content,
        },
        (key, vars) => translate({}, key, vars),
      );
      const row = await flow.receive(
        { ...fields, source: 'reception', deputyId: deputy.id, stationId: station.id, photos: [] },
        { context: await head(station), now: received },
      );
      p.id = row.get('id');
    });
    const classifyAt = new Date(received.getTime() + 40 * 60e3);
    at(classifyAt, async () =>
      step(p, 'classify', { opinionClassId: classes.get('YB') }, classifyAt, await head(station)),
    );
    const assignAt = new Date(received.getTime() + 70 * 60e3);
    at(assignAt, async () =>
      step(
        p,
        'assign',
        { handlingUnit: DISPUTE_OPINION.unit, note: '转入“一三六九”人民调解' },
        assignAt,
        await head(station),
      ),
    );
    const progressAt = shanghai(addDays(dispute.openedOn, 2), 1000);
    at(progressAt, async () =>
      step(
        p,
        'progress',
        { note: '司法所、代表和网格员已到现场勘界，组织双方调解' },
        progressAt,
        await deputyCtx(deputy),
      ),
    );
    const answerAt = shanghai(addDays(dispute.openedOn, 6), 600);
    at(answerAt, async () => step(p, 'answer', { answer: DISPUTE_OPINION.answer }, answerAt, await head(station)));
    const closeAt = shanghai(addDays(dispute.openedOn, 9), 630);
    at(closeAt, async () => step(p, 'close', { note: '回访双方，协议已履行' }, closeAt, await head(station)));
    const rateAt = shanghai(addDays(dispute.openedOn, 10), 1200);
    at(rateAt, async () => {
      const opinion = await db
        .getRepository('opinions')
        .findOne({ filterByTk: p.id, appends: ['opinionClass', 'deputy', 'station'] });
      await intake.recordRating(opinion, { stars: 5, comment: '多年的矛盾化解了，感谢司法所和代表' }, { now: rateAt });
    });
  }
  for (const [k, m] of mediationPlans.entries()) {
    const c = { id: 0 };
    // The dispute that came in as an opinion opens its case once the opinion is assigned to the 司法所.
    const openedAt = shanghai(m.openedOn, m.opinion ? 660 : 600 + k * 7);
    at(openedAt, async () => {
      const row = await db.getRepository('mediationCases').create({
        values: {
          title: m.title,
          description: m.description,
          parties: m.parties,
          stationId: m.station.id,
          deputyId: m.deputy.id,
          opinionId: m.opinion?.id ?? null,
          judicialOfficerName: m.judicialOfficer,
          gridWorkerName: m.gridWorker,
          complex: m.complex,
        },
        context: await head(m.station),
        now: openedAt,
      } as FlowCreate);
      c.id = row.get('id');
    });
    for (const [stage, day, minutes, note] of m.stages) {
      const when = shanghai(addDays(m.openedOn, day), minutes);
      at(when, async () => {
        await mediation.reach(c.id, stage, { note }, { context: await head(m.station), now: when });
      });
    }
    if (m.close) {
      const { day, minutes, result, outcome } = m.close;
      const when = shanghai(addDays(m.openedOn, day), minutes);
      if (result === 'agreed') {
        // The station head scans the signed agreement and attaches it (only one's own uploads can be attached).
        const uploadAt = new Date(when.getTime() - 20 * 60e3);
        at(uploadAt, async () => {
          const ctx = await head(m.station);
          const file = await uploadDemoPicture(plugin.app, agreementScan(k), `人民调解协议书（${m.title}）.png`, {
            context: ctx,
          });
          await db
            .getRepository('mediationCases')
            .update({ filterByTk: c.id, values: { agreement: [file] }, context: ctx });
        });
      }
      at(when, async () => {
        const row = await mediation.close(c.id, { result, outcome }, { context: await head(m.station), now: when });
        if (row.get('status') === 'agreed' && crediting.dutyPoints()) {
          await crediting.creditMediation(c.id);
          await settle();
        }
      });
    }
  }

  // —— The daily job (00:20, Asia/Shanghai) for every day of the year up to now: escalation, mediation overdue ——
  for (let day = `${town.year}-01-01`; day <= today; day = addDays(day, 1)) {
    const when = shanghai(day, 20);
    if (when.getTime() < now) at(when, async () => void (await plugin.daily(when)));
  }

  // Nothing in the future: a step planned past this moment (a load just after midnight) is left for later.
  const runnable = jobs
    .filter((j) => j.at.getTime() < now - 60e3)
    .sort((a, b) => a.at.getTime() - b.at.getTime() || a.seq - b.seq);
  town.progress(
    `public-voice: ${planned.length + 1} opinions and ${mediationPlans.length} mediation cases, ${runnable.length} steps in the order of the year`,
  );
  let done = 0;
  let month = '';
  for (const job of runnable) {
    const m = shanghaiDate(job.at).slice(0, 7);
    if (m !== month) {
      month = m;
      if (Number(m.slice(5, 7)) % 3 === 1) town.progress(`public-voice: ${m} (${done} of ${runnable.length} steps)`);
    }
    await job.run();
    done++;
  }
  await idle();
}

const maxDate = (a: string, b: string) => (a > b ? a : b);
const minDate = (a: string, b: string) => (a < b ? a : b);

type Stage = 'respond' | 'intervene' | 'mediate' | 'solution';
type MediationPlan = {
  title: string;
  description: string;
  parties: string;
  station: DemoStation;
  deputy: DemoDeputy;
  citizen: string;
  judicialOfficer: string;
  gridWorker: string;
  complex: boolean;
  openedOn: string;
  opinion?: { id: number };
  /** [stage, day after opening, minutes after midnight, note] */
  stages: [Stage, number, number, string][];
  close?: { day: number; minutes: number; result: 'agreed' | 'failed'; outcome: string };
};

/**
 * Five cases, one per 片区站: the 宅基地 dispute that came in as an opinion (agreed), a complex 山林 dispute
 * not settled, a complex 土地流转 dispute agreed, and two open ones — on time, and one whose 介入 is overdue.
 */
function planMediation(
  town: DemoTown,
  districts: DemoStation[],
  deputiesOf: (stationId: number) => DemoDeputy[],
  villages: Map<number, string[]>,
  int: (a: number, b: number) => number,
  today: string,
): MediationPlan[] {
  // Deputies whose duty is mediation (every fifth of a station, see the deputies' demo) are on the teams.
  const team = (s: DemoStation) => deputiesOf(s.id)[4] ?? deputiesOf(s.id)[0];
  const village = (s: DemoStation, k: number) => villages.get(s.id)![k % villages.get(s.id)!.length];
  const grid = (s: DemoStation, k: number, name: string) => `${village(s, k)}网格员 ${name}`;
  const [gaosha, nanni, wentang, shiliu, yueying] = districts;
  const ago = (n: number) => addDays(today, -n);
  return [
    {
      title: `${village(wentang, 0)}两户宅基地边界纠纷`,
      description: '两户相邻，因新砌围墙占用宅基地边界发生争执，多次协商未果，经代表接待登记后转入人民调解。',
      parties: `${village(wentang, 0)}村民 王某某、李某某`,
      station: wentang,
      deputy: team(wentang),
      citizen: '王德胜',
      judicialOfficer: JUDICIAL_OFFICERS[0],
      gridWorker: grid(wentang, 0, '李春花'),
      complex: false,
      openedOn: ago(int(60, 90)),
      stages: [
        ['respond', 0, 900, '当天联系双方当事人，了解争议经过'],
        ['intervene', 2, 600, '司法所、代表、网格员到现场勘界，调取宅基地确权资料'],
        ['mediate', 5, 870, '组织双方面对面调解，按确权图退让围墙'],
      ],
      close: {
        day: 5,
        minutes: 990,
        result: 'agreed',
        outcome: '双方签订人民调解协议书，围墙按确权边界退让，费用各自承担。',
      },
    },
    {
      title: `${village(shiliu, 1)}山林权属纠纷`,
      description: '两个村民小组对交界处约三十亩山林的权属各执一词，涉及林木采伐收益分配，情况复杂。',
      parties: `${village(shiliu, 1)}三组、五组村民代表`,
      station: shiliu,
      deputy: team(shiliu),
      citizen: '周冬生',
      judicialOfficer: JUDICIAL_OFFICERS[1],
      gridWorker: grid(shiliu, 1, '唐运来'),
      complex: true,
      openedOn: ago(int(110, 140)),
      stages: [
        ['respond', 0, 840, '当天与两组村民代表电话沟通，稳定情绪'],
        ['intervene', 2, 570, '调取林权证和历史山界图，走访老党员了解山界由来'],
        ['mediate', 5, 600, '召开两组村民代表调解会，双方分歧较大'],
        ['solution', 8, 600, '提出按林权证界址划分、收益按比例分配的方案'],
      ],
      close: {
        day: 8,
        minutes: 960,
        result: 'failed',
        outcome: '五组不接受调解方案，已告知通过林权争议行政裁决或诉讼途径解决，代表继续跟踪。',
      },
    },
    {
      title: `${village(nanni, 2)}土地流转租金纠纷`,
      description: '合作社流转四十多户农户的承包地，因经营亏损拖欠两年租金，农户多次上门讨要。',
      parties: `${village(nanni, 2)}农户代表 刘某某等43户；某种植专业合作社`,
      station: nanni,
      deputy: team(nanni),
      citizen: '刘桂香',
      judicialOfficer: JUDICIAL_OFFICERS[0],
      gridWorker: grid(nanni, 2, '彭细妹'),
      complex: true,
      openedOn: ago(int(190, 230)),
      stages: [
        ['respond', 1, 600, '接待农户代表，登记拖欠租金明细'],
        ['intervene', 3, 600, '约谈合作社负责人，核实经营和资金情况'],
        ['mediate', 6, 870, '组织农户代表与合作社协商分期支付方案'],
        ['solution', 9, 600, '镇农业综合服务中心协调产业奖补资金，形成分期支付方案'],
      ],
      close: {
        day: 9,
        minutes: 960,
        result: 'agreed',
        outcome: '双方签订调解协议：合作社三个月内分三期付清拖欠租金，由村委会监督履行。',
      },
    },
    {
      title: `${village(yueying, 0)}邻里排水纠纷`,
      description: '上下两户因屋后排水沟改道，雨水冲进下户院子，双方发生口角。',
      parties: `${village(yueying, 0)}村民 邓某某、谢某某`,
      station: yueying,
      deputy: team(yueying),
      citizen: '邓春花',
      judicialOfficer: JUDICIAL_OFFICERS[1],
      gridWorker: grid(yueying, 0, '罗和平'),
      complex: false,
      openedOn: ago(2),
      stages: [
        ['respond', 0, 960, '当天上门查看排水沟改道情况'],
        ['intervene', 1, 600, '网格员、代表到场，初步提出恢复原排水走向的意见'],
      ],
    },
    {
      title: `${village(gaosha, 0)}装修噪音扰民纠纷`,
      description: '楼上住户长期在夜间装修，楼下老人无法休息，双方多次争吵。',
      parties: `${village(gaosha, 0)}居民 贺某某、尹某某`,
      station: gaosha,
      deputy: team(gaosha),
      citizen: '贺淑珍',
      judicialOfficer: JUDICIAL_OFFICERS[0],
      gridWorker: grid(gaosha, 0, '蒋光明'),
      complex: false,
      openedOn: ago(8),
      stages: [['respond', 0, 930, '电话联系双方，约定上门时间']],
    },
  ].map((m) => ({
    ...m,
    stages: m.stages as [Stage, number, number, string][],
    close: m.close as MediationPlan['close'],
  }));
}
