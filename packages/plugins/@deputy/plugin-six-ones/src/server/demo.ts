import { suiteCore } from '@deputy/plugin-suite-core';
import type { DemoDeputy, DemoTown } from '@deputy/plugin-deputies';
import { recordAttendance } from '@deputy/plugin-duty-points';
import type { Model } from '@nocobase/database';
import type { PluginSixOnesServer } from './plugin';
import { addDays, monthOf } from './services/periods';

const asDate = (v: unknown) => String(v ?? '').slice(0, 10);

/** Reasons a deputy asks leave for, as the stations of 高沙镇 write them. */
const SHORT_LEAVES = [
  '参加县人大常委会组织的代表履职培训',
  '家中老人住院，需陪护',
  '赴邵阳市参加农产品展销会',
  '外出参加村级换届工作培训',
  '孩子高考，家中有事',
];
const LONG_LEAVES = [
  { reason: '腰椎手术，在洞口县人民医院住院治疗', days: 20 },
  { reason: '外出务工（广东东莞），已委托代表小组长代为联系选民', days: 28 },
];
const REJECTED_LEAVES = ['走亲戚', '临时有事'];

/** What a station files in its ledger each month, by section (source 'entry'); {m} the month, {v} a village. */
const ENTRY_NOTES: Record<string, string[]> = {
  制度上墙: ['{m}月核对“六个一”“逢6接待”制度牌，内容与镇人大主席团文件一致', '{m}月更新代表公示栏照片和联系电话'],
  年度活动计划: [
    '{m}月按年度活动计划开展集中学习和逢6接待，计划执行情况已登记',
    '{m}月活动计划执行表：学习1次、接待3次、走访{v}',
  ],
  '代表名册/编组': ['{m}月核对代表名册，代表小组编组无变动', '{m}月代表名册及网格联系表更新（{v}）'],
  '意见交办/反馈单': [
    '{m}月收集群众意见，交办镇直部门并跟踪反馈，反馈单归档',
    '{m}月{v}群众反映道路、灌溉问题交办单及答复单',
  ],
  学习记录: [
    '{m}月集中学习《中华人民共和国全国人民代表大会和地方各级人民代表大会代表法》，签到表、学习笔记归档',
    '{m}月学习县人代会精神，代表交流发言记录',
  ],
  '视察/检查/调研/评议材料': [
    '{m}月代表视察{v}人居环境整治，视察记录及照片归档',
    '{m}月参与食品安全专项检查，检查记录表归档',
    '{m}月就{v}产业发展开展调研，调研报告初稿',
  ],
  季度积分通报: ['{m}月张贴代表履职积分通报于“阳光栏”', '{m}月积分明细核对，代表签字确认'],
  述职测评材料: ['{m}月代表向{v}选民述职材料及测评表归档', '{m}月述职测评安排表'],
  '1+N 帮扶档案': ['{m}月代表走访{v}帮扶户，帮扶记录卡更新', '{m}月1+N帮扶台账：新增帮扶需求及解决情况'],
};
const VILLAGES = [
  '中和社区',
  '栗山社区',
  '金光社区',
  '南泥村',
  '双桥村',
  '枫林村',
  '温塘村',
  '白竹村',
  '荷叶村',
  '石榴村',
  '桐山村',
  '茶铺村',
  '月英村',
  '新屋村',
  '龙潭村',
];

/**
 * The months of the demo: January to next month — or, in January, from last December, so that some of the
 * sessions have passed.
 */
export function demoMonths(today: string) {
  const first =
    today.slice(5, 7) === '01' ? monthOf(addDays(`${today.slice(0, 4)}-01-01`, -1)).key : `${today.slice(0, 4)}-01`;
  const last = monthOf(addDays(monthOf(today).to, 1)).key;
  const months: string[] = [];
  for (let m = first; m <= last; m = monthOf(addDays(`${m}-28`, 7)).key) months.push(m);
  return months;
}

type Leave = {
  deputy: DemoDeputy;
  from: string;
  to: string;
  reason: string;
  status: 'pending' | 'approved' | 'rejected';
};

/**
 * The 六个一 part of the demo town (#22): the 逢6 reception sessions of every 片区站 from January to next month
 * (the reception service), the sign-ins of the past ones (most rostered deputies come, some with another
 * deputy of the station), a few leaves (approved ones excuse a shift), the settlement of the past sessions
 * (held or not, no-show deductions through the filing service), a year of 履职台账 entries uploaded by the
 * station heads, and the compliance of the year (the compliance service).
 */
export async function loadSixOnesDemo(plugin: PluginSixOnesServer, town: DemoTown) {
  const { db } = town;
  const districts = town.stations.filter((s) => s.district);
  const districtIds = districts.map((s) => s.id);
  const deputiesOf = (stationId: number) => town.deputies.filter((d) => d.stationId === stationId);
  const byId = new Map(town.deputies.map((d) => [d.id, d]));
  // A request of that user (audit fields and trails name the head who approved, the deputy who asked).
  const users = new Map<number, Model | null>();
  const as = async (userId: number) => {
    if (!users.has(userId)) users.set(userId, await db.getRepository('users').findOne({ filterByTk: userId }));
    return Object.create(town.ctx, { state: { value: { ...town.ctx.state, currentUser: users.get(userId) } } });
  };
  const headOf = (stationId: number) => town.stations.find((s) => s.id === stationId)!.headUserId;

  town.progress('six-ones: reception sessions from January to next month');
  const months = demoMonths(town.today);
  for (const month of months) await plugin.reception.generateMonth(month, districtIds);

  const past: Model[] = await db.getRepository('receptionSessions').find({
    filter: { stationId: { $in: districtIds }, date: { $lt: town.today } },
    appends: ['roster', 'activity'],
    sort: ['date', 'stationId'],
  });

  town.progress('six-ones: leave and sign-ins of the past sessions');
  const leaves: Leave[] = [];
  const onLeave = (deputyId: number, date: string, statuses = ['approved']) =>
    leaves.some((l) => l.deputy.id === deputyId && statuses.includes(l.status) && l.from <= date && date <= l.to);
  // Two long leaves (an operation, work away), taken from the sessions that fall in them.
  for (const [i, long] of LONG_LEAVES.entries()) {
    const session = past[Math.floor(past.length * (0.3 + 0.35 * i))];
    if (!session) continue;
    const deputy = byId.get(session.get('roster')[0]?.get('id'));
    if (deputy)
      leaves.push({
        deputy,
        from: addDays(asDate(session.get('date')), -3),
        to: addDays(asDate(session.get('date')), long.days - 3),
        reason: long.reason,
        status: 'approved',
      });
  }
  // One session of the summer nobody came to (防汛值守: one deputy on leave, the other a no-show): not held.
  const notHeld = past.find((s) => asDate(s.get('date')) >= `${town.year}-07-01`) ?? past[Math.floor(past.length / 2)];
  const signIns: { session: Model; deputy: DemoDeputy }[] = [];
  let excused = 0;
  let rejected = 0;
  for (const session of past) {
    const date = asDate(session.get('date'));
    const roster: DemoDeputy[] = ((session.get('roster') ?? []) as Model[])
      .map((d) => byId.get(d.get('id')))
      .filter(Boolean);
    const came: DemoDeputy[] = [];
    const absent: DemoDeputy[] = [];
    for (const deputy of roster) {
      if (onLeave(deputy.id, date)) continue;
      (session !== notHeld && town.random() < 0.91 ? came : absent).push(deputy);
    }
    // Any other day the station calls a rostered deputy in: that one session stays the only one not held.
    if (session !== notHeld && !came.length && absent.length) came.push(absent.shift()!);
    // Absent: some had asked leave (approved, or refused), the others just did not come.
    let excuseFirst = session === notHeld;
    for (const deputy of absent) {
      const r = town.random();
      if (excuseFirst || (r < 0.4 && excused < Math.ceil(Number(date.slice(5, 7)) / 2))) {
        excuseFirst = false;
        leaves.push({
          deputy,
          from: addDays(date, -1),
          to: addDays(date, 1),
          reason: SHORT_LEAVES[excused % SHORT_LEAVES.length],
          status: 'approved',
        });
        excused += 1;
      } else if (r < 0.55 && rejected < REJECTED_LEAVES.length) {
        leaves.push({ deputy, from: date, to: date, reason: REJECTED_LEAVES[rejected], status: 'rejected' });
        rejected += 1;
      }
    }
    // Now and then another deputy of the station comes in to receive constituents too.
    if (came.length && town.random() < 0.35) {
      const others = deputiesOf(session.get('stationId')).filter(
        (d) => !roster.some((r) => r.id === d.id) && !onLeave(d.id, date),
      );
      if (others.length) came.push(town.pick(others));
    }
    for (const deputy of came) signIns.push({ session, deputy });
  }
  // Asked for the coming days, not decided yet.
  const upcoming = await db.getRepository('receptionSessions').findOne({
    filter: { stationId: { $in: districtIds }, date: { $gte: town.today } },
    appends: ['roster'],
    sort: ['date'],
  });
  const askingId = upcoming?.get('roster')?.[0]?.get('id');
  if (askingId) {
    const date = asDate(upcoming.get('date'));
    leaves.push({
      deputy: byId.get(askingId)!,
      from: date,
      to: addDays(date, 2),
      reason: '赴长沙参加省农业农村厅种养大户培训',
      status: 'pending',
    });
  }

  // Asked by the deputy (pending), then decided by the station head: the leave's trail shows both.
  for (const leave of leaves) {
    const row: Model = await db.getRepository('deputyLeaves').create({
      values: { deputyId: leave.deputy.id, from: leave.from, to: leave.to, reason: leave.reason, status: 'pending' },
      context: await as(leave.deputy.userId),
    });
    if (leave.status !== 'pending') {
      await db.getRepository('deputyLeaves').update({
        filterByTk: row.get('id'),
        values: { status: leave.status },
        context: await as(headOf(leave.deputy.stationId)),
      });
    }
  }

  // The sign-ins of each past session, with the day's duty record (the rule-free core of dutyActivities:signIn).
  const deputies = new Map<number, Model>();
  for (const d of (await db
    .getRepository('deputies')
    .find({ filter: { id: { $in: town.deputies.map((x) => x.id) } } })) as Model[])
    deputies.set(d.get('id'), d);
  const bySession = new Map<Model, DemoDeputy[]>();
  for (const { session, deputy } of signIns) bySession.set(session, [...(bySession.get(session) ?? []), deputy]);
  for (const [session, came] of bySession) {
    await db.sequelize.transaction(async (transaction) => {
      for (const deputy of came)
        await recordAttendance(db, session.get('activity'), deputies.get(deputy.id), transaction);
    });
  }

  town.progress('six-ones: settling the past sessions (not held, no-show deductions)');
  await plugin.reception.closeDue(town.today, districtIds);

  // A coming session the head moved by a day (the 镇人代会 takes the hall): its sign-in activity follows.
  const moved = await db
    .getRepository('receptionSessions')
    .findOne({ filter: { stationId: districts[1]?.id ?? districtIds[0], date: { $gte: town.today } }, sort: ['date'] });
  if (moved) {
    const calendar = suiteCore(plugin.app).calendar;
    const date = await calendar.nextWorkingDay(addDays(asDate(moved.get('date')), 1));
    await db.getRepository('receptionSessions').update({
      filterByTk: moved.get('id'),
      values: { date, noticeOn: addDays(date, -3) },
      context: await as(headOf(moved.get('stationId'))),
    });
  }

  town.progress('six-ones: 履职台账 entries of the stations');
  const sections: Model[] = await db
    .getRepository('ledgerSections')
    .find({ filter: { active: true, source: 'entry' }, sort: ['sort'] });
  const thisMonth = town.today.slice(0, 7);
  for (const [s, station] of districts.entries()) {
    const context = await as(station.headUserId);
    const villages = VILLAGES.slice(s * 3, s * 3 + 3);
    for (const month of months.filter((m) => m <= thisMonth)) {
      const m = Number(month.slice(5, 7));
      // The first station keeps a complete ledger; the others miss a section now and then. This month: begun.
      const current = month === thisMonth;
      const filed = sections.filter((_, k) => (current ? k <= 1 : s === 0 || town.random() >= 0.07));
      // One month's upload of a station at a time (its rows and the recomputed ledger rule together).
      await db.sequelize.transaction(async (transaction) => {
        for (const section of filed) {
          const notes = ENTRY_NOTES[section.get('name')] ?? ['{m}月台账材料归档'];
          const note = town.pick(notes).replace('{m}', String(m)).replace('{v}', town.pick(villages));
          await db.getRepository('ledgerEntries').create({
            values: { stationId: station.id, sectionId: section.get('id'), month, note },
            context,
            transaction,
          });
        }
      });
    }
  }

  town.progress('six-ones: compliance of the year (六个一)');
  for (const year of new Set(months.filter((m) => m <= thisMonth).map((m) => Number(m.slice(0, 4)))))
    await plugin.compliance.recomputeYear(year);
}
