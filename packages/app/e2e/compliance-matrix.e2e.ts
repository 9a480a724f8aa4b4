/**
 * 六个一 in the browser: an administrator changes a rule (which items count, how many are required); a
 * deputy's approved record then shows in its compliance matrix, and the matrix follows the next edit.
 */
import {
  ADMIN,
  apiAs,
  dutyItem,
  pageWithBlock,
  q,
  screenshot,
  shanghaiToday,
  signInThroughUI,
  stationWithDeputy,
  useBrowser,
  watchProblems,
} from './support';

const browser = useBrowser();

it('shows a deputy its 六个一 compliance, following the administrator’s rule edits', async () => {
  const api = await apiAs(ADMIN.account, ADMIN.password);
  const stamp = Date.now() % 1e6;
  // Her own password already chosen (the first sign-in's dialog is first-sign-in.e2e's).
  const { deputy, login: account } = await stationWithDeputy(api, stamp, {
    head: '站长',
    station: '高沙镇联络站',
    deputy: '何代表',
  });
  const byCode = (code: string) => dutyItem(api, code);
  const [r1] = await api('dutyRules:list', undefined, q({ code: 'R1' }));
  // The administrator lets training (D04) count for the monthly study rule, and asks for two a month.
  await api(`dutyRules:update?filterByTk=${r1.id}`, {
    items: [(await byCode('D03')).id, (await byCode('D04')).id],
    requiredCount: 2,
  });
  const record = await api('dutyRecords:create', {
    deputyId: deputy.id,
    itemId: (await byCode('D04')).id,
    date: shanghaiToday(),
  });
  await api(`dutyRecords:submit?filterByTk=${record.id}`, {});
  await api(`dutyRecords:update?filterByTk=${record.id}`, { status: 'approved' });

  const url = await pageWithBlock(
    api,
    { title: '六个一达标', icon: 'CheckSquareOutlined' },
    { uid: `six-ones-${stamp}`, use: 'ComplianceMatrixBlockModel' },
    'deputy',
  );

  const tab = await browser().newPage({ viewport: { width: 1280, height: 800 } });
  const problems = watchProblems(tab);
  await signInThroughUI(tab, account.username, account.password);
  await tab.goto(url);
  const matrix = tab.getByTestId('deputy-compliance-matrix');
  await matrix.waitFor({ timeout: 60000 });
  await matrix.getByText(deputy.name).waitFor({ timeout: 30000 });
  // This month is not over: one of two is "in progress".
  await matrix.locator('[data-status="in-progress"]', { hasText: '1/2' }).first().waitFor({ timeout: 30000 });
  // Her own row reads as a list of the rules by name (the code beside it), not a row of bare codes.
  const own = matrix.getByTestId('deputy-compliance-list');
  await own.locator('.ant-list-item', { hasText: '每月参加一次学习' }).locator('[data-status="in-progress"]').waitFor();
  await screenshot(tab, 'compliance-matrix-desktop');

  await api(`dutyRules:update?filterByTk=${r1.id}`, { requiredCount: 1 });
  await tab.reload();
  await matrix.locator('[data-status="met"]', { hasText: '1/1' }).first().waitFor({ timeout: 30000 });
  expect(problems.filter((p) => /@deputy|ComplianceMatrix/i.test(p))).toEqual([]);
  await tab.setViewportSize({ width: 390, height: 844 });
  await screenshot(tab, 'compliance-matrix-mobile');
  await tab.close();
  // Put the seeded rule back as it was for the other tests.
  await api(`dutyRules:update?filterByTk=${r1.id}`, { items: [(await byCode('D03')).id], requiredCount: 1 });
});
