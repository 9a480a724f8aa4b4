import { agentHttp, createWholeSuiteServer } from '@deputy/test-helpers';
import { MockServer } from '@nocobase/test';
import fs from 'fs';
import {
  buildWorld,
  Matrix,
  runMatrix,
  EXPECTED_PERMISSIONS_FILE,
} from '@deputy/test-helpers/security/permissions-matrix';

const EXPECTED = EXPECTED_PERMISSIONS_FILE;

/**
 * Every role × every resource and action of the suite through the HTTP API (ACL on), compared with the
 * expected matrix. The same runner checks the started app in the browser stage of `npm test`.
 */
describe('permissions matrix (roles × resources × actions)', () => {
  let app: MockServer;

  beforeAll(async () => {
    app = await createWholeSuiteServer({ username: 'matrix-admin', password: 'Matrix-Admin-1' });
  });

  afterAll(async () => {
    await app?.destroy();
  });

  it('allows exactly what the expected matrix allows, and nothing more', async () => {
    const http = agentHttp(app, 'zh-CN');
    const expected: Matrix = JSON.parse(fs.readFileSync(EXPECTED, 'utf8'));
    const world = await buildWorld(http, 'matrix-admin', 'Matrix-Admin-1');
    const result = await runMatrix(http, world, expected);
    if (process.env.WRITE_PERMISSIONS_MATRIX)
      fs.writeFileSync(process.env.WRITE_PERMISSIONS_MATRIX, JSON.stringify(result.actual, null, 2) + '\n');
    console.log(
      `permissions matrix: ${result.calls} calls, ${result.allowed} allowed, ${result.refused} refused, ${result.unexpectedAllows.length} unexpected allows, ${result.unexpectedRefusals.length} unexpected refusals`,
    );
    expect(result.missing).toEqual([]);
    expect(result.unexpectedAllows).toEqual([]);
    expect(result.unexpectedRefusals).toEqual([]);
  }, 600000);
});
