/**
 * The review in NocoBase's task centre: a deputy's submitted record becomes the station head's task, titled
 * with who, what and when; the head opens it, writes a comment and clicks 通过; the record is approved and
 * its points posted.
 */
import type { Browser } from 'playwright-core';
import { ADMIN, apiAs, BASE_URL, launchBrowser, screenshot, signInThroughUI, watchProblems } from './support';

let browser: Browser;

beforeAll(async () => {
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
});

const shanghaiToday = () => new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 10);

it('lets the station head approve a duty record from the task centre', async () => {
  const api = await apiAs(ADMIN.account, ADMIN.password);
  const stamp = Date.now() % 1e6;
  const headPassword = `Head-${stamp}-Pass1`;
  const head = await api('users:create', {
    username: `taskhead${stamp}`,
    nickname: '龙站长',
    password: headPassword,
    roles: ['station-staff'],
  });
  const station = await api('liaisonStations:create', {
    name: `小冀镇联络站-${stamp}`,
    headId: head.id,
    staff: [head.id],
  });
  const deputy = await api('deputies:create', {
    name: '唐代表',
    phone: `133${String(stamp).padStart(8, '0')}`,
    stationId: station.id,
  });
  const [item] = await api(
    'dutyItems:list',
    undefined,
    'filter=' + encodeURIComponent(JSON.stringify({ code: 'D04' })),
  );
  const record = await api('dutyRecords:create', {
    deputyId: deputy.id,
    itemId: item.id,
    date: shanghaiToday(),
    description: '参加县人大代表履职培训',
  });
  await api(`dutyRecords:submit?filterByTk=${record.id}`, {});

  const asHead = await apiAs(head.username, headPassword);
  let task: any;
  for (let i = 0; i < 60 && !task; i++) {
    const tasks = await asHead(
      'workflowManualTasks:listMine',
      undefined,
      `pageSize=50&filter=${encodeURIComponent(JSON.stringify({ status: 0 }))}&appends=${encodeURIComponent('execution')}`,
    );
    task = (tasks ?? []).find((t: any) => t.execution?.context?.data?.id === record.id);
    if (!task) await new Promise((r) => setTimeout(r, 1000));
  }
  expect(task?.title).toBe(`审核：唐代表 · 参加履职培训 · ${shanghaiToday()}`);

  const tab = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  const problems = watchProblems(tab);
  await signInThroughUI(tab, head.username, headPassword);
  await tab.goto(`${BASE_URL}/admin/workflow/tasks/manual/pending/${task.id}`);
  const approve = tab.getByRole('button', { name: /通\s*过/ });
  await approve.waitFor({ timeout: 60000 });
  await tab.locator('textarea').first().fill('材料齐全，同意');
  await screenshot(tab, 'task-centre-review');
  await approve.click();
  let status = '';
  for (let i = 0; i < 60 && status !== 'approved'; i++) {
    status = (await api(`dutyRecords:get?filterByTk=${record.id}`)).status;
    if (status !== 'approved') await new Promise((r) => setTimeout(r, 1000));
  }
  expect(status).toBe('approved');
  const stored = await api(`dutyRecords:get?filterByTk=${record.id}`);
  expect(stored.reviewComment).toBe('材料齐全，同意');
  expect(stored.awardedPoints).toBe(3);
  expect(problems.filter((p) => /@deputy/i.test(p))).toEqual([]);
  await tab.close();
});
