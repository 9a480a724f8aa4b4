#!/usr/bin/env node
/**
 * Benchmark of the 六个一 compliance (plugin-six-ones `Compliance`) on PostgreSQL, printed as one JSON:
 *  - baseline: the raw SQL grouped count of the same records per deputy, item and month (no decisions, no writes);
 *  - full recompute of a year: 10,000 deputies × the seeded rules × every period (12 months, 4 quarters, the year,
 *    the terms, standing), and its ratio to the baseline measured in the same run (target ≤ 2×);
 *  - incremental: one record approved for one deputy, the update the approval's hook runs (median of --runs,
 *    target ≤ 20 ms);
 *  - the peak RSS of this process (the app's Database and Compliance run in it) during the runs (target < 1 GiB).
 * Then every row of ruleResults is checked against an independent computation in plain JavaScript from the raw
 * rows (deputies in office, leave, elections and departures mid-period, terms, grid areas, station activities,
 * reception sessions, ledger entries): any missing, extra or different row exits non-zero, as does a missed target.
 *
 *   node scripts/bench-six-ones.js [--deputies 10000] [--records 600000] [--runs 50]
 *
 * Uses the scratch database `deputy_bench_six` on BENCH_PG_HOST/PORT/USER/PASSWORD (default postgres@127.0.0.1:5432),
 * dropped and recreated; the plugins must be built (node scripts/build-plugins.js, or npm run build).
 */
'use strict';

const path = require('path');
const { performance } = require('perf_hooks');

const ROOT = path.resolve(__dirname, '..');
const arg = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const DEPUTIES = arg('deputies', 10000);
const RECORDS = arg('records', 600000);
const RUNS = arg('runs', 50);
const YEAR = 2025;
const KEEP_IDS = 50;
const PG = {
  host: process.env.BENCH_PG_HOST || '127.0.0.1',
  port: Number(process.env.BENCH_PG_PORT || 5432),
  user: process.env.BENCH_PG_USER || 'postgres',
  password: process.env.BENCH_PG_PASSWORD || '',
};
const DATABASE = 'deputy_bench_six';
const dist = (plugin, file) => path.join(ROOT, `packages/plugins/@deputy/${plugin}/dist/server/${file}`);
const quantile = (xs, q) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * q))];
const MiB = 2 ** 20;

/** The peak RSS of this process while `work` runs, sampled every 10 ms (and at the end). */
async function peakRss(work) {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 10);
  try {
    const result = await work();
    return { result, peak: Math.max(peak, process.memoryUsage().rss) };
  } finally {
    clearInterval(timer);
  }
}

async function seed(db) {
  await db
    .getRepository('dutyItems')
    .createMany({ records: require(dist('plugin-duty-points', 'seeds/duty-items.json')) });
  for (const { itemCodes, ...rule } of require(dist('plugin-six-ones', 'seeds/rules.json'))) {
    const items = await db.getRepository('dutyItems').find({ filter: { code: { $in: itemCodes } } });
    await db.getRepository('dutyRules').create({ values: { ...rule, items: items.map((i) => i.get('id')) } });
  }
  await db
    .getRepository('ledgerSections')
    .createMany({ records: require(dist('plugin-six-ones', 'seeds/ledger-sections.json')) });
  const itemIds = async (codes) =>
    (await db.getRepository('dutyItems').find({ filter: { code: { $in: codes } }, sort: ['id'] })).map((i) =>
      i.get('id'),
    );
  const ruleItems = await itemIds(['D03', 'D05', 'D06', 'D07', 'D08', 'D10', 'D23']);
  // An item no rule counts: its records must count for nothing.
  const [otherItem] = await itemIds(['D01']);
  const q = (sql) => db.sequelize.query(sql);
  const Y = `DATE '${YEAR}-01-01'`;
  await q(`INSERT INTO "deputyTerms" (name, "startsOn", "endsOn", level, "createdAt", "updatedAt") VALUES
           ('第十八届', '2021-01-01', '${YEAR}-06-30', 'town', now(), now()),
           ('第十九届', '${YEAR}-07-01', '2030-06-30', 'town', now(), now())`);
  await q(`INSERT INTO "liaisonStations" (name, "receptionDays", "createdAt", "updatedAt")
           SELECT '联络站' || g, '[6,16,26]', now(), now() FROM generate_series(1, 50) g`);
  // Most deputies in office all year; some elected mid-year, some left mid-year (with or without a date), some
  // left the year before, a few in the next term or in none (the term rule), a few without a station.
  await q(`INSERT INTO deputies (name, "stationId", "termId", status, "electedOn", "leftOn", level, duties, "createdAt", "updatedAt")
           SELECT '代表' || g, CASE WHEN g % 499 = 0 THEN NULL ELSE 1 + g % 50 END,
             CASE WHEN g % 101 = 0 THEN NULL WHEN g % 7 = 0 THEN 2 ELSE 1 END,
             CASE WHEN g % 53 = 0 OR g % 211 = 0 OR g % 401 = 0 THEN 'left' ELSE 'active' END,
             CASE WHEN g % 37 = 0 THEN ${Y} + (g % 330) WHEN g % 3 = 0 THEN DATE '2021-01-01' END,
             CASE WHEN g % 53 = 0 THEN ${Y} + (g % 360) WHEN g % 211 = 0 THEN ${Y} - (1 + g % 200) END,
             'town', '[]', now(), now()
           FROM generate_series(1, ${DEPUTIES}) g`);
  await q(`INSERT INTO "deputyLeaves" ("deputyId", "from", "to", status, "createdAt", "updatedAt")
           SELECT 1 + (g * 13) % ${DEPUTIES}, ${Y} + (g % 340), ${Y} + (g % 340) + (g % 45),
             CASE WHEN g % 5 = 0 THEN 'pending' ELSE 'approved' END, now(), now()
           FROM generate_series(1, ${Math.max(1, Math.round(DEPUTIES / 16))}) g`);
  await q(`INSERT INTO "gridAreas" (name, "stationId", "createdAt", "updatedAt")
           SELECT '片区' || g, 1 + g % 50, now(), now() FROM generate_series(1, 120) g`);
  await q(`INSERT INTO "deputiesGridAreas" ("deputyId", "gridAreaId", "createdAt", "updatedAt")
           SELECT g, 1 + g % 120, now(), now() FROM generate_series(1, ${DEPUTIES}) g WHERE g % 10 <> 0
           UNION ALL SELECT g, 1 + (g + 7) % 120, now(), now() FROM generate_series(1, ${DEPUTIES}) g WHERE g % 9 = 0`);
  // The records, spread over the year's days: almost all approved and of an item the rules count.
  await q(`INSERT INTO "dutyRecords" ("deputyId", "itemId", date, quantity, status, "createdAt", "updatedAt")
           SELECT 1 + g % ${DEPUTIES},
             CASE WHEN g % 97 = 0 THEN ${otherItem} ELSE (ARRAY[${ruleItems.join(',')}])[1 + g % ${ruleItems.length}] END,
             ${Y} + (g % 365), 1, CASE WHEN g % 41 = 0 THEN 'submitted' ELSE 'approved' END, now(), now()
           FROM generate_series(1, ${RECORDS}) g`);
  await q(`INSERT INTO "dutyActivities" (title, "itemId", "stationId", date, status, "createdAt", "updatedAt")
           SELECT '学习', CASE WHEN g % 3 = 0 THEN ${otherItem} ELSE ${ruleItems[0]} END, 1 + g % 50, ${Y} + (g % 365),
             CASE WHEN g % 11 = 0 THEN 'draft' ELSE 'approved' END, now(), now() FROM generate_series(1, 1500) g`);
  await q(`INSERT INTO "receptionSessions" ("stationId", "scheduledOn", date, "noticeOn", status, "createdAt", "updatedAt")
           SELECT s, d, d, d - 3, CASE WHEN (s + EXTRACT(DOY FROM d)::int) % 5 = 0 THEN 'missed' ELSE 'held' END, now(), now()
           FROM generate_series(1, 50) s, (SELECT ${Y} + i AS d FROM generate_series(0, 364) i) t
           WHERE EXTRACT(DAY FROM d) IN (6, 16, 26)`);
  await q(`INSERT INTO "ledgerEntries" ("stationId", "sectionId", month, "createdAt", "updatedAt")
           SELECT s, x.id, '${YEAR}-' || lpad(m::text, 2, '0'), now(), now()
           FROM generate_series(1, 50) s, generate_series(1, 12) m, "ledgerSections" x
           WHERE x.source = 'entry' AND (s * 7 + m * 3 + x.id) % 4 <> 0`);
  await q('ANALYZE');
  return ruleItems;
}

/** The expected ruleResults, computed in plain JavaScript from the raw rows (nothing of the suite's code). */
async function expectedResults(db, today) {
  const rows = async (sql) => (await db.sequelize.query(sql))[0];
  const day = (column) => `to_char(${column}, 'YYYY-MM-DD')`;
  const rules = await rows(`SELECT r.id, r.subject, r.period, r.measure, r."requiredCount", r."exemptOnLeave",
      r."exemptNewcomers", COALESCE(json_agg(i."itemId") FILTER (WHERE i."itemId" IS NOT NULL), '[]') AS items
    FROM "dutyRules" r LEFT JOIN "dutyRulesItems" i ON i."ruleId" = r.id WHERE r.active GROUP BY r.id`);
  const terms = await rows(`SELECT id, ${day('"startsOn"')} AS "from", ${day('"endsOn"')} AS "to" FROM "deputyTerms"`);
  const deputies = await rows(`SELECT id, "stationId", "termId", status, ${day('"electedOn"')} AS elected,
      ${day('"leftOn"')} AS gone FROM deputies`);
  const leaves = await rows(
    `SELECT "deputyId", ${day('"from"')} AS "from", ${day('"to"')} AS "to" FROM "deputyLeaves" WHERE status = 'approved'`,
  );
  const records = await rows(`SELECT id, "deputyId", "itemId", ${day('date')} AS date FROM "dutyRecords"
    WHERE status = 'approved'`);
  const grid = await rows(`SELECT "deputyId", "gridAreaId" FROM "deputiesGridAreas"`);
  const activities = await rows(`SELECT id, "stationId", "itemId", ${day('date')} AS date FROM "dutyActivities"
    WHERE status = 'approved'`);
  const sessions = await rows(`SELECT id, "stationId", ${day('date')} AS date FROM "receptionSessions"
    WHERE status = 'held'`);
  const entries = await rows(`SELECT "stationId", "sectionId", month FROM "ledgerEntries"`);
  const sections = await rows(`SELECT id, source FROM "ledgerSections" WHERE active ORDER BY id`);
  const stations = (await rows(`SELECT id FROM "liaisonStations"`)).map((s) => s.id);

  const pad = (n) => String(n).padStart(2, '0');
  const end = (y, m) => `${y}-${pad(m)}-${pad(new Date(Date.UTC(y, m, 0)).getUTCDate())}`;
  const periodsOf = (rule) => {
    if (rule.period === 'month')
      return Array.from({ length: 12 }, (_, i) => ({
        key: `${YEAR}-${pad(i + 1)}`,
        from: `${YEAR}-${pad(i + 1)}-01`,
        to: end(YEAR, i + 1),
      }));
    if (rule.period === 'quarter')
      return [1, 2, 3, 4].map((q) => ({
        key: `${YEAR}-Q${q}`,
        from: `${YEAR}-${pad(q * 3 - 2)}-01`,
        to: end(YEAR, q * 3),
      }));
    if (rule.period === 'year') return [{ key: `${YEAR}`, from: `${YEAR}-01-01`, to: `${YEAR}-12-31` }];
    if (rule.period === 'term')
      return terms
        .map((t) => ({
          key: `term-${t.id}`,
          term: t.id,
          from: t.from || `${YEAR}-01-01`,
          to: t.to || `${YEAR}-12-31`,
        }))
        .filter((p) => p.from <= `${YEAR}-12-31` && p.to >= `${YEAR}-01-01`);
    return [{ key: 'standing', from: today, to: today }];
  };
  const inside = (date, p) => p.from <= date && date <= p.to;
  const expected = new Map();
  const put = (rule, p, deputyId, stationId, ids, required, exemptReason) => {
    const n = ids.length;
    const status = exemptReason
      ? 'exempt'
      : n >= required
        ? 'met'
        : p.to >= today && rule.period !== 'standing'
          ? 'in-progress'
          : 'missed';
    const sorted = ids
      .map(Number)
      .sort((a, b) => a - b)
      .slice(0, KEEP_IDS);
    expected.set(`${rule.id}|${deputyId}|${stationId}|${p.key}`, [
      p.from,
      p.to,
      n,
      required,
      status,
      exemptReason,
      sorted,
    ]);
  };
  for (const rule of rules) {
    const periods = periodsOf(rule).filter((p) => p.from <= today);
    // node-pg gives bigint columns as strings: ids are compared as strings, kept as numbers.
    const items = new Set(rule.items.map(String));
    const tally = new Map(); // `${who}|${key}` → ids
    const add = (who, key, id) => {
      const k = `${who}|${key}`;
      const list = tally.get(k);
      if (list) list.push(id);
      else tally.set(k, [id]);
    };
    if (rule.subject === 'deputy') {
      if (rule.measure === 'records')
        for (const r of records)
          if (items.has(String(r.itemId))) for (const p of periods) if (inside(r.date, p)) add(r.deputyId, p.key, r.id);
      if (rule.measure === 'gridAreas')
        for (const g of grid) for (const p of periods) add(g.deputyId, p.key, g.gridAreaId);
      const onLeave = new Set();
      if (rule.exemptOnLeave)
        for (const l of leaves)
          for (const p of periods) if (l.from <= p.to && l.to >= p.from) onLeave.add(`${l.deputyId}|${p.key}`);
      for (const p of periods)
        for (const d of deputies) {
          if (d.status === 'left' && d.gone && d.gone < p.from) continue;
          if (d.elected && d.elected > p.to) continue;
          if (rule.period === 'term' && d.termId !== p.term) continue;
          const exempt = onLeave.has(`${d.id}|${p.key}`)
            ? 'leave'
            : rule.exemptNewcomers && rule.period !== 'standing' && d.elected && d.elected > p.from
              ? 'joined'
              : rule.exemptNewcomers && d.status === 'left' && d.gone && d.gone <= p.to
                ? 'left'
                : null;
          put(rule, p, d.id, d.stationId, tally.get(`${d.id}|${p.key}`) ?? [], rule.requiredCount, exempt);
        }
    } else {
      let required = rule.requiredCount;
      if (rule.measure === 'activities')
        for (const a of activities)
          if (items.has(String(a.itemId)))
            for (const p of periods) if (inside(a.date, p)) add(a.stationId, p.key, a.id);
      if (rule.measure === 'receptionSessions')
        for (const s of sessions) for (const p of periods) if (inside(s.date, p)) add(s.stationId, p.key, s.id);
      if (rule.measure === 'ledgerSections') {
        required = required || sections.length;
        for (const st of stations)
          for (const p of periods)
            for (const x of sections) {
              const done =
                x.source === 'activities'
                  ? activities.some((a) => a.stationId === st && inside(a.date, p))
                  : x.source === 'receptions'
                    ? sessions.some((s) => s.stationId === st && inside(s.date, p))
                    : entries.some((e) => e.stationId === st && e.sectionId === x.id && e.month === p.key.slice(0, 7));
              if (done) add(st, p.key, x.id);
            }
      }
      for (const p of periods)
        for (const st of stations) put(rule, p, null, st, tally.get(`${st}|${p.key}`) ?? [], required, null);
    }
  }
  return expected;
}

/** Every row of ruleResults against the expected ones: the differences (at most 10 shown) and their number. */
async function check(db, today) {
  const expected = await expectedResults(db, today);
  const [actual] = await db.sequelize.query(`SELECT "ruleId", "deputyId", "stationId", "periodKey",
      to_char("periodFrom", 'YYYY-MM-DD') AS "from", to_char("periodTo", 'YYYY-MM-DD') AS "to", count, required,
      status, "exemptReason", "sourceIds"::text AS ids FROM "ruleResults"`);
  const differences = [];
  const seen = new Set();
  for (const r of actual) {
    const key = `${r.ruleId}|${r.deputyId}|${r.stationId}|${r.periodKey}`;
    const got = [r.from, r.to, r.count, r.required, r.status, r.exemptReason, JSON.parse(r.ids)];
    const want = expected.get(key);
    if (seen.has(key)) differences.push({ key, duplicate: got });
    else if (!want) differences.push({ key, unexpected: got });
    else if (JSON.stringify(got) !== JSON.stringify(want)) differences.push({ key, got, want });
    seen.add(key);
  }
  for (const [key, want] of expected) if (!seen.has(key)) differences.push({ key, missing: want });
  return {
    rows: actual.length,
    expected: expected.size,
    differences: differences.length,
    first: differences.slice(0, 10),
  };
}

async function main() {
  const { Client } = require('pg');
  const admin = new Client({ ...PG, database: 'postgres' });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${DATABASE} WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${DATABASE}`);
  await admin.end();

  const { Database } = require('@nocobase/database');
  const db = new Database({ dialect: 'postgres', ...PG, username: PG.user, database: DATABASE, logging: false });
  const { SortField } = require('@nocobase/plugin-field-sort/dist/server/sort-field.js');
  db.registerFieldTypes({ sort: SortField });
  // The users and attachments collections the suite's collections refer to, as NocoBase defines them minimally.
  db.collection({ name: 'users', fields: [{ type: 'string', name: 'nickname' }] });
  db.collection({ name: 'attachments', fields: [{ type: 'string', name: 'title' }] });
  for (const plugin of ['plugin-suite-core', 'plugin-deputies', 'plugin-duty-points', 'plugin-six-ones']) {
    await db.import({ directory: dist(plugin, 'collections') });
  }
  await db.sync();
  const { Compliance } = require(dist('plugin-six-ones', 'services/compliance.js'));
  const { shanghaiToday } = require(dist('plugin-suite-core', 'index.js'));
  const compliance = new Compliance(db);
  const q = (sql) => db.sequelize.query(sql);

  let t0 = performance.now();
  const ruleItems = await seed(db);
  const seeded = performance.now() - t0;

  // Baseline: the raw grouped count of the same records per deputy, item and month (no decisions, no writes).
  t0 = performance.now();
  const [raw] = await q(`SELECT "deputyId", "itemId", date_trunc('month', date) AS m, COUNT(*) AS n FROM "dutyRecords"
                         WHERE status = 'approved' AND date BETWEEN '${YEAR}-01-01' AND '${YEAR}-12-31' GROUP BY 1, 2, 3`);
  const rawMs = performance.now() - t0;

  const full = await peakRss(async () => {
    const start = performance.now();
    const slices = await compliance.recomputeYear(YEAR);
    return { slices, ms: performance.now() - start };
  });
  const [[{ n: rows }]] = await q('SELECT COUNT(*) AS n FROM "ruleResults"');
  const [statuses] = await q('SELECT status, COUNT(*)::int AS n FROM "ruleResults" GROUP BY status ORDER BY status');

  // Incremental: one record of one deputy approved; the update the approval's hook runs (dutyRecords.afterSave).
  const incremental = await peakRss(async () => {
    const samples = [];
    for (let i = 0; i < RUNS; i++) {
      const deputyId = 1 + ((i * 7919) % DEPUTIES);
      const itemId = ruleItems[i % ruleItems.length];
      const date = `${YEAR}-${String(1 + (i % 12)).padStart(2, '0')}-1${i % 10}`;
      await q(`INSERT INTO "dutyRecords" ("deputyId", "itemId", date, quantity, status, "createdAt", "updatedAt")
               VALUES (${deputyId}, ${itemId}, '${date}', 1, 'approved', now(), now())`);
      const s = performance.now();
      await compliance.recomputeFor(['records'], date, { deputyIds: [deputyId] }, undefined, itemId);
      samples.push(performance.now() - s);
    }
    return samples;
  });
  const peakMiB = Math.round(Math.max(full.peak, incremental.peak) / MiB);

  // Every row, after the full run and the incremental updates, against the independent computation.
  t0 = performance.now();
  const checked = await check(db, shanghaiToday());
  const checkMs = performance.now() - t0;

  const ratio = full.result.ms / rawMs;
  const medianMs = quantile(incremental.result, 0.5);
  const report = {
    deputies: DEPUTIES,
    records: RECORDS,
    year: YEAR,
    seedSeconds: +(seeded / 1000).toFixed(1),
    baseline: { what: 'raw SQL grouped count per deputy, item and month', groups: raw.length, ms: Math.round(rawMs) },
    fullRecompute: {
      slices: full.result.slices,
      resultRows: Number(rows),
      statuses: Object.fromEntries(statuses.map((s) => [s.status, s.n])),
      ms: Math.round(full.result.ms),
      ratio: +ratio.toFixed(2),
      target: 'ratio ≤ 2',
    },
    incremental: {
      runs: RUNS,
      medianMs: +medianMs.toFixed(1),
      p95Ms: +quantile(incremental.result, 0.95).toFixed(1),
      target: 'median ≤ 20 ms',
    },
    peakRssMiB: peakMiB,
    peakRssTarget: '< 1024 MiB',
    check: { ...checked, seconds: +(checkMs / 1000).toFixed(1) },
  };
  const failures = [
    checked.differences && 'results disagree with the independent computation',
    ratio > 2 && 'full recompute above 2× the baseline',
    medianMs > 20 && 'incremental median above 20 ms',
    peakMiB >= 1024 && 'peak RSS at or above 1 GiB',
  ].filter(Boolean);
  console.log(JSON.stringify({ ...report, ok: !failures.length, failures }, null, 2));
  await db.close();
  if (failures.length) process.exitCode = 1;
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
