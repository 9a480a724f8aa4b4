/**
 * Every page the suite installs opens for the roles it is meant for, on a desktop and on a 390 px phone,
 * with its blocks rendered and nothing broken in the console; a screenshot of each goes to the screenshots
 * folder for reviewers (issue #7).
 */
import {
  ADMIN,
  apiAs,
  BASE_URL,
  screenshot,
  signInThroughUI,
  stationWithDeputy,
  useBrowser,
  watchProblems,
} from './support';

const browser = useBrowser();
const VIEWPORTS = [
  ['desktop', { width: 1280, height: 800 }],
  ['mobile', { width: 390, height: 844 }],
] as const;

it('opens every installed page for its roles, desktop and phone', async () => {
  const api = await apiAs(ADMIN.account, ADMIN.password);
  const stamp = Date.now() % 1e6;
  const { head, login } = await stationWithDeputy(api, stamp, {
    head: '谭站长',
    station: '石湾镇联络站',
    deputy: '谭代表',
  });
  // The suite's menu group is recorded too; its pages are what opens.
  const marks: any[] = (await api('suitePages:list', undefined, 'paginate=false')).filter(
    (m: any) => m.key !== 'group',
  );
  expect(marks.length).toBeGreaterThanOrEqual(11);

  const people = [
    { who: 'admin', account: ADMIN.account, password: ADMIN.password, sees: (_roles: string[]) => true },
    {
      who: 'staff',
      account: head.username,
      password: head.password,
      sees: (roles: string[]) => roles.includes('station-staff'),
    },
    {
      who: 'deputy',
      account: login.username,
      password: login.password,
      sees: (roles: string[]) => roles.includes('deputy'),
    },
  ];
  const roleOf: Record<string, string[]> = Object.fromEntries(
    (
      await api(
        'desktopRoutes:list',
        undefined,
        `paginate=false&appends=roles&filter=${encodeURIComponent(JSON.stringify({ id: { $in: marks.map((m) => m.routeId) } }))}`,
      )
    ).map((r: any) => [r.id, (r.roles ?? []).map((role: any) => role.name)]),
  );
  let shots = 0;
  for (const person of people) {
    for (const [label, viewport] of VIEWPORTS) {
      const page = await browser().newPage({ viewport });
      const problems = watchProblems(page);
      await signInThroughUI(page, person.account, person.password);
      let loaded = false;
      for (const mark of marks) {
        if (!person.sees(roleOf[mark.routeId] ?? [])) continue;
        const url = `${BASE_URL}/admin/${mark.schemaUid}`;
        if (!loaded) {
          await page.goto(url);
          loaded = true;
        } else {
          // Within the app, as a click on the menu does: the client's router changes the page without
          // loading the whole client again (a reload per page was most of this test's time, #22).
          const previous = await page.locator('.ant-card:visible').first().elementHandle();
          await page.evaluate((path) => {
            window.history.pushState({}, '', path);
            window.dispatchEvent(new PopStateEvent('popstate', { state: {} }));
          }, `/admin/${mark.schemaUid}`);
          await previous?.waitForElementState('hidden', { timeout: 30000 });
        }
        // A page is there when its first block has rendered (a card of NocoBase's block grid).
        try {
          await page.locator('.ant-card:visible').first().waitFor({ timeout: 60000 });
        } catch (e) {
          await screenshot(page, `failed-page-${mark.key}-${person.who}-${label}`);
          throw new Error(`${mark.key} did not render for ${person.who} (${label}): ${e.message}`, { cause: e });
        }
        await page.waitForLoadState('networkidle').catch(() => undefined);
        // Its blocks' data: no spinner left (after a change within the app there is no load event to wait on).
        await page
          .locator('.ant-spin-spinning:visible')
          .first()
          .waitFor({ state: 'hidden', timeout: 20000 })
          .catch(() => undefined);
        await screenshot(page, `page-${mark.key}-${person.who}-${label}`);
        shots++;
      }
      expect(
        problems.filter((p) => /@deputy|Model/i.test(p)),
        `${person.who} ${label}`,
      ).toEqual([]);
      await page.close();
    }
  }
  console.log(`[page-screenshots] ${shots} screenshots of ${marks.length} installed pages`);
  expect(shots).toBeGreaterThanOrEqual(marks.length * 2);
}, 900000);
