#!/usr/bin/env node
'use strict';
/**
 * Concurrency (issue #8), through the HTTP API of a running app on PostgreSQL: parallel requests that race for
 * the same ledger or limit, and the count of what was posted against what may be posted.
 *  1. 40 parallel approvals of the same record → exactly 1 ledger entry;
 *  2. 30 parallel approvals of different records of one item whose yearly cap allows fewer → the total equals
 *     the cap exactly;
 *  3. 20 parallel revocations of the same approved record → exactly 1 reversal;
 *  4. 20 parallel 1+N pairings for one deputy with N = 3 → exactly 3 active;
 *  5. 20 parallel appeals decisions on one appeal → exactly 1 decision stands;
 *  6. the station head's 20 task-centre decisions at once, then 20 reviewBatch calls at once, with an anonymous
 *     read of the public board as latency probe → no failure, probe p95 < 500 ms, one ledger entry a record.
 *
 *   node scripts/check-concurrency.js      fresh instance in storage/concurrency (port 13700), embedded PostgreSQL
 *   CONC_DB=mariadb node scripts/check-concurrency.js   the same on MariaDB at 127.0.0.1:3306 (database deputy_concurrency)
 *   CONC_BASE_URL=http://… CONC_ADMIN=… CONC_PASSWORD=… node scripts/check-concurrency.js   a running app
 */
const fs = require('fs');
const path = require('path');
const { startApp, stopApp } = require('./lib/app-process');
const { parse } = require('./lib/dotenv-file');

const ROOT = path.resolve(__dirname, '..');
const log = (...a) => console.log('[concurrency]', ...a);

function client(base) {
  return async function call(method, url, body, token) {
    const res = await fetch(`${base}/api/${url}`, {
      method,
      headers: {
        'Content-Type': 'application/json',
        'X-Authenticator': 'basic',
        ...(token ? { Authorization: `Bearer ${token}` } : {}),
      },
      body: method === 'POST' ? JSON.stringify(body ?? {}) : undefined,
    });
    const json = await res.json().catch(() => ({}));
    return { status: res.status, data: json.data, errors: json.errors };
  };
}

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const idNumber = (first17) => first17 + '10X98765432'[WEIGHTS.reduce((s, w, i) => s + w * Number(first17[i]), 0) % 11];

async function main() {
  let app;
  let base = process.env.CONC_BASE_URL;
  let admin = { account: process.env.CONC_ADMIN, password: process.env.CONC_PASSWORD };
  if (!base) {
    const storage = path.join(ROOT, 'storage', 'concurrency');
    fs.rmSync(storage, { recursive: true, force: true });
    fs.mkdirSync(storage, { recursive: true });
    const appEnv = {
      DEPUTY_ENV_FILE: path.join(storage, '.env'),
      STORAGE_PATH: storage,
      APP_PORT: '13700',
      DB_DIALECT: '',
      EMBEDDED_DB_PORT: '15470',
      LOGGER_LEVEL: 'warn',
    };
    if (process.env.CONC_DB === 'mariadb') {
      // The same races on MariaDB (REPEATABLE READ): a fresh database on the server at 127.0.0.1:3306.
      const settings = {
        host: process.env.CONC_MYSQL_HOST || '127.0.0.1',
        port: Number(process.env.CONC_MYSQL_PORT || 3306),
        user: process.env.CONC_MYSQL_USER || 'root',
        password: process.env.CONC_MYSQL_PASSWORD || '',
      };
      const connection = await require('mariadb').createConnection(settings);
      await connection.query('DROP DATABASE IF EXISTS `deputy_concurrency`');
      await connection.query('CREATE DATABASE `deputy_concurrency` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci');
      await connection.end();
      Object.assign(appEnv, {
        DB_DIALECT: 'mariadb',
        DB_HOST: settings.host,
        DB_PORT: String(settings.port),
        DB_USER: settings.user,
        DB_PASSWORD: settings.password,
        DB_DATABASE: 'deputy_concurrency',
      });
    }
    log('starting a fresh instance on port 13700 (log: storage/concurrency/app.log) ...');
    app = await startApp(appEnv, path.join(storage, 'app.log'));
    const env = parse(fs.readFileSync(appEnv.DEPUTY_ENV_FILE, 'utf8'));
    base = 'http://127.0.0.1:13700';
    admin = { account: env.INIT_ROOT_USERNAME, password: env.INIT_ROOT_PASSWORD };
  }
  const results = [];
  try {
    const call = client(base);
    const token = (await call('POST', 'auth:signIn', { account: admin.account, password: admin.password })).data.token;
    const as = (method, url, body) => call(method, url, body, token);
    const ok = async (method, url, body) => {
      const r = await as(method, url, body);
      if (r.status >= 400) throw new Error(`${url}: ${r.status} ${JSON.stringify(r.errors)}`);
      return r.data;
    };
    const stamp = Date.now() % 1e6;
    const head = await ok('POST', 'users:create', {
      username: `conchead${stamp}`,
      nickname: '站长',
      password: `Conc-${stamp}-Pass1`,
      roles: ['station-staff'],
    });
    const station = await ok('POST', 'liaisonStations:create', {
      name: `并发测试站-${stamp}`,
      headId: head.id,
      staff: [head.id],
    });
    const deputy = await ok('POST', 'deputies:create', { name: '并发代表', stationId: station.id });
    const item = async (code) =>
      (await ok('GET', `dutyItems:list?filter=${encodeURIComponent(JSON.stringify({ code }))}`))[0];
    const submitted = async (code, date) => {
      const r = await ok('POST', 'dutyRecords:create', { deputyId: deputy.id, itemId: (await item(code)).id, date });
      await ok('POST', `dutyRecords:submit?filterByTk=${r.id}`, {});
      return r.id;
    };
    const entries = async (filter) =>
      (await ok('GET', `pointEntries:list?paginate=false&filter=${encodeURIComponent(JSON.stringify(filter))}`)) ?? [];
    const check = (name, posted, expected) => {
      results.push({ name, posted, expected, ok: posted === expected });
      log(`${posted === expected ? 'OK ' : 'BAD'} ${name}: ${posted} (expected ${expected})`);
    };

    // 1. The same record approved 40 times at once.
    const once = await submitted('D04', '2025-02-03');
    await Promise.all(
      Array.from({ length: 40 }, () => as('POST', `dutyRecords:update?filterByTk=${once}`, { status: 'approved' })),
    );
    check('ledger entries after 40 parallel approvals of one record', (await entries({ recordId: once })).length, 1);

    // 2. D01 (5 points, yearly cap 10): 30 records approved at once → 10 points in all.
    const d01 = await item('D01');
    const many = [];
    for (let i = 0; i < 30; i++) many.push(await submitted('D01', `2025-03-${String(1 + (i % 28)).padStart(2, '0')}`));
    await Promise.all(many.map((id) => as('POST', `dutyRecords:update?filterByTk=${id}`, { status: 'approved' })));
    const capped = (await entries({ deputyId: deputy.id, itemId: d01.id })).reduce((s, e) => s + Number(e.points), 0);
    check(`points of D01 after 30 parallel approvals (cap ${d01.yearlyCap})`, capped, d01.yearlyCap);

    // 3. The same approved record revoked 20 times at once.
    await Promise.all(
      Array.from({ length: 20 }, () => as('POST', `dutyRecords:revoke?filterByTk=${once}`, { reason: '重复' })),
    );
    check(
      'reversals after 20 parallel revocations of one record',
      (await entries({ recordId: once, kind: 'reversal' })).length,
      1,
    );

    // 4. 20 pairings for one deputy at once, N = 3.
    const [category] = await ok('GET', 'aidCategories:list?sort=id&pageSize=1');
    const households = [];
    for (let i = 0; i < 20; i++) {
      households.push(
        await ok('POST', 'aidHouseholds:create', {
          headName: `户主${i}`,
          idNumber: idNumber(`4306211960${String(stamp).padStart(6, '0').slice(-6)}${i % 10}`),
          categoryId: category.id,
          stationId: station.id,
          consent: true,
        }).catch(() =>
          ok('POST', 'aidHouseholds:create', {
            headName: `户主${i}`,
            categoryId: category.id,
            stationId: station.id,
            consent: true,
          }),
        ),
      );
    }
    await Promise.all(
      households.map((h) =>
        as('POST', 'aidPairings:create', { deputyId: deputy.id, householdId: h.id, startDate: '2025-01-01' }),
      ),
    );
    const active = await ok(
      'GET',
      `aidPairings:list?paginate=false&filter=${encodeURIComponent(JSON.stringify({ deputyId: deputy.id, status: 'active' }))}`,
    );
    check('active pairings after 20 parallel pairings (N = 3)', active.length, 3);

    // 5. One appeal decided 20 times at once, half accepting, half rejecting.
    const period = await ok('POST', 'scorePeriods:create', { key: String(1990 + (stamp % 9)) });
    await ok('POST', `scorePeriods:publish?filterByTk=${period.id}`, {});
    const appeal = await ok('POST', 'pointAppeals:create', {
      periodId: period.id,
      deputyId: deputy.id,
      kind: 'missing',
      description: '漏记',
    });
    const decisions = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        as('POST', `pointAppeals:decide?filterByTk=${appeal.id}`, {
          decision: i % 2 ? 'accepted' : 'rejected',
          reason: `决定 ${i}`,
        }),
      ),
    );
    check(
      'decisions that stood after 20 parallel decisions on one appeal',
      decisions.filter((d) => d.status === 200).length,
      1,
    );

    // 6. The station head decides 20 review tasks at once in the task centre, then 20 records at once with
    //    reviewBatch (issue #16), while an anonymous visitor reads the public board.
    const headToken = (await call('POST', 'auth:signIn', { account: head.username, password: `Conc-${stamp}-Pass1` }))
      .data?.token;
    if (!headToken) throw new Error('the station head cannot sign in');
    const asHead = (method, url, body) => call(method, url, body, headToken);
    const d16 = await item('D16');
    const reviewIds = [];
    for (let i = 0; i < 40; i++)
      reviewIds.push(await submitted('D16', `2025-04-${String(1 + (i % 28)).padStart(2, '0')}`));
    const taskOf = new Map();
    for (
      const deadline = Date.now() + 120000;
      Date.now() < deadline && !reviewIds.slice(0, 20).every((id) => taskOf.has(id));
    ) {
      const tasks =
        (
          await asHead(
            'GET',
            `workflowManualTasks:listMine?pageSize=200&appends[]=execution&filter=${encodeURIComponent(JSON.stringify({ status: 0 }))}`,
          )
        ).data ?? [];
      for (const t of tasks) taskOf.set(t.execution?.context?.data?.id, t.id);
      await new Promise((r) => setTimeout(r, 300));
    }
    const p95 = (list) =>
      list.length ? [...list].sort((a, b) => a - b)[Math.min(list.length - 1, Math.ceil(list.length * 0.95) - 1)] : NaN;
    const burst = async (label, calls) => {
      const probes = [];
      let done = false;
      const started = Date.now();
      const replies = Promise.all(
        calls.map(async (fn) => {
          const t0 = Date.now();
          const r = await fn().catch((e) => ({ status: 0, errors: [{ message: e.message }] }));
          return { ...r, ms: Date.now() - t0 };
        }),
      ).finally(() => (done = true));
      while (!done) {
        const t0 = Date.now();
        const r = await call('GET', `scoreBoard:list?period=${period.key}`);
        probes.push({ ms: Date.now() - t0, status: r.status });
        await new Promise((res) => setTimeout(res, 100));
      }
      const out = await replies;
      const failures = out.filter((r) => ![200, 202].includes(r.status) || r.data?.failed?.length);
      log(
        `${label}: ${out.length} decisions in ${Date.now() - started} ms, ${failures.length} failed, decision p95 ${p95(out.map((r) => r.ms))} ms; ` +
          `probe p95 ${p95(probes.map((p) => p.ms))} ms, max ${Math.max(...probes.map((p) => p.ms))} ms (${probes.length} probes, ${probes.filter((p) => p.status !== 200).length} not 200)`,
      );
      if (failures.length) log(`  first failure: ${JSON.stringify(failures[0]).slice(0, 300)}`);
      results.push({ name: `${label}: failures`, posted: failures.length, expected: 0, ok: failures.length === 0 });
      results.push({
        name: `${label}: probe p95 < 500 ms`,
        posted: p95(probes.map((p) => p.ms)) < 500 ? 1 : 0,
        expected: 1,
        ok: p95(probes.map((p) => p.ms)) < 500,
      });
    };
    await burst(
      '20 task-centre decisions at once',
      reviewIds.slice(0, 20).map(
        (id) => () =>
          asHead('POST', `workflowManualTasks:submit?filterByTk=${taskOf.get(id)}`, {
            result: { review: { comment: '' }, _: 'approve' },
          }),
      ),
    );
    await burst(
      '20 reviewBatch calls at once',
      reviewIds
        .slice(20)
        .map((id) => () => asHead('POST', 'dutyRecords:reviewBatch', { ids: [id], decision: 'approve' })),
    );
    // Decisions are applied by the workflow: wait until every record is approved, then count the ledger.
    let approved = 0;
    for (const deadline = Date.now() + 120000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 500))) {
      approved = (
        (await ok(
          'GET',
          `dutyRecords:list?paginate=false&fields[]=id&filter=${encodeURIComponent(JSON.stringify({ id: { $in: reviewIds }, status: 'approved' }))}`,
        )) ?? []
      ).length;
      if (approved === reviewIds.length) break;
    }
    check('records approved after the two bursts', approved, reviewIds.length);
    const reviewEntries = await entries({ recordId: { $in: reviewIds } });
    check(
      `ledger entries of the 40 reviewed D16 records (one each; points capped at ${d16.yearlyCap})`,
      reviewEntries.length,
      reviewIds.length,
    );
    const worth = reviewIds.length * Number(d16.points);
    check(
      'D16 points after the bursts (their worth, capped by the yearly cap)',
      reviewEntries.reduce((n, e) => n + Number(e.points), 0),
      d16.yearlyCap == null ? worth : Math.min(worth, Number(d16.yearlyCap)),
    );

    const failed = results.filter((r) => !r.ok);
    console.log(
      `RESULT concurrency: ${results.length - failed.length} of ${results.length} races exact — ${results.map((r) => `${r.posted}/${r.expected}`).join(', ')}`,
    );
    if (failed.length) process.exitCode = 1;
  } finally {
    if (app) await stopApp(app);
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
