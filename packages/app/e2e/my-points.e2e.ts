/**
 * A deputy, signed in with the account the administrator created for it, opens a page holding the
 * 我的积分 block of plugin-duty-points and sees the points its approved record earned — on a desktop and a
 * 390 px phone screen.
 */
import {
  ADMIN,
  apiAs,
  dutyItem,
  pageWithBlock,
  screenshot,
  shanghaiToday,
  signInThroughUI,
  stationWithDeputy,
  useBrowser,
  watchProblems,
} from './support';

const browser = useBrowser();

it('shows a deputy its points on the 我的积分 block', async () => {
  const api = await apiAs(ADMIN.account, ADMIN.password);
  const stamp = Date.now() % 1e6;
  // Her own password already chosen (the first sign-in's dialog is first-sign-in.e2e's).
  const { deputy, login: account } = await stationWithDeputy(api, stamp, {
    head: '站长',
    station: '石江镇联络站',
    deputy: '刘代表',
  });
  const item = await dutyItem(api, 'D04');
  const record = await api('dutyRecords:create', { deputyId: deputy.id, itemId: item.id, date: shanghaiToday() });
  await api(`dutyRecords:submit?filterByTk=${record.id}`, {});
  await api(`dutyRecords:update?filterByTk=${record.id}`, { status: 'approved' });

  const url = await pageWithBlock(
    api,
    { title: '我的积分', icon: 'TrophyOutlined' },
    { uid: `my-points-${stamp}`, use: 'MyPointsBlockModel' },
    'deputy',
  );

  for (const [label, viewport] of [
    ['desktop', { width: 1280, height: 800 }],
    ['mobile', { width: 390, height: 844 }],
  ] as const) {
    const tab = await browser().newPage({ viewport });
    const problems = watchProblems(tab);
    await signInThroughUI(tab, account.username, account.password);
    await tab.goto(url);
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
