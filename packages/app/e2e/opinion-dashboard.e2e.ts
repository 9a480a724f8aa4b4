/**
 * 码上找代表 in the browser: a citizen, not signed in, scans a deputy's QR code and submits an opinion through
 * the public form; the station staff's 意见建议办理情况 block (OpinionDashboardBlockModel) then counts it —
 * desktop and 390 px phone. The form is the one the QR code of the deputy's printable "三亮" card opens.
 */
import path from 'path';
import type { Browser, Page } from 'playwright-core';
import { ADMIN, apiAs, BASE_URL, launchBrowser, screenshot, signInThroughUI, watchProblems } from './support';

let browser: Browser;

beforeAll(async () => {
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
});

/** The number a statistic of the dashboard shows, by its title. */
async function statistic(page: Page, title: string) {
  const stat = page
    .getByTestId('opinion-dashboard')
    .locator('.ant-statistic')
    .filter({ has: page.locator('.ant-statistic-title', { hasText: new RegExp(`^${title}$`) }) });
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

/** Opens the dashboard page and waits for its figures (anything but the loading state). */
async function openDashboard(page: Page, url: string) {
  await page.goto(url);
  await page.getByTestId('opinion-dashboard').waitFor({ timeout: 60000 });
  await page
    .getByTestId('opinion-dashboard')
    .locator('.ant-spin-spinning')
    .waitFor({ state: 'detached', timeout: 30000 })
    .catch(() => undefined);
}

it('an opinion a citizen submits through the QR form shows in the station staff’s dashboard', async () => {
  const api = await apiAs(ADMIN.account, ADMIN.password);
  const stamp = Date.now() % 1e6;
  const password = `Staff-${stamp}-Pass9`;
  const staff = await api('users:create', {
    username: `voicestaff${stamp}`,
    nickname: '联络站干事',
    password,
    roles: ['station-staff'],
  });
  const station = await api('liaisonStations:create', {
    name: `玉霞街道联络站-${stamp}`,
    headId: staff.id,
    staff: [staff.id],
  });
  const deputy = await api('deputies:create', {
    name: '刘代表',
    phone: `137${String(stamp).padStart(8, '0')}`,
    stationId: station.id,
  });
  const { qrToken } = await api(`deputies:get?filterByTk=${deputy.id}`, undefined);
  expect(qrToken).toBeTruthy();

  const page = await api('flowSurfaces:createPage', { title: '意见建议办理', icon: 'MessageOutlined' });
  await api('flowModels:save', {
    uid: `opinion-dashboard-${stamp}`,
    use: 'OpinionDashboardBlockModel',
    parentId: page.gridUid,
    subKey: 'items',
    subType: 'array',
    stepParams: {},
  });
  await api('roles/station-staff/desktopRoutes:add', [page.routeId, page.tabRouteId]);
  const pageUrl = `${BASE_URL}/admin/${page.pageSchemaUid}`;

  const tab = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  const problems = watchProblems(tab);
  await signInThroughUI(tab, `voicestaff${stamp}`, password);
  await openDashboard(tab, pageUrl);
  await waitForStatistic(tab, '本年受理', '0');
  await waitForStatistic(tab, '办理中', '0');
  await screenshot(tab, 'opinion-dashboard-before-desktop');

  // The block's button opens the printable "三亮" cards of the station: the deputy's QR code is the form the citizen used.
  const [cards] = await Promise.all([tab.context().waitForEvent('page'), tab.getByTestId('print-qr-cards').click()]);
  const qr = cards.locator(`figure.qr[data-form-url*="opinions:form?token=${qrToken}&"]`);
  await qr.locator('svg').waitFor({ timeout: 30000 });
  const formUrl = (await qr.getAttribute('data-form-url'))!;
  // The staff member's session is not in the page's address (it was fetched with the session in a header).
  expect(cards.url()).not.toContain('token=');
  await cards.getByText('亮承诺').first().waitFor();
  await cards.getByText('刘代表').first().waitFor();
  await screenshot(cards, 'qr-cards-print');
  await cards.close();

  // The citizen: a phone with no account, the URL of the deputy's QR code.
  const citizen = await browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'zh-CN' });
  const form = await citizen.newPage();
  await form.goto(formUrl);
  await form.getByText('刘代表').first().waitFor({ timeout: 30000 });
  await form.locator('#opinion input[name="name"]').fill('王大爷');
  await form.locator('#opinion select[name="category"]').selectOption('infrastructure');
  await form.locator('#opinion textarea[name="content"]').fill('小区门口的排水沟堵了，一下雨就积水');
  await form.locator('#opinion button[type="submit"]').click();
  const code = (await form.locator('#result .code').innerText({ timeout: 30000 })).trim();
  expect(code).toMatch(/^YJ[0-9A-Z]{10}$/);
  await screenshot(form, 'opinion-form-submitted-mobile');
  // 进度查询 with the code, still without signing in.
  await form.locator('#track input[name="code"]').fill(code);
  await form.locator('#track button[type="submit"]').click();
  await form.locator('#progress p').first().waitFor({ timeout: 30000 });
  expect(await form.locator('#progress').innerText()).toContain('状态');
  await citizen.close();

  await openDashboard(tab, pageUrl);
  await waitForStatistic(tab, '本年受理', '1');
  await waitForStatistic(tab, '办理中', '1');
  await tab.getByTestId('opinion-dashboard').getByText(station.name).first().waitFor({ timeout: 30000 });
  await screenshot(tab, 'opinion-dashboard-after-desktop');
  expect(problems.filter((p) => /@deputy|OpinionDashboard/i.test(p))).toEqual([]);

  await tab.close();

  const phone = await browser.newPage({ viewport: { width: 390, height: 844 } });
  await signInThroughUI(phone, `voicestaff${stamp}`, password);
  await openDashboard(phone, pageUrl);
  await waitForStatistic(phone, '本年受理', '1');
  await screenshot(phone, 'opinion-dashboard-mobile');
  await phone.close();
  console.log(`screenshots: ${path.resolve(process.env.E2E_SCREENSHOTS || 'storage/e2e/screenshots')}`);
});
