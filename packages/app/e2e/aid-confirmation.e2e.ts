/**
 * 1+N confirmations in the browser (#15, item 9): an outcome or a visit is confirmed by station staff, never by
 * the deputy who did the work. On 我的结对帮扶, the deputy's 登记帮扶成效 / 登记走访 forms show no confirmation box
 * (the role may not write it, so NocoBase leaves it out); the station head's forms on 1+N结对帮扶 show it. Both forms offer the
 * pairing, and the deputy records a visit with them (#19: without the pairing field every visit was refused).
 */
import type { Page } from 'playwright-core';
import {
  ADMIN,
  apiAs,
  deputyAccount,
  formItem,
  idNumber,
  installedPage,
  pairWithHousehold,
  q,
  screenshot,
  shanghaiToday,
  signInThroughUI,
  stationWithHead,
  useBrowser,
} from './support';

const browser = useBrowser();

/**
 * Opens a tab of a 1+N page (the staff's tables, or the deputy's lists) and its 新增 form (or the list's own
 * button); returns the labels of the form's fields.
 */
async function addNewForm(
  page: Page,
  url: string,
  tab: string,
  firstField: string,
  button: RegExp = /新\s*增|添\s*加|Add new/,
) {
  await page.goto(url);
  await page.getByRole('tab', { name: tab }).click({ timeout: 60000 });
  // The tab's own pane (not the one it replaces), once its table or list has loaded.
  await page.locator('.ant-tabs-tab-active', { hasText: tab }).waitFor({ timeout: 60000 });
  const panel = page.locator('.ant-tabs-tabpane-active');
  await panel.locator('.ant-table, .ant-list').first().waitFor({ timeout: 60000 });
  await panel.getByRole('button', { name: button }).first().click({ timeout: 60000 });
  await formItem(page, firstField).waitFor({ timeout: 60000 });
  const labels = await page
    .locator('.ant-drawer-open .ant-form-item-label, .ant-modal .ant-form-item-label, .adm-popup .ant-form-item-label')
    .allInnerTexts();
  return labels.map((l) => l.replace(/[:：\s]/g, ''));
}

it('shows the confirmation boxes to the station head, not to the deputy', async () => {
  const api = await apiAs(ADMIN.account, ADMIN.password);
  const stamp = Date.now() % 1e6;
  const { head, station } = await stationWithHead(
    api,
    { username: `confhead${stamp}`, nickname: '确认站长', password: `Head-${stamp}-Pass3` },
    { name: `石榴片区站-${stamp}` },
  );
  const deputy = await api('deputies:create', {
    name: '石代表',
    phone: `137${String(stamp).padStart(8, '0')}`,
    stationId: station.id,
  });
  const login = await deputyAccount(api, deputy.id, `Shi-${stamp}-Pass9`);
  const { household, pairing } = await pairWithHousehold(api, deputy.id, station.id, {
    headName: `石奶奶${stamp}`,
    idNumber: idNumber(`430621194601${String(stamp).padStart(6, '0').slice(-5)}`.slice(0, 17)),
  });
  expect(pairing.label).toBe(`石代表 · 石${'*'.repeat(`奶奶${stamp}`.length)} · ${shanghaiToday()}`);
  // Station staff work on 1+N结对帮扶 (tables); the deputy on 我的结对帮扶 (lists, with their own buttons).
  const pages = {
    head: { url: await installedPage(api, 'pairing-aid.aid'), outcomes: '帮扶成效', visits: '走访' },
    deputy: {
      url: await installedPage(api, 'pairing-aid.mine'),
      outcomes: '我的帮扶成效',
      visits: '我的走访',
      outcomeButton: /登记帮扶成效/,
      visitButton: /登记走访/,
    },
  };

  const seen: Record<string, string[]> = {};
  for (const [who, account, password] of [
    ['deputy', login.username, login.password],
    ['head', head.username, head.password],
  ] as const) {
    // The same form schema serves the phone; its collapsed action bar is the subject of #19, not of this check.
    for (const [device, viewport] of [['desktop', { width: 1280, height: 800 }]] as const) {
      const page = await browser().newPage({ viewport });
      await signInThroughUI(page, account, password);
      const on = pages[who];
      const buttons = 'outcomeButton' in on ? [on.outcomeButton, on.visitButton] : [undefined, undefined];
      seen[`${who} ${device} outcomes`] = await addNewForm(page, on.url, on.outcomes, '日期', buttons[0]);
      await screenshot(page, `aid-confirmation-${who}-${device}`);
      seen[`${who} ${device} visits`] = await addNewForm(page, on.url, on.visits, '走访日期', buttons[1]);
      if (who === 'deputy') {
        // The deputy records the visit with the form: the pairing by its label, the day, 提交.
        await formItem(page, '结对').locator('.ant-select-selector').click();
        await page
          .locator('.ant-select-dropdown:visible .ant-select-item-option', { hasText: pairing.label })
          .click({ timeout: 30000 });
        await formItem(page, '结对')
          .locator('.ant-select-selection-item', { hasText: pairing.label })
          .waitFor({ timeout: 10000 });
        const date = formItem(page, '走访日期').locator('input').first();
        await date.click();
        // Today, tapped in the date panel as a person does.
        await page.locator(`.ant-picker-dropdown:visible td[title="${shanghaiToday()}"]`).click({ timeout: 10000 });
        await formItem(page, '走访情况').locator('textarea').fill('老人身体尚好，需要代购降压药');
        expect(await date.inputValue()).toBe(shanghaiToday());
        await screenshot(page, `aid-visit-form-deputy-${device}`);
        const saved = page.waitForResponse((r) => r.url().includes('aidVisits:create'), { timeout: 30000 });
        await page
          .getByRole('button', { name: /提\s*交/ })
          .last()
          .click();
        const response = await saved;
        expect(response.status(), await response.text()).toBe(200);
        const visits = await api('aidVisits:list', undefined, q({ pairingId: pairing.id }));
        expect(visits.map((v: any) => [v.deputyId, v.householdId, v.date, v.findings])).toEqual([
          [deputy.id, household.id, shanghaiToday(), '老人身体尚好，需要代购降压药'],
        ]);
      }
      await page.close();
    }
  }
  const failures: string[] = [];
  for (const [form, labels] of Object.entries(seen)) {
    const box = form.endsWith('outcomes') ? '已确认' : '帮扶对象已确认';
    const shown = labels.includes(box);
    if (form.startsWith('deputy') && shown) failures.push(`${form}: the deputy's form shows ${box}`);
    if (form.startsWith('head') && !shown)
      failures.push(`${form}: the station head's form lacks ${box} (${labels.join(', ')})`);
    if (!labels.includes(form.endsWith('outcomes') ? '日期' : '走访日期'))
      failures.push(`${form}: no form opened (${labels.join(', ')})`);
    if (!labels.includes('结对')) failures.push(`${form}: no pairing to choose (${labels.join(', ')})`);
  }
  expect(failures).toEqual([]);
});
