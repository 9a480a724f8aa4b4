/**
 * A deputy's first sign-in, on a phone, to the first record sent to review (issue #19): the account has the
 * initial password an administrator handed out; before anything else a dialog that cannot be dismissed asks
 * for her own password; she stays signed in after changing it (no sign-in page, no English error), and her
 * first record is saved and sent to review without a "change your initial password" refusal.
 */
import {
  ADMIN,
  apiAs,
  formItem,
  installedPage,
  pick,
  saveDraft,
  screenshot,
  signInThroughUI,
  stationWithHead,
  submitFirstRecord,
  useBrowser,
  watchProblems,
} from './support';

const browser = useBrowser();
const PHONE = { width: 390, height: 844 };

it('a deputy signs in with the initial password, must choose her own first, stays signed in and sends her first record to review', async () => {
  const api = await apiAs(ADMIN.account, ADMIN.password);
  const stamp = Date.now() % 1e6;
  // Her station's head reviews what she sends.
  const { station } = await stationWithHead(
    api,
    { username: `firsthead${stamp}`, nickname: '向站长', password: `Head-${stamp}-Pass3` },
    { name: `石门乡联络站-${stamp}` },
  );
  const mobile = `136${String(stamp).padStart(8, '0')}`;
  const deputy = await api('deputies:create', { name: `覃代表${stamp}`, phone: mobile, stationId: station.id });
  const account = await api(`deputies:createAccount?filterByTk=${deputy.id}`, {});
  const myDuty = await installedPage(api, 'duty-points.my-duty');

  const phone = await browser().newPage({ viewport: PHONE });
  const problems = watchProblems(phone);
  const refused: string[] = [];
  phone.on('response', (r) => r.status() === 401 && refused.push(r.url().replace(/^.*\/api\//, '')));
  // She signs in with her mobile number and the initial password from the office.
  await signInThroughUI(phone, mobile, account.initialPassword);
  const dialog = phone.locator('.ant-modal:visible', { hasText: '请设置您自己的密码' });
  await dialog.waitFor({ timeout: 60000 });
  // It cannot be dismissed: no close button, Escape leaves it open.
  expect(await dialog.locator('.ant-modal-close').count()).toBe(0);
  await phone.keyboard.press('Escape');
  await dialog.waitFor({ state: 'visible', timeout: 5000 });
  await screenshot(phone, 'first-sign-in-1-choose-password-mobile');

  const own = `Qin-${stamp}-Pass7`;
  await formItem(phone, '初始密码').locator('input').fill(account.initialPassword);
  await formItem(phone, '新密码').locator('input').fill(own);
  await formItem(phone, '再次输入新密码').locator('input').fill(own);
  const changed = phone.waitForResponse((r) => r.url().includes('auth:changePassword'), { timeout: 30000 });
  const signedInAgain = phone.waitForResponse((r) => r.url().includes('auth:signIn'), { timeout: 30000 });
  await dialog.getByRole('button', { name: /保存新密码/ }).click();
  expect((await changed).status()).toBe(200);
  expect((await signedInAgain).status()).toBe(200);
  // Reloaded, still signed in (not sent to the sign-in page), and the dialog does not come back.
  await phone.waitForLoadState('load');
  await phone.waitForTimeout(2000);
  expect(phone.url()).not.toContain('/signin');
  expect(await phone.locator('.ant-modal:visible', { hasText: '请设置您自己的密码' }).count()).toBe(0);
  // The new password is hers: it signs in; the initial one no longer does.
  await apiAs(mobile, own);
  await expect(apiAs(mobile, account.initialPassword)).rejects.toThrow();

  // Her first record: saved as a draft, then sent to review — no refusal about the initial password.
  await phone.goto(myDuty);
  await formItem(phone, '积分项目').waitFor({ timeout: 60000 });
  await pick(phone, '积分项目', '参加履职培训');
  await formItem(phone, '日期').locator('input').first().click({ force: true });
  await phone.waitForTimeout(500);
  await phone.getByText('确定', { exact: true }).last().click();
  await formItem(phone, '情况说明').locator('textarea').fill('参加县人大常委会组织的新任代表履职培训');
  const draft = await saveDraft(phone);
  expect(draft.status).toBe(200);
  const recordId = draft.id;
  expect(await submitFirstRecord(phone)).toBe(200);
  expect((await api(`dutyRecords:get?filterByTk=${recordId}`)).status).toBe('submitted');
  await screenshot(phone, 'first-sign-in-2-first-record-submitted-mobile');
  // Nothing of the suite failed, and no page error (the old session's 401s while she was signed in again were
  // one: the page behind the dialog is not rendered until the password is changed).
  console.log(`[first-sign-in] 401 answers seen: ${JSON.stringify(refused)}`);
  expect(problems.filter((p) => /@deputy|dutyRecords|namedActions|page error|密码/i.test(p))).toEqual([]);
  await phone.close();
});
