#!/usr/bin/env node
'use strict';
/**
 * Load benchmark (issue #8): how many duty-record submissions per second the app sustains for 60 s with a
 * p95 latency under 500 ms, on this machine, over loopback — and the app's memory: its highest resident size during
 * the run (sampled every 250 ms; under 1 GiB, issue #18) and after it.
 *
 * A "submission" is what a deputy's phone does: create the record, then submit it (two requests; the
 * submit starts the review workflow, which creates the reviewer's task). Baseline in the same run: a plain
 * NocoBase list (`dutyItems:list`) at the same concurrency.
 *
 *   node scripts/bench-load.js                 starts a fresh instance in storage/bench-load (port 13400)
 *   BENCH_BASE_URL=http://… BENCH_ADMIN=… BENCH_PASSWORD=… node scripts/bench-load.js   uses a running app
 *   BENCH_SECONDS=60 BENCH_LEVELS=2,4,8,16 BENCH_DEPUTIES=24   (defaults)
 *   BENCH_JSON=1   also prints the figures as one JSON line (scripts/bench-http.js --load runs it so, on its data)
 */
const fs = require('fs');
const path = require('path');
const { execSync } = require('child_process');
const { startApp, stopApp } = require('./lib/app-process');
const { parse } = require('./lib/dotenv-file');

const ROOT = path.resolve(__dirname, '..');
const SECONDS = Number(process.env.BENCH_SECONDS || 60);
const LEVELS = (process.env.BENCH_LEVELS || '2,4,8,16').split(',').map(Number);
const DEPUTIES = Number(process.env.BENCH_DEPUTIES || 24);
const PROBE_SECONDS = 15;
const RSS_LIMIT_MB = 1024; // the app's memory during the run (issue #18)

const log = (...a) => console.log('[bench-load]', ...a);

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
    if (!res.ok) throw new Error(`${url}: ${res.status} ${JSON.stringify(json).slice(0, 200)}`);
    return json.data;
  };
}

/** A station with its head and deputies with their own accounts (initial passwords changed). */
async function arrange(call, adminToken) {
  const stamp = Date.now() % 1e6;
  const head = await call(
    'POST',
    'users:create',
    { username: `loadhead${stamp}`, nickname: '站长', password: `Head-${stamp}-Pass1`, roles: ['station-staff'] },
    adminToken,
  );
  const station = await call(
    'POST',
    'liaisonStations:create',
    { name: `压测联络站-${stamp}`, headId: head.id, staff: [head.id] },
    adminToken,
  );
  const [item] = await call(
    'GET',
    `dutyItems:list?filter=${encodeURIComponent(JSON.stringify({ code: 'D14' }))}`,
    undefined,
    adminToken,
  );
  const tokens = [];
  for (let i = 0; i < DEPUTIES; i++) {
    const deputy = await call(
      'POST',
      'deputies:create',
      {
        name: `压测代表${i}`,
        phone: `139${String(stamp * 100 + i)
          .padStart(8, '0')
          .slice(-8)}`,
        stationId: station.id,
      },
      adminToken,
    );
    const account = await call('POST', `deputies:createAccount?filterByTk=${deputy.id}`, {}, adminToken);
    const first = await call('POST', 'auth:signIn', { account: account.username, password: account.initialPassword });
    const password = `Load-${stamp}-${i}-Pass`;
    await call(
      'POST',
      'auth:changePassword',
      { oldPassword: account.initialPassword, newPassword: password, confirmPassword: password },
      first.token,
    );
    tokens.push({ username: account.username, password });
  }
  await new Promise((r) => setTimeout(r, 1100));
  for (const t of tokens)
    t.token = (await call('POST', 'auth:signIn', { account: t.username, password: t.password })).token;
  return { itemId: item.id, tokens };
}

const percentile = (sorted, p) =>
  sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] : NaN;

/** Runs `work` in `concurrency` loops for `seconds`; returns throughput and latency figures. */
async function drive(concurrency, seconds, work) {
  const latencies = [];
  let errors = 0;
  const end = Date.now() + seconds * 1000;
  const start = Date.now();
  await Promise.all(
    Array.from({ length: concurrency }, async (_, worker) => {
      for (let n = 0; Date.now() < end; n++) {
        const t0 = performance.now();
        try {
          await work(worker, n);
          latencies.push(performance.now() - t0);
        } catch (e) {
          errors += 1;
          if (errors <= 3) log(`error: ${e.message}`);
        }
      }
    }),
  );
  const elapsed = (Date.now() - start) / 1000;
  latencies.sort((a, b) => a - b);
  return {
    concurrency,
    done: latencies.length,
    perSecond: latencies.length / elapsed,
    p50: percentile(latencies, 50),
    p95: percentile(latencies, 95),
    p99: percentile(latencies, 99),
    errors,
  };
}

const fmt = (r) =>
  `${r.perSecond.toFixed(1)}/s, p50 ${r.p50.toFixed(0)} ms, p95 ${r.p95.toFixed(0)} ms, p99 ${r.p99.toFixed(0)} ms, ${r.done} done, ${r.errors} errors (concurrency ${r.concurrency})`;

/** The process serving the port (the NocoBase server), or null. */
function pidOfPort(port) {
  try {
    const out = execSync(`ss -ltnpH 'sport = :${port}'`, { encoding: 'utf8' });
    return /pid=(\d+)/.exec(out)?.[1] ?? null;
  } catch {
    return null;
  }
}

/** Resident memory of a process, in MB. */
function rssOfPid(pid) {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    return Math.round(Number(/VmRSS:\s+(\d+)/.exec(status)[1]) / 1024);
  } catch {
    return null;
  }
}

/** Resident memory of the process serving the port (the NocoBase server), in MB. */
function rssOfPort(port) {
  return rssOfPid(pidOfPort(port));
}

/** The highest resident memory of the process serving the port, sampled every 250 ms until stop(). */
function watchRss(port) {
  const pid = pidOfPort(port);
  let peak = rssOfPid(pid);
  const timer = setInterval(() => {
    const rss = rssOfPid(pid);
    if (rss !== null && (peak === null || rss > peak)) peak = rss;
  }, 250);
  return {
    stop() {
      clearInterval(timer);
      return peak;
    },
  };
}

async function main() {
  let app;
  let base = process.env.BENCH_BASE_URL;
  let admin = { account: process.env.BENCH_ADMIN, password: process.env.BENCH_PASSWORD };
  let port = base ? Number(new URL(base).port) : 13400;
  if (!base) {
    const storage = path.join(ROOT, 'storage', 'bench-load');
    fs.rmSync(storage, { recursive: true, force: true });
    fs.mkdirSync(storage, { recursive: true });
    const appEnv = {
      DEPUTY_ENV_FILE: path.join(storage, '.env'),
      STORAGE_PATH: storage,
      APP_PORT: String(port),
      DB_DIALECT: '',
      EMBEDDED_DB_PORT: '15450',
      LOGGER_LEVEL: 'warn',
    };
    log(`starting a fresh instance on port ${port} (log: storage/bench-load/app.log) ...`);
    app = await startApp(appEnv, path.join(storage, 'app.log'));
    const env = parse(fs.readFileSync(appEnv.DEPUTY_ENV_FILE, 'utf8'));
    base = `http://127.0.0.1:${port}`;
    admin = { account: env.INIT_ROOT_USERNAME, password: env.INIT_ROOT_PASSWORD };
  }
  try {
    const call = client(base);
    const adminToken = (await call('POST', 'auth:signIn', { account: admin.account, password: admin.password })).token;
    log(`arranging a station and ${DEPUTIES} deputies with accounts ...`);
    const { itemId, tokens } = await arrange(call, adminToken);
    const today = new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 10);
    const submission = async (worker, n) => {
      const { token } = tokens[(worker * 7 + n) % tokens.length];
      const record = await call(
        'POST',
        'dutyRecords:create',
        { itemId, date: today, description: `压测 ${worker}-${n}` },
        token,
      );
      await call('POST', `dutyRecords:submit?filterByTk=${record.id}`, {}, token);
    };
    const list = async (worker, n) => {
      await call('GET', 'dutyItems:list?pageSize=20', undefined, tokens[(worker + n) % tokens.length].token);
    };
    log(`rss before: ${rssOfPort(port)} MB`);
    // The bound is on the app's memory during the run, not only after it.
    const rssWatch = watchRss(port);
    // Probe each level briefly; the sustained run uses the highest throughput whose p95 stays under 500 ms.
    let best = null;
    for (const level of LEVELS) {
      const r = await drive(level, PROBE_SECONDS, submission);
      log(`probe ${fmt(r)}`);
      if (r.p95 < 500 && r.errors === 0 && (!best || r.perSecond > best.perSecond)) best = r;
    }
    // Sustained: from the best probe level down, the first level that holds p95 < 500 ms for the whole run
    // (review workflows queue up over a minute, so a short probe can be optimistic).
    const candidates = LEVELS.filter((l) => l <= (best?.concurrency ?? LEVELS[0])).sort((x, y) => y - x);
    let sustained;
    let level = candidates[0];
    for (level of candidates) {
      sustained = await drive(level, SECONDS, submission);
      log(`sustained ${SECONDS} s of submissions (create + submit): ${fmt(sustained)}`);
      if (sustained.p95 < 500 && sustained.errors === 0) break;
    }
    const baseline = await drive(level, Math.min(20, SECONDS), list);
    log(`baseline (plain NocoBase list, dutyItems:list): ${fmt(baseline)}`);
    const rssPeak = rssWatch.stop();
    const rss = rssOfPort(port);
    log(`rss after: ${rss} MB, highest during the run: ${rssPeak} MB`);
    const fast = sustained.p95 < 500 && sustained.errors === 0;
    const small = rssPeak !== null && rssPeak < RSS_LIMIT_MB;
    const verdict = fast && small;
    console.log(
      `RESULT submissions ${sustained.perSecond.toFixed(1)}/s sustained ${SECONDS}s at concurrency ${level}, p95 ${sustained.p95.toFixed(0)} ms ` +
        `(${fast ? 'under' : 'NOT under'} 500 ms), errors ${sustained.errors}; baseline list ${baseline.perSecond.toFixed(1)}/s p95 ${baseline.p95.toFixed(0)} ms; ` +
        `rss ${rss} MB after, ${rssPeak} MB at most (${small ? 'under' : 'NOT under'} ${RSS_LIMIT_MB} MB)`,
    );
    if (process.env.BENCH_JSON) {
      const figures = (r) => ({
        concurrency: r.concurrency,
        done: r.done,
        perSecond: +r.perSecond.toFixed(1),
        p50Ms: +r.p50.toFixed(1),
        p95Ms: +r.p95.toFixed(1),
        errors: r.errors,
      });
      const ratio = sustained.p95 / baseline.p95;
      console.log(
        JSON.stringify({
          seconds: SECONDS,
          submissions: figures(sustained),
          baselineList: { request: 'dutyItems:list?pageSize=20', ...figures(baseline) },
          ratioP95: +ratio.toFixed(2),
          targetP95Ms: 500,
          rssAfterMB: rss,
          rssPeakMB: rssPeak,
          targetRssMB: RSS_LIMIT_MB,
          met: verdict,
        }),
      );
    }
    if (!verdict) process.exitCode = 1;
  } finally {
    if (app) await stopApp(app);
  }
}

module.exports = { client, drive, percentile, rssOfPort, watchRss };

if (require.main === module) {
  main().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
