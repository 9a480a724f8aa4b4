#!/usr/bin/env node
/**
 * `npm test`: every test of the suite, ending with one line `N passed, M failed`.
 *
 *  1. server tests (vitest + @nocobase/test createMockServer, ACL on) on PostgreSQL, the primary database —
 *     TEST_PG_HOST/PORT/USER/PASSWORD (default: the server on 127.0.0.1:5432 as user postgres when it
 *     answers, else an embedded PostgreSQL under storage/test-pg); each worker has its own database, so
 *     files run side by side;
 *  2. the money-like invariants (ledger and caps, the 1+N limit) again on MySQL/MariaDB — TEST_MYSQL_HOST/
 *     PORT/USER/PASSWORD (default root@127.0.0.1:3306), skipped with a line when none answers;
 *  3. (with --sqlite or --sqlite-only) the same tests on SQLite in memory, a quick local check;
 *  4. browser tests: starts the built app with `npm start` machinery in storage/e2e (its own embedded
 *     PostgreSQL and port), drives it with playwright-core in Debian's Chromium (installed when missing).
 *
 *  0. a type check (tsc --noEmit, tsconfig.json) of every plugin, the tests and the configs, then the lint (eslint,
 *     eslint.config.mjs, and prettier --check: what `npm run lint` runs); both skipped with a path filter.
 *
 * The browser stage runs beside the server stages (its output is printed when it ends); --serial runs it after.
 * Options: --server-only, --browser-only, --serial, --sqlite (add SQLite), --sqlite-only, --pg-only, or a path
 * filter passed to vitest. Every stage prints its duration; the summary repeats them.
 */
'use strict';

const fs = require('fs');
const path = require('path');
const { spawn, spawnSync } = require('child_process');
const { startApp, stopApp } = require('./lib/app-process');
const { ensureDependencies } = require('./lib/dependencies');

const ROOT = path.resolve(__dirname, '..');
const args = process.argv.slice(2);
const flag = (f) => args.includes(f);
const filters = args.filter((a) => !a.startsWith('--'));
const log = (msg) => console.log(`[test] ${msg}`);
const totals = [];
const seconds = (since) => `${Math.round((Date.now() - since) / 1000)} s`;

/** Runs a command; with `outputFile`, its output goes to that file (a stage running beside another). */
function run(cmd, cmdArgs, env, { quiet = false, outputFile } = {}) {
  return new Promise((resolve) => {
    const out = outputFile ? fs.openSync(outputFile, 'a') : undefined;
    const stdio = quiet ? 'ignore' : out !== undefined ? ['ignore', out, out] : 'inherit';
    const child = spawn(cmd, cmdArgs, { cwd: ROOT, env: { ...process.env, ...env }, stdio });
    child.on('exit', (code) => {
      if (out !== undefined) fs.closeSync(out);
      resolve(code);
    });
  });
}

/** Runs vitest and reads its JSON report; a run that reports nothing counts as one failure. */
async function vitest(label, configArgs, env, { noFilters = false, outputFile } = {}) {
  const report = path.join(ROOT, 'storage', 'test-reports', `${label}.json`);
  fs.mkdirSync(path.dirname(report), { recursive: true });
  fs.rmSync(report, { force: true });
  const bin = require.resolve('vitest/vitest.mjs', { paths: [ROOT] });
  log(`── ${label} ──`);
  const started = Date.now();
  const code = await run(
    process.execPath,
    [
      bin,
      '--run',
      ...(noFilters ? [] : filters),
      ...configArgs,
      '--reporter=default',
      '--reporter=json',
      `--outputFile.json=${report}`,
    ],
    env,
    { outputFile },
  );
  let passed = 0;
  let failed = 0;
  if (fs.existsSync(report)) {
    const r = JSON.parse(fs.readFileSync(report, 'utf8'));
    // Counted from the tests themselves: vitest's numPassedTests also counts the tests a -t pattern left out.
    passed = (r.testResults || []).reduce(
      (n, suite) => n + suite.assertionResults.filter((a) => a.status === 'passed').length,
      0,
    );
    failed = r.numFailedTests + (r.numRuntimeErrorTestSuites || 0);
    // A suite that failed to load has no failed tests but failed all the same.
    for (const suite of r.testResults || [])
      if (suite.status === 'failed' && suite.assertionResults.length === 0) failed += 1;
  }
  if (code !== 0 && failed === 0) failed = 1;
  if (passed + failed === 0 && (filters.length === 0 || noFilters)) failed = 1;
  log(`${label}: ${passed} passed, ${failed} failed in ${seconds(started)}`);
  totals.push({ label, passed, failed, duration: seconds(started) });
}

/** Test workers side by side (vitest.config.mts maxForks); each has a database of its own on a server. */
const WORKERS = 2;
// The apps' error logs (every refused attack logs one, with its stack) go to files under storage/logs, not into
// the test output: the output shows the tests, and vitest does not capture hundreds of megabytes.
const serverEnv = {
  TEST_ENV: 'server-side',
  NODE_ENV: 'test',
  APP_ENV_PATH: '.env.test',
  LOGGER_LEVEL: 'error',
  LOGGER_TRANSPORT: 'dailyRotateFile',
};

/** The environment of a server-test run on a server database: one database per worker (test-database.ts). */
const serverDbEnv = (dialect, settings, database) => ({
  ...serverEnv,
  DB_DIALECT: dialect,
  DB_HOST: settings.host,
  DB_PORT: String(settings.port),
  DB_USER: settings.user,
  DB_PASSWORD: settings.password,
  DB_DATABASE: database,
  DEPUTY_TEST_DB_PER_WORKER: database,
  DB_STORAGE: '',
});

async function serverTestsOnSqlite() {
  await vitest('server tests on SQLite', [], { ...serverEnv, DB_DIALECT: 'sqlite', DB_STORAGE: ':memory:' });
}

/**
 * Whether the PostgreSQL server answers. Asked three times, 10 s each: at the start of a run on a fresh machine
 * apt installs Chromium and the browser stage's app starts beside this, and one 3 s try once missed the server
 * and sent the whole stage to an embedded PostgreSQL.
 */
async function pgReachable(settings) {
  const { Client } = require('pg');
  for (let attempt = 1; attempt <= 3; attempt++) {
    const client = new Client({ ...settings, database: 'postgres', connectionTimeoutMillis: 10000 });
    try {
      await client.connect();
      await client.end();
      return true;
    } catch (e) {
      log(`PostgreSQL at ${settings.host}:${settings.port} did not answer (try ${attempt} of 3): ${e.message}`);
      await client.end().catch(() => undefined);
    }
  }
  return false;
}

async function serverTestsOnPostgres(settings) {
  Object.assign(settings, {
    host: process.env.TEST_PG_HOST || '127.0.0.1',
    port: Number(process.env.TEST_PG_PORT || 5432),
    user: process.env.TEST_PG_USER || 'postgres',
    password: process.env.TEST_PG_PASSWORD || '',
  });
  let embedded;
  if (!(await pgReachable(settings))) {
    const db = require('./lib/database');
    log(`no PostgreSQL at ${settings.host}:${settings.port}; starting an embedded one for the tests`);
    embedded = await db.startEmbeddedPostgres(
      {
        EMBEDDED_DB_PORT: process.env.TEST_EMBEDDED_PG_PORT || '15433',
        EMBEDDED_DB_PASSWORD: 'test',
        EMBEDDED_DB_DATABASE: 'postgres',
      },
      path.join(ROOT, 'storage', 'test-pg'),
      log,
    );
    Object.assign(settings, {
      host: '127.0.0.1',
      port: Number(embedded.settings.DB_PORT),
      user: embedded.settings.DB_USER,
      password: 'test',
    });
  }
  const database = process.env.TEST_PG_DATABASE || 'deputy_test';
  const { Client } = require('pg');
  const admin = new Client({ ...settings, database: 'postgres' });
  await admin.connect();
  // One database per test worker (vitest.config.mts: at most WORKERS forks), recreated on each run.
  for (const name of [database, ...Array.from({ length: WORKERS }, (_, i) => `${database}_${i + 1}`)]) {
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await admin.query(`CREATE DATABASE "${name}"`);
  }
  // Installed-app templates (test-helpers installed-templates.ts): made during this run from this checkout's code,
  // dropped before and after it.
  const templatePrefix = `${database}_tpl_`;
  const dropTemplates = async (client) => {
    const { rows } = await client.query('SELECT datname FROM pg_database WHERE starts_with(datname, $1)', [
      templatePrefix,
    ]);
    for (const { datname } of rows) await client.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
  };
  await dropTemplates(admin);
  await admin.end();
  try {
    await vitest('server tests on PostgreSQL', [], {
      ...serverDbEnv('postgres', settings, database),
      DEPUTY_TEST_TEMPLATE_PREFIX: templatePrefix,
    });
  } finally {
    const after = new Client({ ...settings, database: 'postgres' });
    await after.connect();
    await dropTemplates(after);
    await after.end();
    if (embedded) await embedded.stop();
  }
}

/**
 * Test files of the money-like invariants, run on MySQL/MariaDB too (its REPEATABLE READ differs from PostgreSQL);
 * [file, name pattern] runs only those tests of a file that tests more.
 */
const MYSQL_FILES = [
  'packages/plugins/@deputy/plugin-duty-points/src/server/__tests__/review-and-ledger.test.ts',
  'packages/plugins/@deputy/plugin-duty-points/src/server/__tests__/ledger-isolation.test.ts',
  // The kept totals equal the ledger (awards, caps, reversals, deductions, rollback, reconciliation).
  'packages/plugins/@deputy/plugin-duty-points/src/server/__tests__/ledger-totals.test.ts',
  'packages/plugins/@deputy/plugin-pairing-aid/src/server/__tests__/pairings.test.ts',
  // Suggestion numbers per session: no gaps and no repeats under concurrent registrations (and the whole flow).
  'packages/plugins/@deputy/plugin-suggestions/src/server/__tests__/suggestions.test.ts',
  // Key suggestions a year (counted under a lock) and the appraisal's ballots and tallies.
  'packages/plugins/@deputy/plugin-suggestions/src/server/__tests__/appraisal.test.ts',
  // The yearly cap with approvals on two nodes of a cluster at once (starting the two nodes takes ~50 s there).
  ['packages/app/src/__tests__/cluster.test.ts', '\\(a\\) one deputy'],
];

async function serverTestsOnMysql() {
  const settings = {
    host: process.env.TEST_MYSQL_HOST || '127.0.0.1',
    port: Number(process.env.TEST_MYSQL_PORT || 3306),
    user: process.env.TEST_MYSQL_USER || 'root',
    password: process.env.TEST_MYSQL_PASSWORD || '',
  };
  const database = process.env.TEST_MYSQL_DATABASE || 'deputy_test';
  let connection;
  try {
    connection = await require('mariadb').createConnection({ ...settings, connectTimeout: 3000 });
  } catch (e) {
    log(`no MySQL/MariaDB at ${settings.host}:${settings.port} (${e.code || e.message}); the MariaDB stage is skipped`);
    return;
  }
  try {
    for (const name of [database, ...Array.from({ length: WORKERS }, (_, i) => `${database}_${i + 1}`)]) {
      await connection.query(`DROP DATABASE IF EXISTS \`${name}\``);
      await connection.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
    }
  } finally {
    await connection.end();
  }
  const entries = MYSQL_FILES.map((f) => (Array.isArray(f) ? f : [f]));
  const picked = filters.length ? entries.filter(([f]) => filters.some((x) => f.includes(x))) : entries;
  for (const [file, pattern] of picked) {
    const only = pattern ? ['-t', pattern] : [];
    await vitest(
      `money-like invariants on MariaDB: ${path.basename(file)}`,
      [file, ...only],
      serverDbEnv('mariadb', settings, database),
      { noFilters: true },
    );
  }
}

function ensureChromium() {
  const exe = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
  const haveFonts = fs.existsSync('/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc');
  if (fs.existsSync(exe) && haveFonts) return exe;
  if (process.getuid && process.getuid() !== 0) {
    throw new Error(
      `Chromium is missing at ${exe}: install the Debian packages chromium and fonts-noto-cjk (as root) or set CHROMIUM_PATH`,
    );
  }
  log('installing Debian packages chromium and fonts-noto-cjk ...');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  for (const cmd of [
    ['apt-get', ['update', '-qq']],
    ['apt-get', ['install', '-y', '-qq', 'chromium', 'fonts-noto-cjk']],
  ]) {
    const r = spawnSync(cmd[0], cmd[1], { stdio: 'inherit', env });
    if (r.status !== 0) throw new Error(`${cmd[0]} ${cmd[1].join(' ')} failed (exit ${r.status})`);
  }
  return exe;
}

/** One named check outside vitest, counted like a test. */
async function check(group, name, fn) {
  let entry = totals.find((t) => t.label === group);
  if (!entry) totals.push((entry = { label: group, passed: 0, failed: 0 }));
  try {
    await fn();
    entry.passed += 1;
    log(`  ✓ ${name}`);
  } catch (e) {
    entry.failed += 1;
    log(`  × ${name}: ${e.message}`);
  }
}

function assert(condition, message) {
  if (!condition) throw new Error(message);
}

/** The browser stage; `outputFile`: its tests' output goes there (printed when the stage ends) while the server stages print theirs. */
async function browserTests({ outputFile } = {}) {
  let chromium;
  try {
    chromium = ensureChromium();
  } catch (e) {
    log(`browser tests cannot run: ${e.message}`);
    totals.push({ label: 'browser tests', passed: 0, failed: 1 });
    return;
  }
  // A fresh, isolated instance: own storage, own embedded PostgreSQL, own port, own .env.
  const storage = path.join(ROOT, 'storage', 'e2e');
  fs.rmSync(storage, { recursive: true, force: true });
  fs.mkdirSync(storage, { recursive: true });
  const appEnv = {
    DEPUTY_ENV_FILE: path.join(storage, '.env'),
    STORAGE_PATH: storage,
    APP_PORT: process.env.E2E_APP_PORT || '13100',
    DB_DIALECT: '',
    EMBEDDED_DB_PORT: process.env.E2E_DB_PORT || '15434',
    LOGGER_LEVEL: 'warn',
  };
  const baseURL = `http://127.0.0.1:${appEnv.APP_PORT}`;
  const logFile = path.join(storage, 'app.log');
  log(`starting the app for the browser tests on port ${appEnv.APP_PORT} (log: ${path.relative(ROOT, logFile)}) ...`);
  let app;
  try {
    app = await startApp(appEnv, logFile);
  } catch (e) {
    log(`the app did not start: ${e.message}`);
    totals.push({ label: 'browser tests', passed: 0, failed: 1 });
    if (app) await stopApp(app);
    return;
  }
  const { parse } = require('./lib/dotenv-file');
  const env = parse(fs.readFileSync(appEnv.DEPUTY_ENV_FILE, 'utf8'));
  try {
    await vitest(
      'browser tests',
      ['--config', 'packages/app/e2e/vitest.config.mts'],
      {
        E2E_BASE_URL: baseURL,
        E2E_ADMIN_ACCOUNT: env.INIT_ROOT_USERNAME,
        E2E_ADMIN_PASSWORD: env.INIT_ROOT_PASSWORD,
        E2E_SCREENSHOTS: path.join(storage, 'screenshots'),
        // The app's embedded PostgreSQL (a superuser), for tests that need a scratch database.
        E2E_PG_HOST: '127.0.0.1',
        E2E_PG_PORT: appEnv.EMBEDDED_DB_PORT,
        E2E_PG_USER: 'nocobase',
        E2E_PG_PASSWORD: env.EMBEDDED_DB_PASSWORD,
        E2E_PG_DATABASE: env.EMBEDDED_DB_DATABASE || 'nocobase',
        CHROMIUM_PATH: chromium,
      },
      { outputFile },
    );
    log(`screenshots: ${path.relative(ROOT, path.join(storage, 'screenshots'))}/`);
  } finally {
    const stopped = await stopApp(app);
    await check('start/stop lifecycle', 'Ctrl-C stops the app and the embedded PostgreSQL cleanly', async () => {
      assert(stopped.code === 0, `start.js exited with ${JSON.stringify(stopped)}`);
      assert(!fs.existsSync(path.join(storage, 'db/postgres/postmaster.pid')), 'postmaster.pid is still there');
      assert(
        /embedded PostgreSQL stopped/.test(fs.readFileSync(logFile, 'utf8')),
        'no "embedded PostgreSQL stopped" in the log',
      );
    });
  }
  await check('start/stop lifecycle', 'a second start reuses the installed database and its data', async () => {
    const before = fs.readFileSync(logFile, 'utf8').length;
    const again = await startApp(appEnv, logFile);
    try {
      const text = fs.readFileSync(logFile, 'utf8').slice(before);
      assert(/NocoBase installed/.test(text), 'the second start did not find NocoBase installed');
      assert(!/installing NocoBase/.test(text), 'the second start installed again');
      const signIn = await fetch(`${baseURL}/api/auth:signIn`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'X-Authenticator': 'basic' },
        body: JSON.stringify({ account: env.INIT_ROOT_USERNAME, password: env.INIT_ROOT_PASSWORD }),
      });
      const token = (await signIn.json()).data.token;
      const list = await fetch(`${baseURL}/api/liaisonStations:list`, {
        headers: { Authorization: `Bearer ${token}` },
      });
      const stations = (await list.json()).data;
      assert(stations.length >= 1, 'the station created by the browser tests is gone');
    } finally {
      const stopped = await stopApp(again);
      assert(stopped.code === 0, `the second start exited with ${JSON.stringify(stopped)}`);
    }
  });
}

/** `tsc --noEmit` over every plugin, the test code and the configs (tsconfig.json): a type error fails the run. */
async function typeCheck() {
  log('── type check (tsc --noEmit) ──');
  const started = Date.now();
  const tsc = require.resolve('typescript/bin/tsc', { paths: [ROOT] });
  const code = await run(process.execPath, [tsc, '-p', 'tsconfig.json', '--pretty', 'false'], {});
  log(`type check: ${code === 0 ? 'no errors' : 'type errors (above)'} in ${seconds(started)}`);
  totals.push({
    label: 'type check',
    passed: code === 0 ? 1 : 0,
    failed: code === 0 ? 0 : 1,
    duration: seconds(started),
  });
}

/**
 * The lint: eslint (eslint.config.mjs) and `prettier --check` side by side. An eslint error or a file prettier
 * would change fails the run; eslint's warnings (`any` where NocoBase gives no type) are counted, not listed.
 */
async function lint() {
  log('── lint (eslint, prettier --check) ──');
  const started = Date.now();
  const report = path.join(ROOT, 'storage', 'test-reports', 'eslint.json');
  fs.mkdirSync(path.dirname(report), { recursive: true });
  fs.rmSync(report, { force: true });
  const bin = (pkg, file) => path.join(path.dirname(require.resolve(`${pkg}/package.json`, { paths: [ROOT] })), file);
  const [eslintCode, prettierCode] = await Promise.all([
    run(process.execPath, [bin('eslint', 'bin/eslint.js'), '.', '--format', 'json', '--output-file', report], {}),
    run(process.execPath, [bin('prettier', 'bin/prettier.cjs'), '--check', '--log-level', 'warn', '.'], {}),
  ]);
  let errors = 0;
  const warnings = {};
  if (fs.existsSync(report)) {
    for (const file of JSON.parse(fs.readFileSync(report, 'utf8'))) {
      for (const m of file.messages) {
        if (m.severity === 2) {
          errors += 1;
          console.log(
            `  ${path.relative(ROOT, file.filePath)}:${m.line || 0}:${m.column || 0}  ${m.message}  ${m.ruleId || ''}`,
          );
        } else warnings[m.ruleId] = (warnings[m.ruleId] || 0) + 1;
      }
    }
  } else if (eslintCode !== 0) errors = 1; // eslint itself failed (a broken config): its message is above
  const warned = Object.entries(warnings)
    .map(([rule, n]) => `${rule} ${n}`)
    .join(', ');
  const ok = errors === 0 && eslintCode === 0 && prettierCode === 0;
  log(
    `lint: eslint ${errors} error(s)${warned ? `, warnings: ${warned}` : ''}; prettier: ${prettierCode === 0 ? 'formatted' : 'files to format (above; `npm run format`)'} in ${seconds(started)}`,
  );
  totals.push({ label: 'lint', passed: ok ? 1 : 0, failed: ok ? 0 : 1, duration: seconds(started) });
}

const runStarted = Date.now();

async function main() {
  let started = Date.now();
  ensureDependencies(ROOT, log);
  log(`dependencies ready in ${seconds(started)}`);
  started = Date.now();
  const { buildAll } = require('./build-plugins');
  await buildAll({ quiet: true });
  log(`plugins built in ${seconds(started)}`);
  // A focused run (a path filter) skips it; every full run, CI's included, starts with it.
  if (filters.length === 0) {
    await typeCheck();
    await lint();
  }
  const serverOnly = flag('--server-only');
  const browserOnly = flag('--browser-only');
  const withServer = !browserOnly;
  const withBrowser = !serverOnly && !flag('--sqlite-only') && !flag('--pg-only');
  // The browser stage runs beside the server stages (--serial: after them). It leaves a core idle much of
  // the time (the browser and the app wait on each other), which the server tests fill; run one after the
  // other, the two took 29 minutes on CI's machine (#22). Its output is printed when it ends.
  const beside = withServer && withBrowser && !flag('--serial');
  const browserLog = path.join(ROOT, 'storage', 'test-reports', 'browser-stage.log');
  const browserStage = async () => {
    const started = Date.now();
    if (beside) {
      fs.mkdirSync(path.dirname(browserLog), { recursive: true });
      fs.rmSync(browserLog, { force: true });
      log(
        `browser stage started beside the server tests (its output: ${path.relative(ROOT, browserLog)}, printed when it ends)`,
      );
    }
    await browserTests({ outputFile: beside ? browserLog : undefined });
    if (beside && fs.existsSync(browserLog))
      process.stdout.write(`\n[test] ── output of the browser stage ──\n${fs.readFileSync(browserLog, 'utf8')}\n`);
    log(`browser stage (app start, browser tests, restart) took ${seconds(started)}`);
  };
  const serverStages = async () => {
    const started = Date.now();
    if (!flag('--sqlite-only')) await serverTestsOnPostgres({});
    if (!flag('--sqlite-only') && !flag('--pg-only')) await serverTestsOnMysql();
    if (flag('--sqlite') || flag('--sqlite-only')) await serverTestsOnSqlite();
    log(`server stages took ${seconds(started)}`);
  };
  if (beside) await Promise.all([serverStages(), browserStage()]);
  else {
    if (withServer) await serverStages();
    if (withBrowser) await browserStage();
  }
}

main()
  .catch((e) => {
    console.error(`[test] ${e.stack || e.message}`);
    totals.push({ label: 'test runner', passed: 0, failed: 1 });
  })
  .finally(() => {
    const passed = totals.reduce((n, t) => n + t.passed, 0);
    const failed = totals.reduce((n, t) => n + t.failed, 0);
    console.log('');
    for (const t of totals)
      console.log(`  ${t.label}: ${t.passed} passed, ${t.failed} failed${t.duration ? ` (${t.duration})` : ''}`);
    console.log(`  whole run: ${seconds(runStarted)}`);
    if (failed > 0)
      console.log("  the test apps' error logs: storage/logs/ (the browser stage's app: storage/e2e/app.log)");
    console.log(`${passed} passed, ${failed} failed`);
    process.exit(failed > 0 ? 1 : 0);
  });
