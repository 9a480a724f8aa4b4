#!/usr/bin/env node
/**
 * HTTP benchmark of the scores on the started app (issue #18), printed as one JSON. The app is started as `npm start`
 * starts it (scripts/start.js), on its own storage (storage/bench-http), port and scratch PostgreSQL database; the
 * town is seeded the way bench-ranking.js seeds it (set-based SQL: 50 stations, deputies, duty records, ledger
 * entries with awards, reversals, D25 deductions and D26 frauds), and the kept totals are filled with the upgrade
 * migration's statements (TotalsReconciliation.rebuild). Then, at CONCURRENCY signed-in users, each pair measured in
 * the same run, baseline and suite alternately (half of each, twice):
 *  - `dutyScores:mine?year=` as deputies (accounts made with deputies:createAccount, initial password changed)
 *    against `pointEntries:list?pageSize=20` as the same deputies (the platform's own cost of a list);
 *  - `dutyScores:ranking?period=&stationId=` as station staff (one user per station) against
 *    `deputies:list?pageSize=<station size>&filter=<station>` as the same users (a list of the same size);
 *  - `dutyScores:ranking?period=` as administrators (the whole jurisdiction) against `deputies:list` of as many
 *    rows;
 *  - `scorePeriods:publish` of the year's last quarter and of the year (snapshot of every active deputy), and
 *    `scorePeriods:closeYear` (the appeal deadline moved into the past with SQL), each timed once;
 *  - the public board of one station, `scoreBoard:list?period=&stationId=`, without sign-in, at CONCURRENCY users
 *    (the target), for one visitor alone, and `app:getInfo` at CONCURRENCY (the platform's floor) for comparison.
 * Targets: each suite p50 within 2x of its baseline's p50, publish and close < 10 s, board p95 < 100 ms. Answers
 * checked: every `mine` total, rank, station rank and per-item points against the ledger (SUM over pointEntries),
 * every station ranking row and the administrators' ranking against the raw full-ledger SQL, the published count,
 * the board's rows against the snapshot, the grades written at closing, and an on-demand reconciliation that must
 * find nothing. A wrong answer or a missed target exits non-zero.
 *
 *   node scripts/bench-http.js [--deputies 10000] [--records 1000000] [--requests 320] [--concurrency 16] [--load]
 *                              [--dialect postgres|mariadb] [--keep-database]
 *
 * --load then runs scripts/bench-load.js (duty-record submissions sustained 60 s) against the same app and data,
 * and adds its figures. PostgreSQL: BENCH_PG_HOST/PORT/USER/PASSWORD (default postgres@127.0.0.1:5432); with
 * --dialect mariadb, BENCH_MYSQL_HOST/PORT/USER/PASSWORD (default root@127.0.0.1:3306); scratch database
 * deputy_bench_http (dropped before and after, kept with --keep-database). App port BENCH_APP_PORT (13500). The
 * plugins are built by start.js.
 */
'use strict';

const fs = require('fs');
const path = require('path');
const { spawn } = require('child_process');
const { performance } = require('perf_hooks');
const { startApp, stopApp } = require('./lib/app-process');
const { parse } = require('./lib/dotenv-file');
const { client, percentile, rssOfPort } = require('./bench-load');
const {
  databaseServer,
  dropDatabase,
  numberOption,
  recreateDatabase,
  seedTown,
  stringOption,
} = require('./lib/bench-town');

const ROOT = path.resolve(__dirname, '..');
const DEPUTIES = numberOption('deputies', 10000);
const RECORDS = numberOption('records', 1000000);
const REQUESTS = numberOption('requests', 320);
const CONCURRENCY = numberOption('concurrency', 16);
const LOAD = process.argv.includes('--load');
const DIALECT = stringOption('dialect', 'postgres');
const YEAR = new Date(Date.now() + 8 * 3600e3).getUTCFullYear() - 1; // a period can be published once it has ended
const STATIONS = 50;
const DATABASE = 'deputy_bench_http';
const PORT = Number(process.env.BENCH_APP_PORT || 13500);
const TARGETS = { ratioToBaseline: 2, publishSeconds: 10, closeYearSeconds: 10, boardP95Ms: 100 };
const SERVER = databaseServer(DIALECT);
const log = (...a) => console.error('[bench-http]', ...a);
const dist = (plugin, file) => path.join(ROOT, `packages/plugins/@deputy/${plugin}/dist/server`, file);

let resets = 0;

/** `requests` calls of `work(i)`, `concurrency` at a time; the latencies (ms); the first error throws. */
async function fire(requests, concurrency, work) {
  const latencies = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < requests) {
        const i = next++;
        let t0 = performance.now();
        try {
          await work(i);
        } catch (e) {
          // Node's fetch may reuse a kept-alive socket the server has just closed (its 5 s keep-alive timeout):
          // that request never reached the app; it is sent again, once, and counted.
          if (!['ECONNRESET', 'UND_ERR_SOCKET'].includes(e.cause?.code)) throw e;
          resets += 1;
          t0 = performance.now();
          await work(i);
        }
        latencies.push(performance.now() - t0);
      }
    }),
  );
  return latencies;
}

/**
 * Baseline and suite alternately (a warm-up round of each, then half the requests of each, twice), so load from
 * elsewhere on the machine falls on both alike; p50 / p95 of each and the ratio of the p50s.
 */
async function pair(name, baseline, suite, requests = REQUESTS) {
  await fire(CONCURRENCY, CONCURRENCY, baseline);
  await fire(CONCURRENCY, CONCURRENCY, suite);
  const samples = [[], []];
  for (let round = 0; round < 2; round++) {
    for (const [k, work] of [baseline, suite].entries())
      samples[k].push(...(await fire(requests / 2, CONCURRENCY, work)));
  }
  const stats = (xs) => {
    xs.sort((a, b) => a - b);
    return { requests: xs.length, p50Ms: +percentile(xs, 50).toFixed(1), p95Ms: +percentile(xs, 95).toFixed(1) };
  };
  const [b, s] = samples.map(stats);
  const ratio = s.p50Ms / b.p50Ms;
  const result = {
    baseline: b,
    suite: s,
    ratioP50: +ratio.toFixed(2),
    ratioP95: +(s.p95Ms / b.p95Ms).toFixed(2),
    target: TARGETS.ratioToBaseline,
    met: ratio <= TARGETS.ratioToBaseline,
  };
  log(`${name}: ${JSON.stringify(result)}`);
  return result;
}

async function main() {
  const storage = path.join(ROOT, 'storage', 'bench-http');
  fs.rmSync(storage, { recursive: true, force: true });
  fs.mkdirSync(storage, { recursive: true });
  await recreateDatabase(DIALECT, SERVER, DATABASE);
  const appEnv = {
    DEPUTY_ENV_FILE: path.join(storage, '.env'),
    STORAGE_PATH: storage,
    APP_PORT: String(PORT),
    DB_DIALECT: DIALECT,
    DB_HOST: SERVER.host,
    DB_PORT: String(SERVER.port),
    DB_DATABASE: DATABASE,
    DB_USER: SERVER.user,
    DB_PASSWORD: SERVER.password,
    LOGGER_LEVEL: 'warn',
  };
  let t0 = performance.now();
  log(`starting a fresh instance on port ${PORT}, database ${DATABASE} (log: storage/bench-http/app.log) ...`);
  const app = await startApp(appEnv, path.join(storage, 'app.log'));
  const startSeconds = (performance.now() - t0) / 1000;
  const { Database } = require('@nocobase/database');
  const db = new Database({
    dialect: DIALECT,
    ...(DIALECT === 'mariadb' ? { timezone: '+00:00' } : {}),
    ...SERVER,
    username: SERVER.user,
    database: DATABASE,
    logging: false,
  });
  const failures = [];
  try {
    const env = parse(fs.readFileSync(appEnv.DEPUTY_ENV_FILE, 'utf8'));
    const base = `http://127.0.0.1:${PORT}`;
    const call = client(base);
    // The checks' SQL is written with PostgreSQL's quoted identifiers; MariaDB quotes them with backticks.
    const q = (sql) => db.sequelize.query(DIALECT === 'mariadb' ? sql.replace(/"(\w+)"/g, '`$1`') : sql);

    // ---- the town, then the totals as the upgrade's migration fills them ---------------------------------------
    const [items] = await q(`SELECT id, code FROM "dutyItems" ORDER BY code`);
    const itemId = new Map(items.map((i) => [i.code, Number(i.id)]));
    t0 = performance.now();
    log(`seeding ${DEPUTIES} deputies and ${RECORDS} records ...`);
    // The town as bench-ranking.js seeds it, into the app's own tables (after the stations and deputies it has).
    const { s0, d0 } = await seedTown(q, {
      dialect: DIALECT,
      year: YEAR,
      deputies: DEPUTIES,
      records: RECORDS,
      itemId,
      stations: STATIONS,
    });
    const seedSeconds = (performance.now() - t0) / 1000;
    const { SortField } = require('@nocobase/plugin-field-sort/dist/server/sort-field.js');
    db.registerFieldTypes({ sort: SortField });
    for (const plugin of ['plugin-suite-core', 'plugin-deputies', 'plugin-duty-points'])
      await db.import({ directory: dist(plugin, 'collections') });
    const { TotalsReconciliation } = require(dist('plugin-duty-points', 'services/reconciliation.js'));
    t0 = performance.now();
    await new TotalsReconciliation(db).rebuild();
    await q(DIALECT === 'mariadb' ? 'ANALYZE TABLE "pointTotals", "pointItemTotals"' : 'ANALYZE');
    const totalsFillSeconds = (performance.now() - t0) / 1000;
    const [[{ n: ledgerEntries }]] = await q(`SELECT COUNT(*) AS n FROM "pointEntries"`);
    log(
      `seeded in ${seedSeconds.toFixed(1)} s, ${ledgerEntries} entries; totals filled in ${totalsFillSeconds.toFixed(1)} s`,
    );

    // ---- users: administrators, one staff member per station, deputies with their own accounts -----------------
    const root = (
      await call('POST', 'auth:signIn', { account: env.INIT_ROOT_USERNAME, password: env.INIT_ROOT_PASSWORD })
    ).token;
    const admins = [];
    for (let i = 0; i < CONCURRENCY; i++)
      admins.push(
        (await call('POST', 'auth:signIn', { account: env.INIT_ROOT_USERNAME, password: env.INIT_ROOT_PASSWORD }))
          .token,
      );
    const staff = [];
    for (let i = 0; i < CONCURRENCY; i++) {
      const stationId = s0 + 1 + ((i * 3) % STATIONS);
      const password = `Staff-${i}-Bench-Pass`;
      const user = await call(
        'POST',
        'users:create',
        { username: `benchstaff${i}`, nickname: `站务${i}`, password, roles: ['station-staff'] },
        root,
      );
      await call('POST', `liaisonStations:update?filterByTk=${stationId}`, { headId: user.id, staff: [user.id] }, root);
      staff.push({ stationId, token: (await call('POST', 'auth:signIn', { account: user.username, password })).token });
    }
    const deputies = [];
    for (let i = 0; i < CONCURRENCY; i++) {
      // Spread over the ranking; never one who left (g % 50 = 7); the last is one without awards.
      let g = i === CONCURRENCY - 1 ? DEPUTIES : 1 + Math.floor((i * DEPUTIES) / CONCURRENCY) + 3;
      if (g % 50 === 7) g += 1;
      const account = await call(
        'POST',
        `deputies:createAccount?filterByTk=${d0 + g}`,
        { username: `benchdeputy${i}` },
        root,
      );
      const first = await call('POST', 'auth:signIn', { account: account.username, password: account.initialPassword });
      const password = `Deputy-${i}-Bench-Pass`;
      await call(
        'POST',
        'auth:changePassword',
        { oldPassword: account.initialPassword, newPassword: password, confirmPassword: password },
        first.token,
      );
      deputies.push({ deputyId: d0 + g, username: account.username, password });
    }
    await new Promise((r) => setTimeout(r, 1100));
    for (const d of deputies)
      d.token = (await call('POST', 'auth:signIn', { account: d.username, password: d.password })).token;

    // ---- the ledger's answers (raw SQL over the whole ledger) ---------------------------------------------------
    const [raw] = await q(`SELECT d.id, d."stationId" AS station, COALESCE(t.total, 0) AS total,
        RANK() OVER (ORDER BY COALESCE(t.total, 0) DESC) AS rnk,
        RANK() OVER (PARTITION BY d."stationId" ORDER BY COALESCE(t.total, 0) DESC) AS station_rank
      FROM deputies d LEFT JOIN (SELECT "deputyId", SUM(points) AS total FROM "pointEntries" WHERE year = ${YEAR}
                                  GROUP BY "deputyId") t ON t."deputyId" = d.id
      WHERE d.status = 'active'`);
    const ledger = new Map(
      raw.map((r) => [
        Number(r.id),
        {
          station: Number(r.station),
          total: Number(r.total),
          rank: Number(r.rnk),
          stationRank: Number(r.station_rank),
        },
      ]),
    );
    const [perItem] = await q(`SELECT "deputyId" AS deputy, "itemId" AS item, SUM(points) AS posted FROM "pointEntries"
      WHERE year = ${YEAR} AND "deputyId" IN (${deputies.map((d) => d.deputyId).join(',')}) GROUP BY 1, 2`);
    const stationSize = (id) => [...ledger.values()].filter((r) => r.station === id).length;

    // ---- checks of the answers, on the first response of each kind ------------------------------------------------
    for (const d of deputies) {
      const mine = await call('GET', `dutyScores:mine?year=${YEAR}`, undefined, d.token);
      const want = ledger.get(d.deputyId);
      const got = { total: mine.score?.total, rank: mine.score?.rank, stationRank: mine.score?.stationRank };
      if (got.total !== want.total || got.rank !== want.rank || got.stationRank !== want.stationRank)
        failures.push({ answer: 'mine', deputyId: d.deputyId, suite: got, ledger: want });
      for (const item of mine.items) {
        const posted = Number(
          perItem.find((r) => Number(r.deputy) === d.deputyId && Number(r.item) === item.itemId)?.posted ?? 0,
        );
        if (item.posted !== posted)
          failures.push({
            answer: 'mine item',
            deputyId: d.deputyId,
            itemId: item.itemId,
            suite: item.posted,
            ledger: posted,
          });
      }
    }
    const checkRanking = (rows, label, stationId) => {
      const expected = [...ledger.entries()].filter(([, r]) => !stationId || r.station === stationId);
      if (rows.length !== expected.length)
        failures.push({ answer: label, rows: { suite: rows.length, ledger: expected.length } });
      for (const row of rows) {
        const want = ledger.get(row.deputyId);
        if (!want || row.total !== want.total || row.rank !== want.rank || row.stationRank !== want.stationRank)
          failures.push({ answer: label, deputyId: row.deputyId, suite: row, ledger: want ?? null });
      }
    };
    for (const s of staff)
      checkRanking(
        await call('GET', `dutyScores:ranking?period=${YEAR}&stationId=${s.stationId}`, undefined, s.token),
        'station ranking',
        s.stationId,
      );
    checkRanking(await call('GET', `dutyScores:ranking?period=${YEAR}`, undefined, root), 'ranking');
    const reconciliation = await call('POST', 'dutyScores:reconcileTotals', {}, root);
    if (reconciliation.differences.length)
      failures.push({ answer: 'reconciliation', differences: reconciliation.differences.slice(0, 5) });
    if (failures.length) throw Object.assign(new Error('wrong answers'), { failures });

    // ---- the timed pairs ------------------------------------------------------------------------------------------
    log(`timing at ${CONCURRENCY} concurrent users, ${REQUESTS} requests each ...`);
    const pick = (list, i) => list[i % list.length];
    const mine = await pair(
      'mine',
      (i) => call('GET', 'pointEntries:list?pageSize=20', undefined, pick(deputies, i).token),
      (i) => call('GET', `dutyScores:mine?year=${YEAR}`, undefined, pick(deputies, i).token),
    );
    const stationFilter = (id) => encodeURIComponent(JSON.stringify({ stationId: id }));
    const stationRanking = await pair(
      'station ranking',
      (i) => {
        const s = pick(staff, i);
        return call(
          'GET',
          `deputies:list?pageSize=${stationSize(s.stationId)}&filter=${stationFilter(s.stationId)}`,
          undefined,
          s.token,
        );
      },
      (i) => {
        const s = pick(staff, i);
        return call('GET', `dutyScores:ranking?period=${YEAR}&stationId=${s.stationId}`, undefined, s.token);
      },
    );
    const everyone = ledger.size;
    const ranking = await pair(
      'ranking',
      (i) =>
        call(
          'GET',
          `deputies:list?pageSize=${everyone}&filter=${encodeURIComponent('{"status":"active"}')}`,
          undefined,
          pick(admins, i),
        ),
      (i) => call('GET', `dutyScores:ranking?period=${YEAR}`, undefined, pick(admins, i)),
      Math.max(32, Math.round(REQUESTS / 5)),
    );

    // ---- publish a quarter and the year, the public board, close the year ------------------------------------------
    // Node's fetch gives up after 300 s without response headers: a publication that long is reported, not waited for.
    const quarter = await call('POST', 'scorePeriods:create', { key: `${YEAR}-Q4` }, root);
    t0 = performance.now();
    const quarterPublished = await call('POST', `scorePeriods:publish?filterByTk=${quarter.id}`, {}, root).catch(
      (e) => ({ error: e.cause?.code ?? e.message }),
    );
    const quarterSeconds = (performance.now() - t0) / 1000;
    log(`published the quarter, ${quarterPublished.deputies} deputies, in ${quarterSeconds.toFixed(1)} s`);
    if (quarterPublished.deputies !== everyone)
      failures.push({
        answer: 'publish quarter',
        suite: quarterPublished.deputies ?? quarterPublished.error,
        ledger: everyone,
      });
    const period = await call('POST', 'scorePeriods:create', { key: String(YEAR) }, root);
    t0 = performance.now();
    const published = await call('POST', `scorePeriods:publish?filterByTk=${period.id}`, {}, root).catch((e) => ({
      error: e.cause?.code ?? e.message,
    }));
    const publishSeconds = (performance.now() - t0) / 1000;
    log(`published ${published.deputies} deputies in ${publishSeconds.toFixed(1)} s`);
    if (published.deputies !== everyone)
      failures.push({ answer: 'publish', suite: published.deputies ?? published.error, ledger: everyone });
    let boardFigure = { skipped: 'the publication failed' };
    let closed = { deputies: null };
    let closeYearSeconds = NaN;
    if (!published.error) {
      const boardStation = staff[0].stationId;
      const board = await call('GET', `scoreBoard:list?period=${YEAR}&stationId=${boardStation}`);
      const boardRows = board[0]?.rows ?? [];
      const [snap] = await q(
        `SELECT "deputyId", total FROM "scoreSnapshots"
         WHERE "periodId" = ${period.id} AND "stationId" = ${boardStation} AND "current"`,
      );
      if (boardRows.length !== stationSize(boardStation) || snap.length !== boardRows.length)
        failures.push({
          answer: 'board rows',
          suite: boardRows.length,
          snapshot: snap.length,
          ledger: stationSize(boardStation),
        });
      for (const s of snap)
        if (Number(s.total) !== ledger.get(Number(s.deputyId))?.total)
          failures.push({ answer: 'snapshot', deputyId: Number(s.deputyId), suite: Number(s.total) });
      const boardSum = boardRows.reduce((a, r) => a + (r.total ?? 0), 0);
      const stationSum = [...ledger.values()]
        .filter((r) => r.station === boardStation)
        .reduce((a, r) => a + r.total, 0);
      if (boardRows.length && boardRows[0].total !== undefined && boardSum !== stationSum)
        failures.push({ answer: 'board totals', suite: boardSum, ledger: stationSum });
      await fire(CONCURRENCY, CONCURRENCY, () =>
        call('GET', `scoreBoard:list?period=${YEAR}&stationId=${boardStation}`),
      );
      const boardTimes = (
        await fire(REQUESTS, CONCURRENCY, (i) =>
          call('GET', `scoreBoard:list?period=${YEAR}&stationId=${pick(staff, i).stationId}`),
        )
      ).sort((a, b) => a - b);
      // One visitor alone, and the platform's floor at the same concurrency (app:getInfo, public, no data).
      const sorted = (xs) => xs.sort((a, b) => a - b);
      const oneVisitor = sorted(
        await fire(Math.min(100, REQUESTS), 1, (i) =>
          call('GET', `scoreBoard:list?period=${YEAR}&stationId=${pick(staff, i).stationId}`),
        ),
      );
      const floor = sorted(await fire(REQUESTS, CONCURRENCY, () => call('GET', 'app:getInfo')));
      boardFigure = {
        stationRows: boardRows.length,
        requests: boardTimes.length,
        p50Ms: +percentile(boardTimes, 50).toFixed(1),
        p95Ms: +percentile(boardTimes, 95).toFixed(1),
        targetP95Ms: TARGETS.boardP95Ms,
        oneVisitor: { p50Ms: +percentile(oneVisitor, 50).toFixed(1), p95Ms: +percentile(oneVisitor, 95).toFixed(1) },
        floorAppGetInfo: { p50Ms: +percentile(floor, 50).toFixed(1), p95Ms: +percentile(floor, 95).toFixed(1) },
      };
      boardFigure.met = boardFigure.p95Ms < TARGETS.boardP95Ms;
      log(`board: ${JSON.stringify(boardFigure)}`);
      // The appeal window passes (the clock is moved by editing the stored deadline).
      await q(`UPDATE "scorePeriods" SET "appealDeadline" = '${YEAR}-12-31' WHERE id = ${period.id}`);
      t0 = performance.now();
      closed = await call('POST', `scorePeriods:closeYear?filterByTk=${period.id}`, {}, root);
      closeYearSeconds = (performance.now() - t0) / 1000;
      log(`closed the year (${closed.deputies} deputies) in ${closeYearSeconds.toFixed(1)} s`);
      const [[{ n: grades }]] = await q(`SELECT COUNT(*) AS n FROM "deputyYearGrades" WHERE year = ${YEAR}`);
      if (closed.deputies !== everyone || Number(grades) !== everyone)
        failures.push({ answer: 'close year', suite: closed.deputies, grades: Number(grades), ledger: everyone });
    }

    let load;
    const until = process.env.BENCH_LOAD_UNTIL; // e.g. 02:40 (UTC): no load test started after it
    if (LOAD && until && new Date().toISOString().slice(11, 16) > until) {
      load = { skipped: `not started after ${until} UTC (BENCH_LOAD_UNTIL)` };
    } else if (LOAD) {
      log('the load test (scripts/bench-load.js) against the same app ...');
      load = await runLoad(base, env);
    }
    const report = {
      dialect: DIALECT,
      deputies: DEPUTIES,
      activeDeputies: everyone,
      records: RECORDS,
      ledgerEntries: Number(ledgerEntries),
      appStartSeconds: +startSeconds.toFixed(1),
      seedSeconds: +seedSeconds.toFixed(1),
      totalsFillSeconds: +totalsFillSeconds.toFixed(1),
      concurrency: CONCURRENCY,
      mine: { baselineRequest: 'pointEntries:list?pageSize=20 (deputies)', ...mine },
      stationRanking: {
        baselineRequest: `deputies:list of the station's ${stationSize(staff[0].stationId)} rows (station staff)`,
        ...stationRanking,
      },
      ranking: { baselineRequest: `deputies:list of ${everyone} rows (administrators)`, ...ranking },
      publishQuarter: {
        period: `${YEAR}-Q4`,
        deputies: quarterPublished.deputies ?? null,
        ...(quarterPublished.error ? { error: quarterPublished.error } : {}),
        seconds: +quarterSeconds.toFixed(2),
        target: TARGETS.publishSeconds,
        met: !quarterPublished.error && quarterSeconds < TARGETS.publishSeconds,
      },
      publish: {
        period: String(YEAR),
        deputies: published.deputies ?? null,
        ...(published.error ? { error: published.error } : {}),
        seconds: +publishSeconds.toFixed(2),
        target: TARGETS.publishSeconds,
        met: !published.error && publishSeconds < TARGETS.publishSeconds,
      },
      closeYear: {
        deputies: closed.deputies,
        seconds: Number.isNaN(closeYearSeconds) ? null : +closeYearSeconds.toFixed(2),
        target: TARGETS.closeYearSeconds,
        met: closeYearSeconds < TARGETS.closeYearSeconds,
      },
      board: boardFigure,
      checked: {
        mineDeputies: deputies.length,
        stationRankings: staff.length,
        rankingRows: everyone,
        reconciliationDifferences: reconciliation.differences.length,
        failures: failures.length,
      },
      ...(failures.length ? { firstFailures: failures.slice(0, 10) } : {}),
      connectionResetsRetried: resets,
      ...(load ? { load } : {}),
      appRssMB: rssOfPort(PORT),
    };
    console.log(JSON.stringify(report, null, 2));
    const met = [
      mine,
      stationRanking,
      ranking,
      report.publishQuarter,
      report.publish,
      report.closeYear,
      report.board,
    ].every((f) => f.met);
    if (failures.length || !met || (load && !load.skipped && !load.met)) process.exitCode = 1;
  } catch (e) {
    if (e.failures) console.log(JSON.stringify({ failures: e.failures.slice(0, 10) }, null, 2));
    throw e;
  } finally {
    await db.close().catch(() => {});
    await stopApp(app);
    if (!process.argv.includes('--keep-database')) await dropDatabase(DIALECT, SERVER, DATABASE);
  }
}

/** scripts/bench-load.js on the running app; its JSON line. */
function runLoad(base, env) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(__dirname, 'bench-load.js')], {
      cwd: ROOT,
      env: {
        ...process.env,
        BENCH_BASE_URL: base,
        BENCH_ADMIN: env.INIT_ROOT_USERNAME,
        BENCH_PASSWORD: env.INIT_ROOT_PASSWORD,
        BENCH_JSON: '1',
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (b) => {
      out += b;
      process.stderr.write(b);
    });
    child.on('exit', () => {
      const line = out.split('\n').find((l) => l.startsWith('{'));
      if (!line) return reject(new Error('bench-load printed no JSON'));
      resolve(JSON.parse(line));
    });
  });
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
