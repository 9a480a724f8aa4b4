#!/usr/bin/env node
/**
 * `npm start`: installs what is missing, builds the plugins, starts the database (embedded PostgreSQL
 * under storage/ unless DB_DIALECT is set), installs NocoBase on the first run, enables the suite's plugins,
 * upgrades when the built plugins changed, and serves the app until Ctrl-C, which stops both cleanly.
 *
 * Options: --reinstall  wipe the configured database and install again (asks for nothing: be sure)
 *          --prepare-only  do everything but serving (used by the browser tests and CI)
 *          --demo  once the app answers, load the demo town (an empty suite only; `npm run demo`)
 */
'use strict';

const fs = require('fs');
const path = require('path');
const crypto = require('crypto');
const { spawn } = require('child_process');
const { ensureDependencies } = require('./lib/dependencies');

const ROOT = path.resolve(__dirname, '..');
const args = process.argv.slice(2);
const reinstall = args.includes('--reinstall');
const prepareOnly = args.includes('--prepare-only');
const demo = args.includes('--demo');
const log = (msg) => console.log(`[deputy] ${msg}`);

async function main() {
  ensureDependencies(ROOT, log);
  // Required only after the dependencies exist.
  const { ensureEnvFile, loadEnv } = require('./lib/dotenv-file');
  const db = require('./lib/database');
  const suite = require('../packages/app/src');

  await buildPlugins();
  const { file: envFile, created } = ensureEnvFile(ROOT);
  if (created) log(`wrote ${path.relative(ROOT, envFile)} with a new APP_KEY and admin password (keep it private)`);
  const env = loadEnv(envFile);
  const port = Number(env.APP_PORT || 13000);
  const storageRoot = path.resolve(ROOT, env.STORAGE_PATH || 'storage');
  if (!prepareOnly) {
    await db.assertPortFree(port, `port ${port} is in use: stop the program that uses it or set APP_PORT in .env`);
  }

  let embedded;
  const stopDatabase = async () => embedded && (await embedded.stop());
  // The NocoBase CLI reads `.env` itself; give it the same values we resolved (file + environment).
  const childEnv = {
    ...env,
    // The NocoBase CLI calls `yarn` (from node_modules/.bin) and would try the commercial package host.
    PATH: `${path.join(ROOT, 'node_modules/.bin')}${path.delimiter}${process.env.PATH}`,
    DISABLE_PKG_DOWNLOAD: 'true',
    APP_ENV_PATH: envFile,
    INIT_APP_LANG: require('../packages/app/src').lang,
    STORAGE_PATH: storageRoot,
    APP_PORT: String(port),
  };
  try {
    if (!env.DB_DIALECT) {
      embedded = await db.startEmbeddedPostgres(env, storageRoot, log);
      Object.assign(env, embedded.settings);
      Object.assign(childEnv, embedded.settings);
      log(
        `embedded PostgreSQL ${embedded.fresh ? 'created and ' : ''}running on 127.0.0.1:${embedded.settings.DB_PORT}`,
      );
    }
    const state = await db.installState(env);
    log(
      `database: ${db.describe(env)} — ${state === 'ready' ? 'NocoBase installed' : state === 'fresh' ? 'empty' : 'half-installed'}`,
    );
    if (state === 'partial' && !reinstall) {
      throw new db.StartError(
        `the ${db.describe(env)} holds a half-finished first install (NocoBase tables but no version row); ` +
          'nothing was changed — run `npm start -- --reinstall` to wipe that database and install again',
      );
    }
    const fingerprintFile = path.join(storageRoot, '.deputy-suite-build');
    if (state !== 'ready' || reinstall) {
      log(`installing NocoBase (${suite.lang}) — about 10–20 s on a 2-core machine ...`);
      const installStarted = Date.now();
      await nocobase(['install', '--lang', suite.lang, ...(reinstall ? ['-f'] : [])], childEnv);
      log(`NocoBase installed in ${Math.round((Date.now() - installStarted) / 1000)} s`);
      fs.rmSync(fingerprintFile, { force: true });
    }
    const enabled = await db.enabledPlugins(env);
    const missing = [...suite.builtInPlugins, ...suite.suitePlugins].filter((p) => !enabled.includes(p));
    if (missing.length) {
      log(`enabling ${missing.join(', ')} ...`);
      const enableStarted = Date.now();
      await nocobase(['pm', 'enable', ...missing], childEnv);
      log(
        `enabled in ${Math.round((Date.now() - enableStarted) / 1000)} s (the suite's pages come from their built snapshots)`,
      );
    }
    // A changed build may add collections or fields: let NocoBase sync and run migrations once.
    const fingerprint = buildFingerprint();
    const previous = fs.existsSync(fingerprintFile) ? fs.readFileSync(fingerprintFile, 'utf8') : '';
    if (previous && previous !== fingerprint) {
      log('the suite changed since the last start: upgrading ...');
      await nocobase(['upgrade'], childEnv);
    }
    fs.mkdirSync(storageRoot, { recursive: true });
    fs.writeFileSync(fingerprintFile, fingerprint);

    if (prepareOnly) {
      log('prepared; not serving (--prepare-only)');
      return;
    }
    printBanner(env, port);
    let stopRequested = false;
    const onStop = () => (stopRequested = true);
    process.once('SIGINT', onStop).once('SIGTERM', onStop);
    // The demo's actions exist only in a run started with --demo (deputyDemo:load, plugin-deputies/demo).
    const servingEnv = { ...childEnv, NODE_OPTIONS: servingNodeOptions(childEnv.NODE_OPTIONS) };
    const serving = nocobase(
      ['start', '--launch-mode', 'direct'],
      demo ? { ...servingEnv, DEPUTY_DEMO: 'on' } : servingEnv,
      { forwardSignals: true },
    );
    if (demo) {
      require('./lib/demo')
        .loadDemo(`http://127.0.0.1:${port}`, env, serving, log)
        .catch((err) => log(`the demo town was not loaded: ${err.message}`));
    }
    const code = await serving;
    if (stopRequested) log('stopped');
    else {
      log(`the app exited with code ${code}; see the messages above`);
      process.exitCode = code || 1;
    }
  } finally {
    await stopDatabase();
    if (embedded) log('embedded PostgreSQL stopped');
  }
}

async function buildPlugins() {
  const { buildAll } = require('./build-plugins');
  const started = Date.now();
  const built = await buildAll({ quiet: true });
  log(`built ${built.length} plugin(s) in ${Date.now() - started} ms`);
}

/**
 * Heap flags of the serving app (#18), unless NODE_OPTIONS already sets them. NocoBase keeps ~300 MB live, but
 * with V8's defaults (16 MB semi-spaces, an old space allowed to grow to a quarter of the machine's memory) the
 * objects of requests still in flight are promoted and the old space fills with garbage up to 1 GB and more
 * before it is collected (bench-load: RSS 1,195 MB, 272 MB live after the collection). Larger semi-spaces let
 * them die young; the old-space bound makes collection come before the app reaches 1 GiB.
 */
function servingNodeOptions(current = '') {
  const flags = [current.trim()];
  if (!/--max[-_]semi[-_]space[-_]size/.test(current)) flags.push('--max-semi-space-size=64');
  if (!/--max[-_]old[-_]space[-_]size/.test(current)) flags.push('--max-old-space-size=768');
  return flags.filter(Boolean).join(' ');
}

/** Hash of every built plugin file: changes when the suite's code changes. */
function buildFingerprint() {
  const hash = crypto.createHash('sha256');
  const pluginsDir = path.join(ROOT, 'packages/plugins/@deputy');
  const walk = (dir) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else hash.update(path.relative(ROOT, full)).update(fs.readFileSync(full));
    }
  };
  for (const plugin of fs.readdirSync(pluginsDir).sort()) {
    const dist = path.join(pluginsDir, plugin, 'dist/server');
    if (fs.existsSync(dist)) walk(dist);
  }
  return hash.digest('hex');
}

/** Runs the NocoBase CLI; resolves with its exit code, rejects when a preparation step fails. */
function nocobase(cliArgs, env, { forwardSignals = false } = {}) {
  const bin = require.resolve('@nocobase/cli-v1/bin/index.js', { paths: [ROOT] });
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...cliArgs], { cwd: ROOT, env, stdio: 'inherit' });
    // Ctrl-C in a terminal reaches the child too (same process group): give it time to stop by itself,
    // and pass the signal on only if it is still running (e.g. when `kill` targeted this process alone).
    const onSignal = (signal) => {
      if (signal === 'SIGTERM') return child.kill(signal);
      setTimeout(() => child.exitCode === null && child.kill(signal), 3000).unref();
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    child.on('exit', (code, signal) => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      if (forwardSignals) return resolve(code);
      if (code === 0) return resolve(0);
      reject(
        new Error(
          `\`nocobase ${cliArgs.join(' ')}\` ${signal ? `was stopped by ${signal}` : `failed with exit code ${code}`}; see the messages above`,
        ),
      );
    });
  });
}

function printBanner(env, port) {
  const line = '─'.repeat(64);
  console.log(`\n${line}`);
  console.log(`  代表履职 is starting at  http://localhost:${port}/admin`);
  console.log(
    `  administrator:  ${env.INIT_ROOT_USERNAME || 'nocobase'}  (or ${env.INIT_ROOT_EMAIL || 'admin@nocobase.com'})`,
  );
  console.log(
    `  password:       ${env.INIT_ROOT_PASSWORD || 'admin123'}   (set at first install; change it after signing in)`,
  );
  console.log(`  stop with Ctrl-C`);
  console.log(`${line}\n`);
}

main().catch((err) => {
  const { StartError } = (() => {
    try {
      return require('./lib/database');
    } catch {
      return { StartError: class {} };
    }
  })();
  console.error(`[deputy] cannot start: ${err instanceof StartError ? err.message : err.stack || err.message}`);
  process.exit(1);
});
