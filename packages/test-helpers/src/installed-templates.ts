/**
 * Installed-app templates on PostgreSQL: installing NocoBase with the suite takes ~17 s of a test file's boot,
 * starting an installed one ~3 s. So the first file of a run that needs a plugin list installs it once into a
 * template database, `<DEPUTY_TEST_TEMPLATE_PREFIX><hash of the list>`, and every file (that one included) gets a
 * copy of it as its worker's database (`CREATE DATABASE … TEMPLATE …`) and starts from there, exactly as a
 * restarted real app does. scripts/test.js sets the prefix and drops the templates at the start of each run, so a
 * template never outlives the code that installed it. Other dialects install as before.
 */
import { createHash } from 'crypto';
import { createMockServer } from '@nocobase/test';
import { Client } from 'pg';

/** What an install reads besides the plugin list (demo data, page snapshots): part of a template's identity. */
const INSTALL_ENV = ['DEPUTY_DEMO', 'DEPUTY_PAGE_SNAPSHOTS', 'APP_TRUST_PROXY'];

const templatePrefix = () =>
  process.env.DB_DIALECT === 'postgres' ? process.env.DEPUTY_TEST_TEMPLATE_PREFIX || undefined : undefined;

function adminClient() {
  return new Client({
    host: process.env.DB_HOST,
    port: Number(process.env.DB_PORT || 5432),
    user: process.env.DB_USER,
    password: process.env.DB_PASSWORD || undefined,
    database: 'postgres',
  });
}

const quoted = (name: string) => `"${name.replace(/"/g, '""')}"`;

/**
 * Makes the worker's database (DB_DATABASE) a copy of the installed template of these plugins, installing the
 * template first when this run has none. Returns false when templates are off (then the caller installs).
 */
export async function useInstalledTemplate(plugins: string[]): Promise<boolean> {
  const prefix = templatePrefix();
  const target = process.env.DB_DATABASE;
  if (!prefix || !target) return false;
  const identity = JSON.stringify([plugins, INSTALL_ENV.map((name) => process.env[name] ?? null)]);
  const template = `${prefix}${createHash('sha1').update(identity).digest('hex').slice(0, 12)}`;
  const client = adminClient();
  await client.connect();
  try {
    // One lock per template: the other worker waits for an install in progress instead of making its own.
    await client.query('SELECT pg_advisory_lock(hashtext($1))', [template]);
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [template]);
    if (!rowCount) {
      await client.query(`CREATE DATABASE ${quoted(template)}`);
      try {
        const app = await createMockServer({ acl: true, plugins, database: { database: template }, skipStart: true });
        await app.destroy();
      } catch (e) {
        await client.query(`DROP DATABASE IF EXISTS ${quoted(template)} WITH (FORCE)`);
        throw e;
      }
    }
    await client.query(`DROP DATABASE IF EXISTS ${quoted(target)} WITH (FORCE)`);
    await client.query(`CREATE DATABASE ${quoted(target)} TEMPLATE ${quoted(template)}`);
    return true;
  } finally {
    await client.query('SELECT pg_advisory_unlock_all()').catch(() => undefined);
    await client.end();
  }
}
