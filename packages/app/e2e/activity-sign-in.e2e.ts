/**
 * 联络站活动 and 活动签到 (issue #19): the station's head finds the day's approved activity on 联络站活动 (the
 * calendar, and the list with its sign-in code), opens its 签到二维码 card and prints it; a deputy who is not
 * signed in scans the card on a 390 px phone, signs in, presses the 活动签到 tile of her home — the code is filled
 * in — and gets the approved record it became; a second try is refused in zh-CN.
 */
import {
  ADMIN,
  apiAs,
  BASE_URL,
  confirmDialog,
  dutyItem,
  installedPage,
  q,
  screenshot,
  shanghaiToday,
  signInThroughUI,
  stationWithDeputy,
  until,
  useBrowser,
  watchProblems,
} from './support';

const browser = useBrowser();

it('the head prints the activity’s QR card on 联络站活动; a deputy scans it and signs in from her home’s tile', async () => {
  const api = await apiAs(ADMIN.account, ADMIN.password);
  const stamp = Date.now() % 1e6;
  const { head, station, deputy, login } = await stationWithDeputy(api, stamp, {
    head: '周站长',
    station: '长湖乡联络站',
    deputy: '周代表',
  });
  const item = await dutyItem(api, 'D03');
  const title = `集中学习-${stamp}`;
  const activity = await api('dutyActivities:create', {
    title,
    itemId: item.id,
    stationId: station.id,
    date: shanghaiToday(),
    place: '长湖乡联络站',
  });
  await api(`dutyActivities:update?filterByTk=${activity.id}`, { status: 'approved' });
  const { signInCode } = await api(`dutyActivities:get?filterByTk=${activity.id}`);

  // The head: the activity on the list tab, with the code to show on site.
  const desk = await browser().newPage({ viewport: { width: 1440, height: 900 } });
  const deskProblems = watchProblems(desk);
  await signInThroughUI(desk, head.username, head.password);
  await desk.goto(await installedPage(api, 'duty-points.activities'));
  await desk.getByRole('tab', { name: '日历' }).waitFor({ timeout: 60000 });
  // Today's activity on NocoBase's calendar, under its title.
  await desk.locator('.rbc-calendar').getByText(title).first().waitFor({ timeout: 60000 });
  await screenshot(desk, 'activities-calendar-desktop');
  await desk.getByRole('tab', { name: '活动列表' }).click();
  const row = desk.locator('tr.ant-table-row', { hasText: title });
  await row.waitFor({ timeout: 60000 });
  await row.getByText(signInCode).waitFor();
  await row.getByText('已通过').waitFor();
  await screenshot(desk, 'activities-list-desktop');
  // 签到二维码: the QR card of the link the deputy's phone opens, with the code, printable.
  await row.getByRole('button', { name: /签到二维码/ }).click();
  const card = desk.getByRole('dialog').last();
  await card.getByText(signInCode, { exact: true }).waitFor();
  // Drawn, not still zooming in (a screenshot taken then shows the mask only).
  await desk.locator('.ant-zoom-appear, .ant-zoom-enter').waitFor({ state: 'detached' });
  expect(await card.locator('svg').count()).toBeGreaterThan(0);
  await screenshot(desk, 'activity-qr-card-desktop');
  const [printed] = await Promise.all([
    desk.context().waitForEvent('page'),
    card.getByRole('button', { name: /打\s*印/ }).click(),
  ]);
  await printed.waitForLoadState();
  expect(await printed.locator('svg').count()).toBeGreaterThan(0);
  expect(await printed.textContent('body')).toContain(signInCode);
  await printed.close();
  expect(deskProblems.filter((p) => /@deputy|Calendar/i.test(p))).toEqual([]);
  await desk.close();

  // The deputy's phone opens the card's link before she is signed in: NocoBase asks her to sign in first and
  // then opens her home, whose first tile, 活动签到, has the scanned code filled in.
  const phone = await browser().newPage({ viewport: { width: 390, height: 844 } });
  const problems = watchProblems(phone);
  await phone.goto(`${BASE_URL}/admin?signIn=${signInCode}`);
  await phone.waitForURL(/\/signin\?redirect=/, { timeout: 60000 });
  await phone.getByPlaceholder('手机号/用户名/邮箱').waitFor();
  // Nothing refused in red before she typed anything (the suite keeps NocoBase's signed-out 401s quiet).
  await phone.waitForLoadState('networkidle');
  expect(await phone.getByText('未认证').count()).toBe(0);
  await phone.getByPlaceholder('手机号/用户名/邮箱').fill(login.username);
  await phone.getByPlaceholder('密码').fill(login.password);
  await phone.getByRole('button', { name: /登\s*录/ }).click();
  // .first(): the tile comes before any dialog (titled 活动签到 too) in the page.
  const tile = phone.getByText('活动签到', { exact: true }).first();
  await tile.waitFor({ timeout: 60000 });
  // On the phone's first screen, not below the lists; and no "未认证" toast left from before she signed in.
  expect((await tile.boundingBox())!.y).toBeLessThan(844);
  expect(await phone.getByText('未认证').count()).toBe(0);
  await screenshot(phone, 'deputy-home-sign-in-tile-phone');
  const signInOnce = async (typed?: string) => {
    await tile.click();
    const dialog = phone.getByRole('dialog').last();
    await dialog.getByText('输入联络站在活动现场出示的签到码').waitFor();
    const input = dialog.getByPlaceholder('签到码');
    if (typed === undefined) expect(await input.inputValue()).toBe(signInCode);
    else await input.fill(typed);
    const answered = phone.waitForResponse((r) => r.url().includes('namedActions:run'), { timeout: 60000 });
    await confirmDialog(phone);
    return answered;
  };
  expect((await signInOnce()).status()).toBe(200);
  await phone.getByText('签到成功').waitFor();
  const attendances = () =>
    api(
      'activityAttendances:list',
      undefined,
      `${q({ deputyId: deputy.id, activityId: activity.id })}&appends[]=record`,
    );
  const [attendance] = await until(attendances, (rows) => rows.length === 1, 'the attendance of the sign-in');
  expect(attendance.record).toMatchObject({ status: 'approved', itemId: item.id, deputyId: deputy.id });
  await screenshot(phone, 'activity-sign-in-phone');
  // Signed in already (the code typed in lower case, as read from a notice): refused with the reason, nothing
  // more stored.
  const again = await signInOnce(signInCode.toLowerCase());
  expect(again.status()).toBe(400);
  await phone.getByText('您已签到过该活动').waitFor();
  expect(await attendances()).toHaveLength(1);
  expect(problems.filter((p) => /@deputy/i.test(p))).toEqual([]);
  await phone.close();
});
