/**
 * The permissions matrix on the started app (PostgreSQL, workflows on, as installed): every role × every
 * resource and action of the suite through the HTTP API, compared with the expected matrix.
 */
import fs from 'fs';
import { fetchHttp } from '@deputy/test-helpers/security/http-attack-env';
import {
  buildWorld,
  Http,
  Matrix,
  runMatrix,
  EXPECTED_PERMISSIONS_FILE,
} from '@deputy/test-helpers/security/permissions-matrix';
import { ADMIN, BASE_URL } from './support';

const EXPECTED = EXPECTED_PERMISSIONS_FILE;

it('allows exactly what the expected matrix allows on the started app', async () => {
  const http: Http = fetchHttp(BASE_URL, 'zh-CN', 'follow');
  // The suite's administrator role, as a county office would give it to its staff.
  const password = `Matrix-${Date.now() % 1e6}-Admin1`;
  const admin = await http('POST', '/auth:signIn', { account: ADMIN.account, password: ADMIN.password });
  const username = `npcadmin${Date.now() % 1e6}`;
  const created = await http(
    'POST',
    '/users:create',
    { username, nickname: '人大管理员', password, roles: ['npc-admin'] },
    admin.body.data.token,
  );
  expect(created.status).toBe(200);
  const expected: Matrix = JSON.parse(fs.readFileSync(EXPECTED, 'utf8'));
  const world = await buildWorld(http, username, password);
  const result = await runMatrix(http, world, expected);
  console.log(
    `permissions matrix on the started app: ${result.calls} calls, ${result.allowed} allowed, ${result.refused} refused, ` +
      `${result.unexpectedAllows.length} unexpected allows, ${result.unexpectedRefusals.length} unexpected refusals`,
  );
  expect(result.missing).toEqual([]);
  expect(result.unexpectedAllows).toEqual([]);
  expect(result.unexpectedRefusals).toEqual([]);
});
