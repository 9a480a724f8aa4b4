/**
 * A second review level without a developer (#19): the administrator opens 积分管理 › 审核级别, adds
 * 主席团复核 with a chosen reviewer through the table's 添加 form, and a deputy's record then needs the station
 * head and the presidium before its points post; the presidium approves it with 批量通过 on 履职审核. The
 * administrator then removes the level again with the row's 删除, and records go back to the one review.
 */
import type { Browser } from 'playwright-core';
import {
  ADMIN,
  apiAs,
  formItem,
  installedPage,
  reviewTaskOf,
  launchBrowser,
  pick,
  screenshot,
  signInThroughUI,
  stationWithDeputy,
  until,
  watchProblems,
} from './support';

let browser: Browser;
let api: Awaited<ReturnType<typeof apiAs>>;

beforeAll(async () => {
  browser = await launchBrowser();
  api = await apiAs(ADMIN.account, ADMIN.password);
});

afterAll(async () => {
  // Whatever happened, the other browser tests find the single review they expect.
  const levels = (await api?.('reviewLevels:list', undefined, 'pageSize=50&sort=sort')) ?? [];
  for (const level of levels.slice(1)) await api(`reviewLevels:destroy?filterByTk=${level.id}`, {});
  await browser?.close();
});

it('an administrator adds 主席团复核 in the UI; a record then needs both levels; removing it restores one', async () => {
  const stamp = Date.now() % 1e6;
  const { head, login } = await stationWithDeputy(api, stamp, {
    head: '罗站长',
    station: '花桥镇联络站',
    deputy: '邓代表',
  });
  const presidiumPassword = `Pres-${stamp}-Pass9`;
  const presidium = await api('users:create', {
    username: `presidium${stamp}`,
    nickname: `主席团${stamp}`,
    password: presidiumPassword,
    roles: ['npc-admin'],
  });

  // 1. The administrator adds the level on 积分管理 › 审核级别.
  const admin = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  const problems = watchProblems(admin);
  await signInThroughUI(admin, ADMIN.account, ADMIN.password);
  await admin.goto(await installedPage(api, 'duty-points.management'));
  await admin.getByRole('tab', { name: '审核级别' }).click({ timeout: 60000 });
  await admin.locator('tr.ant-table-row', { hasText: '联络站审核' }).waitFor({ timeout: 60000 });
  await admin
    .getByRole('button', { name: /添\s*加|新\s*增|Add new/ })
    .first()
    .click();
  await formItem(admin, '级别名称').locator('input').fill('主席团复核');
  await formItem(admin, '顺序').locator('input').fill('2');
  await pick(admin, '审核人', '下面指定的人员（任一人审核即可）');
  // A to-many select: type, click the option itself (the typed text is mirrored in the box), close the list.
  await formItem(admin, '指定审核人').locator('.ant-select-selector').click();
  await admin.keyboard.type(`主席团${stamp}`);
  await admin
    .locator('.ant-select-dropdown:visible .ant-select-item-option', { hasText: `主席团${stamp}` })
    .click({ timeout: 30000 });
  await formItem(admin, '指定审核人').locator('.ant-form-item-label').click();
  await screenshot(admin, 'review-levels-1-add-level-desktop');
  const created = admin.waitForResponse((r) => r.url().includes('reviewLevels:create'), { timeout: 60000 });
  await admin
    .getByRole('button', { name: /提\s*交|Submit/ })
    .last()
    .click();
  expect((await created).status()).toBe(200);
  await admin.locator('tr.ant-table-row', { hasText: '主席团复核' }).waitFor({ timeout: 60000 });
  await screenshot(admin, 'review-levels-2-two-levels-desktop');

  // 2. A record goes through the station head, then the presidium.
  const asDeputy = await apiAs(login.username, login.password);
  const [item] = await api(
    'dutyItems:list',
    undefined,
    'filter=' + encodeURIComponent(JSON.stringify({ code: 'D14' })),
  );
  const year = new Date().getFullYear() - 1;
  const record = await asDeputy('dutyRecords:create', {
    itemId: item.id,
    date: `${year}-06-06`,
    description: `收集群众对渡口安全的意见-${stamp}`,
  });
  await asDeputy(`dutyRecords:submit?filterByTk=${record.id}`, {});
  const asHead = await apiAs(head.username, head.password);
  const headTask = await reviewTaskOf(asHead, record.id);
  await asHead(`workflowManualTasks:submit?filterByTk=${headTask.id}`, {
    result: { review: { comment: '属实' }, _: 'approve' },
  });
  const asPresidium = await apiAs(presidium.username, presidiumPassword);
  const presidiumTask = await reviewTaskOf(asPresidium, record.id);
  expect(presidiumTask.title).toContain('主席团复核');
  // Approved by the head only: still in review, nothing posted.
  expect((await api(`dutyRecords:get?filterByTk=${record.id}`)).status).toBe('submitted');
  const entries = () =>
    api('pointEntries:list', undefined, 'filter=' + encodeURIComponent(JSON.stringify({ recordId: record.id })));
  expect(await entries()).toEqual([]);

  const desk = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  await signInThroughUI(desk, presidium.username, presidiumPassword);
  await desk.goto(await installedPage(api, 'duty-points.review'));
  const row = desk.locator('tr.ant-table-row', { hasText: `收集群众对渡口安全的意见-${stamp}` });
  await row.waitFor({ timeout: 60000 });
  const index = row.getByRole('button', { name: /table-index/ });
  await index.hover();
  await index.locator('.ant-checkbox').click();
  const approved = desk.waitForResponse((r) => r.url().includes('namedActions:run'), { timeout: 60000 });
  // The table takes the tick a moment after the click: until it has, 批量通过 only says to select records first.
  const confirm = desk.locator('.ant-modal-confirm:visible');
  for (let i = 0; i < 5 && !(await confirm.count()); i++) {
    await desk.getByRole('button', { name: /批量通过/ }).click();
    await confirm.waitFor({ timeout: 3000 }).catch(() => undefined);
  }
  await confirm.getByRole('button', { name: /确\s*定|OK/ }).click();
  expect((await approved).status()).toBe(200);
  await row.waitFor({ state: 'detached', timeout: 60000 });
  await until(
    async () => (await api(`dutyRecords:get?filterByTk=${record.id}`)).status,
    (s: string) => s === 'approved',
    'the approval',
  );
  // D14: one point, posted once, after the last level.
  const posted = await until(entries, (e: any[]) => e.length > 0, 'the ledger entry');
  expect(posted.map((e: any) => Number(e.points))).toEqual([1]);
  await desk.close();

  // 3. The administrator removes the level (删除 on its row); the next record needs the head only.
  await admin.reload();
  await admin.getByRole('tab', { name: '审核级别' }).click({ timeout: 60000 });
  const levelRow = admin.locator('tr.ant-table-row', { hasText: '主席团复核' });
  await levelRow.waitFor({ timeout: 60000 });
  const removed = admin.waitForResponse((r) => r.url().includes('reviewLevels:destroy'), { timeout: 60000 });
  await levelRow.getByText('删除', { exact: true }).click();
  await admin
    .getByRole('button', { name: /确\s*定|OK/ })
    .last()
    .click();
  expect((await removed).status()).toBe(200);
  await levelRow.waitFor({ state: 'detached', timeout: 60000 });
  const next = await asDeputy('dutyRecords:create', {
    itemId: item.id,
    date: `${year}-06-16`,
    description: `第二条-${stamp}`,
  });
  await asDeputy(`dutyRecords:submit?filterByTk=${next.id}`, {});
  const nextTask = await reviewTaskOf(asHead, next.id);
  await asHead(`workflowManualTasks:submit?filterByTk=${nextTask.id}`, { result: { review: {}, _: 'approve' } });
  await until(
    async () => (await api(`dutyRecords:get?filterByTk=${next.id}`)).status,
    (s: string) => s === 'approved',
    'the single-level approval',
  );
  expect(problems.filter((p) => /@deputy|reviewLevels/i.test(p))).toEqual([]);
  await admin.close();
}, 600000);
