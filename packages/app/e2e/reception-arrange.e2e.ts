/**
 * 逢6接待 in the installed page (issues #7, #19): station staff make next month's sessions of their new station
 * with 生成接待日, put a deputy on duty with the row's 安排值班 form (NocoBase's edit form: day, notice date,
 * roster) and the roster is stored; the page and its 接待签到 tab work on a 390 px phone. A deputy of the station
 * finds the days on 我的六个一 (a list on the phone), with nothing to arrange. Screenshots of both widths.
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
  const page = await browser().newPage({ viewport: { width: 1280, height: 800 } });
  const problems = watchProblems(page);
  await signInThroughUI(page, head.username, password);
  await page.goto(await installedPage(api, 'six-ones.reception'));
  // A new station has no sessions: 生成接待日 makes next month's (the month offered by default).
  await page.getByRole('button', { name: '生成接待日' }).click({ timeout: 60000 });
  const dialog = page.locator('.ant-modal:visible').last();
  expect(await dialog.locator('input').inputValue()).toBe(month);
  const generated = page.waitForResponse((r) => r.url().includes('namedActions:run'), { timeout: 30000 });
  await dialog.getByRole('button', { name: /确\s*定|OK/ }).click();
  expect((await generated).status()).toBe(200);
  await page.getByText(`已为 ${month} 生成`).first().waitFor({ timeout: 15000 });
  const sessions = await api(
    'receptionSessions:list',
    undefined,
    `${q({ stationId: station.id })}&appends=roster&sort=date`,
  );
  expect(sessions).toHaveLength(3);
  const first = sessions[0];
  const offDuty = names.find((n) => !first.roster.some((d: any) => d.name === n));
  expect(offDuty).toBeTruthy();
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

  // A deputy of the station finds its days on 我的六个一 › 逢6接待, a list on the phone, and nothing to arrange.
  const login = await deputyAccount(api, deputies[0].id, `Long-${stamp}-Pass8`);
  const deputyPage = await browser().newPage({ viewport: { width: 390, height: 844 } });
  await signInThroughUI(deputyPage, login.username, login.password);
  await deputyPage.goto(await installedPage(api, 'six-ones.mine'));
  await deputyPage.getByRole('tab', { name: '逢6接待' }).click({ timeout: 60000 });
  const item = deputyPage.locator('.ant-list-item:visible', { hasText: first.date }).first();
  await item.waitFor({ timeout: 30000 });
  await item.getByText(station.name).first().waitFor();
  const box = await item.boundingBox();
  expect(box && box.x >= 0 && box.x + box.width <= 390).toBe(true);
  await screenshot(deputyPage, 'reception-sessions-deputy-mobile');
  expect(await deputyPage.getByText('安排值班', { exact: true }).count()).toBe(0);
  expect(await deputyPage.getByText('生成接待日', { exact: true }).count()).toBe(0);
  await deputyPage.close();
});
