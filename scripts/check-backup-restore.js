#!/usr/bin/env node
'use strict';
/**
 * Backup and restore (issue #8): a populated instance is backed up with pg_dump, restored into a fresh
 * database, and a second instance started on it (same .env, uploads copied) must give identical figures:
 * yearly ranking (totals, ranks, grades), the ledger (entries and their sum), published snapshots, 1+N KPIs.
 *
 * Runs on the PostgreSQL server named by TEST_PG_* (default postgres@127.0.0.1:5432), whose pg_dump must
 * match its version — the embedded PostgreSQL 17 ships no pg_dump, see README "Backup".
 *
 *   node scripts/check-backup-restore.js
 */
const fs = require('fs');
const path = require('path');
const { execFileSync } = require('child_process');
const { startApp, stopApp } = require('./lib/app-process');
const { parse } = require('./lib/dotenv-file');

const ROOT = path.resolve(__dirname, '..');
const PG = {
  host: process.env.TEST_PG_HOST || '127.0.0.1',
  port: process.env.TEST_PG_PORT || '5432',
  user: process.env.TEST_PG_USER || 'postgres',
  password: process.env.TEST_PG_PASSWORD || '',
};
const log = (...a) => console.log('[backup-restore]', ...a);
const pgEnv = { ...process.env, PGHOST: PG.host, PGPORT: PG.port, PGUSER: PG.user, PGPASSWORD: PG.password };
const psql = (sql) =>
  execFileSync('psql', ['-q', '-d', 'postgres', '-c', sql], { env: pgEnv, stdio: ['ignore', 'ignore', 'inherit'] });

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
    if (!res.ok) throw new Error(`${url}: ${res.status} ${JSON.stringify(json).slice(0, 300)}`);
    return json.data;
  };
}

function instance(name, database, port) {
  const storage = path.join(ROOT, 'storage', name);
  return {
    storage,
    database,
    port,
    env: {
      DEPUTY_ENV_FILE: path.join(storage, '.env'),
      STORAGE_PATH: storage,
      APP_PORT: String(port),
      DB_DIALECT: 'postgres',
      DB_HOST: PG.host,
      DB_PORT: PG.port,
      DB_USER: PG.user,
      DB_PASSWORD: PG.password,
      DB_DATABASE: database,
      LOGGER_LEVEL: 'warn',
    },
  };
}

/** Populates the instance as a county office would after a while: records, a revocation, a published period, 1+N. */
async function populate(call, admin) {
  const head = await call(
    'POST',
    'users:create',
    { username: 'backuphead', nickname: '站长', password: 'Backup-Head-1', roles: ['station-staff'] },
    admin,
  );
  const station = await call(
    'POST',
    'liaisonStations:create',
    { name: '高沙镇联络站', headId: head.id, staff: [head.id] },
    admin,
  );
  const items = await call('GET', 'dutyItems:list?paginate=false', undefined, admin);
  const byCode = Object.fromEntries(items.map((i) => [i.code, i]));
  const deputies = [];
  for (let i = 0; i < 6; i++)
    deputies.push(
      await call(
        'POST',
        'deputies:create',
        { name: `代表${i + 1}`, phone: `1390000000${i}`, stationId: station.id },
        admin,
      ),
    );
  let n = 0;
  const approve = async (deputyId, code, date) => {
    const r = await call(
      'POST',
      'dutyRecords:create',
      { deputyId, itemId: byCode[code].id, date, description: `记录 ${++n}` },
      admin,
    );
    await call('POST', `dutyRecords:submit?filterByTk=${r.id}`, {}, admin);
    await call('POST', `dutyRecords:update?filterByTk=${r.id}`, { status: 'approved' }, admin);
    return r.id;
  };
  for (const [i, d] of deputies.entries()) {
    for (let k = 0; k <= i; k++) await approve(d.id, ['D01', 'D04', 'D14', 'D16'][k % 4], `2025-0${1 + (k % 9)}-1${i}`);
  }
  const revoked = await approve(deputies[0].id, 'D17', '2025-05-05');
  await call('POST', `dutyRecords:revoke?filterByTk=${revoked}`, { reason: '重复录入' }, admin);
  const period = await call('POST', 'scorePeriods:create', { key: '2025' }, admin);
  await call('POST', `scorePeriods:publish?filterByTk=${period.id}`, {}, admin);
  const [category] = await call(
    'GET',
    `aidCategories:list?filter=${encodeURIComponent(JSON.stringify({ code: 'subsistence' }))}`,
    undefined,
    admin,
  );
  const types = await call('GET', 'aidAssistanceTypes:list?paginate=false', undefined, admin);
  const household = await call(
    'POST',
    'aidHouseholds:create',
    {
      headName: '王某',
      idNumber: withCheckDigit('43062119600101001'),
      categoryId: category.id,
      stationId: station.id,
      consent: true,
    },
    admin,
  );
  const pairing = await call(
    'POST',
    'aidPairings:create',
    { deputyId: deputies[1].id, householdId: household.id, startDate: '2025-01-02' },
    admin,
  );
  for (const [k, type] of types.slice(0, 3).entries()) {
    await call(
      'POST',
      'aidRecords:create',
      {
        pairingId: pairing.id,
        typeId: type.id,
        date: `2025-0${k + 2}-03`,
        amount: `${1000 + k * 333}.${k}5`,
        units: k,
        confirmed: false,
      },
      admin,
    );
  }
}

function withCheckDigit(first17) {
  const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  return first17 + '10X98765432'[w.reduce((s, x, i) => s + x * Number(first17[i]), 0) % 11];
}

/** The figures that must survive a backup and restore. */
async function figures(call, admin) {
  const ranking = await call('GET', 'dutyScores:ranking?period=2025', undefined, admin);
  const entries = await call('GET', 'pointEntries:list?paginate=false&sort=id', undefined, admin);
  const snapshots = await call('GET', 'scoreSnapshots:list?paginate=false&sort=id', undefined, admin);
  const kpi = await call('GET', 'aidKpi:summary?period=2025', undefined, admin).catch((e) => ({ error: e.message }));
  return {
    ranking: ranking.map((r) => ({ name: r.name, total: r.total, rank: r.rank, grade: r.grade })),
    ledger: {
      entries: entries.length,
      sum: entries.reduce((s, e) => s + Number(e.points), 0),
      ids: entries.map((e) => e.id),
    },
    snapshots: snapshots.map((s) => [s.deputyName, s.total, s.rank, s.grade, s.version]),
    kpi,
  };
}

async function main() {
  const a = instance('backup-a', 'deputy_backup_a', 13600);
  const b = instance('backup-b', 'deputy_backup_b', 13610);
  for (const x of [a, b]) {
    fs.rmSync(x.storage, { recursive: true, force: true });
    fs.mkdirSync(x.storage, { recursive: true });
    psql(`DROP DATABASE IF EXISTS ${x.database} WITH (FORCE)`);
  }
  psql(`CREATE DATABASE ${a.database}`);
  log(`starting instance A on ${a.database} (port ${a.port}) ...`);
  let app = await startApp(a.env, path.join(a.storage, 'app.log'));
  const env = parse(fs.readFileSync(a.env.DEPUTY_ENV_FILE, 'utf8'));
  let before;
  try {
    const call = client(`http://127.0.0.1:${a.port}`);
    const admin = (
      await call('POST', 'auth:signIn', { account: env.INIT_ROOT_USERNAME, password: env.INIT_ROOT_PASSWORD })
    ).token;
    log('populating ...');
    await populate(call, admin);
    before = await figures(call, admin);
  } finally {
    await stopApp(app);
  }
  const dump = path.join(a.storage, 'backup.dump');
  const t0 = Date.now();
  execFileSync('pg_dump', ['-Fc', '-f', dump, a.database], { env: pgEnv, stdio: 'inherit' });
  psql(`CREATE DATABASE ${b.database}`);
  execFileSync('pg_restore', ['--no-owner', '-d', b.database, dump], { env: pgEnv, stdio: 'inherit' });
  log(`pg_dump + pg_restore: ${(fs.statSync(dump).size / 1024).toFixed(0)} KiB in ${Date.now() - t0} ms`);
  // The same secrets (APP_KEY signs tokens), the restored database, A's uploads.
  const envB = fs.readFileSync(a.env.DEPUTY_ENV_FILE, 'utf8').replace(/^DB_DATABASE=.*$/m, `DB_DATABASE=${b.database}`);
  fs.writeFileSync(b.env.DEPUTY_ENV_FILE, envB);
  if (fs.existsSync(path.join(a.storage, 'uploads')))
    fs.cpSync(path.join(a.storage, 'uploads'), path.join(b.storage, 'uploads'), { recursive: true });
  log(`starting instance B on the restored ${b.database} (port ${b.port}) ...`);
  app = await startApp(b.env, path.join(b.storage, 'app.log'));
  let after;
  try {
    const call = client(`http://127.0.0.1:${b.port}`);
    const admin = (
      await call('POST', 'auth:signIn', { account: env.INIT_ROOT_USERNAME, password: env.INIT_ROOT_PASSWORD })
    ).token;
    after = await figures(call, admin);
  } finally {
    await stopApp(app);
  }
  const same = JSON.stringify(before) === JSON.stringify(after);
  console.log(
    `RESULT backup and restore: ledger ${before.ledger.entries} entries / ${before.ledger.sum} points before, ${after.ledger.entries} / ${after.ledger.sum} after; ` +
      `ranking of ${before.ranking.length} deputies, ${before.snapshots.length} published snapshot rows, ` +
      `1+N KPIs (${before.kpi?.outcomes ? `${before.kpi.outcomes.legalAidCases} legal-aid cases, relief ¥${before.kpi.outcomes.reliefYuan}` : 'not available: ' + before.kpi?.error}) — ${same ? 'identical' : 'DIFFERENT'}`,
  );
  if (!same) {
    console.log(JSON.stringify({ before, after }, null, 2));
    process.exitCode = 1;
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
