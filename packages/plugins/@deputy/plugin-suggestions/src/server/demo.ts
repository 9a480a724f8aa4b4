import type { DemoTown } from '@deputy/plugin-deputies';
import type { Model } from '@nocobase/database';
import type { PluginSuggestionsServer } from './plugin';

const UNITS = ['镇党政综合办公室', '镇农业农村办', '镇规划建设办', '镇财政所', '镇社会事务办', '镇综治中心'];
const TOPICS: [string, string, string][] = [
  ['关于硬化高沙至竹市村道的建议', '村道雨天泥泞，群众出行和农产品外运困难。', 'urban'],
  ['关于增设集镇公共停车位的建议', '赶集日车辆乱停，集镇主街经常堵塞。', 'urban'],
  ['关于加强农村饮水安全管理的建议', '部分村水质检测不及时，夏季易出问题。', 'health'],
  ['关于扶持高沙柑橘产业的建议', '柑橘销售渠道单一，建议建设冷链与电商服务点。', 'agriculture'],
  ['关于改造镇中心小学旱厕的建议', '旱厕卫生条件差，影响师生健康。', 'education'],
  ['关于整治资江河道采砂的建议', '无序采砂影响堤岸安全，建议加强巡查。', 'environment'],
  ['关于完善农村养老服务的建议', '留守老人多，日间照料中心覆盖不足。', 'health'],
  ['关于规范集镇摊位管理的建议', '占道经营现象突出，建议划定临时摊区。', 'governance'],
  ['关于增加农村客运班次的建议', '偏远村每天只有一班车，群众就医不便。', 'urban'],
  ['关于加强农田水利设施维护的建议', '部分渠道淤塞，灌溉用水紧张。', 'agriculture'],
  ['关于建设村级文化广场的建议', '群众缺少文体活动场地。', 'education'],
  ['关于防范电信诈骗宣传进村的建议', '老年人受骗案例增多，建议常态化宣传。', 'governance'],
];

/**
 * The demo town's 代表建议 (#22, #20): the town congress's session, its handling units, a dozen suggestions
 * through every step — written, jointly reviewed (two returned for revision first, one handled as a letter),
 * registered with their numbers (D16 for the lead deputies), assigned, answered, the deputies' feedback (one
 * unsatisfied, handled again) — three key suggestions with their supervision records, and the year's 满意度测评 by
 * five deputies (results announced). All through the plugin's steps, so its rules hold for the demo as for real data.
 */
export async function loadSuggestionsDemo(plugin: PluginSuggestionsServer, town: DemoTown) {
  const db = town.db;
  const at = (daysAgo: number) => new Date(`${town.daysAgo(daysAgo)}T10:00:00+08:00`);
  const options = (daysAgo: number) => ({ context: town.ctx, now: at(daysAgo) });
  const session: Model = await db.getRepository('congressSessions').create({
    values: {
      code: `高沙${town.year}`,
      title: `高沙镇第十九届人民代表大会第${town.year - 2021}次会议`,
      openedOn: `${town.year}-01-10`,
    },
    context: town.ctx,
  });
  const units: Model[] = [];
  for (const [i, name] of UNITS.entries())
    units.push(await db.getRepository('handlingUnits').create({ values: { name, sort: i }, context: town.ctx }));
  const made: { id: number; lead: number }[] = [];
  for (const [i, [title, content, category]] of TOPICS.entries()) {
    const lead = town.deputies[(i * 5) % town.deputies.length];
    const co = town.deputies[(i * 5 + 1) % town.deputies.length];
    const row: Model = await db.getRepository('suggestions').create({
      values: {
        sessionId: session.get('id'),
        leadDeputyId: lead.id,
        coSigners: [co.id],
        title,
        content,
        category,
        origin: town.pick(['visit', 'research', 'idea']),
      },
      context: town.ctx,
    });
    const id = row.get('id');
    await plugin.flow.submit(id, options(150 - i * 5));
    if (i === 3 || i === 7) {
      await plugin.flow.review(
        id,
        { decision: 'return', note: '题目过大，请聚焦具体问题并提出可行措施' },
        options(148 - i * 5),
      );
      await plugin.flow.submit(id, options(146 - i * 5));
    }
    if (i === 11) {
      await plugin.flow.review(id, { decision: 'letter', note: '属个人诉求，转来信办理' }, options(145 - i * 5));
      continue;
    }
    await plugin.flow.review(id, { decision: 'accept' }, options(144 - i * 5));
    await plugin.crediting.credit(id);
    const assist = i % 3 === 0 ? [{ unitId: units[(i + 3) % units.length].get('id'), role: 'assist' }] : [];
    await plugin.flow.assign(
      id,
      { units: [{ unitId: units[i % units.length].get('id'), role: 'lead' }, ...assist] },
      options(140 - i * 5),
    );
    made.push({ id, lead: lead.userId });
  }
  town.progress(`代表建议: ${TOPICS.length} suggestions, ${made.length} registered and assigned`);

  // Replies and feedback for the earlier ones; three key suggestions supervised by the administrator.
  const parts = async (suggestionId: number): Promise<Model[]> =>
    db.getRepository('suggestionAssignments').find({ filter: { suggestionId }, sort: ['id'] });
  for (const [i, s] of made.slice(0, 3).entries()) {
    await plugin.flow.markKey(
      s.id,
      { year: town.year, supervisorId: town.adminUserId, note: '镇长领办' },
      options(130),
    );
    await plugin.crediting.creditKey(s.id);
    await db.getRepository('supervisionRecords').create({
      values: {
        suggestionId: s.id,
        kind: 'key',
        method: i === 0 ? 'onSite' : 'meeting',
        date: town.daysAgo(60 - i * 10),
        supervisorName: '镇人大主席',
        findings: '承办单位已制定方案，明确了时间表和责任人',
      },
      context: town.ctx,
    });
  }
  for (const [i, s] of made.slice(0, 8).entries()) {
    for (const part of await parts(s.id)) {
      const lead = part.get('role') === 'lead';
      await plugin.flow.reply(
        part.get('id'),
        {
          reply: lead ? '已列入年度工作计划，正在组织实施' : '已配合主办单位落实资金',
          resultCode: lead ? 'ABBC'[i % 4] : undefined,
        },
        options(40 - i),
      );
    }
    const [lead] = (await parts(s.id)).filter((p) => p.get('role') === 'lead');
    await plugin.flow.feedback(
      lead.get('id'),
      { satisfaction: i === 4 ? 'unsatisfied' : i % 2 ? 'basic' : 'satisfied', note: i === 4 ? '进度太慢' : '' },
      options(30 - i),
    );
  }

  // The year's 满意度测评 of the key suggestions by five deputies of the 镇联络站: results announced.
  const voters = town.deputies.slice(0, 5);
  const appraisal: Model = await db.getRepository('appraisalSessions').create({
    values: {
      title: `${town.year}年度重点处理建议办理情况满意度测评`,
      year: town.year,
      passRate: 60,
      voters: voters.map((v) => v.userId),
    },
    context: town.ctx,
  });
  await plugin.appraisal.addKeySuggestions(appraisal.get('id'), options(10));
  const subjects: Model[] = await db
    .getRepository('appraisalSubjects')
    .find({ filter: { sessionId: appraisal.get('id') }, sort: ['id'] });
  for (const [i, voter] of voters.entries())
    await plugin.appraisal.cast(
      appraisal.get('id'),
      voter.userId,
      {
        choices: subjects.map((s, k) => ({
          subjectId: s.get('id'),
          choice: k === subjects.length - 1 && i < 3 ? 'unsatisfied' : i % 2 ? 'basic' : 'satisfied',
        })),
      },
      options(9),
    );
  await plugin.appraisal.close(appraisal.get('id'), options(8));
  town.progress(`代表建议: ${subjects.length} key suggestions appraised by ${voters.length} deputies`);
}
