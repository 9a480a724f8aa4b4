import { connectionBudget } from '@deputy/plugin-suite-core';
import { png, uploadDemoPicture } from '@deputy/plugin-deputies';
import type { DemoDeputy, DemoStation, DemoTown } from '@deputy/plugin-deputies';
import type { Context } from '@nocobase/actions';
import type { Database, Model, Transaction } from '@nocobase/database';
import type { Plugin } from '@nocobase/server';
import { decideAppeal } from './actions/publication-actions';
import { NS } from './fields';
import type { PluginDutyPointsServer } from './plugin';
import { recordAttendance, signIn } from './services/activity-sign-in';
import { myReviewTasks, reviewInBatch } from './services/batch-review';
import { periodRange } from './services/scores';

/**
 * The 代表积分制 part of the demo town (#22), everything through the plugin's services and repositories so the
 * lifecycle, the caps and the review workflow hold as for real data:
 *
 * - station activities of every 片区站 (monthly 集中学习, quarterly 视察) with the sign-ins of the past ones
 *   (recordAttendance, the core of a sign-in), today's activity open for sign-in, upcoming ones;
 * - each deputy's year of duty records on most of the 26 items (the items other parts of the suite file —
 *   逢6接待, 1+N, 群众意见, 调解 — are left to those parts), with photos and forms as evidence, approved by the
 *   station head in date order (the ledger caps them), a few revoked with a reason;
 * - recent records in the real review: submitted (the review workflow gives the station head a task), some
 *   approved or returned through those tasks, some drafts;
 * - score periods: the finished quarters published on the 阳光栏 board, 错重漏 appeals (pending, rejected,
 *   and one accepted: the missing sign-in is recorded and the quarter re-published as version 2).
 *
 * Two steps: `fileDutyPointsDemo`, and `publishDutyPointsDemo` among the town's final steps (town.finally),
 * once every other part has filed its records into the ledger, so the board counts them too; it reads only
 * the database.
 *
 * Not written: deputyYearGrades (and a closed period), which only closing a year writes — after the year
 * is over, published and its appeal window has passed; the demo year is the current one.
 */
export async function loadDutyPointsDemo(plugin: PluginDutyPointsServer, town: DemoTown) {
  await fileDutyPointsDemo(plugin, town);
  // Once every part has posted its points (receptions, 1+N visits, opinions): a published quarter freezes them.
  town.finally(() => publishDutyPointsDemo(plugin, town));
}

/** Activities and sign-ins, a year of duty records in every state, the station heads' review tasks. */
export async function fileDutyPointsDemo(plugin: PluginDutyPointsServer, town: DemoTown) {
  const { db, today, year } = town;
  const sqlite = db.sequelize.getDialect() === 'sqlite';
  // Stations (and deputies) written side by side where the database allows it, within the pool's budget.
  const width = sqlite ? 1 : connectionBudget(db);
  const t = (key: string) => town.ctx.t(key, { ns: NS });
  const random = () => town.random();
  const chance = (p: number) => random() < p;
  const between = (from: string, to: string) =>
    to <= from ? from : addDays(from, Math.floor(random() * (dayDiff(from, to) + 1)));
  const yearStart = `${year}-01-01`;
  const latest = (date: string) => (date > today ? today : date < yearStart ? yearStart : date);
  // Historical records are at least a few weeks old (decided long ago); recent ones go through the review now.
  const historyEnd = latest(addDays(today, -45));
  const recentFrom = latest(addDays(today, -40));

  const items = new Map<string, Model>(
    (await db.getRepository('dutyItems').find()).map((i: Model) => [i.get('code'), i]),
  );
  const item = (code: string) => {
    const found = items.get(code);
    if (!found) throw new Error(`duty-points demo: no duty item ${code}`);
    return found;
  };
  const as = actingAs(town);
  const admin = await as(town.adminUserId);
  const districts = town.stations.filter((s) => s.district);
  const stationOf = (deputy: DemoDeputy) => town.stations.find((s) => s.id === deputy.stationId)!;
  const deputiesOf = (station: DemoStation) => town.deputies.filter((d) => d.stationId === station.id);
  const models = new Map<number, Model>(
    (
      await db
        .getRepository('deputies')
        .find({ filter: { id: { $in: town.deputies.map((d) => d.id) } }, appends: ['gridAreas'] })
    ).map((d: Model) => [d.get('id'), d]),
  );
  const villagesOf = async (station: DemoStation) =>
    (await db.getRepository('gridAreas').find({ filter: { stationId: station.id }, sort: ['id'] })).map((g: Model) =>
      g.get('name'),
    );
  const stationVillages = new Map<number, string[]>();
  for (const s of districts) stationVillages.set(s.id, await villagesOf(s));
  const villageOf = (deputy: DemoDeputy) =>
    models.get(deputy.id)?.get('gridAreas')?.[0]?.get('name') ?? stationVillages.get(deputy.stationId)?.[0] ?? '高沙镇';
  // How active each deputy is: some do much more than others, as in any town.
  const diligence = new Map<number, number>(town.deputies.map((d) => [d.id, 0.15 + 0.85 * random()]));

  // Evidence: small PNG "photos" and "forms" uploaded through the file manager to the app's storage.
  const evidence = new EvidenceFiles(plugin);
  const attach = async (deputy: DemoDeputy, code: string, title: string, transaction?: Transaction) => {
    const kind = evidenceKind(item(code).get('evidenceCodes') ?? []);
    return evidence.upload(kind, `${title}${EVIDENCE_TITLES[kind]}`, await as(deputy.userId), transaction);
  };

  // ---- 1. Station activities and their sign-ins -------------------------------------------------------
  town.progress('duty-points: station activities and their sign-ins');
  const activities = db.getRepository('dutyActivities');
  const deputyModel = (d: DemoDeputy) => models.get(d.id);
  type ActivitySpec = {
    station: DemoStation;
    code: string;
    title: string;
    date: string;
    place: string;
    attendees: DemoDeputy[];
  };
  const activity = async ({ station, code, title, date, place, attendees }: ActivitySpec) => {
    const head = await as(station.headUserId);
    // Past ones were open on their day and closed after; the next days' are approved, later ones still planned.
    const status = date <= addDays(today, 10) ? 'approved' : 'planned';
    const created: Model = await activities.create({
      values: {
        title,
        itemId: item(code).get('id'),
        stationId: station.id,
        date,
        place,
        status,
        description: `${station.name}组织，片区代表参加`,
      },
      context: head,
    });
    if (date >= today) return created;
    await db.sequelize.transaction(async (transaction) => {
      for (const deputy of attendees) await recordAttendance(db, created, deputyModel(deputy), transaction);
    });
    await activities.update({ filterByTk: created.get('id'), values: { status: 'closed' }, context: head });
    return created;
  };
  // Who comes is drawn first, so the town is the same however many stations are written at once.
  const spec = (
    station: DemoStation,
    code: string,
    title: string,
    date: string,
    place: string,
    rate: (d: DemoDeputy) => number,
  ): ActivitySpec => ({
    station,
    code,
    title,
    date,
    place,
    attendees: date < today ? deputiesOf(station).filter((d) => chance(rate(d))) : [],
  });
  const currentMonth = Number(today.slice(5, 7));
  const plannedActivities = districts.map((station) => {
    const villages = stationVillages.get(station.id) ?? [];
    const hall = `${station.name}代表之家`;
    const list: ActivitySpec[] = [];
    for (let month = 1; month <= currentMonth; month++) {
      const date = `${year}-${pad(month)}-${pad(9 + Math.floor(random() * 9))}`;
      list.push(
        spec(
          station,
          'D03',
          `${month}月集中学习：${STUDY_TOPICS[month - 1]}`,
          date,
          hall,
          (d) => 0.25 + 0.55 * diligence.get(d.id)!,
        ),
      );
    }
    for (let quarter = 1; quarter <= Math.ceil(currentMonth / 3); quarter++) {
      const date = `${year}-${pad(quarter * 3 - 1)}-${pad(18 + Math.floor(random() * 8))}`;
      const village = villages[(quarter - 1) % Math.max(1, villages.length)] ?? '高沙镇';
      list.push(
        spec(
          station,
          'D05',
          INSPECTIONS[quarter - 1].replace('{v}', village),
          date,
          `${village}村部`,
          (d) => 0.2 + 0.5 * diligence.get(d.id)!,
        ),
      );
    }
    return list.sort((a, b) => a.date.localeCompare(b.date));
  });
  await inTurns(plannedActivities, width, async (list) => {
    for (const one of list) await activity(one);
  });
  // Today: a publicity event open for sign-in at the first 片区站; two of its deputies have signed in already.
  const first = districts[0];
  const todays: Model = await activity(
    spec(
      first,
      'D13',
      `${stationVillages.get(first.id)?.[0] ?? '高沙镇'}民法典进村宣讲`,
      today,
      `${stationVillages.get(first.id)?.[0] ?? '高沙镇'}村民广场`,
      () => 0,
    ),
  );
  for (const deputy of deputiesOf(first).slice(0, 2)) {
    await signIn(db, deputy.userId, todays.get('signInCode'), t);
  }
  // In three weeks: a consultation still being planned.
  await activity(
    spec(
      first,
      'D15',
      `${stationVillages.get(first.id)?.[1] ?? '高沙镇'}民情恳谈会：村级道路养护`,
      addDays(today, 21),
      `${stationVillages.get(first.id)?.[1] ?? '高沙镇'}村部`,
      () => 0,
    ),
  );

  // ---- 2. A year of each deputy's own duty records, approved by the station head ---------------------
  town.progress('duty-points: a year of duty records, approved in date order (the ledger caps them)');
  const records = db.getRepository('dutyRecords');
  type Planned = {
    code: string;
    date: string;
    quantity?: number;
    description: string;
    evidence?: boolean;
    reviewer?: number;
    comment?: string;
    tag?: string;
  };
  const congress = [
    { date: `${year}-01-08`, name: '高沙镇第十九届人民代表大会第五次会议' },
    { date: `${year}-07-09`, name: '高沙镇第十九届人民代表大会第六次会议' },
  ].filter((s) => s.date <= historyEnd);
  const onLeave = new Set([town.deputies[7], town.deputies[33], town.deputies[50]].filter(Boolean).map((d) => d.id));
  const capped = town.deputies[4];
  const faked = town.deputies[29];
  const doubled = town.deputies[15];
  const lastQuarter = lastFinishedQuarter(today);
  // The middle of the last finished quarter: the records its appeals are about.
  const lastMid = lastQuarter.startsWith(String(year))
    ? [addDays(periodRange(lastQuarter)!.from, 40), historyEnd].sort()[0]
    : historyEnd;
  const tagged = new Map<string, Model>();

  const plan = (deputy: DemoDeputy): Planned[] => {
    const village = villageOf(deputy);
    const station = stationOf(deputy);
    const d = diligence.get(deputy.id)!;
    const list: Planned[] = [];
    for (const [i, session] of congress.entries()) {
      if (i === 0 && onLeave.has(deputy.id)) {
        list.push({
          code: 'D24',
          date: session.date,
          quantity: 2,
          description: `${session.name}请假两个半天：${pick(LEAVES, random)}`,
          reviewer: town.adminUserId,
          comment: '镇人大主席团核定',
        });
        continue;
      }
      list.push({ code: 'D01', date: session.date, description: `出席${session.name}全程`, comment: '大会签到核定' });
      if (i === 0 && chance(0.3))
        list.push({
          code: 'D02',
          date: session.date,
          description: `在${session.name}分组审议中就${pick(SPEECHES, random)}发言`,
          evidence: true,
        });
    }
    const used = new Map<string, number>();
    // Suggestions are mostly handed in at the congress session.
    if (congress.length && !onLeave.has(deputy.id) && chance(0.5)) {
      list.push({
        code: 'D16',
        date: congress[0].date,
        description: `${congress[0].name}期间${describe('D16', village, station.name, 1, random)}`,
      });
      used.set('D16', 1);
    }
    // Enough for most deputies to reach 合格 by December, a few 良好 or 优秀, as in a town that keeps up.
    const n = 6 + Math.round(8 * d);
    for (let k = 0; k < n; k++) {
      const code = weighted(
        OWN_ITEMS.filter((o) => (used.get(o.code) ?? 0) < o.max),
        random,
      ).code;
      used.set(code, (used.get(code) ?? 0) + 1);
      const quantity = quantityOf(code, random);
      list.push({
        code,
        date: between(yearStart, historyEnd),
        quantity,
        description: describe(code, village, station.name, quantity, random),
        evidence: !!item(code).get('evidenceRequired') && chance(0.6),
      });
    }
    if ((used.get('D16') ?? 0) > 0 && chance(0.2)) {
      list.push({
        code: 'D17',
        date: historyEnd,
        description: `《关于改善${village}灌溉水渠的建议》被镇人大主席团列为重点督办建议`,
        reviewer: town.adminUserId,
      });
    }
    // 向选民述职: the town's deputies report in turn, about two in five this year.
    if (town.deputies.indexOf(deputy) % 5 < 2) {
      list.push({
        code: 'D23',
        date: between(`${year}-03-01`, historyEnd),
        description: `向${village}选民述职并接受测评，满意率${90 + Math.floor(random() * 9)}%`,
        evidence: true,
      });
    }
    if (deputy === capped) {
      // A very active visitor: the third batch of visits passes the yearly cap of 20 and is posted in part.
      const q = [`${year}-02-20`, `${year}-05-14`, lastMid].map((d) => (d > historyEnd ? historyEnd : d)).sort();
      for (const [i, date] of q.entries()) {
        list.push({
          code: 'D11',
          date,
          quantity: [8, 8, 7][i],
          description: describe('D11', village, station.name, [8, 8, 7][i], random),
          evidence: true,
        });
      }
    }
    if (deputy === doubled) {
      // The same grid activity entered twice on consecutive days (an appeal of 重 is pending about it).
      const text = `在${village}网格开展人居环境整治“屋场会”，20余名群众参加`;
      list.push({ code: 'D12', date: lastMid, description: text, evidence: true, tag: 'doubled-1' });
      list.push({
        code: 'D12',
        date: latest(addDays(lastMid, 1)) > historyEnd ? lastMid : addDays(lastMid, 1),
        description: text,
        evidence: true,
        tag: 'doubled-2',
      });
    }
    if (deputy === faked) {
      list.push({
        code: 'D11',
        date: between(`${year}-03-01`, historyEnd),
        quantity: 3,
        description: describe('D11', village, station.name, 3, random),
        tag: 'faked',
      });
    }
    for (const p of list) p.comment ??= pick(APPROVALS, random);
    return list.sort((a, b) => a.date.localeCompare(b.date));
  };

  let ownRecords = 0;
  const plans = town.deputies.map((deputy) => ({ deputy, list: plan(deputy) }));
  await inTurns(plans, width, async ({ deputy, list }) => {
    const station = stationOf(deputy);
    const own = await as(deputy.userId);
    const head = await as(station.headUserId);
    await db.sequelize.transaction(async (transaction) => {
      for (const p of list) {
        const files = p.evidence
          ? [await attach(deputy, p.code, `${p.date} ${item(p.code).get('name')}`, transaction)]
          : [];
        const record: Model = await records.create({
          values: {
            deputyId: deputy.id,
            itemId: item(p.code).get('id'),
            date: p.date,
            quantity: p.quantity ?? 1,
            description: p.description,
            evidence: files,
          },
          context: own,
          transaction,
        });
        const reviewer = p.reviewer ?? station.headUserId;
        // `directApproval` is this plugin's own hook option (read by the lifecycle), unknown to Sequelize's type.
        const directly = { transaction, context: reviewer === station.headUserId ? head : admin, directApproval: true };
        await record.update({ status: 'approved', reviewerId: reviewer, reviewComment: p.comment }, directly);
        if (p.tag) tagged.set(p.tag, record);
        ownRecords++;
      }
    });
  });

  // ---- 3. Revocations (with the reason) and a discipline deduction ---------------------------------
  town.progress('duty-points: revocations with their reasons, a discipline deduction');
  const revocable: Model[] = await records.find({
    filter: {
      status: 'approved',
      deputyId: { $ne: faked?.id },
      'item.code': { $in: ['D06', 'D09', 'D12', 'D13', 'D15', 'D18'] },
    },
    sort: ['date', 'deputyId', 'itemId', 'id'],
  });
  const revoked = new Set<number>();
  for (const reason of REVOCATIONS) {
    const candidates = revocable.filter(
      (r) =>
        !revoked.has(r.get('id')) &&
        r.get('id') !== tagged.get('doubled-1')?.get('id') &&
        r.get('id') !== tagged.get('doubled-2')?.get('id'),
    );
    if (!candidates.length) break;
    const record = pick(candidates, random);
    revoked.add(record.get('id'));
    await records.update({
      filterByTk: record.get('id'),
      values: { status: 'revoked', revokeReason: reason },
      context: admin,
    });
  }
  if (faked && tagged.get('faked')) {
    const fake = tagged.get('faked');
    await records.update({
      filterByTk: fake.get('id'),
      values: { status: 'revoked', revokeReason: '经群众举报核实，该次入户走访为虚报，撤销并按弄虚作假处理' },
      context: admin,
    });
    await db.sequelize.transaction(async (transaction) => {
      const deduction: Model = await records.create({
        values: {
          deputyId: faked.id,
          itemId: item('D26').get('id'),
          date: historyEnd,
          description: `虚报${villageOf(faked)}入户走访记录3户（实际未走访），经镇人大主席团调查认定为弄虚作假`,
        },
        context: admin,
        transaction,
      });
      const directly = { transaction, context: admin, directApproval: true };
      await deduction.update(
        { status: 'approved', reviewerId: town.adminUserId, reviewComment: '镇人大主席团会议研究决定' },
        directly,
      );
    });
  }

  // ---- 4. Recent records in the real review: submitted, then approved or returned in the head's task --
  town.progress('duty-points: recent records submitted to the review workflow (station heads’ tasks)');
  const pending: number[] = [];
  const toApprove = new Map<number, string>();
  const toReturn = new Map<number, string>();
  const headOfRecord = new Map<number, DemoStation>();
  const fileRecent = async (deputy: DemoDeputy, code: string, date: string, description: string, quantity = 1) => {
    const files =
      item(code).get('evidenceRequired') || chance(0.3)
        ? [await attach(deputy, code, `${date} ${item(code).get('name')}`)]
        : [];
    const created: Model = await records.create({
      values: { deputyId: deputy.id, itemId: item(code).get('id'), date, quantity, description, evidence: files },
      context: await as(deputy.userId),
    });
    return created.get('id') as number;
  };
  const submitted: number[] = [];
  const reviewing = db.hasCollection('workflowManualTasks');
  // The workflow plugin keeps its dispatcher private; its `idle` is the only sign that its queue has run.
  const workflow = reviewing ? plugin.app.pm.get<Plugin & { dispatcher?: { idle: boolean } }>('workflow') : null;
  /** Until the workflow has nothing left to run: on SQLite (one writer) nothing else may write meanwhile. */
  const workflowIdle = async () => {
    const deadline = Date.now() + 120_000;
    while (workflow?.dispatcher && !workflow.dispatcher.idle) {
      if (Date.now() > deadline) throw new Error('duty-points demo: the review workflow is still busy after 2 minutes');
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  const heads = await Promise.all(districts.map(async (s) => ({ station: s, ctx: await as(s.headUserId) })));
  const waitForTasks = async (ids: number[]) => {
    const deadline = Date.now() + 120_000;
    for (;;) {
      const found = new Set<number>();
      for (const h of heads) for (const id of (await myReviewTasks(h.ctx)).keys()) found.add(id);
      const missing = ids.filter((id) => !found.has(id));
      if (!missing.length) return workflowIdle();
      if (Date.now() > deadline)
        throw new Error(`duty-points demo: no review task for records ${missing.join(', ')} after 2 minutes`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  const submit = async (id: number, deputy: DemoDeputy) => {
    // The deputy's own 提交审核: the filing service checks evidence, sets the reviewer and the duplicate flag.
    await plugin.filing.submit(id, { context: await as(deputy.userId) });
    submitted.push(id);
    headOfRecord.set(id, stationOf(deputy));
    // SQLite has one writer: the workflow's execution reaches the task before the next write.
    if (sqlite && reviewing) await waitForTasks([id]);
  };
  for (const station of districts) {
    const people = shuffle(deputiesOf(station), random);
    for (const [i, deputy] of people.slice(0, 8).entries()) {
      const village = villageOf(deputy);
      const code = pick(RECENT_ITEMS, random);
      const quantity = quantityOf(code, random);
      const date = between(recentFrom, latest(addDays(today, -1)));
      const id = await fileRecent(
        deputy,
        code,
        date,
        describe(code, village, station.name, quantity, random),
        quantity,
      );
      await submit(id, deputy);
      if (i < 4) pending.push(id);
      else if (i < 6) toApprove.set(id, pick(APPROVALS, random));
      else toReturn.set(id, pick(RETURNS, random));
    }
    // Filed again: the same visit as an approved one of the deputy; the head's task shows it as a possible duplicate.
    const again: Model | undefined = (
      await records.find({
        filter: { status: 'approved', 'item.code': 'D11', deputyId: { $in: deputiesOf(station).map((d) => d.id) } },
        sort: ['-date', 'deputyId'],
        limit: 1,
      })
    )[0];
    if (again) {
      const deputy = town.deputies.find((d) => d.id === again.get('deputyId'))!;
      const id = await fileRecent(
        deputy,
        'D11',
        String(again.get('date')).slice(0, 10),
        `${again.get('description')}（补录）`,
        again.get('quantity'),
      );
      await submit(id, deputy);
      pending.push(id);
    }
  }
  if (reviewing) {
    await waitForTasks(submitted);
    town.progress('duty-points: station heads approve and return some of them in their review tasks');
    for (const { station, ctx } of heads) {
      const taskOf = await myReviewTasks(ctx);
      for (const [decisions, decision] of [
        [toApprove, 'approve'],
        [toReturn, 'reject'],
      ] as const) {
        for (const [id, comment] of decisions) {
          if (headOfRecord.get(id) !== station) continue;
          const result = await reviewInBatch(ctx, [id], decision, comment, taskOf);
          if (result.failed.length)
            throw new Error(`duty-points demo: the review of record ${id} failed: ${result.failed[0].message}`);
          if (sqlite) {
            await waitForStatuses(db, [id], decision === 'approve' ? 'approved' : 'rejected');
            await workflowIdle();
          }
        }
      }
    }
    await waitForStatuses(db, [...toApprove.keys()], 'approved');
    await waitForStatuses(db, [...toReturn.keys()], 'rejected');
    await workflowIdle();
  }

  // ---- 5. Drafts a deputy has started ----------------------------------------------------------------
  town.progress('duty-points: drafts');
  for (const [i, deputy] of town.deputies.entries()) {
    if (i % 3 !== 2) continue;
    const code = pick(RECENT_ITEMS, random);
    const quantity = quantityOf(code, random);
    const description = chance(0.5)
      ? `${describe(code, villageOf(deputy), stationOf(deputy).name, quantity, random)}（照片待补充）`
      : describe(code, villageOf(deputy), stationOf(deputy).name, quantity, random);
    await records.create({
      values: {
        deputyId: deputy.id,
        itemId: item(code).get('id'),
        date: between(latest(addDays(today, -14)), today),
        quantity,
        description,
        evidence: [],
      },
      context: await as(deputy.userId),
    });
  }

  // ---- Counts ---------------------------------------------------------------------------------------
  town.progress(
    `duty-points: ${ownRecords} duty records filed and approved, ${pending.length} waiting in review tasks`,
  );
}

/**
 * The score periods of the demo year: the finished quarters published on the 阳光栏 board, then 错重漏 appeals
 * against the last one — one accepted (the missing sign-in is recorded and the quarter re-published as
 * version 2), one rejected, two pending. Reads what is in the database, so it can run after every other part
 * of the suite has filed its records (the board then counts those points too).
 */
export async function publishDutyPointsDemo(plugin: PluginDutyPointsServer, town: DemoTown) {
  const { db, today, year } = town;
  const t = (key: string) => town.ctx.t(key, { ns: NS });
  const random = () => town.random();
  const as = actingAs(town);
  const admin = await as(town.adminUserId);

  await decideFiledRecords(plugin, town);

  town.progress('duty-points: score periods, the finished quarters published on the public board');
  const periods = db.getRepository('scorePeriods');
  const lastQuarter = lastFinishedQuarter(today);
  const keys = [String(year), ...[1, 2, 3, 4].map((q) => `${year}-Q${q}`).filter((k) => periodRange(k)!.from <= today)];
  if (!keys.includes(lastQuarter)) keys.push(lastQuarter);
  const periodOf = new Map<string, Model>();
  for (const key of keys) {
    periodOf.set(
      key,
      await periods.create({ values: { key, title: periodTitle(key), appealWorkingDays: 5 }, context: admin }),
    );
  }
  const publish = (key: string) => plugin.publication.publish(periodOf.get(key).get('id'), town.adminUserId, t);
  for (const key of keys.filter((k) => periodRange(k)!.to < today).sort()) await publish(key);

  town.progress('duty-points: 错重漏 appeals, one accepted and the quarter re-published');
  const appeals = db.getRepository('pointAppeals');
  const records = db.getRepository('dutyRecords');
  const period = periodOf.get(lastQuarter);
  const range = periodRange(lastQuarter)!;
  const inQuarter = { $gte: range.from, $lte: range.to };
  const deputyOf = new Map<number, DemoDeputy>(town.deputies.map((d) => [d.id, d]));
  const appeal = async (deputy: DemoDeputy, kind: string, description: string, recordId?: number) =>
    appeals.create({
      values: {
        periodId: period.get('id'),
        deputyId: deputy.id,
        recordId: recordId ?? null,
        kind,
        description,
        status: 'pending',
      },
      context: await as(deputy.userId),
    });
  const appellants = new Set<number>();

  // Missing (漏): at an activity without signing in — accepted, the attendance recorded, the quarter re-issued.
  const closed: Model[] = await db
    .getRepository('dutyActivities')
    .find({ filter: { status: 'closed', date: inQuarter }, appends: ['attendances'], sort: ['date', 'id'] });
  const absences = closed.flatMap((activity) => {
    const present = new Set((activity.get('attendances') ?? []).map((a: Model) => a.get('deputyId')));
    return town.deputies
      .filter((d) => d.stationId === activity.get('stationId') && !present.has(d.id))
      .map((deputy) => ({ activity, deputy }));
  });
  if (absences.length) {
    const { activity, deputy } = pick(absences, random);
    const date = String(activity.get('date')).slice(0, 10);
    const accepted: Model = await appeal(
      deputy,
      'missing',
      `${Number(date.slice(5, 7))}月${Number(date.slice(8, 10))}日参加了${activity.get('title')}，手机没电未能扫码签到，有现场照片和签到簿为证，申请补录`,
    );
    await decideAppeal(admin, accepted.get('id'), 'accepted', '经核对联络站签到簿和现场照片，该代表确实参加，予以补录');
    const model = await db.getRepository('deputies').findOne({ filterByTk: deputy.id });
    await db.sequelize.transaction((transaction) => recordAttendance(db, activity, model, transaction));
    await publish(lastQuarter);
    appellants.add(deputy.id);
  }
  // Wrong (错): visits the yearly cap cut — rejected, the cap is the rule.
  const cut: Model | undefined = (
    await db
      .getRepository('pointEntries')
      .find({ filter: { kind: 'award', date: inQuarter, points: { $gte: 0 } }, sort: ['id'] })
  ).find((e: Model) => Number(e.get('requestedPoints')) > Number(e.get('points')) && deputyOf.has(e.get('deputyId')));
  const cutRecord: Model | null = cut
    ? await records.findOne({ filterByTk: cut.get('recordId'), filter: { status: 'approved' }, appends: ['item'] })
    : null;
  if (cut && cutRecord) {
    const deputy = deputyOf.get(cut.get('deputyId'))!;
    const done =
      cutRecord.get('item').get('code') === 'D11'
        ? `入户走访${cutRecord.get('quantity')}户`
        : `${cutRecord.get('item').get('name')}${cutRecord.get('quantity')}次`;
    const rejected: Model = await appeal(
      deputy,
      'wrong',
      `${cutRecord.get('date')}${done}，只计了${cut.get('points')}分，申请按实际数量计分`,
      cutRecord.get('id'),
    );
    await decideAppeal(
      admin,
      rejected.get('id'),
      'rejected',
      `${cutRecord.get('item').get('name')}每年最多计${cutRecord.get('item').get('yearlyCap')}分，该代表本年度已达上限，按积分细则计分无误`,
    );
    appellants.add(deputy.id);
  }
  // Duplicated (重): the same activity entered twice — pending.
  const approved: Model[] = await records.find({
    filter: { status: 'approved', date: inQuarter, deputyId: { $in: [...deputyOf.keys()] } },
    sort: ['date', 'id'],
  });
  const seen = new Map<string, Model>();
  for (const r of approved) {
    const key = `${r.get('deputyId')}:${r.get('itemId')}:${r.get('description')}`;
    const twin = seen.get(key);
    if (twin && !appellants.has(r.get('deputyId'))) {
      await appeal(
        deputyOf.get(r.get('deputyId'))!,
        'duplicate',
        `${twin.get('date')}和${r.get('date')}的两条记录（${r.get('description')}）为同一次活动，重复录入，申请核减一次`,
        r.get('id'),
      );
      appellants.add(r.get('deputyId'));
      break;
    }
    seen.set(key, r);
  }
  // Missing, about something no record holds yet — pending.
  const other = shuffle(town.deputies, random).find((d) => !appellants.has(d.id)) ?? town.deputies[0];
  const village = (await db.getRepository('deputies.gridAreas', other.id).find())[0]?.get('name') ?? '高沙镇';
  await appeal(
    other,
    'missing',
    `${Number(range.from.slice(5, 7)) + 1}月在${village}参与调解宅基地纠纷，双方已签调解协议，积分未体现，申请核实`,
  );
}

/** Runs the work of each list entry, `width` of them at a time. */
async function inTurns<T>(list: T[], width: number, run: (entry: T) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.max(1, Math.min(width, list.length)) }, async () => {
      while (next < list.length) await run(list[next++]);
    }),
  );
}

/**
 * What the other parts filed for review (1+N visits and outcomes, handled opinions) and has waited more than
 * two weeks, each station head approves in its own review tasks — as a head who keeps up would; the recent
 * ones stay waiting. Before the publication, so the quarters count them.
 */
async function decideFiledRecords(plugin: PluginDutyPointsServer, town: DemoTown) {
  const { db } = town;
  if (!db.hasCollection('workflowManualTasks')) return;
  const sqlite = db.sequelize.getDialect() === 'sqlite';
  const as = actingAs(town);
  const before = addDays(town.today, -14);
  const waiting: Model[] = await db.getRepository('dutyRecords').find({
    filter: { status: 'submitted', source: { $ne: null }, date: { $lt: before } },
    fields: ['id', 'deputyId'],
  });
  town.progress(`duty-points: station heads approve the ${waiting.length} filed records waiting more than two weeks`);
  const stationOf = new Map(town.deputies.map((d) => [d.id, d.stationId]));
  for (const station of town.stations.filter((s) => s.district)) {
    const ids = waiting.filter((r) => stationOf.get(r.get('deputyId')) === station.id).map((r): number => r.get('id'));
    if (!ids.length) continue;
    const ctx = await as(station.headUserId);
    const taskOf = await myReviewTasks(ctx);
    // SQLite has one writer: one decision, and its workflow run, at a time.
    for (const batch of sqlite ? ids.map((id) => [id]) : [ids]) {
      const result = await reviewInBatch(ctx, batch, 'approve', '情况属实，同意计分', taskOf);
      if (result.failed.length)
        throw new Error(
          `duty-points demo: the review of record ${result.failed[0].id} failed: ${result.failed[0].message}`,
        );
      if (sqlite) await waitForStatuses(db, batch, 'approved');
    }
    await waitForStatuses(db, ids, 'approved');
  }
}

/** A request of that user, from the root's: audit fields and trails name who filed, approved or decided. */
function actingAs(town: DemoTown) {
  const users = new Map<number, Model>();
  return async (userId: number): Promise<Context> => {
    if (!users.has(userId)) users.set(userId, await town.db.getRepository('users').findOne({ filterByTk: userId }));
    return Object.create(town.ctx, {
      state: { value: { ...town.ctx.state, currentUser: users.get(userId) }, writable: true },
    });
  };
}

/** Waits until the review workflow has written the decisions (its update node runs after the task). */
async function waitForStatuses(db: Database, ids: number[], status: string) {
  const deadline = Date.now() + 120_000;
  while (ids.length) {
    const done = await db.getRepository('dutyRecords').count({ filter: { id: { $in: ids }, status } });
    if (done === ids.length) return;
    if (Date.now() > deadline)
      throw new Error(`duty-points demo: records ${ids.join(', ')} did not become ${status} after 2 minutes`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

const pad = (n: number) => String(n).padStart(2, '0');
function addDays(date: string, days: number) {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}
const dayDiff = (from: string, to: string) =>
  Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86400e3);
const pick = <T>(list: readonly T[], random: () => number) => list[Math.floor(random() * list.length)];
function shuffle<T>(list: T[], random: () => number) {
  const copy = [...list];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [copy[i], copy[j]] = [copy[j], copy[i]];
  }
  return copy;
}
function weighted<T extends { weight: number }>(list: T[], random: () => number) {
  let r = random() * list.reduce((s, o) => s + o.weight, 0);
  for (const o of list) if ((r -= o.weight) < 0) return o;
  return list[list.length - 1];
}

/** The quarter that ended last before today: `2026-Q3` on 1 December 2026, `2025-Q4` in February 2026. */
export function lastFinishedQuarter(today: string) {
  const year = Number(today.slice(0, 4));
  const quarter = Math.ceil(Number(today.slice(5, 7)) / 3) - 1;
  return quarter ? `${year}-Q${quarter}` : `${year - 1}-Q4`;
}

function periodTitle(key: string) {
  const q = /Q(\d)$/.exec(key);
  return q ? `${key.slice(0, 4)}年第${'一二三四'[Number(q[1]) - 1]}季度履职积分` : `${key}年度履职积分`;
}

const STUDY_TOPICS = [
  '宪法和代表法',
  '洞口县人代会精神',
  '中央一号文件和乡村振兴政策',
  '《湖南省乡镇人民代表大会工作条例》',
  '防汛抗旱和安全生产知识',
  '《中华人民共和国民法典》',
  '基层治理‘六零’经验',
  '《信访工作条例》',
  '耕地保护和农村宅基地政策',
  '《中华人民共和国监察法》',
  '代表建议办理工作规范',
  '年度述职和积分评定办法',
];
const INSPECTIONS = [
  '视察{v}春耕备耕和农资市场',
  '视察{v}高标准农田建设',
  '视察{v}人居环境整治和防汛工作',
  '视察{v}中小学校园安全和秋冬森林防火',
];
const SPEECHES = [
  '政府工作报告中的农村道路提质改造',
  '高标准农田建设',
  '农村学校布局调整',
  '集镇污水管网建设',
  '油茶产业发展',
];
const LEAVES = ['参加县人大常委会组织的培训', '家中老人住院陪护', '外出参加农产品展销会'];
const APPROVALS = ['属实，同意计分', '材料齐全，同意', '经核实属实', '已核对联络站台账，同意计分', '同意'];
const RETURNS = [
  '佐证照片看不清活动内容，请补充签到表后重新提交',
  '活动日期与联络站台账记录不一致，请核对',
  '描述过于简单，请补充走访对象和群众反映的问题',
  '该活动为村委会工作安排，请说明代表履职的内容',
];
const REVOCATIONS = [
  '与联络站统一录入的记录重复，撤销本条',
  '经核实，该次活动为村委会换届工作安排，不属于代表履职活动',
  '佐证照片与活动时间不符，经本人同意撤销后重新填报',
  '活动由县人大组织并已统一计分，撤销重复计分',
  '经核实该代表当日未到场，撤销',
  '本人申请撤销：日期填错，已重新填报',
  '同一问题已按“办实事”计分，撤销重复记录',
  '材料经复核不实，撤销',
];

/** The items a deputy files itself, how often, and at most how many times a year. */
const OWN_ITEMS = [
  { code: 'D04', weight: 4, max: 2 },
  { code: 'D06', weight: 6, max: 3 },
  { code: 'D07', weight: 3, max: 1 },
  { code: 'D08', weight: 3, max: 1 },
  { code: 'D09', weight: 4, max: 2 },
  { code: 'D11', weight: 16, max: 3 },
  { code: 'D12', weight: 6, max: 2 },
  { code: 'D13', weight: 5, max: 2 },
  { code: 'D15', weight: 5, max: 2 },
  { code: 'D16', weight: 7, max: 2 },
  { code: 'D18', weight: 5, max: 2 },
  { code: 'D19', weight: 2, max: 1 },
];
const RECENT_ITEMS = ['D11', 'D11', 'D12', 'D13', 'D15', 'D18', 'D09', 'D06', 'D16'];

const TEXTS: Record<string, string[]> = {
  D04: [
    '参加洞口县人大常委会举办的乡镇人大代表履职能力培训班',
    '参加邵阳市人大代表网络履职培训',
    '参加县人大组织的代表建议撰写专题培训',
  ],
  D06: [
    '参加食品安全专项检查，检查{v}校园周边食品经营户',
    '参加《湖南省农村村民住房建设管理办法》执法检查',
    '参加{s}民生实事项目建设情况检查',
    '参加秸秆禁烧和森林防火专项检查',
  ],
  D07: [
    '就{v}油茶产业发展开展专题调研，提交《关于{v}油茶产业提质增效的调研报告》',
    '调研{v}留守儿童关爱情况并提交调研报告',
    '调研{v}农村生活垃圾分类处理情况并提交报告',
  ],
  D08: ['参加对镇农业综合服务中心的工作评议', '参加对镇卫生院的满意度测评', '参加对镇派出所的工作评议'],
  D09: [
    '监督{v}安全饮水巩固提升工程，现场查看管网铺设',
    '监督集镇农贸市场改造项目施工进度',
    '跟踪监督{v}通组公路硬化项目质量',
  ],
  D11: [
    '入户走访{v}选民{n}户，了解秋收和饮水情况',
    '走访{v}困难群众和留守老人{n}户，收集意见3条',
    '入户走访{v}选民{n}户，宣传医保缴费政策',
  ],
  D12: [
    '在{v}网格开展人居环境整治“屋场会”',
    '参加{v}网格议事会，协调解决河道清淤问题',
    '在{v}网格组织代表接待群众，现场答复灌溉用水问题',
  ],
  D13: ['在{v}开展防范电信网络诈骗宣传', '向{v}群众宣讲医保缴费和养老保险政策', '在{v}村民广场开展民法典普法宣传'],
  D15: [
    '参加{v}民情恳谈会，就村级道路养护听取群众意见',
    '参加{s}议事协商会，协商集镇停车难问题',
    '参加{v}“屋场恳谈”，协商村规民约修订',
  ],
  D16: [
    '提交《关于加快{v}至集镇道路拓宽改造的建议》',
    '提交《关于在{v}增设农村客运招呼站的建议》',
    '提交《关于加强农村留守老人关爱服务的建议》',
    '提交《关于改善{v}灌溉水渠的建议》',
  ],
  D18: [
    '协调解决{v}12户村民饮水管道老化问题，村委会出具证明',
    '帮助{v}种植户销售滞销柑橘约3万斤',
    '推动修复{v}损毁路灯8盏',
  ],
  D19: ['提出“稻虾共养”发展建议，被{v}村集体经济合作社采纳', '提出发展{v}乡村民宿的建议，被村“两委”采纳'],
};

/** How many at once: households visited (1 point each), or a few events of the same kind in one record. */
const UNITS: Record<string, { unit: string; max: number }> = {
  D09: { unit: '次', max: 2 },
  D12: { unit: '次', max: 2 },
  D13: { unit: '场', max: 2 },
  D18: { unit: '件', max: 2 },
};
function quantityOf(code: string, random: () => number) {
  if (code === 'D11') return 4 + Math.floor(random() * 7);
  const unit = UNITS[code];
  return unit && random() < 0.4 ? 1 + Math.ceil(random() * (unit.max - 1)) : 1;
}

function describe(code: string, village: string, station: string, quantity: number, random: () => number) {
  const text = pick(TEXTS[code] ?? ['{s}组织的代表活动'], random)
    .replace(/\{v\}/g, village)
    .replace(/\{s\}/g, station);
  if (text.includes('{n}')) return text.replace(/\{n\}/g, String(quantity));
  return quantity > 1 && UNITS[code] ? `${text}（共${quantity}${UNITS[code].unit}）` : text;
}

type EvidenceKind = 'photo' | 'form' | 'document' | 'confirmation' | 'signin';
const EVIDENCE_TITLES: Record<EvidenceKind, string> = {
  photo: '-现场照片',
  form: '-登记表',
  document: '-报告首页',
  confirmation: '-村委会证明',
  signin: '-签到表',
};
const EVIDENCE_COLORS: Record<EvidenceKind, [number, number, number]> = {
  photo: [96, 150, 90],
  form: [235, 232, 220],
  document: [245, 245, 240],
  confirmation: [250, 240, 230],
  signin: [230, 236, 245],
};
function evidenceKind(codes: string[]): EvidenceKind {
  if (codes.includes('P')) return 'photo';
  if (codes.includes('R')) return 'form';
  if (codes.includes('C')) return 'confirmation';
  if (codes.includes('D')) return 'document';
  return 'signin';
}

/** The demo's evidence: one small PNG per kind drawn once, uploaded as the deputy's own for each record. */
class EvidenceFiles {
  private pictures = new Map<EvidenceKind, Buffer>();
  constructor(private plugin: PluginDutyPointsServer) {}

  async upload(kind: EvidenceKind, title: string, context: Context, transaction?: Transaction) {
    if (!this.pictures.has(kind)) this.pictures.set(kind, evidencePicture(EVIDENCE_COLORS[kind], kind === 'photo'));
    return uploadDemoPicture(this.plugin.app, this.pictures.get(kind)!, title, { context, transaction });
  }
}

/** A photo-like gradient (sky over fields), or a form with ruled lines and a red header. */
function evidencePicture([r, g, b]: [number, number, number], photo: boolean) {
  const width = 120;
  const height = 90;
  return png(width, height, (x, y) => {
    if (photo)
      return y < height * 0.4 ? [150 + y, 190 + y / 2, 235] : [r - (y % 7) * 3, g + ((x + y) % 11), b - (x % 5) * 4];
    return y % 12 === 0 || x === 8 ? [120, 120, 140] : y < 14 ? [200, 60, 50] : [r, g, b];
  });
}
