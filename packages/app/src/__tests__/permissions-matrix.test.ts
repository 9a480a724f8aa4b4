import { createSuiteServer } from '@deputy/app/src/testing';
import { MockServer } from '@nocobase/test';
import fs from 'fs';
import path from 'path';
import { buildWorld, Http, Matrix, runMatrix } from '../security/permissions-matrix';

const EXPECTED = path.join(__dirname, '../security/expected-permissions.json');

/**
 * Every role × every resource and action of the suite through the HTTP API (ACL on), compared with the
 * expected matrix. The same runner checks the started app in the browser stage of `npm test`.
 */
describe('permissions matrix (roles × resources × actions)', () => {
  let app: MockServer;

  beforeAll(async () => {
    // Without the workflow plugins: on SQLite their asynchronous executions would collide with the matrix's
    // writes. The browser stage runs the same matrix on the started app, workflows included.
    app = await createSuiteServer(['@deputy/plugin-deputies', '@deputy/plugin-duty-points', '@deputy/plugin-six-ones', '@deputy/plugin-pairing-aid', '@deputy/plugin-public-voice']);
    await app.db.getRepository('users').create({ values: { username: 'matrix-admin', nickname: '人大管理员', password: 'Matrix-Admin-1', roles: ['npc-admin'] } });
  });

  afterAll(async () => {
    await app?.destroy();
  });

  it('allows exactly what the expected matrix allows, and nothing more', async () => {
    const http: Http = async (method, url, body, token) => {
      let req = method === 'GET' ? app.agent().get(url) : app.agent().post(url);
      req = req.set('X-Authenticator', 'basic').set('X-Locale', 'zh-CN');
      if (token) req = req.set('Authorization', `Bearer ${token}`);
      const res = method === 'GET' ? await req : await req.send((body ?? {}) as object);
      return { status: res.status, body: res.body };
    };
    const expected: Matrix = JSON.parse(fs.readFileSync(EXPECTED, 'utf8'));
    const world = await buildWorld(http, 'matrix-admin', 'Matrix-Admin-1');
    const result = await runMatrix(http, world, expected);
    if (process.env.WRITE_PERMISSIONS_MATRIX) fs.writeFileSync(process.env.WRITE_PERMISSIONS_MATRIX, JSON.stringify(result.actual, null, 2) + '\n');
    console.log(`permissions matrix: ${result.calls} calls, ${result.allowed} allowed, ${result.refused} refused, ${result.unexpectedAllows.length} unexpected allows, ${result.unexpectedRefusals.length} unexpected refusals`);
    expect(result.missing).toEqual([]);
    expect(result.unexpectedAllows).toEqual([]);
    expect(result.unexpectedRefusals).toEqual([]);
  }, 600000);
});
