/**
 * A deputy, signed in with the account the administrator created for it, opens a page holding the
 * 我的积分 block of plugin-duty-points and sees the points its approved record earned — on a desktop and a
 * 390 px phone screen.
 */
import type { Browser } from 'playwright-core';
import {
  ADMIN,
  apiAs,
  BASE_URL,
  deputyAccount,
  launchBrowser,
  screenshot,
  signInThroughUI,
  watchProblems,
} from './support';

let browser: Browser;

beforeAll(async () => {
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
});

const shanghaiToday = () => new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 10);

it('shows a deputy its points on the 我的积分 block', async () => {
  const api = await apiAs(ADMIN.account, ADMIN.password);
  const stamp = Date.now() % 1e6;
  const head = await api('users:create', {
    username: `zhanzhang${stamp}`,
    nickname: '站长',
    password: `Head-${stamp}-Pass`,
    roles: ['station-staff'],
  });
  const station = await api('liaisonStations:create', {
    name: `石江镇联络站-${stamp}`,
    headId: head.id,
    staff: [head.id],
  });
  const deputy = await api('deputies:create', {
    name: '刘代表',
    phone: `137${String(stamp).padStart(8, '0')}`,
    stationId: station.id,
  });
  // Her own password already chosen (the first sign-in's dialog is first-sign-in.e2e's).
  const account = await deputyAccount(api, deputy.id, `Dep-${stamp}-Pass5`);
  const [item] = await api(
    'dutyItems:list',
    undefined,
    'filter=' + encodeURIComponent(JSON.stringify({ code: 'D04' })),
  );
  const record = await api('dutyRecords:create', { deputyId: deputy.id, itemId: item.id, date: shanghaiToday() });
  await api(`dutyRecords:submit?filterByTk=${record.id}`, {});
  await api(`dutyRecords:update?filterByTk=${record.id}`, { status: 'approved' });

  const page = await api('flowSurfaces:createPage', { title: '我的积分', icon: 'TrophyOutlined' });
  await api('flowModels:save', {
    uid: `my-points-${stamp}`,
    use: 'MyPointsBlockModel',
    parentId: page.gridUid,
    subKey: 'items',
    subType: 'array',
    stepParams: {},
  });
  await api('roles/deputy/desktopRoutes:add', [page.routeId, page.tabRouteId]);

  for (const [label, viewport] of [
    ['desktop', { width: 1280, height: 800 }],
    ['mobile', { width: 390, height: 844 }],
  ] as const) {
    const tab = await browser.newPage({ viewport });
    const problems = watchProblems(tab);
    await signInThroughUI(tab, account.username, account.password);
    await tab.goto(`${BASE_URL}/admin/${page.pageSchemaUid}`);
    const block = tab.getByTestId('deputy-my-points');
    await block.waitFor({ timeout: 60000 });
    await block.getByText('本年积分').waitFor();
    await block.locator('.ant-statistic-content-value').first().getByText('3').waitFor({ timeout: 30000 });
    await block.getByText('参加履职培训').waitFor();
    await screenshot(tab, `my-points-${label}`);
    expect(problems.filter((p) => /@deputy|MyPoints/i.test(p))).toEqual([]);
    await tab.close();
  }
});
