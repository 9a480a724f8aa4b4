/**
 * The staff opinion workbench (issue #19): a citizen, not signed in, submits an opinion with a photo through the
 * public form's API; the station's staff member finds it on 群众意见 (1440×900), reads it with its photo and
 * milestones, and handles it with the row buttons — 分类 → 交办 → 答复 → 办结 — each a JS button running the
 * opinion action through namedActions:run; the citizen rates the result through the public tracking API and
 * the staff page shows the rating. Then the same page on a 390×844 phone: the status and 查看 are on screen.
 * And the deputy's side on a phone: 我收到的意见 lists an opinion assigned to her as a card (status, the citizen's
 * text), and she reports progress and answers it with the card's buttons.
 */
import type { Browser, Locator } from 'playwright-core';
import {
  ADMIN,
  apiAs,
  BASE_URL,
  deputyAccount,
  installedPage,
  label,
  launchBrowser,
  screenshot,
  signInThroughUI,
  step,
  watchProblems,
} from './support';

let browser: Browser;
const DESKTOP = { width: 1440, height: 900 };
const PHONE = { width: 390, height: 844 };

beforeAll(async () => {
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
});

/** A public API call, without any sign-in (what the QR form's page sends). */
async function publicCall(action: string, body: unknown) {
  const res = await fetch(`${BASE_URL}/api/${action}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-Locale': 'zh-CN' },
    body: JSON.stringify(body),
  });
  const json = (await res.json().catch(() => ({}))) as { data?: Record<string, unknown> };
  if (!res.ok) throw new Error(`${action} → ${res.status}: ${JSON.stringify(json)}`);
  return json.data ?? {};
}

it('a citizen’s opinion, handled by the station staff on 群众意见 up to 答复 and 办结, rated by the citizen', async () => {
  const api = await apiAs(ADMIN.account, ADMIN.password);
  const stamp = Date.now() % 1e6;
  const password = `Staff-${stamp}-Pass9`;
  const staff = await api('users:create', {
    username: `workbench${stamp}`,
    nickname: '意见干事',
    password,
    roles: ['station-staff'],
  });
  const station = await api('liaisonStations:create', {
    name: `白沙镇联络站-${stamp}`,
    headId: staff.id,
    staff: [staff.id],
  });
  const deputy = await api('deputies:create', {
    name: `陈代表${stamp}`,
    phone: `136${String(stamp).padStart(8, '0')}`,
    stationId: station.id,
  });
  const { qrToken } = await api(`deputies:get?filterByTk=${deputy.id}`);
  const pageUrl = await installedPage(api, 'public-voice.opinions');

  // The citizen: the public form's submission, with a photo, no account.
  const desk = await browser.newPage({ viewport: DESKTOP });
  const problems = watchProblems(desk);
  const photo = (await desk.screenshot({ clip: { x: 0, y: 0, width: 64, height: 64 } })).toString('base64');
  const content = `村东头的排水沟堵了${stamp}，一下雨就漫到路上`;
  const submitted = await publicCall('opinions:submit', {
    token: qrToken,
    name: '赵大妈',
    phone: '13900139000',
    category: 'infrastructure',
    content,
    photos: [{ name: '排水沟.png', data: photo }],
  });
  const code = String(submitted.trackingCode);
  expect(code).toMatch(/^YJ[0-9A-Z]{10}$/);

  // The staff member finds it on 群众意见: status and columns in zh-CN, no stored value on screen.
  await signInThroughUI(desk, `workbench${stamp}`, password);
  await desk.goto(pageUrl);
  const row = desk.locator('tr.ant-table-row', { hasText: code });
  await row.waitFor({ timeout: 90000 });
  const started = Date.now();
  await expect(row.innerText()).resolves.toContain('已受理');
  expect(await row.innerText()).not.toMatch(/\breceived\b|infrastructure/);
  for (const header of ['查询码', '状态', '答复期限', '逾期', '分类', '联络站', '代表'])
    await desk.locator('thead th', { hasText: header }).first().waitFor({ timeout: 30000 });
  // Only the steps possible on a received opinion: 分类 and 转代表建议, not 答复 / 办结 / 交办.
  await row.getByRole('button', { name: label('分类') }).waitFor({ timeout: 30000 });
  for (const hidden of ['答复', '办结', '交办'])
    expect(await row.getByRole('button', { name: label(hidden) }).count(), hidden).toBe(0);
  await screenshot(desk, 'opinion-workbench-1-received-desktop');

  // The details: the citizen's text, the photo, the milestones.
  await row.getByRole('button', { name: label('查看') }).click();
  const drawer = desk.locator('.ant-drawer:visible').last();
  await drawer.getByText(content).waitFor({ timeout: 30000 });
  await drawer.getByTestId('opinions-photos').locator('img').first().waitFor({ timeout: 30000 });
  await drawer.getByText('已受理').first().waitFor({ timeout: 30000 });
  await screenshot(desk, 'opinion-workbench-2-details-desktop');
  await desk.keyboard.press('Escape');
  await drawer.waitFor({ state: 'hidden', timeout: 30000 });

  // 分类: the class chosen in the dialog.
  await step(desk, row, '分类', async (dialog) => {
    await dialog.locator('.ant-select').click();
    await desk.locator('.ant-select-dropdown:visible').getByText('小微事', { exact: true }).click();
  });
  await row.getByText('已分类').waitFor({ timeout: 30000 });
  await row.getByText('小微事').waitFor({ timeout: 30000 });
  // 交办: the handling unit.
  await step(desk, row, '交办', async (dialog) => {
    await dialog.locator('input').first().fill('镇城建办');
  });
  await row.getByText('已交办').waitFor({ timeout: 30000 });
  // 答复: the answer to the citizen, written in the dialog.
  await step(desk, row, '答复', async (dialog) => {
    await dialog.locator('textarea').first().fill('城建办已派人疏通排水沟，并加装了盖板');
  });
  await row.getByText('已答复').waitFor({ timeout: 30000 });
  expect(await row.getByRole('button', { name: label('答复') }).count()).toBe(0);
  await step(desk, row, '办结');
  await row.getByText('已办结').waitFor({ timeout: 30000 });
  console.log(
    `[opinion-workbench] 分类 → 交办 → 答复 → 办结 took ${((Date.now() - started) / 1000).toFixed(1)} s in the browser`,
  );
  await screenshot(desk, 'opinion-workbench-3-closed-desktop');

  // The citizen tracks it and rates it, still without signing in.
  const tracked = await publicCall('opinions:track', { code });
  expect(tracked).toMatchObject({ status: 'closed', answer: '城建办已派人疏通排水沟，并加装了盖板', canRate: true });
  await publicCall('opinions:rate', { code, stars: 5, comment: '处理及时，很满意' });

  // The staff page shows the rating: in the row, and in the details with the citizen's comment.
  await desk.reload();
  await row.waitFor({ timeout: 90000 });
  await row
    .locator('td', { hasText: /^\s*5\s*$/ })
    .first()
    .waitFor({ timeout: 30000 });
  await row.getByRole('button', { name: label('查看') }).click();
  await drawer.getByText('处理及时，很满意').waitFor({ timeout: 30000 });
  await drawer.getByText('城建办已派人疏通排水沟，并加装了盖板').first().waitFor({ timeout: 30000 });
  await screenshot(desk, 'opinion-workbench-4-rated-desktop');
  expect(problems.filter((p) => /@deputy|opinions|namedActions|JS/i.test(p))).toEqual([]);
  await desk.close();

  // The same page on a phone: the tracking code, the status and the due date are on screen.
  const phone = await browser.newPage({ viewport: PHONE });
  await signInThroughUI(phone, `workbench${stamp}`, password);
  await phone.goto(pageUrl);
  const phoneRow = phone.locator('tr.ant-table-row', { hasText: code });
  await phoneRow.waitFor({ timeout: 90000 });
  await screenshot(phone, 'opinion-workbench-5-phone');
  const onScreen = async (locator: Locator, what: string) => {
    const box = await locator.boundingBox();
    expect(box, what).toBeTruthy();
    expect(box!.x, what).toBeGreaterThanOrEqual(0);
    expect(box!.x + Math.min(box!.width, 40), what).toBeLessThanOrEqual(PHONE.width);
  };
  // The status (the first column) and the row's 查看 are on screen. NocoBase puts the 操作 column first: on a
  // 390 px phone it takes about half the width, so the tracking code starts at the right edge (logged, not
  // asserted: a card layout for phones is still to come, #19).
  await onScreen(phoneRow.getByText('已办结'), 'status');
  await onScreen(phone.locator('thead th', { hasText: '状态' }).first(), '状态');
  await onScreen(phoneRow.getByRole('button', { name: label('查看') }), '查看');
  const codeBox = await phoneRow.getByText(code).boundingBox();
  console.log(`[opinion-workbench] on a 390 px phone the tracking code starts at x = ${codeBox?.x}`);
  await phone.close();
});

it('a deputy on a phone reads an opinion assigned to her on 我收到的意见, reports progress and answers', async () => {
  const api = await apiAs(ADMIN.account, ADMIN.password);
  const stamp = Date.now() % 1e6;
  const station = await api('liaisonStations:create', { name: `青山乡联络站-${stamp}` });
  const deputy = await api('deputies:create', {
    name: `欧阳代表${stamp}`,
    phone: `135${String(stamp).padStart(8, '0')}`,
    stationId: station.id,
  });
  const login = await deputyAccount(api, deputy.id, `Ouyang-${stamp}-Pass4`);
  const { qrToken } = await api(`deputies:get?filterByTk=${deputy.id}`);
  const content = `组里的路灯坏了三盏${stamp}，晚上接孩子看不清路`;
  const { trackingCode } = await publicCall('opinions:submit', {
    token: qrToken,
    name: '李大爷',
    phone: '13900139002',
    category: 'infrastructure',
    content,
  });
  // The office classifies it and hands it to the deputy to follow (交办), as on 群众意见.
  const [opinion] = await api(
    'opinions:list',
    undefined,
    `filter=${encodeURIComponent(JSON.stringify({ trackingCode }))}`,
  );
  const [opinionClass] = await api('opinionClasses:list', undefined, 'paginate=false');
  await api('namedActions:run', {
    action: 'opinions:classify',
    filterByTk: opinion.id,
    values: { opinionClassId: opinionClass.id },
  });
  await api('namedActions:run', {
    action: 'opinions:assign',
    filterByTk: opinion.id,
    values: { handlingUnit: '乡村建办' },
  });

  const phone = await browser.newPage({ viewport: PHONE });
  const problems = watchProblems(phone);
  await signInThroughUI(phone, login.username, login.password);
  await phone.goto(await installedPage(api, 'public-voice.my-opinions'));
  // A card per opinion: its status and the citizen's words on the phone's screen, not in a column cut off.
  const card = phone.locator('.ant-list-item', { hasText: String(trackingCode) });
  await card.waitFor({ timeout: 90000 });
  for (const text of ['已交办', content]) {
    const box = await card.getByText(text).first().boundingBox();
    expect(box && box.x >= 0 && box.x + Math.min(box.width, 40) <= PHONE.width, text).toBe(true);
  }
  // Only her steps: 报告进展 and 答复 (no 分类 / 交办 / 办结, which are the office's).
  for (const hidden of ['分类', '交办', '办结'])
    expect(await card.getByRole('button', { name: label(hidden) }).count(), hidden).toBe(0);
  await screenshot(phone, 'my-opinions-1-assigned-phone');
  await step(phone, card, '报告进展', async (dialog) => {
    await dialog.locator('textarea').first().fill('已联系村委会，明天换灯');
  });
  await card.getByText('办理中').waitFor({ timeout: 30000 });
  await step(phone, card, '答复', async (dialog) => {
    await dialog.locator('textarea').first().fill('三盏路灯已全部换好');
  });
  await card.getByText('已答复').waitFor({ timeout: 30000 });
  expect(await card.getByRole('button', { name: label('答复') }).count()).toBe(0);
  await screenshot(phone, 'my-opinions-2-answered-phone');
  const tracked = await publicCall('opinions:track', { code: trackingCode });
  expect(tracked).toMatchObject({ status: 'answered', answer: '三盏路灯已全部换好' });
  expect(problems.filter((p) => /@deputy|opinions|namedActions|JS/i.test(p))).toEqual([]);
  await phone.close();
});
