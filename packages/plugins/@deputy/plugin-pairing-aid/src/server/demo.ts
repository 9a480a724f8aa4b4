import type { DemoDeputy, DemoTown } from '@deputy/plugin-deputies';
import { addDays } from '@deputy/plugin-suite-core';
import { seeded, uploadDemoPicture } from '@deputy/plugin-deputies';
import type { Context } from '@nocobase/actions';
import type { Model, Transaction } from '@nocobase/database';
import type { Application } from '@nocobase/server';
import { documentPhoto, housePhoto } from './demo-photos';
import type { PluginPairingAidServer } from './plugin';
import { withCheckDigit } from './services/id-number';
import { closePairing, transferPairing } from './services/pairing-moves';
import { readSettings } from './services/settings';

/**
 * The demo town's "1+N" 结对帮扶 (#22): about 150 households of special groups in the villages of the five
 * 片区站, each deputy paired with up to N of them, the year's plans (some revised), visits through the year
 * (weekly calls to left-behind elderly), assistance outcomes with amounts in yuan, confirmations by the
 * station heads — credited to the deputies' duty records through plugin-duty-points' filing — and the
 * pairings that ended: a death, a household out of difficulty, a transfer to another deputy.
 * Everything goes through the repositories as the station head or the deputy would (their contexts), so the
 * lifecycle rules (N limit, ID numbers, dates, confirmation by the staff) hold as for real data.
 */

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** Household categories (seeded codes) and how many of the town's households are of each. */
const CATEGORY_COUNTS: Record<string, number> = {
  subsistence: 32,
  'extreme-poverty': 18,
  disability: 26,
  'left-behind-elderly': 10,
  'left-behind-children': 18,
  'children-in-difficulty': 10,
  'serious-illness': 24,
  other: 12,
};
export const DEMO_HOUSEHOLDS = Object.values(CATEGORY_COUNTS).reduce((s, n) => s + n, 0);

/** Birth years of the head of household by category (for children, the grandparent or guardian). */
const BIRTH_YEARS: Record<string, [number, number]> = {
  subsistence: [1952, 1985],
  'extreme-poverty': [1940, 1966],
  disability: [1958, 1995],
  'left-behind-elderly': [1937, 1954],
  'left-behind-children': [1950, 1972],
  'children-in-difficulty': [1950, 1975],
  'serious-illness': [1955, 1990],
  other: [1955, 1990],
};
/** 洞口县 for most; some married in from 武冈市 and 隆回县 (邵阳市). */
const AREA_CODES = ['430525', '430525', '430525', '430525', '430525', '430525', '430581', '430524'];

/**
 * The head of the demo's index-th household (0-based, in the order registered): a valid 18-digit resident
 * ID number of 邵阳市 (洞口县 430525 …) with birth date and sex fitting the category. Pure, so the demo's
 * checks can recompute it.
 */
export function demoHead(index: number, categoryCode: string) {
  const r = seeded(20261 + index * 7919);
  const [lo, hi] = BIRTH_YEARS[categoryCode] ?? [1955, 1990];
  const year = lo + Math.floor(r() * (hi - lo + 1));
  const month = 1 + Math.floor(r() * 12);
  const day = 1 + Math.floor(r() * 28);
  const male = r() < (categoryCode === 'left-behind-elderly' ? 0.45 : 0.62);
  const area = AREA_CODES[Math.floor(r() * AREA_CODES.length)];
  // 顺序码: two digits of the registration, then an odd digit for a man, even for a woman.
  const sequence = `${pad(index % 100)}${Math.floor(r() * 5) * 2 + (male ? 1 : 0)}`;
  return { idNumber: withCheckDigit(`${area}${year}${pad(month)}${pad(day)}${sequence}`), male, birthYear: year };
}

const SURNAMES = '肖曾尹王刘李谢向杨黄周邓罗袁戴龙唐蒋伍夏';
const GIVEN = {
  oldMan: [
    '德生',
    '福元',
    '秋生',
    '满堂',
    '正清',
    '仕林',
    '光明',
    '本初',
    '运生',
    '新民',
    '长庚',
    '树林',
    '贵生',
    '炳章',
  ],
  oldWoman: ['桂英', '秀兰', '冬梅', '菊香', '翠英', '满姣', '玉莲', '春娥', '金凤', '腊梅', '凤姣', '银花'],
  man: ['建军', '志勇', '国庆', '小平', '运来', '海军', '卫国', '立新', '红兵', '家旺', '水生', '永红'],
  woman: ['红英', '丽娟', '海燕', '卫红', '小红', '艳芳', '美华', '秋菊', '春梅', '玉兰'],
};
const WORK_PLACES = ['广东东莞', '广东深圳', '浙江义乌', '长沙', '福建晋江', '广州'];
const SCHOOLS = ['高沙镇中心小学', '高沙镇中学', '洞口县第九中学'];
const ILLNESSES = ['尿毒症，每周透析两次', '肺癌术后化疗', '脑梗后遗症，半身不便', '白血病', '重度糖尿病并发症'];
const DISABILITIES = ['肢体二级残疾', '视力一级残疾', '智力三级残疾', '听力二级残疾', '精神三级残疾'];
const STREETS = ['正街', '新街', '沿河路', '朝阳路', '建设路'];

type Kind = keyof typeof CATEGORY_COUNTS;

/** Members, needs, income and risk of a household of a category, in the words of a 摸排 sheet. */
function describe(town: DemoTown, code: Kind | string, age: number) {
  const r = town.random;
  const n = (lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
  const place = town.pick(WORK_PLACES);
  const yuan = (lo: number, hi: number) => `${n(lo, hi)}.${town.pick(['00', '00', '50', '20', '80'])}`;
  switch (code) {
    case 'left-behind-elderly': {
      const spouse = r() < 0.45;
      return {
        memberCount: spouse ? 2 : 1,
        members: `户主本人（${age}岁）${spouse ? `；老伴（${age - n(1, 4)}岁）` : '，独居'}；${n(1, 3)}个子女均在${place}务工，春节回家`,
        needs: town.pick([
          '定期电话问候，代购药品',
          '房屋老旧，需排查用电和房屋安全',
          '行动不便，需联系家庭医生上门',
          '希望子女多打电话，需要精神慰藉',
        ]),
        monthlyIncome: yuan(300, 900),
        riskLevel: !spouse && age >= 80 ? 'high' : 'medium',
      };
    }
    case 'extreme-poverty':
      return {
        memberCount: 1,
        members: `户主本人（${age}岁），无劳动能力，无法定赡养人，分散供养`,
        needs: town.pick(['冬季取暖和日常照料', '慢性病用药', '房屋漏雨需维修', '特困供养金按月到账情况跟踪']),
        monthlyIncome: yuan(500, 800),
        riskLevel: r() < 0.4 ? 'high' : 'medium',
      };
    case 'subsistence': {
      const members = n(2, 5);
      return {
        memberCount: members,
        members: `户主（${age}岁）、配偶${members > 2 ? `、子女${members - 2}人（${town.pick(SCHOOLS)}在读）` : ''}；家庭主要靠种植水稻和零工维持`,
        needs: town.pick(['子女上学费用', '帮助家庭劳动力就近就业', '临时救助', '医疗费用负担重']),
        monthlyIncome: yuan(900, 2400),
        riskLevel: r() < 0.25 ? 'medium' : 'low',
      };
    }
    case 'disability':
      return {
        memberCount: n(1, 4),
        members: `户主（${age}岁，${town.pick(DISABILITIES)}）${r() < 0.6 ? '，由配偶照料' : '，与父母同住'}`,
        needs: town.pick(['残疾人两项补贴落实', '辅助器具适配', '公益性岗位', '康复训练和就医']),
        monthlyIncome: yuan(600, 1800),
        riskLevel: r() < 0.35 ? 'medium' : 'low',
      };
    case 'left-behind-children': {
      const child = n(6, 14);
      return {
        memberCount: n(2, 4),
        members: `户主（祖辈，${age}岁）；孙${r() < 0.5 ? '子' : '女'}（${child}岁，${child < 12 ? SCHOOLS[0] : SCHOOLS[1]}在读）；父母在${place}务工`,
        needs: town.pick(['学习辅导和心理关爱', '假期安全教育', '与在外父母视频联系', '学习用品和冬衣']),
        monthlyIncome: yuan(800, 2000),
        riskLevel: 'low',
      };
    }
    case 'children-in-difficulty': {
      const child = n(5, 15);
      return {
        memberCount: n(2, 3),
        members: `户主（祖辈，${age}岁）；孙${r() < 0.5 ? '子' : '女'}（${child}岁）；父亲${r() < 0.5 ? '病故' : '服刑'}，母亲改嫁，由祖辈抚养`,
        needs: town.pick(['困境儿童基本生活费落实', '捐资助学', '心理疏导', '监护人年老体弱需帮扶']),
        monthlyIncome: yuan(500, 1400),
        riskLevel: r() < 0.5 ? 'medium' : 'high',
      };
    }
    case 'serious-illness':
      return {
        memberCount: n(2, 5),
        members: `户主（${age}岁，患${town.pick(ILLNESSES)}）；配偶在家照料，${r() < 0.5 ? `子女在${place}务工` : '子女在读'}`,
        needs: town.pick(['大病医疗救助', '县人民医院就医绿色通道', '慢性病门诊卡办理', '因病致贫临时救助']),
        monthlyIncome: yuan(400, 1600),
        riskLevel: 'high',
      };
    default:
      return {
        memberCount: n(1, 4),
        members: `户主（${age}岁）；${town.pick(['因灾房屋受损', '家庭成员意外受伤', '务工工资被拖欠', '赡养纠纷'])}`,
        needs: town.pick(['法律援助', '临时救助', '房屋维修', '就业帮扶']),
        monthlyIncome: yuan(800, 2200),
        riskLevel: 'medium',
      };
  }
}

/** The plan of the year for a category: goals, measures (aidPlans.measures), who takes part. */
const PLAN_OF: Record<string, { goals: string; measures: string[] }> = {
  subsistence: {
    goals: '落实低保、医保政策，帮助家庭劳动力就近就业，年底家庭人均收入稳定在低保标准以上',
    measures: ['policy', 'jobs', 'relief'],
  },
  'extreme-poverty': {
    goals: '特困供养金按月足额发放，做好冬季取暖和日常照料，每季度至少入户一次',
    measures: ['policy', 'medical', 'care'],
  },
  disability: {
    goals: '落实残疾人两项补贴，协调辅助器具适配，帮助联系公益性岗位',
    measures: ['policy', 'jobs', 'medical'],
  },
  'left-behind-elderly': {
    goals: '每周电话问候、每月上门一次，落实家庭医生签约服务，排查房屋和用电安全',
    measures: ['care', 'medical', 'housing'],
  },
  'left-behind-children': {
    goals: '关注学习和心理健康，落实教育资助，每学期与学校沟通一次',
    measures: ['school', 'care'],
  },
  'children-in-difficulty': {
    goals: '落实困境儿童基本生活保障，联系爱心人士捐资助学，做好心理疏导',
    measures: ['policy', 'school', 'care'],
  },
  'serious-illness': {
    goals: '协助申请大病医疗救助和临时救助，联系县人民医院就医绿色通道',
    measures: ['medical', 'relief', 'policy'],
  },
  other: { goals: '了解家庭实际困难，落实相应政策，帮助解决急难愁盼问题', measures: ['legalAid', 'relief', 'policy'] },
};
const REVISION: Record<string, string> = {
  subsistence: '年中走访后调整：增加对接高沙工业园就业岗位',
  'extreme-poverty': '年中走访后调整：增加房屋维修',
  disability: '年中走访后调整：增加康复训练',
  'left-behind-elderly': '年中走访后调整：增加与在外子女每月视频通话',
  'left-behind-children': '暑期调整：增加假期防溺水安全教育',
  'children-in-difficulty': '年中调整：落实爱心企业结对助学',
  'serious-illness': '病情变化后调整：增加慢性病门诊卡办理',
  other: '年中调整：跟进法律援助进度',
};

/** What a visit found, by category; phone calls and home visits differ. */
const FINDINGS: Record<string, string[]> = {
  'left-behind-elderly': [
    '老人身体尚好，叮嘱天冷添衣、按时吃药',
    '老人反映降压药快吃完，已联系村医送药上门',
    '与在外务工的子女视频连线，一起问候老人',
    '老人说最近腿脚不便，约定下周上门',
    '确认老人已按时领取养老金和高龄补贴',
    '检查家中用电和煤气安全，更换了老旧插座',
  ],
  'extreme-poverty': [
    '查看特困供养金到账情况，老人生活基本有保障',
    '送去棉被和大米，查看房屋安全',
    '老人关节炎复发，陪同到镇卫生院就诊',
    '帮助整理屋前屋后卫生',
  ],
  subsistence: [
    '了解家庭收支情况，宣讲低保动态管理政策',
    '孩子学习成绩进步，家长希望减轻学费负担',
    '户主在附近务零工，收入不稳定',
    '帮助填写临时救助申请表',
  ],
  disability: [
    '了解残疾人两项补贴发放情况',
    '轮椅老旧，已向镇残联申请更换',
    '推荐参加县残联组织的技能培训',
    '协调村里安排保洁公益性岗位',
  ],
  'left-behind-children': [
    '孩子在校表现良好，与班主任沟通学习情况',
    '送去学习用品，叮嘱假期注意防溺水',
    '孩子与父母视频通话，情绪稳定',
    '祖辈辅导作业有困难，联系志愿者帮扶',
  ],
  'children-in-difficulty': [
    '孩子基本生活费按月发放到位',
    '与学校心理老师沟通孩子情况',
    '送去冬衣和书包',
    '监护人身体不好，协调村妇联定期探望',
  ],
  'serious-illness': [
    '户主病情稳定，帮助了解大病救助报销比例',
    '陪同到县人民医院复查',
    '家庭医疗负担重，已报临时救助',
    '帮助办理慢性病门诊卡',
  ],
  other: [
    '了解纠纷经过，联系镇司法所跟进',
    '房屋维修进度正常',
    '户主已在附近企业上班，收入改善',
    '帮助联系法律援助律师',
  ],
};
const FOLLOW_UPS = [
  '下次走访带去慢性病卡办理材料',
  '跟进临时救助审批进度',
  '联系镇残联办理残疾证换证',
  '联系学校落实助学金',
  '提醒村医每周上门量血压',
  '向片区站反映房屋安全问题',
];

/** The assistance outcomes a category's pairing brings (seeded type codes), with their wording and amounts. */
const OUTCOMES_OF: Record<string, string[]> = {
  subsistence: ['relief', 'goods', 'jobs', 'legal-aid', 'school'],
  'extreme-poverty': ['goods', 'relief', 'medical', 'housing'],
  disability: ['relief', 'jobs', 'goods', 'medical'],
  'left-behind-elderly': ['goods', 'medical', 'housing', 'legal-aid'],
  'left-behind-children': ['school', 'goods'],
  'children-in-difficulty': ['school', 'relief', 'goods'],
  'serious-illness': ['medical', 'relief', 'relief'],
  other: ['legal-aid', 'relief', 'housing', 'jobs'],
};
type OutcomeSpec = { description: string[]; agency: string[]; amount?: () => string; units?: number };
const OUTCOME: (town: DemoTown) => Record<string, OutcomeSpec> = (town) => {
  const n = (lo: number, hi: number) => lo + Math.floor(town.random() * (hi - lo + 1));
  return {
    'legal-aid': {
      description: [
        '协助申请法律援助，追回拖欠的务工工资',
        '调解赡养纠纷，子女签订赡养协议',
        '协助办理交通事故赔偿法律援助',
        '协助解决宅基地界址纠纷',
      ],
      agency: ['洞口县法律援助中心', '高沙镇司法所'],
    },
    relief: {
      description: ['协助申请临时救助', '协助申请大病医疗救助', '协调县慈善总会救助', '因灾房屋受损，申请受灾群众救助'],
      agency: ['高沙镇民政办', '洞口县民政局', '洞口县慈善总会'],
      amount: () =>
        town.pick([
          '800.00',
          '1000.00',
          '1500.00',
          '2000.00',
          '3000.00',
          '5000.00',
          `${n(1200, 9800)}.${pad(n(0, 99))}`,
        ]),
    },
    housing: {
      description: ['协调纳入农村危房改造，已完成房屋加固', '协调安排县城公租房一套', '协调完成无障碍改造'],
      agency: ['洞口县住房和城乡建设局', '高沙镇村镇建设办'],
      units: 1,
    },
    jobs: {
      description: ['推荐到高沙工业园企业就业', '协调安排村保洁公益性岗位', '推荐参加技能培训后上岗'],
      agency: ['洞口县人力资源和社会保障局', '高沙镇就业服务站'],
      units: 1,
    },
    school: {
      description: ['联系爱心企业捐资助学', '落实雨露计划助学补助', '联系县教育基金会资助'],
      agency: ['洞口县教育基金会', '高沙镇商会'],
      amount: () => town.pick(['1000.00', '1500.00', '2000.00', '3000.00']),
    },
    medical: {
      description: ['联系县人民医院专家门诊就医', '协助办理慢性病门诊卡', '联系镇卫生院家庭医生签约上门'],
      agency: ['洞口县人民医院', '高沙镇卫生院'],
    },
    goods: {
      description: ['春节慰问：大米、食用油、棉被', '重阳节慰问：牛奶和慰问金', '夏季送去电风扇和防暑药品'],
      agency: ['高沙镇人大代表联络站', '高沙镇商会'],
      amount: () => `${n(2, 8) * 100 + town.pick([0, 0, 50, 80])}.00`,
    },
  };
};

type Pairing = {
  id: number;
  deputyId: number;
  householdId: number;
  stationId: number;
  code: string;
  grid: string;
  start: string;
  end?: string;
  model: Model;
};

/** Loads the demo town's 1+N pairing assistance; see the comment at the top. */
export async function loadPairingAidDemo(plugin: PluginPairingAidServer, town: DemoTown) {
  const { db } = town;
  const yearStart = `${town.year}-01-01`;
  const lastYear = town.year - 1;
  const n = (lo: number, hi: number) => lo + Math.floor(town.random() * (hi - lo + 1));
  const chance = (p: number) => town.random() < p;
  /** True every `k`-th time for a key, from the third on: spread over the stations, not left to chance. */
  const counters = new Map<string, number>();
  const every = (key: string, k: number) => {
    const seen = (counters.get(key) ?? 0) + 1;
    counters.set(key, seen);
    return seen % k === 3 % k;
  };
  const later = (a: string, b: string) => (a > b ? a : b);
  const earlier = (a: string, b: string) => (a < b ? a : b);
  const { maxPairingsPerDeputy: N } = await readSettings(db);

  // Who acts: the station heads register, pair and confirm; the deputies plan, visit and record outcomes.
  const userCache = new Map<number, Context>();
  // The texts the services write (a carried-over plan's note) in Chinese, whatever the loader's language.
  const locales = plugin.app.localeManager;
  const zh: Application['i18n'] | null = locales?.getI18nInstance ? await locales.getI18nInstance('zh-CN') : null;
  if (zh) {
    await zh.changeLanguage('zh-CN');
    await locales.loadResourcesByLang('zh-CN');
  }
  const as = async (userId: number, role: string) => {
    if (!userCache.has(userId)) {
      const user = await db.getRepository('users').findOne({ filterByTk: userId });
      const ctx: Context = Object.create(town.ctx);
      ctx.state = { ...town.ctx.state, currentUser: user, currentRole: role, currentRoles: [role] };
      if (zh) {
        ctx.i18n = zh;
        ctx.t = zh.t.bind(zh);
      }
      userCache.set(userId, ctx);
    }
    return userCache.get(userId);
  };
  const districts = town.stations.filter((s) => s.district);
  const headOf = (stationId: number) => as(districts.find((s) => s.id === stationId)!.headUserId, 'station-staff');
  const deputyById = new Map<number, DemoDeputy>(town.deputies.map((d) => [d.id, d]));
  const deputyCtx = (deputyId: number) => as(deputyById.get(deputyId)!.userId, 'deputy');

  const categories = new Map<string, Model>(
    ((await db.getRepository('aidCategories').find({ filter: { active: true } })) as Model[]).map((c) => [
      c.get('code'),
      c,
    ]),
  );
  const types = new Map<string, Model>(
    ((await db.getRepository('aidAssistanceTypes').find({ filter: { active: true } })) as Model[]).map((t) => [
      t.get('code'),
      t,
    ]),
  );
  const categoryOf = (code: string) => categories.get(code) ?? categories.values().next().value;
  const intervalOf = (code: string) => Number(categoryOf(code)?.get('visitIntervalDays')) || 90;

  // Photos and proof documents: a few drawn pictures, each upload stored as its own file through the file manager.
  const pictures = {
    house: Array.from({ length: 9 }, (_, v) => housePhoto(v)),
    document: Array.from({ length: 9 }, (_, v) => documentPhoto(v)),
  };
  let photoNo = 0;
  const attach = async (kind: 'house' | 'document', title: string, transaction: Transaction) => {
    photoNo += 1;
    return [
      await uploadDemoPicture(plugin.app, pictures[kind][photoNo % pictures[kind].length], title, { transaction }),
    ];
  };

  // ---------- households: 30 per 片区站, 10 in each of its villages (grid areas) ----------
  town.progress('1+N: households of special groups in the villages');
  const codes = Object.entries(CATEGORY_COUNTS).flatMap(([code, count]) => Array(count).fill(code) as string[]);
  for (let i = codes.length - 1; i > 0; i--) {
    const j = Math.floor(town.random() * (i + 1));
    [codes[i], codes[j]] = [codes[j], codes[i]];
  }
  const perStation = Math.ceil(codes.length / districts.length);
  const grids = new Map<number, Model[]>();
  for (const station of districts) {
    grids.set(
      station.id,
      await db.getRepository('gridAreas').find({ filter: { stationId: station.id }, sort: ['id'] }),
    );
  }
  type Household = {
    id: number;
    index: number;
    code: string;
    stationId: number;
    gridId: number | null;
    grid: string;
    consent: boolean;
    age: number;
    name: string;
  };
  const households: Household[] = [];
  const names = new Set<string>();
  const ids = new Set<string>();
  await chunked(db, codes, 30, async (code, index, transaction) => {
    const station = districts[Math.min(Math.floor(index / perStation), districts.length - 1)];
    const stationGrids = grids.get(station.id) ?? [];
    const inStation = index % perStation;
    const grid = stationGrids[Math.floor((inStation * stationGrids.length) / perStation)] ?? null;
    const gridName: string = grid?.get('name') ?? station.name.replace('片区站', '');
    const head = demoHead(index, code);
    if (ids.has(head.idNumber)) throw new Error(`demo: the ID number of household ${index} repeats one before`);
    ids.add(head.idNumber);
    const age = town.year - head.birthYear;
    const old = age >= 60;
    let name: string;
    do {
      name =
        town.pick([...SURNAMES]) +
        town.pick(head.male ? (old ? GIVEN.oldMan : GIVEN.man) : old ? GIVEN.oldWoman : GIVEN.woman);
    } while (names.has(name));
    names.add(name);
    // A few households the grid workers recommended this autumn have not yet agreed to be paired.
    const consent = !(inStation === perStation - 1 && districts.indexOf(station) !== 1);
    const address = gridName.endsWith('社区')
      ? `洞口县高沙镇${gridName}${town.pick(STREETS)}${n(1, 180)}号`
      : `洞口县高沙镇${gridName}${n(1, 12)}组`;
    const row = await db.getRepository('aidHouseholds').create({
      values: {
        headName: name,
        idNumber: head.idNumber,
        address,
        gridAreaId: grid?.get('id') ?? null,
        stationId: station.id,
        categoryId: categoryOf(code).get('id'),
        ...describe(town, code, age),
        consent,
        source: consent ? town.pick(['survey', 'survey', 'survey', 'grid', 'grid', 'application', 'other']) : 'grid',
        ...(consent ? {} : { needs: '网格员推荐，已上门说明政策，待户主同意后安排结对' }),
      },
      context: await headOf(station.id),
      transaction,
    });
    households.push({
      id: row.get('id'),
      index,
      code,
      stationId: station.id,
      gridId: grid?.get('id') ?? null,
      grid: gridName,
      consent,
      age,
      name,
    });
  });

  // ---------- pairings: up to N per deputy, mostly in the deputy's own village ----------
  town.progress('1+N: pairings (at most N per deputy)');
  const deputyRows: Model[] = await db
    .getRepository('deputies')
    .find({ filter: { id: { $in: town.deputies.map((d) => d.id) } }, appends: ['gridAreas'], sort: ['id'] });
  const gridOfDeputy = new Map<number, number | null>(
    deputyRows.map((d) => [d.get('id'), d.get('gridAreas')?.[0]?.get('id') ?? null]),
  );
  const pairings: Pairing[] = [];
  const pair = async (deputyId: number, h: Household, start: string, transaction?: Transaction) => {
    const row = await db.getRepository('aidPairings').create({
      values: { deputyId, householdId: h.id, startDate: start },
      context: await headOf(h.stationId),
      transaction,
    });
    const p: Pairing = {
      id: row.get('id'),
      deputyId,
      householdId: h.id,
      stationId: h.stationId,
      code: h.code,
      grid: h.grid,
      start,
      model: row,
    };
    pairings.push(p);
    return p;
  };
  const startOf = () =>
    chance(0.2) ? `${town.year}-${pad(n(1, 3))}-${pad(n(5, 28))}` : `${lastYear}-${pad(n(3, 11))}-${pad(n(1, 28))}`;
  // The household that joins later, after a pairing of its station ended (its deputy takes it on).
  const lateOf = new Map<number, Household>();
  // Stories of the year: 南泥 (2nd 片区站) an old man died, 温塘 (3rd) a household out of difficulty, 石榴 (4th) a transfer.
  const storyStations = { deceased: districts[1]?.id, resolved: districts[2]?.id, transfer: districts[3]?.id };
  for (const [s, station] of districts.entries()) {
    const mine = households.filter((h) => h.stationId === station.id && h.consent);
    if (s === 1 || s === 2) lateOf.set(station.id, mine.pop()!);
    const deputies = town.deputies.filter((d) => d.stationId === station.id);
    // Most deputies hold N; a few fewer (newly elected, or busy with a village's work); none more.
    const targets = deputies.map(() => N);
    const reduce = [11, 11, 11, 10, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1].filter((k) => k < deputies.length);
    let excess = targets.reduce((a, b) => a + b, 0) - mine.length;
    for (const k of reduce) {
      if (excess <= 0) break;
      if (targets[k] > 0) {
        targets[k] -= 1;
        excess -= 1;
      }
    }
    const free = [...mine];
    const take = (deputyId: number, own: boolean) => {
      const at = free.findIndex((h) => !own || h.gridId === gridOfDeputy.get(deputyId));
      return at < 0 ? null : free.splice(at, 1)[0];
    };
    const chosen = new Map<number, Household[]>(deputies.map((d) => [d.id, []]));
    for (const own of [true, false]) {
      for (const [k, d] of deputies.entries()) {
        while (chosen.get(d.id)!.length < targets[k]) {
          const h = take(d.id, own);
          if (!h) break;
          chosen.get(d.id)!.push(h);
        }
      }
    }
    await db.sequelize.transaction(async (transaction: Transaction) => {
      for (const d of deputies) {
        for (const h of chosen.get(d.id)!) await pair(d.id, h, startOf(), transaction);
      }
    });
  }

  // ---------- plans of the year (as the deputy), one version each; some revised below ----------
  town.progress('1+N: plans of the year');
  const plan = async (p: Pairing, version: 1 | 2, reviewDate: string, transaction?: Transaction) => {
    const spec = PLAN_OF[p.code] ?? PLAN_OF.other;
    const deputy = deputyById.get(p.deputyId)!;
    await db.getRepository('aidPlans').create({
      values: {
        pairingId: p.id,
        goals:
          version === 1
            ? `${town.year}年帮扶目标：${spec.goals}`
            : `${town.year}年帮扶目标（调整）：${spec.goals}；${REVISION[p.code] ?? REVISION.other}`,
        measures:
          version === 1
            ? spec.measures
            : [...new Set([...spec.measures, town.pick(['jobs', 'medical', 'housing', 'care'])])],
        responsibleParty: `${deputy.name}（结对代表）、${p.grid}${p.grid.endsWith('社区') ? '居委会' : '村委会'}`,
        dueDate: `${town.year}-12-31`,
        reviewDate,
        changeNote: version === 2 ? (REVISION[p.code] ?? REVISION.other) : null,
      },
      context: await deputyCtx(p.deputyId),
      transaction,
    });
  };
  // A plan reviewed this autumn and not yet renewed: the KPI's "with a current plan" is not everyone.
  const overdueReview = () => earlier(addDays(town.today, -n(10, 40)), `${town.year}-12-31`);
  const revised = new Set<number>();
  await chunked(db, [...pairings], 30, async (p, _, transaction) => {
    const revise = chance(0.3);
    if (revise) revised.add(p.id);
    await plan(
      p,
      1,
      revise ? `${town.year}-06-30` : every(`plan:${p.stationId}`, 7) ? overdueReview() : `${town.year}-12-31`,
      transaction,
    );
  });

  // ---------- the year's endings: a death, a household out of difficulty, a transfer ----------
  town.progress('1+N: pairings closed and transferred');
  /** A pairing of the station that began last year, of the first category preferred that it has. */
  const storyPairing = (stationId: number | undefined, prefer: string[]) => {
    const candidates = pairings.filter((p) => p.stationId === stationId && p.start < yearStart);
    const rank = (p: Pairing) => (prefer.includes(p.code) ? prefer.indexOf(p.code) : prefer.length);
    return candidates.sort((a, b) => rank(a) - rank(b) || a.id - b.id)[0];
  };
  const deceased = storyPairing(storyStations.deceased, ['left-behind-elderly', 'extreme-poverty', 'serious-illness']);
  if (deceased) {
    deceased.end = `${town.year}-03-08`;
    await closePairing(
      db,
      deceased.id,
      { date: deceased.end, reason: 'deceased', note: '户主3月初因病去世，已协助家属申领丧葬补助，结对结束' },
      { context: await headOf(deceased.stationId) },
    );
    const late = lateOf.get(deceased.stationId);
    if (late) {
      const next = await pair(deceased.deputyId, late, `${town.year}-04-02`);
      await plan(next, 1, `${town.year}-12-31`);
    }
  }
  const resolved = storyPairing(storyStations.resolved, ['subsistence', 'disability', 'other']);
  if (resolved) {
    resolved.end = `${town.year}-08-18`;
    await closePairing(
      db,
      resolved.id,
      {
        date: resolved.end,
        reason: 'resolved',
        note: '家庭劳动力在高沙工业园稳定就业，人均收入超过低保标准，经村民评议退出帮扶',
      },
      { context: await headOf(resolved.stationId) },
    );
    const late = lateOf.get(resolved.stationId);
    if (late) {
      const next = await pair(resolved.deputyId, late, `${town.year}-09-05`);
      await plan(next, 1, `${town.year}-12-31`);
    }
  }
  const moved = storyPairing(storyStations.transfer, ['left-behind-children', 'subsistence', 'disability']);
  if (moved) {
    const active = (id: number) => pairings.filter((p) => p.deputyId === id && !p.end).length;
    const to = town.deputies
      .filter((d) => d.stationId === moved.stationId && d.id !== moved.deputyId)
      .reverse()
      .find((d) => active(d.id) > 0 && active(d.id) < N);
    if (to) {
      moved.end = `${town.year}-06-20`;
      const next: Model = await transferPairing(
        db,
        moved.model,
        to.id,
        { date: moved.end, reason: 'reassigned', note: '原结对代表到县城工作，经片区站协调移交本村代表继续帮扶' },
        { context: await headOf(moved.stationId) },
      );
      pairings.push({ ...moved, id: next.get('id'), deputyId: to.id, start: moved.end, end: undefined, model: next });
    }
  }
  await chunked(
    db,
    pairings.filter((p) => revised.has(p.id) && !p.end),
    30,
    async (p, _, transaction) => {
      await plan(p, 2, every(`plan:${p.stationId}`, 7) ? overdueReview() : `${town.year}-12-31`, transaction);
    },
  );

  // ---------- visits through the year (as the deputy), a few pairings to a transaction ----------
  town.progress('1+N: visits through the year');
  type Confirmable = { collection: 'aidVisits' | 'aidRecords'; id: number; stationId: number };
  const toConfirm: Confirmable[] = [];
  let failedOnPurpose = 0;
  await chunked(db, [...pairings], 6, async (p, _, transaction) => {
    const interval = intervalOf(p.code);
    const weekly = interval <= 14;
    const from = addDays(later(p.start, yearStart), n(2, weekly ? 6 : 20));
    // One pairing in eight of each station falls behind: its last visit is longer ago than the category asks.
    const behind = !p.end && every(`behind:${p.stationId}`, 8);
    const until =
      p.end ?? (behind ? addDays(town.today, -(interval + n(weekly ? 3 : 10, weekly ? 12 : 50))) : town.today);
    // Quarterly categories: a visit every two to three months. Left-behind elderly: a home visit about
    // monthly, and the weekly call of the plan, recorded since the autumn check of the 留守老人 list.
    const visits: { date: string; mode?: string }[] = [];
    for (let d = from; d <= until; d = addDays(d, weekly ? n(24, 34) : n(62, 88)))
      visits.push({ date: d, mode: weekly ? 'home' : undefined });
    if (weekly && !p.end) {
      for (let d = later(from, addDays(until, -42)); d <= until; d = addDays(d, n(5, 7)))
        visits.push({ date: d, mode: 'phone' });
      visits.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
    }
    if (!visits.length) return;
    const ctx = await deputyCtx(p.deputyId);
    const findings = FINDINGS[p.code] ?? FINDINGS.other;
    {
      for (const { date, mode: planned } of visits) {
        const roll = town.random();
        const mode = planned ?? (roll < 0.72 ? 'home' : roll < 0.9 ? 'phone' : 'video');
        const photo = (mode === 'home' && chance(0.92)) || (mode === 'video' && chance(0.3));
        const photos = photo ? await attach('house', `${p.grid}走访照片`, transaction) : [];
        const visit = await db.getRepository('aidVisits').create({
          values: {
            pairingId: p.id,
            date,
            mode,
            personCount: mode === 'home' ? n(1, 4) : mode === 'video' ? n(1, 2) : 1,
            findings: `${mode === 'phone' ? '电话联系：' : mode === 'video' ? '视频连线：' : '入户走访：'}${town.pick(findings)}`,
            followUps: chance(0.25) ? town.pick(FOLLOW_UPS) : null,
            photos,
          },
          context: ctx,
          transaction,
        });
        // The household confirms the visits with photos (the station head records it), once some days old;
        // a few confirmed without a photo cannot be filed for duty points (the reason is kept).
        const old = date <= addDays(town.today, -10);
        if (old && photos.length && chance(0.2))
          toConfirm.push({ collection: 'aidVisits', id: visit.get('id'), stationId: p.stationId });
        else if (old && mode === 'home' && !photos.length && failedOnPurpose < 3) {
          failedOnPurpose += 1;
          toConfirm.push({ collection: 'aidVisits', id: visit.get('id'), stationId: p.stationId });
        }
      }
    }
  });

  // ---------- assistance outcomes (as the deputy): legal aid, relief in yuan, flats, jobs … ----------
  town.progress('1+N: assistance outcomes');
  const outcome = OUTCOME(town);
  let unproved = 0;
  const reliefAt = new Set<number>();
  await chunked(db, [...pairings], 10, async (p, _, transaction) => {
    const count = chance(0.3) ? 0 : chance(0.7) ? 1 : 2;
    const from = addDays(later(p.start, yearStart), 10);
    const until = p.end ?? town.today;
    if (from > until) return;
    const span = Math.round((Date.parse(until) - Date.parse(from)) / 86400e3);
    const ctx = await deputyCtx(p.deputyId);
    for (let k = 0; k < count; k++) {
      const date = addDays(from, n(0, span));
      // Every station has hardship relief among its confirmed outcomes: the KPI's figure in yuan.
      const relief = !reliefAt.has(p.stationId) && date <= addDays(town.today, -20) && types.has('relief');
      if (relief) reliefAt.add(p.stationId);
      const code = relief ? 'relief' : town.pick(OUTCOMES_OF[p.code] ?? OUTCOMES_OF.other);
      const type = types.get(code);
      if (!type) continue;
      const spec = outcome[code];
      const proof = relief || chance(0.88);
      {
        const record = await db.getRepository('aidRecords').create({
          values: {
            pairingId: p.id,
            typeId: type.get('id'),
            date,
            amount: spec.amount ? spec.amount() : '0',
            units: spec.units ?? 0,
            counterpartAgency: town.pick(spec.agency),
            description: town.pick(spec.description),
            proof: proof ? await attach('document', `${type.get('name')}证明材料`, transaction) : [],
          },
          context: ctx,
          transaction,
        });
        // Confirmed by the station once checked (some weeks); the recent ones wait in the head's list.
        const checked = relief || (date <= addDays(town.today, -20) && chance(0.7));
        if (checked && (proof || unproved < 2)) {
          if (!proof) unproved += 1;
          toConfirm.push({ collection: 'aidRecords', id: record.get('id'), stationId: p.stationId });
        }
      }
    }
  });

  // ---------- the station heads confirm; each batch is credited as a confirming request would be ----------
  town.progress(`1+N: ${toConfirm.length} visits and outcomes confirmed by the station heads, credited to duty points`);
  const flag = { aidVisits: 'householdConfirmed', aidRecords: 'confirmed' } as const;
  // On SQLite (one connection) a filing must not overlap the review workflow's execution of the one before.
  const sqlite = db.options.dialect === 'sqlite';
  const BATCH = sqlite ? 1 : 25;
  for (let i = 0; i < toConfirm.length; i += BATCH) {
    await db.sequelize.transaction(async (transaction: Transaction) => {
      for (const row of toConfirm.slice(i, i + BATCH)) {
        await db.getRepository(row.collection).update({
          filterByTk: row.id,
          values: { [flag[row.collection]]: true },
          context: await headOf(row.stationId),
          transaction,
        });
      }
    });
    if (plugin.crediting.dutyPoints()) {
      await plugin.crediting.creditPending();
      if (sqlite) await settled(plugin);
    }
  }
  town.progress('1+N: waiting for the review workflow to take up the filed duty records');
  await settled(plugin);
  const kpi = await plugin.kpi.summary({ from: yearStart, to: `${town.year}-12-31` }, null);
  town.progress(
    `1+N: ${kpi.pairings.activeAtEnd} active pairings, ${kpi.visits.count} visits (${kpi.visits.personTimes} person-times), ` +
      `${kpi.outcomes.confirmed} confirmed outcomes, relief ¥${kpi.outcomes.reliefYuan}, ${kpi.outcomes.awaitingConfirmation} awaiting confirmation`,
  );
}

/** Runs `work` over the items, `size` of them to a transaction (fewer commits); the rules run as for one. */
async function chunked<T>(
  db: DemoTown['db'],
  items: T[],
  size: number,
  work: (item: T, index: number, transaction: Transaction) => Promise<void>,
) {
  for (let i = 0; i < items.length; i += size) {
    await db.sequelize.transaction(async (transaction: Transaction) => {
      for (let j = i; j < Math.min(i + size, items.length); j++) await work(items[j], j, transaction);
    });
  }
}

/**
 * Waits until the review workflow has taken up every filed duty record: on SQLite (one connection) a write made
 * while an execution is still being processed could collide with it.
 */
async function settled(plugin: PluginPairingAidServer) {
  // Its dispatcher is private in NocoBase's types: only whether it is idle is read here.
  let workflow: { dispatcher?: { idle?: boolean } } | null;
  try {
    workflow = plugin.app.pm.get('workflow') as unknown as { dispatcher?: { idle?: boolean } };
  } catch {
    return;
  }
  const db = plugin.app.db;
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const idle = workflow?.dispatcher ? workflow.dispatcher.idle !== false : true;
    const queued = db.hasCollection('executions')
      ? await db.getRepository('executions').count({ filter: { status: null } })
      : 0;
    if (idle && !queued) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
