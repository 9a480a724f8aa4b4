import type { DemoTown } from './demo-town';
import { DEPUTY_ROLE } from '../services/deputy-accounts';

/** The "1+5" network of the seeds (高沙镇): the 镇联络站 and five 片区站, each with its own focus and villages. */
const DISTRICTS = [
  { name: '高沙片区站', focus: '突出党建引领', grids: ['中和社区', '栗山社区', '金光社区'] },
  { name: '南泥片区站', focus: '聚焦“六零”治理', grids: ['南泥村', '双桥村', '枫林村'] },
  { name: '温塘片区站', focus: '助力乡村振兴', grids: ['温塘村', '白竹村', '荷叶村'] },
  { name: '石榴片区站', focus: '紧扣农业产业', grids: ['石榴村', '桐山村', '茶铺村'] },
  { name: '月英片区站', focus: '夯实平安根基', grids: ['月英村', '新屋村', '龙潭村'] },
];
const DEPUTIES_PER_DISTRICT = 12;
const SURNAMES = '王李张刘陈杨黄赵周吴肖曾邓彭谢罗唐蒋尹贺';
const GIVEN = [
  '建国',
  '秀英',
  '志强',
  '丽华',
  '红梅',
  '海波',
  '春生',
  '桂兰',
  '卫东',
  '小燕',
  '国平',
  '玉珍',
  '德明',
  '翠兰',
  '长青',
  '爱民',
  '佳慧',
  '永福',
  '淑芬',
  '振华',
  '文斌',
  '美玲',
  '光辉',
  '慧敏',
];
const OCCUPATIONS = [
  '村党支部书记',
  '村委会主任',
  '种植大户',
  '个体工商户',
  '乡村教师',
  '村医',
  '企业负责人',
  '合作社理事长',
  '社区干部',
  '退役军人',
];
const PARTIES = ['中共党员', '中共党员', '中共党员', '群众', '民盟盟员'];
const DUTIES = ['policy', 'information', 'industry', 'efficiency', 'mediation'];

const pad = (n: number, width: number) => String(n).padStart(width, '0');

/** Users of the demo: one password for all, no forced change (they are there to be tried at once). */
async function demoUser(town: DemoTown, username: string, nickname: string, role: string, phone?: string) {
  const user = await town.db.getRepository('users').create({
    values: { username, nickname, phone, password: town.password, mustChangePassword: false, roles: [role] },
  });
  return user;
}

/** The town: a term, the stations with their heads, grid areas, groups, and the deputies with accounts. */
export async function loadDeputiesDemo(town: DemoTown) {
  const { db } = town;
  town.progress('stations, deputies and their accounts');
  const admin = await demoUser(town, 'demo-admin', '镇人大主席团办公室', 'npc-admin');
  town.adminUserId = admin.get('id');
  town.accounts.push({
    username: 'demo-admin',
    role: 'npc-admin',
    name: '镇人大主席团办公室',
    tryFirst: 'publish the quarter on 阳光栏, read 统计分析, change a rule in the settings',
  });

  const term = await db.getRepository('deputyTerms').create({
    values: {
      name: '高沙镇第十九届人民代表大会',
      level: 'town',
      startsOn: `${town.year - 4}-01-01`,
      endsOn: `${town.year + 1}-12-31`,
    },
  });

  const stations = db.getRepository('liaisonStations');
  const centre = await stations.create({
    values: {
      name: '高沙镇人大代表联络站',
      town: '洞口县高沙镇',
      address: '高沙镇人民政府院内',
      phone: '07397390000',
      headId: admin.get('id'),
      staff: [admin.get('id')],
      description: '全镇代表履职的“中枢大脑”：接待选民、代表议事、学习培训等六大功能区',
    },
  });
  town.stations.push({ id: centre.get('id'), name: centre.get('name'), headUserId: admin.get('id'), district: false });

  let deputyNo = 0;
  for (const [i, district] of DISTRICTS.entries()) {
    const headName = `${SURNAMES[i]}站长`;
    const head = await demoUser(town, `demo-head${i + 1}`, `${district.name}${headName}`, 'station-staff');
    town.accounts.push({
      username: `demo-head${i + 1}`,
      role: 'station-staff',
      name: `${district.name}站长`,
      tryFirst: 'decide the records waiting in 履职审核, arrange the next 逢6 reception, confirm 1+N outcomes',
    });
    const station = await stations.create({
      values: {
        name: district.name,
        town: '洞口县高沙镇',
        address: `高沙镇${district.grids[0]}`,
        parentId: centre.get('id'),
        phone: `0739739${pad(i + 1, 4)}`,
        headId: head.get('id'),
        staff: [head.get('id')],
        description: district.focus,
      },
    });
    town.stations.push({ id: station.get('id'), name: district.name, headUserId: head.get('id'), district: true });
    const grids = [];
    for (const name of district.grids) {
      grids.push(
        await db
          .getRepository('gridAreas')
          .create({ values: { name, stationId: station.get('id'), description: `${district.name}联系的${name}` } }),
      );
    }
    const members: number[] = [];
    for (let k = 0; k < DEPUTIES_PER_DISTRICT; k++) {
      deputyNo++;
      const name = `${SURNAMES[(i * 7 + k * 3) % SURNAMES.length]}${GIVEN[(i * 5 + k * 7) % GIVEN.length]}`;
      const username = `demo-deputy${pad(deputyNo, 2)}`;
      const phone = `139739${pad(deputyNo, 5)}`;
      const user = await demoUser(town, username, name, DEPUTY_ROLE, phone);
      const deputy = await db.getRepository('deputies').create({
        values: {
          name,
          gender: town.random() < 0.4 ? 'female' : 'male',
          level: k === 0 ? 'city' : k < 3 ? 'county' : 'town',
          constituency: `${district.grids[k % grids.length]}选区`,
          termId: term.get('id'),
          stationId: station.get('id'),
          userId: user.get('id'),
          phone,
          occupation: town.pick(OCCUPATIONS),
          party: town.pick(PARTIES),
          duties: [DUTIES[k % DUTIES.length]],
          status: 'active',
          electedOn: `${town.year - 4}-01-01`,
          gridAreas: [grids[k % grids.length].get('id')],
        },
      });
      members.push(deputy.get('id'));
      town.deputies.push({
        id: deputy.get('id'),
        userId: user.get('id'),
        name,
        stationId: station.get('id'),
        username,
      });
      if (k === 0)
        town.accounts.push({
          username,
          role: DEPUTY_ROLE,
          name: `${name}（${district.name}代表）`,
          tryFirst: 'file a duty record with a photo on the phone (我的履职), see 我的积分 and the 1+N households',
        });
    }
    await db.getRepository('deputyGroups').create({
      values: { name: `${district.name}代表小组`, stationId: station.get('id'), leaderId: members[0], members },
    });
  }
  town.accounts.push({
    username: `demo-deputy01 … demo-deputy${pad(deputyNo, 2)}`,
    role: DEPUTY_ROLE,
    name: 'every deputy of the town',
    tryFirst: 'the same as the first deputy of each station',
  });
}
