/**
 * "1+N" in the browser: a deputy paired with a household sees its KPI block; after it records a visit
 * (confirmed by the household) the visits figure goes up — desktop and 390 px phone.
 */
import type { Page } from 'playwright-core';
import {
  ADMIN,
  apiAs,
  deputyAccount,
  idNumber,
  pageWithBlock,
  pairWithHousehold,
  screenshot,
  shanghaiToday,
  signInThroughUI,
  stationWithHead,
  useBrowser,
  watchProblems,
} from './support';

const browser = useBrowser();

/** The number a statistic of the KPI block shows, by its title. */
async function statistic(page: Page, title: string) {
  const block = page.getByTestId('aid-kpi');
  const stat = block
    .locator('.ant-statistic')
    .filter({ has: page.locator('.ant-statistic-title', { hasText: title }) });
  return (await stat.locator('.ant-statistic-content-value').innerText()).trim();
}

/** Waits until a statistic shows the value (the block loads its figures after rendering). */
async function waitForStatistic(page: Page, title: string, value: string, ms = 30000) {
  const deadline = Date.now() + ms;
  let seen = '';
  while (Date.now() < deadline) {
    seen = await statistic(page, title).catch(() => '');
    if (seen === value) return;
    await page.waitForTimeout(300);
  }
  throw new Error(`${title} shows ${seen}, expected ${value}`);
}

it('shows a deputy its 1+N figures, and a recorded visit counts', async () => {
  const api = await apiAs(ADMIN.account, ADMIN.password);
  const stamp = Date.now() % 1e6;
  const { station } = await stationWithHead(
    api,
    { username: `aidhead${stamp}`, nickname: '站长', password: `Head-${stamp}-Pass` },
    { name: `荣家湾镇联络站-${stamp}` },
  );
  const deputy = await api('deputies:create', {
    name: '周代表',
    phone: `136${String(stamp).padStart(8, '0')}`,
    stationId: station.id,
  });
  // The deputy changes its initial password at first sign-in, then works with its own.
  const { username, password } = await deputyAccount(api, deputy.id, `Zhou-${stamp}-Pass9`);
  const { pairing } = await pairWithHousehold(api, deputy.id, station.id, {
    headName: '李奶奶',
    idNumber: idNumber(`430621194501${String(stamp).padStart(6, '0').slice(-5)}`.slice(0, 17)),
  });

  const url = await pageWithBlock(
    api,
    { title: '结对帮扶', icon: 'TeamOutlined' },
    { uid: `aid-kpi-${stamp}`, use: 'AidKpiBlockModel' },
    'deputy',
  );
  const asDeputy = await apiAs(username, password);

  const tab = await browser().newPage({ viewport: { width: 1280, height: 800 } });
  const problems = watchProblems(tab);
  await signInThroughUI(tab, username, password);
  await tab.goto(url);
  await tab.getByTestId('aid-kpi').waitFor({ timeout: 60000 });
  await waitForStatistic(tab, '帮扶户数', '1');
  const before = Number(await statistic(tab, '走访（人次）'));
  await screenshot(tab, 'aid-kpi-before-desktop');

  // The deputy records a visit (two people met); its confirmation is the station staff's (#15), not the deputy's.
  await asDeputy('aidVisits:create', {
    pairingId: pairing.id,
    date: shanghaiToday(),
    mode: 'home',
    personCount: 2,
    findings: '身体尚好，需要代购药品',
  });
  await tab.reload();
  await tab.getByTestId('aid-kpi').waitFor({ timeout: 60000 });
  await waitForStatistic(tab, '走访（人次）', String(before + 2));
  await screenshot(tab, 'aid-kpi-after-desktop');
  expect(problems.filter((p) => /@deputy|AidKpi/i.test(p))).toEqual([]);
  await tab.close();

  const phone = await browser().newPage({ viewport: { width: 390, height: 844 } });
  await signInThroughUI(phone, username, password);
  await phone.goto(url);
  await phone.getByTestId('aid-kpi').waitFor({ timeout: 60000 });
  await waitForStatistic(phone, '走访（人次）', String(before + 2));
  await screenshot(phone, 'aid-kpi-mobile');
  await phone.close();
});
