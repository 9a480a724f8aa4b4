/**
 * The review in NocoBase's task centre: a deputy's submitted record becomes the station head's task, titled
 * with who, what and when; the head opens it, writes a comment and clicks 通过; the record is approved and
 * its points posted.
 */
import {
  ADMIN,
  apiAs,
  BASE_URL,
  dutyItem,
  reviewTaskOf,
  screenshot,
  shanghaiToday,
  signInThroughUI,
  stationWithHead,
  untilStatus,
  useBrowser,
  watchProblems,
} from './support';

const browser = useBrowser();

it('lets the station head approve a duty record from the task centre', async () => {
  const api = await apiAs(ADMIN.account, ADMIN.password);
  const stamp = Date.now() % 1e6;
  const { head, station } = await stationWithHead(
    api,
    { username: `taskhead${stamp}`, nickname: '龙站长', password: `Head-${stamp}-Pass1` },
    { name: `小冀镇联络站-${stamp}` },
  );
  const deputy = await api('deputies:create', {
    name: '唐代表',
    phone: `133${String(stamp).padStart(8, '0')}`,
    stationId: station.id,
  });
  const item = await dutyItem(api, 'D04');
  const record = await api('dutyRecords:create', {
    deputyId: deputy.id,
    itemId: item.id,
    date: shanghaiToday(),
    description: '参加县人大代表履职培训',
  });
  await api(`dutyRecords:submit?filterByTk=${record.id}`, {});

  const task = await reviewTaskOf(await apiAs(head.username, head.password), record.id);
  // Titled with the level: 审核 as installed, 联络站审核 (the level's name) once the levels have been edited on
  // 积分管理 › 审核级别 — as review-levels.e2e does before this file in the same app.
  expect(task.title).toMatch(new RegExp(`^(联络站)?审核：唐代表 · 参加履职培训 · ${shanghaiToday()}$`));

  const tab = await browser().newPage({ viewport: { width: 1280, height: 800 } });
  const problems = watchProblems(tab);
  await signInThroughUI(tab, head.username, head.password);
  await tab.goto(`${BASE_URL}/admin/workflow/tasks/manual/pending/${task.id}`);
  const approve = tab.getByRole('button', { name: /通\s*过/ });
  await approve.waitFor({ timeout: 60000 });
  await tab.locator('textarea').first().fill('材料齐全，同意');
  await screenshot(tab, 'task-centre-review');
  await approve.click();
  expect(await untilStatus(api, record.id, 'approved')).toBe('approved');
  const stored = await api(`dutyRecords:get?filterByTk=${record.id}`);
  expect(stored.reviewComment).toBe('材料齐全，同意');
  expect(stored.awardedPoints).toBe(3);
  expect(problems.filter((p) => /@deputy/i.test(p))).toEqual([]);
  await tab.close();
});
