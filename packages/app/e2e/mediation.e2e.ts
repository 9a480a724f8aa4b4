/**
 * 一三六九 mediation in the installed page (issue #19): a station's staff member finds a dispute of the station on
 * 矛盾调解 (1440×900) and moves it through its milestones with the row's 完成节点 button — 响应, 介入, 调处, each
 * named in the dialog, with what was done — then closes it with 结案 as not settled, with the outcome. Every step
 * is stored (the milestone times, the status), and the buttons leave the closed case's row. Then the page on a
 * 390×844 phone.
 */
import {
  ADMIN,
  apiAs,
  installedPage,
  label,
  screenshot,
  signInThroughUI,
  stationWithDeputy,
  step,
  until,
  useBrowser,
  watchProblems,
} from './support';

const browser = useBrowser();

it('station staff take a dispute through 响应 → 介入 → 调处 and close it on 矛盾调解; desktop and phone', async () => {
  const api = await apiAs(ADMIN.account, ADMIN.password);
  const stamp = Date.now() % 1e6;
  const { head, station, deputy } = await stationWithDeputy(api, stamp, {
    head: '谢站长',
    station: '白水镇联络站',
    deputy: '谢代表',
  });
  const title = `邻里宅基地纠纷-${stamp}`;
  const created = await api('mediationCases:create', {
    title,
    description: '两户因宅基地界址发生争执',
    parties: '张某、李某',
    stationId: station.id,
    deputyId: deputy.id,
  });
  const page = await browser().newPage({ viewport: { width: 1440, height: 900 } });
  const problems = watchProblems(page);
  await signInThroughUI(page, head.username, head.password);
  await page.goto(await installedPage(api, 'public-voice.mediation'));
  const row = page.locator('tr.ant-table-row:visible', { hasText: title }).first();
  await row.waitFor({ timeout: 60000 });
  await screenshot(page, 'mediation-open-desktop');
  for (const [stage, note] of [
    ['响应', '当天电话联系双方'],
    ['介入', '司法所、网格员到场查看界址'],
    ['调处', '组织双方在联络站面对面调解'],
  ]) {
    await step(page, row, '完成节点', async (dialog) => {
      await dialog.getByText(`完成节点：${stage}`).waitFor({ timeout: 15000 });
      await dialog.locator('textarea').fill(note);
    });
  }
  const milestones = await until(
    () => api('mediationCases:get', undefined, `filterByTk=${created.id}`),
    (c) => Boolean(c.respondedAt && c.intervenedAt && c.mediatedAt),
    'the three milestones',
  );
  expect(milestones.status).toBe('open');
  // Every milestone reached: the button says so instead of asking for another.
  await step(page, row, '结案', async (dialog) => {
    await dialog.getByText('未调解成功').click();
    await dialog.locator('textarea').fill('双方未达成一致，引导通过诉讼解决');
  });
  const closed = await until(
    () => api('mediationCases:get', undefined, `filterByTk=${created.id}`),
    (c) => c.status === 'failed',
    'the closed case',
  );
  // The outcome keeps what was done at each milestone, then the result.
  for (const text of ['响应：当天电话联系双方', '调处：组织双方在联络站面对面调解', '双方未达成一致，引导通过诉讼解决'])
    expect(closed.outcome).toContain(text);
  expect(closed.closedAt).toBeTruthy();
  // The closed case's row: its status in words, no milestone or close button left.
  await row.getByText('未调解成功').first().waitFor({ timeout: 30000 });
  for (const gone of ['完成节点', '结案'])
    expect(await row.getByRole('button', { name: label(gone) }).count(), gone).toBe(0);
  await screenshot(page, 'mediation-closed-desktop');
  expect(problems.filter((p) => /@deputy|Model/i.test(p))).toEqual([]);
  await page.close();

  const phone = await browser().newPage({ viewport: { width: 390, height: 844 } });
  await signInThroughUI(phone, head.username, head.password);
  await phone.goto(await installedPage(api, 'public-voice.mediation'));
  await phone.locator('tr.ant-table-row:visible', { hasText: title }).first().waitFor({ timeout: 60000 });
  await screenshot(phone, 'mediation-staff-mobile');
  await phone.close();
});
