/**
 * Vitest setup: on a server database (PostgreSQL, MariaDB) each test worker gets a database of its own,
 * `<DEPUTY_TEST_DB_PER_WORKER>_<worker>` (created by scripts/test.js), so test files run side by side as
 * they do on in-memory SQLite instead of one after another.
 */
const base = process.env.DEPUTY_TEST_DB_PER_WORKER;
if (base && process.env.DB_DIALECT && process.env.DB_DIALECT !== 'sqlite') {
  process.env.DB_DATABASE = `${base}_${process.env.VITEST_POOL_ID ?? '1'}`;
}
