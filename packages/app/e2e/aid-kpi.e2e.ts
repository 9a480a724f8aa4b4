/**
 * "1+N" in the browser: a deputy paired with a household sees its KPI block; after it records a visit
 * (confirmed by the household) the visits figure goes up — desktop and 390 px phone.
 */
import type { Browser, Page } from 'playwright-core';
import { ADMIN, apiAs, BASE_URL, launchBrowser, screenshot, signInThroughUI, watchProblems } from './support';

let browser: Browser;

beforeAll(async () => {
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
});

const shanghaiToday = () => new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 10);
const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const idNumber = (first17: string) =>
  first17 + '10X98765432'[WEIGHTS.reduce((s, w, i) => s + w * Number(first17[i]), 0) % 11];

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
  const head = await api('users:create', {
    username: `aidhead${stamp}`,
    nickname: '站长',
    password: `Head-${stamp}-Pass`,
    roles: ['station-staff'],
  });
  const station = await api('liaisonStations:create', {
    name: `荣家湾镇联络站-${stamp}`,
    headId: head.id,
    staff: [head.id],
  });
  const deputy = await api('deputies:create', {
    name: '周代表',
    phone: `136${String(stamp).padStart(8, '0')}`,
    stationId: station.id,
  });
  const account = await api(`deputies:createAccount?filterByTk=${deputy.id}`, {});
  const [category] = await api(
    'aidCategories:list',
    undefined,
    'filter=' + encodeURIComponent(JSON.stringify({ code: 'left-behind-elderly' })),
  );
  const household = await api('aidHouseholds:create', {
    headName: '李奶奶',
    idNumber: idNumber(`430621194501${String(stamp).padStart(6, '0').slice(-5)}`.slice(0, 17)),
    categoryId: category.id,
    stationId: station.id,
    consent: true,
  });
  const pairing = await api('aidPairings:create', {
    deputyId: deputy.id,
    householdId: household.id,
    startDate: shanghaiToday(),
  });

  const page = await api('flowSurfaces:createPage', { title: '结对帮扶', icon: 'TeamOutlined' });
  await api('flowModels:save', {
    uid: `aid-kpi-${stamp}`,
    use: 'AidKpiBlockModel',
    parentId: page.gridUid,
    subKey: 'items',
    subType: 'array',
    stepParams: {},
  });
  await api('roles/deputy/desktopRoutes:add', [page.routeId, page.tabRouteId]);

  // The deputy changes its initial password at first sign-in, then works with its own.
  const password = `Zhou-${stamp}-Pass9`;
  const first = await apiAs(account.username, account.initialPassword);
  await first('auth:changePassword', {
    oldPassword: account.initialPassword,
    newPassword: password,
    confirmPassword: password,
  });
  await new Promise((r) => setTimeout(r, 1100));
  const asDeputy = await apiAs(account.username, password);

  const tab = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  const problems = watchProblems(tab);
  await signInThroughUI(tab, account.username, password);
  await tab.goto(`${BASE_URL}/admin/${page.pageSchemaUid}`);
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

  const phone = await browser.newPage({ viewport: { width: 390, height: 844 } });
  await signInThroughUI(phone, account.username, password);
  await phone.goto(`${BASE_URL}/admin/${page.pageSchemaUid}`);
  await phone.getByTestId('aid-kpi').waitFor({ timeout: 60000 });
  await waitForStatistic(phone, '走访（人次）', String(before + 2));
  await screenshot(phone, 'aid-kpi-mobile');
  await phone.close();
});
