/**
 * 批量审核 on 履职审核 (issue #4: "reviewers … can approve or reject in batches"): the station head ticks
 * records in the queue and presses 批量通过 or 批量退回 (with a reason) — JS buttons running dutyRecords:reviewBatch;
 * each record is decided in the head's own review task, so the workflow posts the points as a single approval does.
 */
import {
  ADMIN,
  apiAs,
  confirmDialog,
  dutyItem,
  installedPage,
  pendingReviews,
  screenshot,
  selectRow,
  signInThroughUI,
  stationWithDeputy,
  until,
  useBrowser,
  watchProblems,
} from './support';

const browser = useBrowser();

it('the head approves two records and returns a third from 履职审核 with the bulk buttons; points follow', async () => {
  const api = await apiAs(ADMIN.account, ADMIN.password);
  const stamp = Date.now() % 1e6;
  const { head, login } = await stationWithDeputy(api, stamp, {
    head: '谭站长',
    station: '栗山镇联络站',
    deputy: '周代表',
  });
  const asDeputy = await apiAs(login.username, login.password);
  const item = await dutyItem(api, 'D14');
  const year = new Date().getFullYear() - 1;
  const descriptions = ['收集群众对村道硬化的意见', '收集群众对饮水安全的意见', '收集群众对校车接送的意见'];
  const ids: number[] = [];
  for (const [i, description] of descriptions.entries()) {
    const record = await asDeputy('dutyRecords:create', {
      itemId: item.id,
      date: `${year}-05-0${i + 1}`,
      description: `${description}-${stamp}`,
    });
    await asDeputy(`dutyRecords:submit?filterByTk=${record.id}`, {});
    ids.push(record.id);
  }
  const asHead = await apiAs(head.username, head.password);
  // The review workflow has given the head a task for each.
  await until(
    async () => (await pendingReviews(asHead)).map((t) => t.recordId),
    (seen) => ids.every((id) => seen.includes(id)),
    'the review tasks',
  );

  const page = await browser().newPage({ viewport: { width: 1280, height: 800 } });
  const problems = watchProblems(page);
  await signInThroughUI(page, head.username, head.password);
  await page.goto(await installedPage(api, 'duty-points.review'));
  const row = (i: number) => page.locator('tr.ant-table-row', { hasText: `${descriptions[i]}-${stamp}` });
  await row(0).waitFor({ timeout: 60000 });
  const select = async (i: number) => expect(await selectRow(row(i))).toBe(true);
  await select(0);
  await select(1);
  await screenshot(page, 'batch-review-1-selected-desktop');
  const approved = page.waitForResponse((r) => r.url().includes('namedActions:run'), { timeout: 60000 });
  await page.getByRole('button', { name: /批量通过/ }).click();
  await confirmDialog(page);
  expect((await approved).status()).toBe(200);
  // Decided records leave the queue.
  await row(0).waitFor({ state: 'detached', timeout: 60000 });
  await row(1).waitFor({ state: 'detached', timeout: 60000 });

  await select(2);
  const returned = page.waitForResponse((r) => r.url().includes('namedActions:run'), { timeout: 60000 });
  await page.getByRole('button', { name: /批量退回/ }).click();
  // The reason, which the deputy reads on the returned record.
  await page.locator('.ant-modal:visible textarea').fill('请补充活动现场照片');
  await confirmDialog(page);
  expect((await returned).status()).toBe(200);
  await row(2).waitFor({ state: 'detached', timeout: 60000 });
  await screenshot(page, 'batch-review-2-queue-empty-desktop');

  const statuses = await until(
    async () => Promise.all(ids.map(async (id) => (await api(`dutyRecords:get?filterByTk=${id}`)).status)),
    (s: string[]) => s.join() === 'approved,approved,rejected',
    'the decisions',
  );
  expect(statuses).toEqual(['approved', 'approved', 'rejected']);
  expect((await api(`dutyRecords:get?filterByTk=${ids[2]}`)).reviewComment).toBe('请补充活动现场照片');
  // One ledger entry per approved record (D14 收集反映群众意见: 1 point each), none for the returned one.
  const entries = await until(
    async () =>
      api(
        'pointEntries:list',
        undefined,
        'pageSize=20&filter=' + encodeURIComponent(JSON.stringify({ recordId: { $in: ids } })),
      ),
    (e: any[]) => e.length >= 2,
    'the ledger entries',
  );
  expect(entries.map((e: any) => e.recordId).sort()).toEqual([ids[0], ids[1]].sort());
  expect(entries.reduce((sum: number, e: any) => sum + Number(e.points), 0)).toBe(2);
  expect(problems.filter((p) => /@deputy|dutyRecords|BulkUpdate/i.test(p))).toEqual([]);
  await page.close();
}, 600000);
