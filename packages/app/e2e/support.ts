/**
 * Browser-test support: Debian's Chromium through playwright-core, the started app's URL and admin
 * account (from scripts/test.js), an API client for arranging data, and screenshots for reviewers.
 */
import fs from 'fs';
import path from 'path';
import { Browser, chromium, ConsoleMessage, Page } from 'playwright-core';

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
