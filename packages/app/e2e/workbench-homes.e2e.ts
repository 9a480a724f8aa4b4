/**
 * The homes of plugin-workbench (issue #19): a deputy signing in on a 390 px phone lands on 我的工作台 and sees
 * its draft and returned records (with the reviewer's comment) and its station's coming reception days; the
 * station's head signing in on a desktop lands on 联络站工作台 with the record waiting for review; the
 * administrator lands on 全县概览. Screenshots of each.
 */
import {
  ADMIN,
  apiAs,
  dutyItem,
  screenshot,
  shanghaiToday,
  signInThroughUI,
  stationWithDeputy,
  useBrowser,
  watchProblems,
} from './support';

const browser = useBrowser();

it('lands each role on its own home, with its own work on it; phone and desktop', async () => {
  const api = await apiAs(ADMIN.account, ADMIN.password);
  const stamp = Date.now() % 1e6;
  const { head, station, deputy, login } = await stationWithDeputy(api, stamp, {
    head: '蒋站长',
    station: '白仓镇联络站',
    deputy: '蒋代表',
  });
  const item = await dutyItem(api, 'D04');
  const draft = await api('dutyRecords:create', {
    deputyId: deputy.id,
    itemId: item.id,
    date: shanghaiToday(),
    description: `首页草稿${stamp}`,
  });
  const waiting = await api('dutyRecords:create', { deputyId: deputy.id, itemId: item.id, date: shanghaiToday() });
  await api(`dutyRecords:submit?filterByTk=${waiting.id}`, {});
  const next = new Date(Date.now() + 8 * 3600e3);
  next.setUTCDate(1);
  next.setUTCMonth(next.getUTCMonth() + 1);
  await api('receptionSessions:generateSessions', { month: next.toISOString().slice(0, 7), stationId: station.id });

  // The deputy, on a phone: 我的工作台 opens by itself after signing in.
  const phone = await browser().newPage({ viewport: { width: 390, height: 844 } });
  const phoneProblems = watchProblems(phone);
  await signInThroughUI(phone, login.username, login.password);
  const toFinish = phone.locator('.ant-card', { hasText: '待提交和被退回的记录' }).first();
  await toFinish.waitFor({ timeout: 60000 });
  await toFinish.getByText('参加履职培训').first().waitFor({ timeout: 30000 });
  await toFinish.getByText('草稿').first().waitFor();
  const days = phone.locator('.ant-card', { hasText: '本站接待日' }).first();
  await days.getByText(station.name).first().waitFor({ timeout: 30000 });
  await phone.getByText('我的工作台').first().waitFor();
  await screenshot(phone, 'home-deputy-mobile');
  expect(draft.id).toBeTruthy();
  expect(phoneProblems.filter((p) => /@deputy|workbench/i.test(p))).toEqual([]);
  await phone.close();

  // The station's head, on a desktop: 联络站工作台 with the submitted record of its deputy.
  const desk = await browser().newPage({ viewport: { width: 1440, height: 900 } });
  await signInThroughUI(desk, head.username, head.password);
  const toReview = desk.locator('.ant-card', { hasText: '待审核的履职记录' }).first();
  await toReview.waitFor({ timeout: 60000 });
  await toReview.getByText(deputy.name).first().waitFor({ timeout: 30000 });
  await desk.locator('.ant-card', { hasText: '近期接待日' }).first().getByText(station.name).first().waitFor();
  await screenshot(desk, 'home-station-desktop');
  await desk.close();

  // The administrator: 全县概览 with the periods still to publish.
  const admin = await browser().newPage({ viewport: { width: 1440, height: 900 } });
  await signInThroughUI(admin, ADMIN.account, ADMIN.password);
  // Two lists on the page, so each keeps its title (NocoBase drops the title of a page's only data block).
  await admin.locator('.ant-card', { hasText: '待公示的积分周期' }).first().waitFor({ timeout: 60000 });
  await admin.locator('.ant-card', { hasText: '待处理的错重漏申诉' }).first().waitFor();
  await screenshot(admin, 'home-county-desktop');
  await admin.close();
});
