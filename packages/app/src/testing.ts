/**
 * Test support shared by the suite's server tests: a real NocoBase app (createMockServer, ACL on) with
 * the built-in plugins the suite relies on, plus helpers to make users with roles and sign in as them.
 */
import { pageHash, PluginPages } from '@deputy/plugin-deputies';
import { createMockServer, MockServer } from '@nocobase/test';

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

export async function createSuiteServer(suitePlugins: string[], extraBuiltIns: string[] = []): Promise<MockServer> {
  return createMockServer({
    acl: true,
    plugins: [...BASE_PLUGINS, ...extraBuiltIns, ...suitePlugins],
  });
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
  const { builtIn } = require('@nocobase/preset-nocobase/package.json');
  const repo = app.db.getRepository('applicationPlugins');
  for (const packageName of builtIn as string[]) {
    const name = packageName.replace(/^@nocobase\/plugin-/, '');
    await repo.updateOrCreate({ filterKeys: ['name'], values: { name, packageName, enabled: true, installed: true } });
  }
}

/** Keys of a plugin's pages whose built snapshot does not fit this app (`npm run build:pages` makes them fit). */
export function pagesWithoutSnapshot(app: MockServer, pluginName: string): string[] {
  const { pages, options } = (app.pm.get(pluginName) as any).pageSpecs() as PluginPages;
  return pages.filter((page) => options.snapshots?.pages?.[page.key]?.hash !== pageHash(app, page, options)).map((page) => page.key);
}
