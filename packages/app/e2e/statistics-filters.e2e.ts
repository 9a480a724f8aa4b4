/**
 * 统计分析's filters (issue #19): the administrator opens the page at 1440×900, chooses a 联络站 in the filter form
 * above the charts and presses 筛选; every chart asks again for that station's rows, each by its own path (a ledger
 * chart by the deputy's station, a snapshot chart by the station itself), and the ledger's charts by the 年度 typed.
 */
import {
  ADMIN,
  apiAs,
  formItem,
  installedPage,
  screenshot,
  signInThroughUI,
  stationWithDeputy,
  useBrowser,
  watchProblems,
} from './support';

const browser = useBrowser();

it('narrows the charts of 统计分析 to the 联络站 and 年度 chosen', async () => {
  const api = await apiAs(ADMIN.account, ADMIN.password);
  const stamp = Date.now() % 1e6;
  const { station } = await stationWithDeputy(api, stamp, {
    head: '龙站长',
    station: '龙塘镇联络站',
    deputy: '龙代表',
  });
  const page = await browser().newPage({ viewport: { width: 1440, height: 900 } });
  const problems = watchProblems(page);
  await signInThroughUI(page, ADMIN.account, ADMIN.password);
  await page.goto(await installedPage(api, 'duty-points.statistics'));
  await formItem(page, '联络站').waitFor({ timeout: 90000 });
  await formItem(page, '年度').waitFor();
  // The station typed into 联络站 and taken with Enter (the filter form's select lists it under the cursor).
  await formItem(page, '联络站').locator('.ant-select-selector').click();
  await page.keyboard.type(station.name);
  await page.locator('.ant-select-dropdown:visible').getByText(station.name, { exact: true }).waitFor();
  await page.keyboard.press('Enter');
  // On a loaded machine the dropdown may still be filtering when Enter comes: then the option is clicked.
  const chosen = formItem(page, '联络站').getByText(station.name);
  if (
    !(await chosen.waitFor({ timeout: 5000 }).then(
      () => true,
      () => false,
    ))
  )
    // (the virtual list's holder may lie over the option while it scrolls: the click is forced)
    await page.locator('.ant-select-dropdown:visible').getByText(station.name, { exact: true }).click({ force: true });
  await chosen.waitFor();
  await formItem(page, '年度').locator('input').fill('2025');
  // The queries the charts send once 筛选 is pressed: each with the station's id (and the year where connected).
  const sent: { filter: string; status: number }[] = [];
  page.on('response', async (r) => {
    if (!r.url().includes('charts:queryData')) return;
    sent.push({ filter: JSON.stringify(r.request().postDataJSON()?.filter ?? null), status: r.status() });
  });
  await page.getByRole('button', { name: /筛\s*选/ }).click();
  const deadline = Date.now() + 60000;
  while (sent.filter((s) => s.filter.includes(String(station.id))).length < 5 && Date.now() < deadline)
    await page.waitForTimeout(500);
  const narrowed = sent.filter((s) => s.filter.includes(String(station.id)));
  expect(narrowed.length, JSON.stringify(sent)).toBeGreaterThanOrEqual(5);
  expect(narrowed.every((s) => s.status === 200)).toBe(true);
  // By the deputy's station on the ledger's and the records' charts, by the station on the published scores.
  expect(narrowed.some((s) => s.filter.includes('deputy.station.id'))).toBe(true);
  expect(narrowed.some((s) => s.filter.includes('"station.id"'))).toBe(true);
  expect(narrowed.some((s) => s.filter.includes('"year"') && s.filter.includes('2025'))).toBe(true);
  await page.waitForLoadState('networkidle').catch(() => undefined);
  await screenshot(page, 'statistics-filtered-desktop');
  expect(problems.filter((p) => /@deputy|Chart|Filter/i.test(p))).toEqual([]);
  await page.close();
});
