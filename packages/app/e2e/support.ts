/**
 * Browser-test support: Debian's Chromium through playwright-core, the started app's URL and admin
 * account (from scripts/test.js), an API client for arranging data, and screenshots for reviewers.
 */
import fs from 'fs';
import path from 'path';
import { Browser, chromium, ConsoleMessage, Locator, Page } from 'playwright-core';

export const BASE_URL = process.env.E2E_BASE_URL || 'http://127.0.0.1:13000';
export const ADMIN = {
  account: process.env.E2E_ADMIN_ACCOUNT || 'admin',
  password: process.env.E2E_ADMIN_PASSWORD || '',
};
const SCREENSHOTS = process.env.E2E_SCREENSHOTS || path.resolve('storage/e2e/screenshots');

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** Everything the page reports that a user would call broken: console errors and failed requests. */
export function watchProblems(page: Page) {
  const problems: string[] = [];
  page.on('console', (m: ConsoleMessage) => {
    if (m.type() === 'error') problems.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  // A request the browser cancels because the user moved on (net::ERR_ABORTED) is not a failure.
  page.on('requestfailed', (r) => {
    if (!/ERR_ABORTED/.test(r.failure()?.errorText ?? ''))
      problems.push(`request failed: ${r.url()} ${r.failure()?.errorText ?? ''}`);
  });
  page.on('response', (r) => {
    if (r.status() >= 400 && r.url().includes('/static/plugins/'))
      problems.push(`plugin asset ${r.status()}: ${r.url()}`);
  });
  return problems;
}

export async function screenshot(page: Page, name: string) {
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

/** Signs in through the sign-in page, as a person would. */
export async function signInThroughUI(page: Page, account: string, password: string) {
  await page.goto(`${BASE_URL}/signin`);
  await page.getByPlaceholder('手机号/用户名/邮箱').fill(account);
  await page.getByPlaceholder('密码').fill(password);
  await page.getByRole('button', { name: /登\s*录/ }).click();
  await page.waitForURL(/\/admin/, { timeout: 60000 });
}

/** A minimal HTTP client for arranging data through the app's API as a signed-in user. */
export async function apiAs(account: string, password: string) {
  const res = await fetch(`${BASE_URL}/api/auth:signIn`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-Authenticator': 'basic' },
    body: JSON.stringify({ account, password }),
  });
  const body: any = await res.json();
  if (!res.ok) throw new Error(`sign-in as ${account} failed: ${JSON.stringify(body)}`);
  const token = body.data.token;
  return async function call(action: string, payload?: unknown, query = '') {
    const r = await fetch(`${BASE_URL}/api/${action}${query ? `?${query}` : ''}`, {
      method: payload === undefined ? 'GET' : 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}`, 'X-Locale': 'zh-CN' },
      body: payload === undefined ? undefined : JSON.stringify(payload),
    });
    const json: any = await r.json().catch(() => ({}));
    if (!r.ok) throw new Error(`${action} → ${r.status}: ${JSON.stringify(json)}`);
    return json.data;
  };
}

/** The form item with exactly this label. */
export const formItem = (page: Page, label: string) =>
  page
    .locator('.ant-form-item')
    .filter({ has: page.locator('.ant-form-item-label', { hasText: new RegExp(`^\\s*${label}\\s*[:：]?\\s*$`) }) })
    .first();

export async function pick(page: Page, label: string, text: string) {
  const item = formItem(page, label);
  await item.locator('.ant-select-selector').click();
  // Desktop: antd's dropdown, filtered by typing. Phone: NocoBase opens a bottom sheet listing the options.
  const dropdown = page.locator('.ant-select-dropdown:visible');
  const sheetSearch = page.locator('.adm-popup:visible input');
  if (await dropdown.count()) await page.keyboard.type(text);
  else if (await sheetSearch.count()) await sheetSearch.first().fill(text);
  try {
    await page.getByText(text, { exact: true }).last().click({ timeout: 30000 });
    // The phone's sheet stays open after a choice: tap outside it.
    const mask = page.locator('.adm-mask:visible');
    if (await mask.count()) await mask.first().click({ position: { x: 10, y: 10 } });
    await mask
      .first()
      .waitFor({ state: 'hidden', timeout: 10000 })
      .catch(() => undefined);
  } catch (e) {
    await screenshot(page, `failed-pick-${label}`);
    throw e;
  }
}

/** A deputy's account as the deputy uses it: created by the station, initial password changed at first sign-in. */
export async function deputyAccount(api: Awaited<ReturnType<typeof apiAs>>, deputyId: number, password: string) {
  const account = await api(`deputies:createAccount?filterByTk=${deputyId}`, {});
  const first = await apiAs(account.username, account.initialPassword);
  await first('auth:changePassword', {
    oldPassword: account.initialPassword,
    newPassword: password,
    confirmPassword: password,
  });
  // A token signed in the same second as the password change is refused.
  await new Promise((r) => setTimeout(r, 1100));
  return { username: account.username as string, password };
}

/** The page the suite installed under a key (plugin-deputies' page installer records it in suitePages). */
export async function installedPage(api: Awaited<ReturnType<typeof apiAs>>, key: string) {
  const [mark] = await api('suitePages:list', undefined, 'filter=' + encodeURIComponent(JSON.stringify({ key })));
  if (!mark) throw new Error(`the suite did not install the page ${key}`);
  return `${BASE_URL}/admin/${mark.schemaUid}`;
}

/** An API client of apiAs: one signed-in user. */
export type Api = Awaited<ReturnType<typeof apiAs>>;

/** The `filter=` query of a list action. */
export const q = (filter: unknown) => 'filter=' + encodeURIComponent(JSON.stringify(filter));

/** Today's date where the suite's people are (Asia/Shanghai), as the date fields store it. */
export const shanghaiToday = () => new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 10);

const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
/** A resident identity card number (GB 11643) from its first 17 digits: the check character appended. */
export const idNumber = (first17: string) =>
  first17 + '10X98765432'[ID_WEIGHTS.reduce((s, w, i) => s + w * Number(first17[i]), 0) % 11];

/** A new station headed by a new station-staff user (the reviewer of its deputies' records). */
export async function stationWithHead(
  api: Api,
  head: { username: string; nickname: string; password: string },
  station: { name: string } & Record<string, unknown>,
) {
  const user = await api('users:create', { ...head, roles: ['station-staff'] });
  const created = await api('liaisonStations:create', { ...station, headId: user.id, staff: [user.id] });
  return {
    head: { ...user, password: head.password } as { id: number; username: string; password: string },
    station: created,
  };
}

/**
 * A station with its head (the reviewer, a station-staff user) and one deputy with an account whose initial
 * password is already changed: what most browser tests arrange first.
 */
export async function stationWithDeputy(
  api: Awaited<ReturnType<typeof apiAs>>,
  stamp: number,
  names: { head: string; station: string; deputy: string },
) {
  const { head, station } = await stationWithHead(
    api,
    { username: `head${stamp}`, nickname: names.head, password: `Head-${stamp}-Pass7` },
    { name: `${names.station}-${stamp}` },
  );
  const deputy = await api('deputies:create', {
    name: `${names.deputy}${stamp}`,
    phone: `139${String(stamp).padStart(8, '0')}`,
    stationId: station.id,
  });
  const login = await deputyAccount(api, deputy.id, `Dep-${stamp}-Pass5`);
  return { head, station, deputy, login };
}

/** Waits (up to `seconds`) until `done(probe())`; the last value, or an error naming `what`. */
export async function until<T>(probe: () => Promise<T>, done: (v: T) => boolean, what: string, seconds = 60) {
  let value = await probe();
  for (let i = 0; i < seconds && !done(value); i++) {
    await new Promise((r) => setTimeout(r, 1000));
    value = await probe();
  }
  if (!done(value)) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(value)}`);
  return value;
}

/** A seeded duty item by its code (D04 参加履职培训, D14 收集反映群众意见, ...). */
export async function dutyItem(api: Api, code: string) {
  const [item] = await api('dutyItems:list', undefined, q({ code }));
  if (!item) throw new Error(`no duty item ${code}`);
  return item as { id: number; name: string; points: number };
}

/** The user's pending tasks in the task centre (the review workflow's), each with the record it reviews. */
export async function pendingReviews(who: Api) {
  const tasks: { id: number; title: string; execution?: { context?: { data?: { id?: number } } } }[] =
    (await who('workflowManualTasks:listMine', undefined, `pageSize=100&${q({ status: 0 })}&appends=execution`)) ?? [];
  return tasks.map((t) => ({ id: t.id, title: t.title, recordId: t.execution?.context?.data?.id }));
}

/** The user's pending review task for the record, once the workflow has created it. */
export async function reviewTaskOf(who: Api, recordId: number) {
  const task = await until(
    async () => (await pendingReviews(who)).find((t) => t.recordId === recordId),
    (t) => t !== undefined,
    `the review task of record ${recordId}`,
  );
  return task!;
}

/** Waits until the duty record has the status (the review workflow decides after the answer). */
export async function untilStatus(api: Api, recordId: number, status: string) {
  return until(
    async () => (await api(`dutyRecords:get?filterByTk=${recordId}`)).status as string,
    (s) => s === status,
    `record ${recordId} ${status}`,
  );
}

/** Ticks a table row's selection box (NocoBase shows it in the index cell on hover); whether it is ticked. */
export async function selectRow(row: Locator) {
  const index = row.getByRole('button', { name: /table-index/ });
  await index.hover();
  await index.locator('.ant-checkbox').click();
  return index.locator('.ant-checkbox-input').isChecked();
}

/** Presses the 确定 (OK) of the dialog that opened last. */
export async function confirmDialog(page: Page) {
  await page
    .getByRole('button', { name: /确\s*定|OK/ })
    .last()
    .click();
}

/** 保存草稿 on 我的履职's form: the answer's status and the new record's id. */
export async function saveDraft(page: Page) {
  const created = page.waitForResponse((r) => r.url().includes('dutyRecords:create'), { timeout: 30000 });
  await page.getByRole('button', { name: /保存草稿/ }).click();
  const res = await created;
  return { status: res.status(), id: (await res.json()).data?.id as number };
}

/** 提交审核 on the first row of 我的履职记录, confirmed: the status of the named action's answer. */
export async function submitFirstRecord(page: Page) {
  // Long enough for both clicks below (up to 30 s each on a loaded machine) and the answer.
  const submitted = page.waitForResponse((r) => r.url().includes('namedActions:run'), { timeout: 90000 });
  // Under load the first press can come before the button's code is ready (no confirmation opens, nothing is
  // sent; twice in full runs): pressed again until its confirmation shows.
  const confirm = page.locator('.ant-modal-confirm:visible');
  for (let i = 0; i < 5 && !(await confirm.count()); i++) {
    await page.getByText('提交审核', { exact: true }).first().click({ timeout: 30000 });
    await confirm.waitFor({ timeout: 5000 }).catch(() => undefined);
  }
  // The confirmation's own button: under load another visible 确定 (the date picker's) could be clicked first.
  await confirm.getByRole('button', { name: /确\s*定|OK/ }).click({ timeout: 30000 });
  return (await submitted).status();
}

/** A new page holding one block of the model, in the menu of the role: its address. */
export async function pageWithBlock(
  api: Api,
  page: { title: string; icon: string },
  block: { uid: string; use: string },
  role: string,
) {
  const created = await api('flowSurfaces:createPage', page);
  await api('flowModels:save', {
    ...block,
    parentId: created.gridUid,
    subKey: 'items',
    subType: 'array',
    stepParams: {},
  });
  await api(`roles/${role}/desktopRoutes:add`, [created.routeId, created.tabRouteId]);
  return `${BASE_URL}/admin/${created.pageSchemaUid}`;
}

/** One Chromium for a file's tests: launched before them, closed after them; call it in a test for the browser. */
export function useBrowser() {
  let browser: Browser | undefined;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });
  return () => {
    if (!browser) throw new Error('the browser is not launched yet');
    return browser;
  };
}

/** A consenting household (留守老人) of the station, paired from today with the deputy. */
export async function pairWithHousehold(
  api: Api,
  deputyId: number,
  stationId: number,
  household: { headName: string; idNumber: string },
) {
  const [category] = await api('aidCategories:list', undefined, q({ code: 'left-behind-elderly' }));
  const created = await api('aidHouseholds:create', {
    ...household,
    categoryId: category.id,
    stationId,
    consent: true,
  });
  const pairing = await api('aidPairings:create', { deputyId, householdId: created.id, startDate: shanghaiToday() });
  return { household: created, pairing };
}

/** Antd puts a space between the two characters of a two-character Chinese button label. */
export const label = (text: string) => new RegExp(`^\\s*${[...text].join('\\s*')}\\s*$`);

/** Presses a row button, fills its dialog, confirms, and waits for the named action's answer. */
export async function step(page: Page, row: Locator, button: string, fill?: (dialog: Locator) => Promise<void>) {
  const answered = page.waitForResponse((r) => r.url().includes('namedActions:run'), { timeout: 90000 });
  await row.getByRole('button', { name: label(button) }).click({ timeout: 30000 });
  const dialog = page.locator('.ant-modal:visible').last();
  await dialog.waitFor({ timeout: 30000 });
  if (fill) await fill(dialog);
  await dialog.getByRole('button', { name: /确\s*定|OK/ }).click();
  const res = await answered;
  expect(res.status(), `${button}: ${await res.text()}`).toBe(200);
}
