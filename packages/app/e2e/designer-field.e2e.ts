/**
 * The pages the suite installs (issue #7), as people use them:
 *  1. the administrator adds a field 活动地点 to duty records and puts it on 我的履职's form in NocoBase's
 *     UI editor; a deputy then sees the field, fills it in and submits; the record stores the value;
 *  2. each role sees exactly its menus (a deputy has no 积分管理, station staff no 我的履职).
 * The collection field is added through the collection manager's HTTP API (collections/dutyRecords/fields)
 * and granted to the deputy role through the permission records 角色和权限 edits; the form is changed in
 * the browser, in the UI editor.
 */
import type { Browser } from 'playwright-core';
import {
  ADMIN,
  apiAs,
  formItem,
  installedPage,
  launchBrowser,
  pick,
  q,
  screenshot,
  signInThroughUI,
  stationWithDeputy,
  watchProblems,
} from './support';

let browser: Browser;
let api: Awaited<ReturnType<typeof apiAs>>;
let deputyLogin: { username: string; password: string };
let staffAccount: { username: string; password: string };
const stamp = Date.now() % 1e6;
const FIELD = `location${stamp}`;
const LABEL = `活动地点${stamp}`;
const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };

beforeAll(async () => {
  browser = await launchBrowser();
  api = await apiAs(ADMIN.account, ADMIN.password);
  const arranged = await stationWithDeputy(api, stamp, { head: '站长', station: '金江镇联络站', deputy: '陈代表' });
  staffAccount = arranged.head;
  deputyLogin = arranged.login;
});

afterAll(async () => {
  await browser?.close();
});

it('an administrator adds 活动地点 to the duty record form in the UI editor; a deputy fills it in', async () => {
  // The collection field, through the collection manager's API (the suite's collections are registered there).
  // A field of this run's own (the test can run again against the same app).
  await api('collections/dutyRecords/fields:create', {
    name: FIELD,
    type: 'string',
    interface: 'input',
    uiSchema: { title: LABEL, type: 'string', 'x-component': 'Input' },
  });
  // A new field is not in the deputy role's field list for "create" until 角色和权限 grants it.
  const [resource] = await api(
    'dataSourcesRolesResources:list',
    undefined,
    q({ roleName: 'deputy', name: 'dutyRecords', dataSourceKey: 'main' }),
  );
  const [create] = await api(
    'dataSourcesRolesResourcesActions:list',
    undefined,
    q({ rolesResourceId: resource.id, name: 'create' }),
  );
  if (!create.fields.includes(FIELD)) {
    await api(`dataSourcesRolesResourcesActions:update?filterByTk=${create.id}`, { fields: [...create.fields, FIELD] });
  }

  const myDuty = await installedPage(api, 'duty-points.my-duty');
  const admin = await browser.newPage({ viewport: DESKTOP });
  await signInThroughUI(admin, ADMIN.account, ADMIN.password);
  await admin.goto(myDuty);
  const form = admin.locator('.ant-card').filter({ hasText: '填报履职记录' }).first();
  await form.waitFor({ timeout: 60000 });
  await formItem(admin, '积分项目').waitFor({ timeout: 60000 });
  await screenshot(admin, 'designer-my-duty-before-desktop');
  // NocoBase's UI editor: switch it on, open the form's 字段 menu and tick 活动地点.
  await admin.getByTestId('ui-editor-button').click();
  await form.hover();
  await form.getByText('字段', { exact: true }).last().click({ timeout: 30000 });
  const saved = admin.waitForResponse(
    (r) => /flowModels:(save|attach|move)/.test(r.url()) && r.request().method() === 'POST',
    { timeout: 30000 },
  );
  await admin
    .locator('.ant-dropdown:visible, .ant-popover:visible')
    .getByText(LABEL, { exact: true })
    .first()
    .click({ timeout: 30000 });
  expect((await saved).status()).toBe(200);
  await formItem(admin, LABEL).waitFor({ timeout: 30000 });
  await admin.keyboard.press('Escape');
  await screenshot(admin, 'designer-my-duty-editing-desktop');
  await admin.getByTestId('ui-editor-button').click();
  await admin.close();

  // The deputy, on a phone, sees the new field, fills in the record and submits it.
  const deputy = await browser.newPage({ viewport: PHONE });
  const problems = watchProblems(deputy);
  await signInThroughUI(deputy, deputyLogin.username, deputyLogin.password);
  await deputy.goto(myDuty);
  await formItem(deputy, LABEL).waitFor({ timeout: 60000 });
  const place = `金江镇人大代表之家-${stamp}`;
  await pick(deputy, '积分项目', '参加履职培训');
  // The phone's date picker opens on today's date: confirm it.
  await formItem(deputy, '日期').locator('input').first().click({ force: true });
  await deputy.getByText('确定', { exact: true }).last().click();
  await formItem(deputy, LABEL).locator('input').fill(place);
  await screenshot(deputy, 'designer-my-duty-deputy-filled-mobile');
  const created = deputy.waitForResponse((r) => r.url().includes('dutyRecords:create'), { timeout: 30000 });
  await deputy
    .locator('.ant-card')
    .filter({ hasText: '填报履职记录' })
    .first()
    .getByRole('button', { name: /保存草稿/ })
    .click();
  expect((await created).status()).toBe(200);
  await screenshot(deputy, 'designer-my-duty-deputy-submitted-mobile');
  await deputy.close();

  const stored = await api('dutyRecords:list', undefined, q({ [FIELD]: place }));
  expect(stored).toHaveLength(1);
  expect(stored[0][FIELD]).toBe(place);
  expect(problems.filter((p) => /@deputy|dutyRecords/i.test(p))).toEqual([]);
});

it('shows each role exactly its menus', async () => {
  const expectations = [
    {
      who: 'deputy',
      account: deputyLogin.username,
      password: deputyLogin.password,
      sees: ['我的履职'],
      hidden: ['积分管理', '履职审核', '积分排行', '代表信息', '系统设置'],
    },
    {
      who: 'staff',
      account: staffAccount.username,
      password: staffAccount.password,
      sees: ['代表信息', '联络站', '履职审核', '积分排行'],
      hidden: ['积分管理', '我的履职', '系统设置'],
    },
    {
      who: 'admin',
      account: ADMIN.account,
      password: ADMIN.password,
      sees: ['代表信息', '联络站', '系统设置', '我的履职', '履职审核', '积分管理', '积分排行'],
      hidden: [],
    },
  ];
  for (const e of expectations) {
    for (const [label, viewport] of [
      ['desktop', DESKTOP],
      ['mobile', PHONE],
    ] as const) {
      const page = await browser.newPage({ viewport });
      await signInThroughUI(page, e.account, e.password);
      // The suite's group opens its pages in the side menu (on a phone, behind the menu button).
      await page.goto(
        await installedPage(api, e.sees[0] === '我的履职' ? 'duty-points.my-duty' : 'deputies.directory'),
      );
      if (label === 'mobile') {
        const toggle = page
          .locator('.ant-pro-global-header-collapsed-button, [aria-label="menu-unfold"], [aria-label="menu"]')
          .first();
        if (await toggle.isVisible().catch(() => false)) await toggle.click();
      }
      if (label === 'desktop') {
        await page.getByText('代表履职', { exact: true }).first().waitFor({ timeout: 60000 });
        for (const title of e.sees)
          await page.getByRole('menuitem').filter({ hasText: title }).first().waitFor({ timeout: 30000 });
      } else {
        await page.waitForLoadState('networkidle');
      }
      for (const title of e.hidden)
        expect(
          await page.getByRole('menuitem').filter({ hasText: title }).count(),
          `${e.who} must not see ${title}`,
        ).toBe(0);
      await screenshot(page, `menus-${e.who}-${label}`);
      await page.close();
    }
  }
});
