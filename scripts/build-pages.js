#!/usr/bin/env node
/**
 * `npm run build:pages`: rebuilds the page snapshots of the suite's plugins (plugin-suite-core
 * pages/page-snapshots.ts) in a real app on in-memory SQLite. Takes about 25 minutes: it applies every page's
 * blueprint, the cost the snapshots save at install.
 * `npm run build:pages -- --changed`: applies only the pages whose blueprint changed since their snapshot; the
 * others are installed from their snapshots and captured again (the same rows under new uids; a page's digest
 * does not depend on uids, page-upgrade.ts). Minutes instead of 25 when one or two pages changed.
 */
'use strict';
const path = require('path');
const { spawnSync } = require('child_process');

const ROOT = path.resolve(__dirname, '..');
const started = Date.now();
const changedOnly = process.argv.includes('--changed');
const r = spawnSync(
  process.execPath,
  // The file first: @nocobase/test's config takes the first plain argument as the file to run.
  [
    require.resolve('vitest/vitest.mjs', { paths: [ROOT] }),
    '--run',
    'packages/app/src/page-snapshots/build-snapshots.build.ts',
    '--config',
    'scripts/page-snapshots.vitest.config.mts',
  ],
  {
    cwd: ROOT,
    stdio: 'inherit',
    env: {
      ...process.env,
      TEST_ENV: 'server-side',
      NODE_ENV: 'test',
      APP_ENV_PATH: '.env.test',
      LOGGER_LEVEL: 'error',
      DB_DIALECT: 'sqlite',
      DB_STORAGE: ':memory:',
      DEPUTY_PAGE_SNAPSHOTS: changedOnly ? 'on' : 'off',
    },
  },
);
console.log(`[build:pages] ${r.status === 0 ? 'done' : 'FAILED'} in ${Math.round((Date.now() - started) / 1000)} s`);
process.exit(r.status ?? 1);
