/**
 * Test support shared by the suite's server tests: a real NocoBase app (createMockServer, ACL on) with
 * the built-in plugins the suite relies on, plus helpers to make users with roles and sign in as them.
 */
import { pageHash, PluginPages } from '@deputy/plugin-suite-core';
import type { MigrationContext } from '@nocobase/database';
import { createMockServer, MockServer } from '@nocobase/test';
import { useInstalledTemplate } from './installed-templates';
import type { Http } from './security/permissions-matrix';

/** Built-in NocoBase plugins every suite test app needs (order matters: dependencies first). */
export const BASE_PLUGINS = [
  'error-handler',
  'field-sort',
  'users',
  'auth',
  'acl',
  'data-source-main',
  'data-source-manager',
  // file-manager before system-settings: the latter stores its logo as a file on install.
  'file-manager',
  'system-settings',
  'ui-schema-storage',
];

/** The suite's core, which every domain plugin needs: always loaded first (its peerDependency). */
export const SUITE_CORE = '@deputy/plugin-suite-core';

export async function createSuiteServer(suitePlugins: string[], extraBuiltIns: string[] = []): Promise<MockServer> {
  const plugins = [
    ...BASE_PLUGINS,
    ...extraBuiltIns,
    SUITE_CORE,
    ...suitePlugins.filter((name) => name !== SUITE_CORE),
  ];
  // On PostgreSQL in `npm test`, a copy of this plugin list's installed database (installed-templates.ts).
  const installed = await useInstalledTemplate(plugins);
  return createMockServer({ acl: true, plugins, skipInstall: installed });
}

/** Creates a user holding the given roles and returns an HTTP agent signed in as that user. */
export async function signedInAs(app: MockServer, username: string, roles: string[]) {
  const user = await app.db.getRepository('users').create({
    values: { username, nickname: username, password: `${username}-Passw0rd!`, roles },
  });
  const agent = await app.agent().login(user, roles[0]);
  return { user, agent };
}

/**
 * Records the plugins a real install enables (the preset's built-in list) in applicationPlugins. flowSurfaces
 * offers blocks, fields and buttons by the packages recorded there, so pages built in a test app match the
 * real app's only after this (page snapshots, #22).
 */
export async function recordRealAppPlugins(app: MockServer) {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a JSON file outside the type check's reach
  const { builtIn } = require('@nocobase/preset-nocobase/package.json');
  const repo = app.db.getRepository('applicationPlugins');
  for (const packageName of builtIn as string[]) {
    const name = packageName.replace(/^@nocobase\/plugin-/, '');
    await repo.updateOrCreate({ filterKeys: ['name'], values: { name, packageName, enabled: true, installed: true } });
  }
}

/** Keys of a plugin's pages whose built snapshot does not fit this app (`npm run build:pages` makes them fit). */
export function pagesWithoutSnapshot(app: MockServer, pluginName: string): string[] {
  // Every suite plugin has pageSpecs() (see PluginPages); the plugin is looked up by name.
  const { pages, options } = (app.pm.get(pluginName) as unknown as { pageSpecs(): PluginPages }).pageSpecs();
  return pages
    .filter((page) => options.snapshots?.pages?.[page.key]?.hash !== pageHash(app, page, options))
    .map((page) => page.key);
}

/** A plugin's migration made as NocoBase makes it for `nocobase upgrade`, for a test to run its up() directly. */
export function migrationOf<M>(app: MockServer, MigrationClass: new (context: MigrationContext) => M): M {
  return new MigrationClass({
    db: app.db,
    app,
    sequelize: app.db.sequelize,
    queryInterface: app.db.sequelize.getQueryInterface(),
  } as MigrationContext);
}

/** A user signed in by signedInAs (its row and agent), and that agent. */
export type SignedIn = Awaited<ReturnType<typeof signedInAs>>;
export type TestAgent = SignedIn['agent'];
/** A row as the HTTP API answers it, as far as a test reads it. */
export type ApiRow = { id: number } & Record<string, unknown>;

/**
 * How each plugin's demo checks (__tests__/demo-checks.ts) call the demo town's HTTP API (demo-town.test.ts);
 * the answer's JSON is read by the checks, which say what they expect of it.
 */
export type DemoCall = (
  method: 'get' | 'post',
  url: string,
  token: string,
  body?: object,
) => PromiseLike<{ status: number; body?: { data?: unknown } }>;

/** Every plugin of the suite, as the permissions matrix and the attack generator boot them. */
export const SUITE_PLUGINS = [
  SUITE_CORE,
  '@deputy/plugin-deputies',
  '@deputy/plugin-duty-points',
  '@deputy/plugin-six-ones',
  '@deputy/plugin-pairing-aid',
  '@deputy/plugin-public-voice',
  '@deputy/plugin-suggestions',
  '@deputy/plugin-workbench',
];

/**
 * The whole suite without the workflow plugins (on SQLite their asynchronous runs collide with the writes of the
 * matrix and the attacks; the browser stage runs the matrix on the started app, workflows included), with an
 * administrator of the jurisdiction to sign in as.
 */
export async function createWholeSuiteServer(admin: { username: string; password: string }) {
  const app = await createSuiteServer(SUITE_PLUGINS);
  await app.db.getRepository('users').create({ values: { ...admin, nickname: '人大管理员', roles: ['npc-admin'] } });
  return app;
}

/** The HTTP API of a test app as the security runners call it (`Http` of security/permissions-matrix.ts). */
export function agentHttp(app: MockServer, locale: string): Http {
  return async (method, url, body, token) => {
    let req = method === 'GET' ? app.agent().get(url) : app.agent().post(url);
    req = req.set('X-Authenticator', 'basic').set('X-Locale', locale);
    if (token) req = req.set('Authorization', `Bearer ${token}`);
    const res = method === 'GET' ? await req : await req.send((body ?? {}) as object);
    return { status: res.status, body: res.body };
  };
}

/** A liaison station headed by `head` (its reviewer, and one of its staff), created by an administrator over HTTP. */
export async function stationHeadedBy(admin: TestAgent, name: string, head: SignedIn): Promise<ApiRow> {
  const res = await admin
    .resource('liaisonStations')
    .create({ values: { name, headId: head.user.id, staff: [head.user.id] } });
  if (res.status !== 200) throw new Error(`station ${name} not created: ${JSON.stringify(res.body)}`);
  return res.body.data;
}

/** A deputy of a station with the given user account, created by an administrator over HTTP. */
export async function deputyOf(admin: TestAgent, name: string, stationId: number, userId: number): Promise<ApiRow> {
  const res = await admin.resource('deputies').create({ values: { name, stationId, userId } });
  if (res.status !== 200) throw new Error(`deputy ${name} not created: ${JSON.stringify(res.body)}`);
  return res.body.data;
}

type MenuRoute = { type: string; title: string; children?: MenuRoute[] };

/** The titles of the pages in the menu an agent sees, in menu order (groups and tabs left out). */
export async function menuPagesOf(agent: TestAgent): Promise<string[]> {
  // The agent's resource() declares the standard actions only; listAccessible is desktopRoutes' own.
  const routes = agent.resource('desktopRoutes') as unknown as {
    listAccessible(params: object): PromiseLike<{ status: number; body: { data: MenuRoute[] } }>;
  };
  const res = await routes.listAccessible({ tree: true, sort: 'sort' });
  if (res.status !== 200) throw new Error(`desktopRoutes:listAccessible answered ${res.status}`);
  const titles: string[] = [];
  const walk = (list: MenuRoute[]) =>
    list.forEach((r) => (!['tabs', 'group'].includes(r.type) && titles.push(r.title), walk(r.children ?? [])));
  walk(res.body.data);
  return titles;
}
