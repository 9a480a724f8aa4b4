#!/usr/bin/env node
'use strict';
/**
 * Crash safety (issue #8): the server is killed (SIGKILL, the whole process group, database included) in the
 * middle of a batch approval, then started again on the same data. Afterwards every approved record has
 * exactly one ledger entry, every record still submitted has none, and re-running the batch finishes the
 * rest — no duplicate and no missing entry.
 *
 *   node scripts/check-crash-safety.js     fresh instance in storage/crash-safety (port 13500); CRASH_RECORDS=40
 */
const fs = require('fs');
const path = require('path');
const { startApp, stopApp } = require('./lib/app-process');
const { parse } = require('./lib/dotenv-file');

const ROOT = path.resolve(__dirname, '..');
const RECORDS = Number(process.env.CRASH_RECORDS || 40);
const PORT = 13500;
const log = (...a) => console.log('[crash-safety]', ...a);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function client(base) {
  return async function call(method, url, body, token) {
    const res = await fetch(`${base}/api/${url}`, {
      method,
      headers: { 'Content-Type': 'application/json', 'X-Authenticator': 'basic', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
      body: method === 'POST' ? JSON.stringify(body ?? {}) : undefined,
    });
    const json = await res.json().catch(() => ({}));
    if (!res.ok) throw new Error(`${url}: ${res.status} ${JSON.stringify(json).slice(0, 200)}`);
    return json.data;
  };
}

async function main() {
  const storage = path.join(ROOT, 'storage', 'crash-safety');
  fs.rmSync(storage, { recursive: true, force: true });
  fs.mkdirSync(storage, { recursive: true });
  const appEnv = { DEPUTY_ENV_FILE: path.join(storage, '.env'), STORAGE_PATH: storage, APP_PORT: String(PORT), DB_DIALECT: '', EMBEDDED_DB_PORT: '15460', LOGGER_LEVEL: 'warn' };
  const logFile = path.join(storage, 'app.log');
  log(`starting a fresh instance on port ${PORT} (log: storage/crash-safety/app.log) ...`);
  let app = await startApp(appEnv, logFile);
  const env = parse(fs.readFileSync(appEnv.DEPUTY_ENV_FILE, 'utf8'));
  const call = client(`http://127.0.0.1:${PORT}`);
  const failures = [];
  try {
    const signIn = async (account, password) => (await call('POST', 'auth:signIn', { account, password })).token;
    const admin = await signIn(env.INIT_ROOT_USERNAME, env.INIT_ROOT_PASSWORD);
    const head = await call('POST', 'users:create', { username: 'crashhead', nickname: '站长', password: 'Crash-Head-1', roles: ['station-staff'] }, admin);
    const station = await call('POST', 'liaisonStations:create', { name: '崩溃测试联络站', headId: head.id, staff: [head.id] }, admin);
    const deputy = await call('POST', 'deputies:create', { name: '测试代表', phone: '13911112222', stationId: station.id }, admin);
    const [item] = await call('GET', `dutyItems:list?filter=${encodeURIComponent(JSON.stringify({ code: 'D14' }))}`, undefined, admin);
    const ids = [];
    for (let i = 0; i < RECORDS; i++) {
      const day = `2025-${String(1 + (i % 12)).padStart(2, '0')}-${String(1 + Math.floor(i / 12)).padStart(2, '0')}`;
      const r = await call('POST', 'dutyRecords:create', { deputyId: deputy.id, itemId: item.id, date: day, description: `记录 ${i}` }, admin);
      await call('POST', `dutyRecords:submit?filterByTk=${r.id}`, {}, admin);
      ids.push(r.id);
    }
    const headToken = await signIn('crashhead', 'Crash-Head-1');
    // Wait until the reviewer has a task for every record.
    for (let i = 0; i < 120; i++) {
      const tasks = await call('GET', `workflowManualTasks:listMine?pageSize=1000&filter=${encodeURIComponent(JSON.stringify({ status: 0 }))}`, undefined, headToken).catch(() => []);
      if ((tasks?.length ?? 0) >= RECORDS) break;
      await sleep(1000);
    }
    log(`${RECORDS} records submitted, review tasks ready; the head approves them in one batch and the server is killed mid-way`);
    const batch = call('POST', 'dutyRecords:reviewBatch', { ids, decision: 'approve', comment: '批量通过' }, headToken).catch((e) => e);
    // Kill once some, not all, are approved.
    for (let i = 0; i < 300; i++) {
      const approved = await call('GET', `dutyRecords:list?paginate=false&fields=id,status&filter=${encodeURIComponent(JSON.stringify({ id: { $in: ids }, status: 'approved' }))}`, undefined, admin);
      if (approved.length >= Math.max(1, Math.floor(RECORDS / 4))) break;
      await sleep(100);
    }
    process.kill(-app.pid, 'SIGKILL');
    await app.exited;
    await batch;
    log('killed (SIGKILL to the app and its embedded PostgreSQL); starting again on the same data ...');
    app = await startApp(appEnv, logFile);

    const admin2 = await signIn(env.INIT_ROOT_USERNAME, env.INIT_ROOT_PASSWORD);
    const state = async () => {
      const records = await call('GET', `dutyRecords:list?paginate=false&fields=id,status&filter=${encodeURIComponent(JSON.stringify({ id: { $in: ids } }))}`, undefined, admin2);
      const entries = await call('GET', `pointEntries:list?paginate=false&filter=${encodeURIComponent(JSON.stringify({ recordId: { $in: ids } }))}`, undefined, admin2);
      const perRecord = new Map();
      for (const e of entries) perRecord.set(e.recordId, (perRecord.get(e.recordId) || 0) + 1);
      const approved = records.filter((r) => r.status === 'approved');
      const submitted = records.filter((r) => r.status === 'submitted');
      const duplicates = [...perRecord.values()].filter((n) => n > 1).length;
      const missing = approved.filter((r) => !perRecord.get(r.id)).length;
      const stray = submitted.filter((r) => perRecord.get(r.id)).length;
      return { approved: approved.length, submitted: submitted.length, other: records.length - approved.length - submitted.length, entries: entries.length, duplicates, missing, stray, submittedIds: submitted.map((r) => r.id) };
    };
    const after = await state();
    log(`after the crash: ${after.approved} approved, ${after.submitted} still submitted, ${after.other} other; ledger entries ${after.entries}; duplicates ${after.duplicates}, missing ${after.missing}, entries for unapproved records ${after.stray}`);
    if (after.duplicates || after.missing || after.stray || after.other || after.approved + after.submitted !== RECORDS) failures.push('inconsistent state after the crash');

    // The reviewer finishes the batch: the interrupted tasks are still pending (or resumed by the workflow).
    const headToken2 = await signIn('crashhead', 'Crash-Head-1');
    let final = after;
    for (let round = 0; round < 5 && final.submitted; round++) {
      const res = await call('POST', 'dutyRecords:reviewBatch', { ids: final.submittedIds, decision: 'approve', comment: '重启后继续' }, headToken2);
      log(`re-run of the batch: ${res.done.length} approved, ${res.failed.length} not (${[...new Set(res.failed.map((f) => f.message))].join('; ')})`);
      await sleep(2000);
      final = await state();
    }
    log(`final: ${final.approved} approved of ${RECORDS}; ledger entries ${final.entries}; duplicates ${final.duplicates}, missing ${final.missing}`);
    if (final.approved !== RECORDS || final.entries !== RECORDS || final.duplicates || final.missing) failures.push('the batch did not complete exactly');
    console.log(
      `RESULT crash safety: killed after ${after.approved} of ${RECORDS} approvals; after restart ${after.duplicates} duplicate and ${after.missing} missing ledger entries; ` +
        `after re-running the batch ${final.approved}/${RECORDS} approved with ${final.entries} entries — ${failures.length ? 'FAILED: ' + failures.join(', ') : 'OK'}`,
    );
    if (failures.length) process.exitCode = 1;
  } finally {
    await stopApp(app);
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
