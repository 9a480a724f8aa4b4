#!/usr/bin/env node
/**
 * Benchmark: the year ranking of a jurisdiction and one deputy's summary, computed by the suite's
 * `Scores` service, against the raw SQL aggregate over the same tables, in the same run, on PostgreSQL.
 *
 *   node scripts/bench-ranking.js [--deputies 10000] [--records 1000000] [--runs 5]
 *
 * Uses a scratch database `deputy_bench` on BENCH_PG_HOST/PORT/USER/PASSWORD (default postgres@127.0.0.1:5432),
 * dropped and recreated; the plugins must be built (npm run build). Prints medians and the ratios.
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
const RECORDS = arg('records', 1000000);
const RUNS = arg('runs', 5);
const YEAR = 2025;
const PG = {
  host: process.env.BENCH_PG_HOST || '127.0.0.1',
  port: Number(process.env.BENCH_PG_PORT || 5432),
  user: process.env.BENCH_PG_USER || 'postgres',
  password: process.env.BENCH_PG_PASSWORD || '',
};
const DATABASE = 'deputy_bench';

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function time(fn) {
  const samples = [];
  let result;
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    result = await fn();
    samples.push(performance.now() - t0);
  }
  return { ms: median(samples), result };
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
  // The suite's collections are sortable, a field type the field-sort plugin brings.
  const { SortField } = require('@nocobase/plugin-field-sort/dist/server/sort-field.js');
  db.registerFieldTypes({ sort: SortField });
  for (const plugin of ['plugin-suite-core', 'plugin-deputies', 'plugin-duty-points']) {
    await db.import({ directory: path.join(ROOT, `packages/plugins/@deputy/${plugin}/dist/server/collections`) });
  }
  await db.sync();
  const { Scores } = require(
    path.join(ROOT, 'packages/plugins/@deputy/plugin-duty-points/dist/server/services/scores.js'),
  );
  const scores = new Scores(db);

  const items = require(
    path.join(ROOT, 'packages/plugins/@deputy/plugin-duty-points/dist/server/seeds/duty-items.json'),
  );
  await db.getRepository('dutyItems').createMany({ records: items });
  await db.getRepository('gradeBands').createMany({
    records: require(path.join(ROOT, 'packages/plugins/@deputy/plugin-duty-points/dist/server/seeds/grade-bands.json')),
  });

  const q = (sql) => db.sequelize.query(sql);
  let t0 = performance.now();
  await q(`INSERT INTO "liaisonStations" (name, "receptionDays", "createdAt", "updatedAt")
           SELECT '联络站' || g, '[6,16,26]', now(), now() FROM generate_series(1, 50) g`);
  await q(`INSERT INTO deputies (name, "stationId", status, level, duties, "createdAt", "updatedAt")
           SELECT '代表' || g, 1 + g % 50, 'active', 'town', '[]', now(), now() FROM generate_series(1, ${DEPUTIES}) g`);
  // One approved record and its ledger entry per row: 23 scored items, dates spread over the year.
  await q(`INSERT INTO "dutyRecords" ("deputyId", "itemId", date, quantity, status, "awardedPoints", "createdAt", "updatedAt")
           SELECT 1 + g % ${DEPUTIES}, 1 + g % 23, DATE '${YEAR}-01-01' + (g % 365), 1, 'approved', 1 + g % 3, now(), now()
           FROM generate_series(1, ${RECORDS}) g`);
  await q(`INSERT INTO "pointEntries" ("deputyId", "itemId", "recordId", kind, year, date, points, "requestedPoints", "itemVersion", "createdAt")
           SELECT "deputyId", "itemId", id, 'award', ${YEAR}, date, "awardedPoints", "awardedPoints", 1, now() FROM "dutyRecords"`);
  await q('ANALYZE');
  const seeded = performance.now() - t0;

  const rawRanking = () =>
    q(`SELECT d.id, d.name, d."stationId", COALESCE(SUM(p.points), 0) AS total,
              RANK() OVER (ORDER BY COALESCE(SUM(p.points), 0) DESC) AS rank,
              RANK() OVER (PARTITION BY d."stationId" ORDER BY COALESCE(SUM(p.points), 0) DESC) AS station_rank
       FROM deputies d LEFT JOIN "pointEntries" p ON p."deputyId" = d.id AND p.year = ${YEAR}
       WHERE d.status = 'active' GROUP BY d.id ORDER BY rank`);
  // The same answer as the suite's summary: points per item, then the ranks in the jurisdiction and station.
  const rawSummary = async (deputyId) => {
    const [items] = await q(`SELECT "itemId", SUM(points) AS posted FROM "pointEntries"
      WHERE "deputyId" = ${deputyId} AND year = ${YEAR} GROUP BY "itemId"`);
    const total = items.reduce((s, r) => s + Number(r.posted), 0);
    const ahead = (station) =>
      q(`SELECT COUNT(*) AS n FROM (SELECT d.id, COALESCE(SUM(p.points), 0) AS t FROM deputies d
      LEFT JOIN "pointEntries" p ON p."deputyId" = d.id AND p.year = ${YEAR}
      WHERE d.status = 'active' ${station ? `AND d."stationId" = (SELECT "stationId" FROM deputies WHERE id = ${deputyId})` : ''}
      GROUP BY d.id) x WHERE x.t > ${total}`);
    return [items, await ahead(false), await ahead(true)];
  };
  const raw = await time(rawRanking);
  const suite = await time(() => scores.ranking(String(YEAR)));
  const rawOne = await time(() => rawSummary(4242));
  const suiteOne = await time(() => scores.summary(4242, YEAR));

  // The two must agree before their times mean anything.
  const rawRows = raw.result[0];
  const byId = new Map(suite.result.map((s) => [s.deputyId, s]));
  const mismatches = rawRows.filter(
    (r) => byId.get(Number(r.id))?.total !== Number(r.total) || byId.get(Number(r.id))?.rank !== Number(r.rank),
  ).length;

  const mem = process.memoryUsage();
  const report = {
    deputies: DEPUTIES,
    records: RECORDS,
    ledgerEntries: RECORDS,
    seedSeconds: +(seeded / 1000).toFixed(1),
    runs: RUNS,
    yearRanking: {
      rawSqlMs: +raw.ms.toFixed(1),
      suiteMs: +suite.ms.toFixed(1),
      ratio: +(suite.ms / raw.ms).toFixed(2),
    },
    deputySummary: {
      rawSqlMs: +rawOne.ms.toFixed(1),
      suiteMs: +suiteOne.ms.toFixed(1),
      ratio: +(suiteOne.ms / rawOne.ms).toFixed(2),
    },
    rankingMismatches: mismatches,
    rssMB: Math.round(mem.rss / 2 ** 20),
    heapUsedMB: Math.round(mem.heapUsed / 2 ** 20),
  };
  console.log(JSON.stringify(report, null, 2));
  await db.close();
  if (mismatches) process.exitCode = 1;
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
