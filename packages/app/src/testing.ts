/**
 * Test support shared by the suite's server tests: a real NocoBase app (createMockServer, ACL on) with
 * the built-in plugins the suite relies on, plus helpers to make users with roles and sign in as them.
 */
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
