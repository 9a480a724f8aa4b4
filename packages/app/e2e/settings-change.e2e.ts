/**
 * Issue #7's browser test 2: an administrator changes an item's points (积分管理 › 积分项目) and a rule's
 * required count (六个一达标 › 规则) in the installed pages, with NocoBase's own edit forms; the next approval
 * posts the new points and the 六个一 matrix counts against the new number.
 */
import type { Page } from 'playwright-core';
import {
  ADMIN,
  apiAs,
  formItem,
  installedPage,
  q,
  screenshot,
  shanghaiToday,
  signInThroughUI,
  stationWithHead,
  useBrowser,
  watchProblems,
} from './support';

const browser = useBrowser();
const DESKTOP = { width: 1280, height: 800 };

/** Opens the row's 编辑 form on the given tab, sets one number field and submits it. */
async function editNumber(
  page: Page,
  url: string,
  tab: string,
  rowText: string,
  label: string,
  value: number,
  resource: string,
) {
  await page.goto(url);
  await page.getByRole('tab', { name: tab }).click();
  const row = page.locator('tr.ant-table-row:visible', { hasText: rowText }).first();
  await row.waitFor({ timeout: 60000 });
  await row.getByText('编辑', { exact: true }).click();
  const input = formItem(page, label).locator('input').first();
  await input.waitFor({ timeout: 30000 });
  await input.fill(String(value));
  const saved = page.waitForResponse((r) => r.url().includes(`${resource}:update`), { timeout: 30000 });
  await page
    .locator('.ant-drawer:visible, .ant-modal:visible')
    .last()
    .getByRole('button', { name: /提\s*交/ })
    .click();
  expect((await saved).status()).toBe(200);
}

it('an administrator re-points an item and changes a rule’s count in the settings pages; approvals and the matrix follow', async () => {
  const api = await apiAs(ADMIN.account, ADMIN.password);
  const stamp = Date.now() % 1e6;
  const [item] = await api('dutyItems:list', undefined, q({ code: 'D04' }));
  const [rule] = await api('dutyRules:list', undefined, q({ code: 'R1' }));
  const { station } = await stationWithHead(
    api,
    { username: `sethead${stamp}`, nickname: '站长', password: `Head-${stamp}-Pass` },
    { name: `白沙镇联络站-${stamp}` },
  );
  const deputyName = `易代表${stamp}`;
  const deputy = await api('deputies:create', {
    name: deputyName,
    phone: `134${String(stamp).padStart(8, '0')}`,
    stationId: station.id,
  });
  const original = {
    points: item.points,
    requiredCount: rule.requiredCount,
    items: (await api('dutyRules:get', undefined, `filterByTk=${rule.id}&appends=items`)).items.map((i: any) => i.id),
  };
  try {
    // Training counts for the monthly study rule in this test.
    await api(`dutyRules:update?filterByTk=${rule.id}`, { items: [...new Set([...original.items, item.id])] });

    const admin = await browser().newPage({ viewport: DESKTOP });
    const problems = watchProblems(admin);
    await signInThroughUI(admin, ADMIN.account, ADMIN.password);
    await editNumber(
      admin,
      await installedPage(api, 'duty-points.management'),
      '积分项目',
      '参加履职培训',
      '每次分值',
      item.points + 1,
      'dutyItems',
    );
    await screenshot(admin, 'settings-item-points-desktop');
    await editNumber(
      admin,
      await installedPage(api, 'six-ones.compliance'),
      '规则',
      rule.name,
      '要求次数（0 表示全部台账栏目）',
      2,
      'dutyRules',
    );
    await screenshot(admin, 'settings-rule-count-desktop');
    expect((await api('dutyItems:get', undefined, `filterByTk=${item.id}`)).points).toBe(item.points + 1);
    expect((await api('dutyRules:get', undefined, `filterByTk=${rule.id}`)).requiredCount).toBe(2);

    // The next approval posts the new points.
    const record = await api('dutyRecords:create', { deputyId: deputy.id, itemId: item.id, date: shanghaiToday() });
    await api(`dutyRecords:submit?filterByTk=${record.id}`, {});
    await api(`dutyRecords:update?filterByTk=${record.id}`, { status: 'approved' });
    expect((await api('dutyRecords:get', undefined, `filterByTk=${record.id}`)).awardedPoints).toBe(item.points + 1);

    // The matrix on 六个一达标 counts one of the two now required this month.
    await admin.goto(await installedPage(api, 'six-ones.compliance'));
    const matrix = admin.getByTestId('deputy-compliance-matrix');
    await matrix.waitFor({ timeout: 60000 });
    const row = matrix.locator('tr', { hasText: deputyName });
    await row.locator('[data-status="in-progress"]', { hasText: '1/2' }).first().waitFor({ timeout: 30000 });
    await screenshot(admin, 'settings-matrix-follows-desktop');
    expect(problems.filter((p) => /@deputy|ComplianceMatrix/i.test(p))).toEqual([]);
    await admin.close();
  } finally {
    // The seeded values stay as shipped for the other browser tests.
    await api(`dutyItems:update?filterByTk=${item.id}`, { points: original.points });
    await api(`dutyRules:update?filterByTk=${rule.id}`, {
      items: original.items,
      requiredCount: original.requiredCount,
    });
  }
});
