#!/usr/bin/env node
/**
 * Benchmark of the 六个一 compliance (plugin-six-ones `Compliance`) on PostgreSQL:
 *  - full recompute of a year: 10,000 deputies × the seeded rules × every period (12 months, 4 quarters,
 *    the year, the term, standing), against the raw SQL grouped count of the same records in the same run;
 *  - the incremental update after one record is approved (median of the runs).
 *
 *   node scripts/bench-six-ones.js [--deputies 10000] [--records 600000] [--runs 5]
 *
 * Uses the scratch database `deputy_bench_six` on BENCH_PG_HOST/PORT/USER/PASSWORD (default postgres@127.0.0.1:5432),
 * dropped and recreated; the plugins must be built (npm run build). Targets: full < 30 s, incremental < 50 ms.
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
const RUNS = arg('runs', 5);
const YEAR = 2025;
const PG = {
  host: process.env.BENCH_PG_HOST || '127.0.0.1',
  port: Number(process.env.BENCH_PG_PORT || 5432),
  user: process.env.BENCH_PG_USER || 'postgres',
  password: process.env.BENCH_PG_PASSWORD || '',
};
const DATABASE = 'deputy_bench_six';
const dist = (plugin, file) => path.join(ROOT, `packages/plugins/@deputy/${plugin}/dist/server/${file}`);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

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
  const compliance = new Compliance(db);

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
  const ruleItems = (
    await db
      .getRepository('dutyItems')
      .find({ filter: { code: { $in: ['D03', 'D05', 'D06', 'D07', 'D08', 'D10', 'D23'] } } })
  ).map((i) => i.get('id'));

  const q = (sql) => db.sequelize.query(sql);
  let t0 = performance.now();
  await q(
    `INSERT INTO "deputyTerms" (name, "startsOn", "endsOn", level, "createdAt", "updatedAt") VALUES ('第十八届', '2021-01-01', '2026-12-31', 'town', now(), now())`,
  );
  await q(`INSERT INTO "liaisonStations" (name, "receptionDays", "createdAt", "updatedAt")
           SELECT '联络站' || g, '[6,16,26]', now(), now() FROM generate_series(1, 50) g`);
  await q(`INSERT INTO deputies (name, "stationId", "termId", status, level, duties, "createdAt", "updatedAt")
           SELECT '代表' || g, 1 + g % 50, 1, 'active', 'town', '[]', now(), now() FROM generate_series(1, ${DEPUTIES}) g`);
  // Approved records of the items the rules count, spread over the year's days.
  await q(`INSERT INTO "dutyRecords" ("deputyId", "itemId", date, quantity, status, "createdAt", "updatedAt")
           SELECT 1 + g % ${DEPUTIES}, (ARRAY[${ruleItems.join(',')}])[1 + g % ${ruleItems.length}], DATE '${YEAR}-01-01' + (g % 365), 1, 'approved', now(), now()
           FROM generate_series(1, ${RECORDS}) g`);
  await q(`INSERT INTO "dutyActivities" (title, "itemId", "stationId", date, status, "createdAt", "updatedAt")
           SELECT '学习', ${ruleItems[0]}, 1 + g % 50, DATE '${YEAR}-01-05' + (g % 360), 'approved', now(), now() FROM generate_series(1, 2000) g`);
  await q('ANALYZE');
  const seeded = performance.now() - t0;

  // Baseline: the raw grouped count of the same records per deputy, item and month (no decisions, no writes).
  t0 = performance.now();
  const [raw] = await q(`SELECT "deputyId", "itemId", date_trunc('month', date) AS m, COUNT(*) AS n FROM "dutyRecords"
                         WHERE status = 'approved' AND date BETWEEN '${YEAR}-01-01' AND '${YEAR}-12-31' GROUP BY 1, 2, 3`);
  const rawMs = performance.now() - t0;

  t0 = performance.now();
  const slices = await compliance.recomputeYear(YEAR);
  const fullMs = performance.now() - t0;
  const [[{ n: rows }]] = await q('SELECT COUNT(*) AS n FROM "ruleResults"');
  const [[{ n: met }]] = await q(`SELECT COUNT(*) AS n FROM "ruleResults" WHERE status = 'met'`);

  // Incremental: a record of deputy 4242 approved in March; the update recomputes what it affects.
  const samples = [];
  for (let i = 0; i < RUNS; i++) {
    await q(
      `INSERT INTO "dutyRecords" ("deputyId", "itemId", date, quantity, status, "createdAt", "updatedAt") VALUES (4242, ${ruleItems[0]}, '${YEAR}-03-1${i}', 1, 'approved', now(), now())`,
    );
    const s = performance.now();
    await compliance.recomputeFor(['records'], `${YEAR}-03-1${i}`, { deputyIds: [4242] }, undefined, ruleItems[0]);
    samples.push(performance.now() - s);
  }
  const mem = process.memoryUsage();
  const report = {
    deputies: DEPUTIES,
    records: RECORDS,
    seedSeconds: +(seeded / 1000).toFixed(1),
    fullRecompute: {
      slices,
      resultRows: Number(rows),
      met: Number(met),
      seconds: +(fullMs / 1000).toFixed(2),
      target: '< 30 s',
    },
    rawSqlGroupedCount: {
      groups: raw.length,
      seconds: +(rawMs / 1000).toFixed(2),
      ratio: +(fullMs / rawMs).toFixed(1),
    },
    incrementalUpdate: { medianMs: +median(samples).toFixed(1), runs: RUNS, target: '< 50 ms' },
    rssMB: Math.round(mem.rss / 2 ** 20),
  };
  console.log(JSON.stringify(report, null, 2));
  await db.close();
  if (fullMs > 30000 || median(samples) > 50) process.exitCode = 1;
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
