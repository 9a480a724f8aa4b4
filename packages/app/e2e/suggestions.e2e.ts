/**
 * 代表建议 in the installed pages (issue #20): a deputy on a 390×844 phone writes a suggestion on 我的建议 and
 * submits it for the joint review; the office, at 1440×900 on 代表建议, registers it (联审, with the session's next
 * number) and assigns it to a lead unit (交办), then records the unit's reply with its result code (登记答复); the
 * deputy, on the phone again, finds the reply under 办理与反馈 and gives her feedback, which closes it.
 */
import {
  ADMIN,
  apiAs,
  formItem,
  installedPage,
  label,
  pick,
  q,
  screenshot,
  signInThroughUI,
  stationWithDeputy,
  step,
  until,
  useBrowser,
  watchProblems,
} from './support';

const browser = useBrowser();

it('a deputy files a suggestion on her phone; the office registers, assigns and records the reply; she gives feedback', async () => {
  const api = await apiAs(ADMIN.account, ADMIN.password);
  const stamp = Date.now() % 1e6;
  const { login } = await stationWithDeputy(api, stamp, {
    head: '唐站长',
    station: '浯溪街道联络站',
    deputy: '唐代表',
  });
  const session = await api('congressSessions:create', {
    code: `届会${stamp}`,
    title: `第一届人民代表大会第${stamp}次会议`,
  });
  const unit = await api('handlingUnits:create', { name: `市住房和城乡建设局-${stamp}` });
  const title = `关于改造老街排水管网的建议-${stamp}`;

  const phone = await browser().newPage({ viewport: { width: 390, height: 844 } });
  const problems = watchProblems(phone);
  await signInThroughUI(phone, login.username, login.password);
  await phone.goto(await installedPage(api, 'suggestions.mine'));
  await phone.getByRole('tab', { name: '撰写建议' }).click({ timeout: 60000 });
  await pick(phone, '所属会议', session.title);
  await formItem(phone, '标题').locator('input').fill(title);
  await formItem(phone, '正文').locator('textarea').fill('老街雨季内涝频繁，建议纳入城市更新项目统一改造。');
  await screenshot(phone, 'suggestion-write-mobile');
  const created = phone.waitForResponse((r) => r.url().includes('suggestions:create'), { timeout: 30000 });
  await phone.getByRole('button', { name: /保存草稿/ }).click();
  expect((await created).status()).toBe(200);
  await phone.getByRole('tab', { name: '我的建议' }).click();
  const card = phone.locator('.ant-list-item:visible', { hasText: title }).first();
  await card.waitFor({ timeout: 30000 });
  await step(phone, card, '提交联审');
  const [mine] = await api('suggestions:list', undefined, q({ title }));
  expect(mine.status).toBe('submitted');
  const box = await card.boundingBox();
  expect(box && box.x >= 0 && box.x + box.width <= 390).toBe(true);
  await screenshot(phone, 'suggestion-submitted-mobile');

  const desk = await browser().newPage({ viewport: { width: 1440, height: 900 } });
  await signInThroughUI(desk, ADMIN.account, ADMIN.password);
  await desk.goto(await installedPage(api, 'suggestions.handling'));
  const row = desk.locator('tr.ant-table-row:visible', { hasText: title }).first();
  await row.waitFor({ timeout: 60000 });
  await step(desk, row, '联审');
  const registered = await until(
    async () => (await api('suggestions:list', undefined, q({ title })))[0],
    (s) => s.status === 'registered',
    'the registered suggestion',
  );
  expect(registered.code).toBe(`届会${stamp}-001`);
  await step(desk, row, '交办', async (dialog) => {
    await dialog.locator('.ant-select').first().click();
    await desk.keyboard.type(unit.name);
    await desk.locator('.ant-select-dropdown:visible .ant-select-item-option', { hasText: unit.name }).click();
    await desk.keyboard.press('Escape');
  });
  await screenshot(desk, 'suggestion-assigned-desktop');
  await desk.getByRole('tab', { name: '办理' }).click();
  const part = desk.locator('tr.ant-table-row:visible', { hasText: unit.name }).first();
  await part.waitFor({ timeout: 30000 });
  await step(desk, part, '登记答复', async (dialog) => {
    await dialog.locator('textarea').fill('已将老街主街管网改造列入年度城市更新计划');
    await dialog.getByText('B 类：正在解决或列入计划').click();
  });
  await until(
    async () => (await api('suggestions:list', undefined, q({ title })))[0],
    (s) => s.status === 'answered',
    'the answered suggestion',
  );
  // 统计: NocoBase's charts over the suggestions and the replies.
  await desk.getByRole('tab', { name: '统计' }).click();
  await desk.locator('canvas').first().waitFor({ timeout: 60000 });
  await desk.getByText('主办单位答复结果（A/B/C/D）').first().waitFor();
  await screenshot(desk, 'suggestion-statistics-desktop');
  await desk.close();

  await phone.reload();
  await phone.getByRole('tab', { name: '办理与反馈' }).click({ timeout: 60000 });
  const reply = phone.locator('.ant-list-item:visible', { hasText: unit.name }).first();
  await reply.waitFor({ timeout: 30000 });
  await reply.getByText('已将老街主街管网改造列入年度城市更新计划').first().waitFor();
  await step(phone, reply, '满意度反馈', async (dialog) => {
    await dialog.getByText('基本满意').click();
  });
  const closed = await until(
    async () => (await api('suggestions:list', undefined, q({ title })))[0],
    (s) => s.status === 'closed',
    'the closed suggestion',
  );
  expect(closed.satisfaction).toBe('basic');
  // The list refreshes after the answer: the accepted reply has no feedback button left.
  await until(
    () => reply.getByRole('button', { name: label('满意度反馈') }).count(),
    (n) => n === 0,
    'the feedback button to go',
    30,
  );
  await screenshot(phone, 'suggestion-feedback-mobile');
  expect(problems.filter((p) => /@deputy|Model/i.test(p))).toEqual([]);
  await phone.close();
});
