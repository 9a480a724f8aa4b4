/**
 * `npm start` facing bad conditions: each says what is wrong in one line, exits non-zero and changes no data.
 * (The happy path — first install, reuse on the second start, Ctrl-C — is exercised by scripts/test.js,
 * which starts the app for the browser tests that way.)
 */
import { spawnSync } from 'child_process';
import fs from 'fs';
import net from 'net';
import os from 'os';
import path from 'path';
import { Client } from 'pg';

const ROOT = path.resolve(__dirname, '../../..');
const PG = {
  host: process.env.E2E_PG_HOST || '127.0.0.1',
  port: Number(process.env.E2E_PG_PORT || 5432),
  user: process.env.E2E_PG_USER || 'postgres',
  password: process.env.E2E_PG_PASSWORD || '',
};

function start(env: Record<string, string>) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'deputy-start-'));
  const r = spawnSync(process.execPath, [path.join(ROOT, 'scripts/start.js')], {
    cwd: ROOT,
    env: { ...process.env, DEPUTY_ENV_FILE: path.join(dir, '.env'), STORAGE_PATH: dir, ...env },
    encoding: 'utf8',
    timeout: 120000,
  });
  const errors = r.stderr.split('\n').filter((l) => l.includes('cannot start'));
  return { status: r.status, errors, stderr: r.stderr, dir };
}

async function pgAdmin() {
  const client = new Client({ ...PG, database: 'postgres' });
  await client.connect();
  return client;
}

describe('npm start refuses bad conditions in one line', () => {
  it('says the app port is in use', async () => {
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, '0.0.0.0', () => resolve()));
    const port = (server.address() as net.AddressInfo).port;
    try {
      const r = start({ APP_PORT: String(port), DB_DIALECT: 'postgres', DB_HOST: '127.0.0.1', DB_PORT: '1' });
      expect(r.status).toBe(1);
      expect(r.errors).toHaveLength(1);
      expect(r.errors[0]).toContain(`port ${port} is in use`);
      expect(r.errors[0]).toContain('APP_PORT');
    } finally {
      server.close();
    }
  });

  it('says the database cannot be reached', () => {
    const r = start({
      APP_PORT: '13197',
      DB_DIALECT: 'postgres',
      DB_HOST: '127.0.0.1',
      DB_PORT: '1',
      DB_DATABASE: 'nowhere',
      DB_USER: 'x',
    });
    expect(r.status).toBe(1);
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]).toMatch(/cannot reach the postgres database "nowhere" at 127\.0\.0\.1:1 \(ECONNREFUSED\)/);
  });

  it('refuses an unsupported dialect', () => {
    const r = start({ APP_PORT: '13198', DB_DIALECT: 'oracle' });
    expect(r.status).toBe(1);
    expect(r.errors[0]).toContain('DB_DIALECT=oracle is not supported');
  });

  it('stops at a half-finished first install and keeps its tables', async () => {
    const database = `deputy_half_${process.pid}`;
    const admin = await pgAdmin();
    await admin.query(`DROP DATABASE IF EXISTS "${database}"`);
    await admin.query(`CREATE DATABASE "${database}"`);
    const db = new Client({ ...PG, database });
    await db.connect();
    // What an interrupted install leaves: NocoBase tables, but no applicationVersion row.
    await db.query('CREATE TABLE collections (name varchar(255))');
    await db.query(`INSERT INTO collections VALUES ('kept')`);
    await db.query('CREATE TABLE "applicationVersion" (id serial, value varchar(255))');
    try {
      const r = start({
        APP_PORT: '13199',
        DB_DIALECT: 'postgres',
        DB_HOST: PG.host,
        DB_PORT: String(PG.port),
        DB_USER: PG.user,
        DB_PASSWORD: PG.password,
        DB_DATABASE: database,
      });
      expect(r.status).toBe(1);
      expect(r.errors).toHaveLength(1);
      expect(r.errors[0]).toContain('half-finished first install');
      expect(r.errors[0]).toContain('npm start -- --reinstall');
      const rows = await db.query('SELECT name FROM collections');
      expect(rows.rows).toEqual([{ name: 'kept' }]);
    } finally {
      await db.end();
      await admin.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
      await admin.end();
    }
  });
});
