/**
 * The points system end to end, as its people use it (issue #4's browser test, issue #7's test 3):
 *  1. a deputy, on a phone, files a duty record with a photo on 我的履职 (保存草稿 waits while the photo is still
 *     uploading on a slow network) and sends it to review (提交审核);
 *  2. the station head approves it in NocoBase's task centre, seeing the record's evidence;
 *  3. the deputy sees the points in 我的积分;
 *  4. once the administrator publishes the period, the public 阳光栏 board shows it, without sign-in.
 * The record is dated in the previous quarter, which has ended, so that its period can be published.
 */
import {
  ADMIN,
  apiAs,
  BASE_URL,
  confirmDialog,
  formItem,
  installedPage,
  pick,
  reviewTaskOf,
  saveDraft,
  screenshot,
  signInThroughUI,
  stationWithDeputy,
  submitFirstRecord,
  untilStatus,
  useBrowser,
  watchProblems,
} from './support';

const browser = useBrowser();
const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 800 };

/** The last month of the quarter before today's (Asia/Shanghai), e.g. 2026-11 → 2026, month 9, period 2026-Q3. */
function previousQuarter() {
  const today = new Date(Date.now() + 8 * 3600e3);
  let year = today.getUTCFullYear();
  let quarter = Math.floor(today.getUTCMonth() / 3); // 0-based index of the previous quarter
  if (quarter === 0) {
    quarter = 4;
    year -= 1;
  }
  return { year, month: quarter * 3, key: `${year}-Q${quarter}` };
}

it('a deputy files a record with a photo on a phone; the head approves it in the task centre; points and the public board follow', async () => {
  const api = await apiAs(ADMIN.account, ADMIN.password);
  const stamp = Date.now() % 1e6;
  const { head, station, deputy, login } = await stationWithDeputy(api, stamp, {
    head: '欧阳站长',
    station: '高沙镇联络站',
    deputy: '刘代表',
  });
  const deputyName: string = deputy.name;
  const target = previousQuarter();
  const myDuty = await installedPage(api, 'duty-points.my-duty');

  // 1. The deputy, on a phone.
  const phone = await browser().newPage({ viewport: PHONE });
  const problems = watchProblems(phone);
  await signInThroughUI(phone, login.username, login.password);
  await phone.goto(myDuty);
  await formItem(phone, '积分项目').waitFor({ timeout: 60000 });
  const started = Date.now();
  await pick(phone, '积分项目', '政策宣传/普法宣讲');
  // The phone's date picker opens on today: move the month wheel back to the last quarter, confirm.
  await formItem(phone, '日期').locator('input').first().click({ force: true });
  const wheels = phone.locator('.adm-picker-view-column');
  if (target.year !== new Date(Date.now() + 8 * 3600e3).getUTCFullYear())
    await wheels.nth(0).getByText(String(target.year), { exact: true }).click();
  await wheels.nth(1).getByText(String(target.month), { exact: true }).click();
  await phone.waitForTimeout(500);
  await phone.getByText('确定', { exact: true }).last().click();
  await formItem(phone, '情况说明')
    .locator('textarea')
    .fill('在村民小组宣讲新修订的《中华人民共和国村民委员会组织法》');
  // A slow network: the photo's upload is held until the test lets it go. 保存草稿 meanwhile saves nothing
  // and says why (a draft saved then would lack the photo).
  let release = () => undefined as void;
  const held = new Promise<void>((resolve) => (release = resolve));
  await phone.route(/attachments/, async (route) => {
    if (route.request().method() === 'POST') await held;
    await route.continue();
  });
  const creates: string[] = [];
  phone.on('request', (r) => r.url().includes('dutyRecords:create') && creates.push(r.url()));
  const uploaded = phone.waitForResponse((r) => /attachments/.test(r.url()) && r.request().method() === 'POST', {
    timeout: 30000,
  });
  await formItem(phone, '佐证材料')
    .locator('input[type=file]')
    .setInputFiles({ name: '宣讲现场.png', mimeType: 'image/png', buffer: await phone.screenshot() });
  await phone.locator('.ant-upload-list-item-uploading').first().waitFor({ timeout: 30000 });
  await phone.getByRole('button', { name: /保存草稿/ }).click();
  await phone.getByText('文件还在上传，请上传完成后再保存').waitFor({ timeout: 10000 });
  await screenshot(phone, 'duty-flow-0-upload-still-running-mobile');
  await phone.waitForTimeout(1000);
  expect(creates).toEqual([]);
  release();
  expect((await uploaded).status()).toBe(200);
  await phone.locator('.ant-upload-list-item-uploading').first().waitFor({ state: 'detached', timeout: 30000 });
  await phone.unroute(/attachments/);
  await screenshot(phone, 'duty-flow-1-deputy-filled-mobile');
  const draft = await saveDraft(phone);
  expect(draft.status).toBe(200);
  const recordId = draft.id;
  // Its row in 我的履职记录: 提交审核, confirmed.
  expect(await submitFirstRecord(phone)).toBe(200);
  const filingSeconds = (Date.now() - started) / 1000;
  console.log(
    `[duty-flow] the deputy filed and submitted the record with a photo in ${filingSeconds.toFixed(1)} s of browser time`,
  );
  const record = await api('dutyRecords:get', undefined, `filterByTk=${recordId}&appends=evidence`);
  expect(record).toMatchObject({
    status: 'submitted',
    reviewerId: head.id,
    date: expect.stringContaining(`${target.year}-${String(target.month).padStart(2, '0')}`),
  });
  expect(record.evidence).toHaveLength(1);
  // Sent: 删除 and 提交审核 are for drafts and returned records only (删除 by the deputy's data scope, 提交审核 by
  // its linkage rule), after a reload as well.
  await phone.reload();
  // 我的履职记录 is a list on the phone's width: each record a card with its item, status and review comment.
  await phone.locator('.ant-list-item').first().waitFor({ timeout: 60000 });
  const sentRow = phone.locator('.ant-list-item', { hasText: '已提交' });
  await sentRow.first().waitFor({ timeout: 30000 });
  expect(await sentRow.getByText('删除', { exact: true }).count()).toBe(0);
  expect(await sentRow.getByText('提交审核', { exact: true }).count()).toBe(0);
  // The item and the status are within the phone's width, not in a table column scrolled off to the right.
  for (const text of ['政策宣传/普法宣讲', '已提交']) {
    const box = await sentRow.first().getByText(text).first().boundingBox();
    expect(box && box.x >= 0 && box.x + box.width <= PHONE.width, text).toBe(true);
  }
  await screenshot(phone, 'duty-flow-2-deputy-submitted-mobile');

  // 2. The head approves it in the task centre.
  const task = await reviewTaskOf(await apiAs(head.username, head.password), recordId);
  const desk = await browser().newPage({ viewport: DESKTOP });
  await signInThroughUI(desk, head.username, head.password);
  await desk.goto(`${BASE_URL}/admin/workflow/tasks/manual/pending/${task.id}`);
  const approve = desk.getByRole('button', { name: /通\s*过/ });
  await approve.waitFor({ timeout: 60000 });
  // The task shows the record under review — its description and the photo — above the decision.
  const taskView = desk.locator('.ant-modal:visible, .ant-drawer:visible').last();
  await taskView.getByText('在村民小组宣讲').first().waitFor({ timeout: 30000 });
  await taskView.getByText('宣讲现场').first().waitFor({ timeout: 30000 });
  await taskView.locator('img').first().waitFor({ timeout: 30000 });
  await desk.locator('textarea').first().fill('照片清楚，同意');
  await screenshot(desk, 'duty-flow-3-head-task-desktop');
  await approve.click();
  expect(await untilStatus(api, recordId, 'approved')).toBe('approved');
  await desk.close();

  // 3. The deputy sees the points (D13: 2 points) in 我的积分 on the same page.
  await phone.goto(myDuty);
  const points = phone.getByTestId('deputy-my-points');
  await points.waitFor({ timeout: 60000 });
  await points
    .locator('.ant-statistic-content-value')
    .first()
    .getByText('2', { exact: true })
    .waitFor({ timeout: 30000 });
  await screenshot(phone, 'duty-flow-4-deputy-points-mobile');
  expect(problems.filter((p) => /@deputy|dutyRecords|MyPoints/i.test(p))).toEqual([]);
  await phone.close();

  // 4. The administrator publishes the period with 公示 on 积分管理 › 积分周期; the public board shows it to anyone.
  const [period] = await api(
    'scorePeriods:list',
    undefined,
    'filter=' + encodeURIComponent(JSON.stringify({ key: target.key })),
  );
  const periodId =
    period?.id ?? (await api('scorePeriods:create', { key: target.key, title: `${target.key} 积分公示` })).id;
  const versionBefore = period?.version ?? 0;
  const admin = await browser().newPage({ viewport: DESKTOP });
  await signInThroughUI(admin, ADMIN.account, ADMIN.password);
  await admin.goto(await installedPage(api, 'duty-points.management'));
  await admin.getByRole('tab', { name: '积分周期' }).click();
  const periodRow = admin.locator('tr.ant-table-row', { hasText: target.key });
  await periodRow.waitFor({ timeout: 60000 });
  const published = admin.waitForResponse((r) => r.url().includes('namedActions:run'), { timeout: 60000 });
  await periodRow.getByText('公示', { exact: true }).click();
  await confirmDialog(admin);
  expect((await published).status()).toBe(200);
  expect((await api(`scorePeriods:get?filterByTk=${periodId}`)).version).toBe(versionBefore + 1);
  await screenshot(admin, 'duty-flow-5-admin-published-desktop');
  await admin.close();
  const visitor = await browser().newPage({ viewport: PHONE });
  await visitor.goto(`${BASE_URL}/api/scoreBoard:print?period=${target.key}&stationId=${station.id}`);
  await visitor.getByText(deputyName).waitFor({ timeout: 30000 });
  const row = visitor.locator('tr', { hasText: deputyName });
  expect(await row.innerText()).toContain('2');
  await screenshot(visitor, 'duty-flow-6-public-board-mobile');
  await visitor.close();
});
