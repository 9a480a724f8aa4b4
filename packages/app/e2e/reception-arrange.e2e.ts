/**
 * 逢6接待 in the installed page (issue #7): station staff open next month's sessions of their station, put a
 * deputy on duty with the row's 安排值班 form (NocoBase's edit form: day, notice date, roster) and the roster is
 * stored; the page and its 接待签到 tab work on a 390 px phone. Screenshots of both widths.
 */
import {
  ADMIN,
  apiAs,
  deputyAccount,
  formItem,
  installedPage,
  q,
  screenshot,
  signInThroughUI,
  stationWithHead,
  useBrowser,
  watchProblems,
} from './support';

const browser = useBrowser();

it('station staff arrange a reception day’s roster in 逢6接待; desktop and phone', async () => {
  const api = await apiAs(ADMIN.account, ADMIN.password);
  const stamp = Date.now() % 1e6;
  const password = `Head-${stamp}-Pass7`;
  const { head, station } = await stationWithHead(
    api,
    { username: `rcphead${stamp}`, nickname: '龙站长', password },
    { name: `月田镇联络站-${stamp}`, receptionDays: [6, 16, 26] },
  );
  const names = ['甲', '乙', '丙'].map((n) => `龙代表${n}${stamp}`);
  const deputies = [];
  for (const [i, name] of names.entries())
    deputies.push(
      await api('deputies:create', {
        name,
        phone: `136${String(stamp * 10 + i).padStart(8, '0')}`,
        stationId: station.id,
      }),
    );
  const next = new Date(Date.now() + 8 * 3600e3);
  next.setUTCDate(1);
  next.setUTCMonth(next.getUTCMonth() + 1);
  const month = next.toISOString().slice(0, 7);
  await api('receptionSessions:generateSessions', { month });
  const sessions = await api(
    'receptionSessions:list',
    undefined,
    `${q({ stationId: station.id })}&appends=roster&sort=date`,
  );
  expect(sessions).toHaveLength(3);
  const first = sessions[0];
  const offDuty = names.find((n) => !first.roster.some((d: any) => d.name === n));
  expect(offDuty).toBeTruthy();

  const page = await browser().newPage({ viewport: { width: 1280, height: 800 } });
  const problems = watchProblems(page);
  await signInThroughUI(page, head.username, password);
  await page.goto(await installedPage(api, 'six-ones.reception'));
  const row = page.locator('tr.ant-table-row:visible', { hasText: first.date }).first();
  await row.waitFor({ timeout: 60000 });
  await screenshot(page, 'reception-sessions-staff-desktop');
  await row.getByText('安排值班', { exact: true }).click();
  // A multiple select: type the name, choose it in antd's dropdown, close the dropdown.
  const roster = formItem(page, '值班代表');
  await roster.locator('.ant-select-selector').click({ timeout: 30000 });
  await page.keyboard.type(offDuty!);
  await page
    .locator('.ant-select-dropdown:visible .ant-select-item-option', { hasText: offDuty! })
    .click({ timeout: 30000 });
  await page.keyboard.press('Escape');
  await roster.locator('.ant-select-selection-item', { hasText: offDuty! }).waitFor({ timeout: 10000 });
  await screenshot(page, 'reception-arrange-form-desktop');
  const saved = page.waitForResponse((r) => r.url().includes('receptionSessions:update'), { timeout: 30000 });
  await page
    .locator('.ant-drawer:visible, .ant-modal:visible')
    .last()
    .getByRole('button', { name: /提\s*交/ })
    .click();
  expect((await saved).status()).toBe(200);
  const stored = await api('receptionSessions:get', undefined, `filterByTk=${first.id}&appends=roster`);
  expect(stored.roster.map((d: any) => d.name)).toEqual(
    expect.arrayContaining([...first.roster.map((d: any) => d.name), offDuty]),
  );
  expect(problems.filter((p) => /@deputy|Model/i.test(p))).toEqual([]);
  await page.close();

  // The same page on a phone: the sessions and the 接待签到 tab.
  const phone = await browser().newPage({ viewport: { width: 390, height: 844 } });
  await signInThroughUI(phone, head.username, password);
  await phone.goto(await installedPage(api, 'six-ones.reception'));
  await phone.locator('tr.ant-table-row:visible').first().waitFor({ timeout: 60000 });
  await screenshot(phone, 'reception-sessions-staff-mobile');
  await phone.getByRole('tab', { name: '接待签到' }).click();
  await phone.locator('.ant-table:visible').first().waitFor({ timeout: 30000 });
  await screenshot(phone, 'reception-sign-ins-staff-mobile');
  await phone.close();

  // A deputy sees the sessions but may not arrange them: no 安排值班 button.
  const login = await deputyAccount(api, deputies[0].id, `Long-${stamp}-Pass8`);
  const deputyPage = await browser().newPage({ viewport: { width: 390, height: 844 } });
  await signInThroughUI(deputyPage, login.username, login.password);
  await deputyPage.goto(await installedPage(api, 'six-ones.reception'));
  await deputyPage.locator('tr.ant-table-row:visible').first().waitFor({ timeout: 60000 });
  await screenshot(deputyPage, 'reception-sessions-deputy-mobile');
  expect(await deputyPage.getByText('安排值班', { exact: true }).count()).toBe(0);
  await deputyPage.close();
});
