#!/usr/bin/env node
'use strict';
/**
 * Upgrade of an existing instance (#17): installs the suite as an earlier commit ships it, with data the
 * earlier code wrote (a station, a deputy, a 1+N household and pairing), stops it, and starts this checkout on
 * the same storage and database — as an office updating its copy does. Then checks what the upgrade must bring:
 * the migrations ran (the pairing got its label; the unique indexes exist), the pages nobody changed are this
 * release's (the visit form offers the pairing), and every installed page is still there. Exits 1 on a failure.
 *
 * From a release before the suite core (017f712 or earlier) it also checks that the core is enabled, that the
 * administrator's system title survives (the core's deployment defaults are install-only) and that the audit
 * trail and the work calendar are kept.
 *
 *   node scripts/check-upgrade.js [commit]     default 7345148: the last release before installed pages were upgraded;
 *                                              017f712: the last release before the suite core
 *
 * Needs the git history (a worktree of the earlier commit under storage/upgrade-check, sharing node_modules by
 * hard links, so nothing is downloaded) and ports 13300 / 15438.
 */
const fs = require('fs');
const path = require('path');
const { execFileSync } = require('child_process');
const { parse } = require('./lib/dotenv-file');

const ROOT = path.resolve(__dirname, '..');
const WORK = path.join(ROOT, 'storage', 'upgrade-check');
const log = (...a) => console.log('[upgrade]', ...a);
const git = (...args) => execFileSync('git', args, { cwd: ROOT, encoding: 'utf8' }).trim();

/** The release this check upgrades from by default: the last one before installed pages were upgraded (#17). */
const EARLIER = '7345148';

async function api(base, token, action, body) {
  const res = await fetch(`${base}/api/${action}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: {
      'Content-Type': 'application/json',
      'X-Authenticator': 'basic',
      ...(token ? { Authorization: `Bearer ${token}` } : {}),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = await res.json().catch(() => ({}));
  if (!res.ok) throw new Error(`${action} → ${res.status}: ${JSON.stringify(json)}`);
  return json.data;
}

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const idNumber = (first17) =>
  first17 + '10X98765432'[WEIGHTS.reduce((sum, w, i) => sum + w * Number(first17[i]), 0) % 11];

async function main() {
  const commit = git('rev-parse', process.argv[2] || EARLIER);
  const earlier = path.join(WORK, 'earlier');
  const storage = path.join(WORK, 'instance');
  fs.rmSync(WORK, { recursive: true, force: true });
  fs.mkdirSync(WORK, { recursive: true });
  git('worktree', 'prune');
  git('worktree', 'add', '--detach', '--force', earlier, commit);
  // The same lockfile's packages, by hard links; the workspace links inside are relative, so they point at the worktree.
  execFileSync('cp', ['-al', path.join(ROOT, 'node_modules'), path.join(earlier, 'node_modules')]);
  const appEnv = {
    DEPUTY_ENV_FILE: path.join(storage, '.env'),
    STORAGE_PATH: storage,
    APP_PORT: '13300',
    DB_DIALECT: '',
    EMBEDDED_DB_PORT: '15438',
    LOGGER_LEVEL: 'info',
  };
  fs.mkdirSync(storage, { recursive: true });
  const base = `http://127.0.0.1:${appEnv.APP_PORT}`;
  const failures = [];
  const check = (ok, what) => {
    log(`${ok ? '✓' : '×'} ${what}`);
    if (!ok) failures.push(what);
  };
  try {
    log(`installing commit ${commit.slice(0, 10)} in ${path.relative(ROOT, storage)} ...`);
    const previous = require(path.join(earlier, 'scripts/lib/app-process'));
    let started = Date.now();
    let app = await previous.startApp(appEnv, path.join(storage, 'earlier.log'));
    log(`earlier release answering after ${Math.round((Date.now() - started) / 1000)} s`);
    const env = parse(fs.readFileSync(appEnv.DEPUTY_ENV_FILE, 'utf8'));
    const signIn = async () =>
      (await api(base, null, 'auth:signIn', { account: env.INIT_ROOT_USERNAME, password: env.INIT_ROOT_PASSWORD }))
        .token;
    let root = await signIn();
    const station = await api(base, root, 'liaisonStations:create', { name: '升级检查联络站' });
    const deputy = await api(base, root, 'deputies:create', { name: '升级代表', stationId: station.id });
    const [category] = await api(
      base,
      root,
      'aidCategories:list?filter=' + encodeURIComponent(JSON.stringify({ code: 'subsistence' })),
    );
    const household = await api(base, root, 'aidHouseholds:create', {
      headName: '升级户主',
      idNumber: idNumber('43062119600101123'),
      categoryId: category.id,
      stationId: station.id,
      consent: true,
    });
    const pairing = await api(base, root, 'aidPairings:create', {
      deputyId: deputy.id,
      householdId: household.id,
      startDate: '2026-01-05',
    });
    // Points before the upgrade: an approved record (a ledger entry) and a year published twice (two versions).
    const head = await api(base, root, 'users:create', {
      username: 'upgradehead',
      nickname: '升级站长',
      password: 'Upgrade-Head-2026',
      roles: ['station-staff'],
    });
    await api(base, root, `liaisonStations:update?filterByTk=${station.id}`, { headId: head.id });
    const [item] = await api(
      base,
      root,
      'dutyItems:list?filter=' + encodeURIComponent(JSON.stringify({ code: 'D04' })),
    );
    const year = new Date().getFullYear() - 1;
    const record = await api(base, root, 'dutyRecords:create', {
      deputyId: deputy.id,
      itemId: item.id,
      date: `${year}-06-01`,
    });
    await api(base, root, `dutyRecords:submit?filterByTk=${record.id}`, {});
    await api(base, root, `dutyRecords:update?filterByTk=${record.id}`, { status: 'approved' });
    const period = await api(base, root, 'scorePeriods:create', { key: String(year) });
    await api(base, root, `scorePeriods:publish?filterByTk=${period.id}`, {});
    await api(base, root, `scorePeriods:publish?filterByTk=${period.id}`, {});
    const pagesBefore = await api(base, root, 'suitePages:list?paginate=false');
    // What an administrator owns after install: the upgrade must leave it (the core's deployment defaults are install-only).
    await api(base, root, 'systemSettings:update?filterByTk=1', { title: '升级检查县人大' });
    const auditBefore = (await api(base, root, 'auditTrail:list?paginate=false')).length;
    const holidaysBefore = (await api(base, root, 'workCalendarDays:list?paginate=false')).length;
    log(`stopped: ${JSON.stringify(await previous.stopApp(app))}`);

    log('starting this checkout on the same storage ...');
    const current = require('./lib/app-process');
    started = Date.now();
    app = await current.startApp(appEnv, path.join(storage, 'upgrade.log'));
    log(`this release answering after ${Math.round((Date.now() - started) / 1000)} s (upgrade included)`);
    try {
      root = await signIn();
      const after = await api(base, root, `aidPairings:get?filterByTk=${pairing.id}`);
      check(
        after.label === '升级代表 · 升*** · 2026-01-05',
        `the pairing made before got its label (${JSON.stringify(after.label)})`,
      );
      const pagesAfter = await api(base, root, 'suitePages:list?paginate=false');
      // Every page installed before is still recorded (a release may add pages: public-voice's came later).
      const keysAfter = new Set(pagesAfter.map((p) => p.key));
      const lost = pagesBefore.filter((p) => !keysAfter.has(p.key)).map((p) => p.key);
      check(
        !lost.length,
        `every installed page is still recorded (${pagesBefore.length} before, ${pagesAfter.length} now${lost.length ? `; lost: ${lost.join(', ')}` : ''})`,
      );
      for (const page of pagesAfter) {
        const route = await api(base, root, `desktopRoutes:get?filterByTk=${page.routeId}`).catch(() => null);
        if (!route) check(false, `page ${page.key} has its route`);
      }
      // A release before the suite core: the core is enabled, loads before the domain plugins, and keeps their data.
      const plugins = await api(base, root, 'pm:list');
      const core = plugins.find((p) => p.packageName === '@deputy/plugin-suite-core');
      check(core?.enabled && core?.installed, 'the suite core is enabled and installed');
      check(
        (await api(base, root, 'systemSettings:get?filterByTk=1')).title === '升级检查县人大',
        "the administrator's system title is kept",
      );
      check(
        (await api(base, root, 'auditTrail:list?paginate=false')).length >= auditBefore,
        `the audit trail is kept (${auditBefore} rows before)`,
      );
      check(
        (await api(base, root, 'workCalendarDays:list?paginate=false')).length === holidaysBefore,
        `the work calendar is kept (${holidaysBefore} days)`,
      );
      const upgradeLog = fs.readFileSync(path.join(storage, 'upgrade.log'), 'utf8');
      for (const line of upgradeLog
        .split('\n')
        .filter((l) => /\[deputy\] page .* (upgraded|was changed|could not be upgraded)/.test(l)))
        log(`log: ${JSON.parse(line).message}`);
      check(!/could not be upgraded/.test(upgradeLog), 'no page failed to upgrade');
      const { Client } = require('pg');
      const pg = new Client({
        host: '127.0.0.1',
        port: Number(appEnv.EMBEDDED_DB_PORT),
        user: 'nocobase',
        password: env.EMBEDDED_DB_PASSWORD,
        database: env.EMBEDDED_DB_DATABASE || 'nocobase',
      });
      await pg.connect();
      try {
        // By column, not by name: an install names them as its sync does, an upgrade as the migrations do.
        const unique = (
          await pg.query(
            `SELECT tablename, indexdef FROM pg_indexes WHERE tablename IN ('deputies', 'opinions', 'aidHouseholds') AND indexdef LIKE 'CREATE UNIQUE INDEX%'`,
          )
        ).rows;
        for (const [table, column] of [
          ['deputies', 'userId'],
          ['opinions', 'trackingCode'],
          ['aidHouseholds', 'idNumberHash'],
        ]) {
          check(
            unique.some((r) => r.tablename === table && r.indexdef.includes(`("${column}")`)),
            `a unique index on ${table}.${column}`,
          );
        }
        const form = await pg.query(
          `SELECT count(*)::int AS n FROM "flowModels" WHERE options::text LIKE '%"collectionName":"aidVisits","fieldPath":"pairing"%'`,
        );
        check(form.rows[0].n > 0, `the visit forms offer the pairing (${form.rows[0].n} field models)`);
        // The pages' named-action buttons reached the unchanged pages (提交审核 is a JS button now).
        const buttons = await pg.query(
          `SELECT count(*)::int AS n FROM "flowModels" WHERE options::text LIKE '%namedActions:run%dutyRecords:submit%'`,
        );
        check(
          buttons.rows[0].n > 0,
          `提交审核 runs dutyRecords:submit through namedActions:run (${buttons.rows[0].n})`,
        );
        // Station staff may generate their station's reception sessions (migration 20261208090000).
        const generate = await pg.query(
          `SELECT count(*)::int AS n FROM "dataSourcesRolesResourcesActions" a JOIN "dataSourcesRolesResources" r ON a."rolesResourceId" = r.id WHERE r."roleName" = 'station-staff' AND r.name = 'receptionSessions' AND a.name = 'generateSessions'`,
        );
        check(generate.rows[0].n === 1, `station staff may generate reception sessions (${generate.rows[0].n})`);
        // The review levels: one row, the station head, standing for the workflow already installed.
        const levels = await pg.query(`SELECT title, "reviewerType" FROM "reviewLevels"`);
        check(
          levels.rows.length === 1 && levels.rows[0].reviewerType === 'stationHead',
          `one review level, the station head (${JSON.stringify(levels.rows)})`,
        );
        // Published scores: only the latest version of the year is marked current.
        const marks = (
          await pg.query(
            `SELECT version, current FROM "scoreSnapshots" WHERE "periodId" = $1 AND "deputyId" = $2 ORDER BY version`,
            [period.id, deputy.id],
          )
        ).rows.map((r) => `${r.version}:${r.current}`);
        check(marks.join(',') === '1:false,2:true', `the current version of the published year is marked (${marks})`);
        // The maintained totals were filled from the ledger.
        const totals = await pg.query(
          `SELECT (SELECT total FROM "pointTotals" WHERE "deputyId" = $1 AND year = $2) AS kept,
                  (SELECT sum(points) FROM "pointEntries" WHERE "deputyId" = $1 AND year = $2) AS ledger`,
          [deputy.id, year],
        );
        const { kept, ledger } = totals.rows[0];
        check(
          Number(ledger) > 0 && Number(kept) === Number(ledger),
          `the points totals match the ledger (kept ${kept}, ledger ${ledger})`,
        );
      } finally {
        await pg.end();
      }
    } finally {
      log(`stopped: ${JSON.stringify(await current.stopApp(app))}`);
    }
  } finally {
    git('worktree', 'remove', '--force', earlier);
  }
  log(failures.length ? `FAILED: ${failures.join('; ')}` : 'all checks passed');
  process.exit(failures.length ? 1 : 0);
}

main().catch((e) => {
  console.error('[upgrade] FAILED', e);
  process.exit(1);
});
