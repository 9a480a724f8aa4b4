#!/usr/bin/env node
/**
 * Benchmark of the scores (plugin-duty-points `Scores`, issue #18), printed as one JSON: one deputy's summary
 * (total, rank, station rank, grade, points and cap left per item) and the year ranking of the jurisdiction, each
 * against the raw SQL of the same answer over the whole ledger, in the same run:
 *  - baseline: the raw full-ledger SQL (SUM over pointEntries, ranks by window functions / counts over the sums);
 *  - suite: `Scores`, which reads the maintained totals (pointTotals, pointItemTotals), filled here by the upgrade
 *    migration's own statements (TotalsReconciliation.rebuild) from the seeded ledger;
 *  - ratio suite / baseline; targets: summary ≤ 5 %, ranking ≤ 20 %.
 * Every row of the suite's ranking (total, rank, station rank, grade) and the summaries of a sample of deputies
 * (with and without entries, negative totals, failing items, deputies who left) are checked against the ledger;
 * a disagreement, or a missed target, exits non-zero. The seeded ledger has awards, reversals, deductions (D25)
 * and 弄虚作假 (D26, fails the grade).
 *
 *   node scripts/bench-ranking.js [--deputies 10000] [--records 1000000] [--runs 9] [--dialect postgres|mariadb]
 *
 * Scratch database `deputy_bench` (dropped and recreated) on BENCH_PG_HOST/PORT/USER/PASSWORD (default
 * postgres@127.0.0.1:5432) or, with --dialect mariadb, BENCH_MYSQL_HOST/PORT/USER/PASSWORD (default
 * root@127.0.0.1:3306). The plugins must be built (node scripts/build-plugins.js, or npm run build).
 */
'use strict';

const path = require('path');
const { performance } = require('perf_hooks');
const {
  databaseServer,
  dialectSql,
  numberOption,
  recreateDatabase,
  seedTown,
  stringOption,
} = require('./lib/bench-town');

const ROOT = path.resolve(__dirname, '..');
const DEPUTIES = numberOption('deputies', 10000);
const RECORDS = numberOption('records', 1000000);
const RUNS = numberOption('runs', 9);
const DIALECT = stringOption('dialect', 'postgres');
const YEAR = 2025;
const TARGETS = { deputySummary: 0.05, yearRanking: 0.2 };
const DATABASE = 'deputy_bench';
const SERVER = databaseServer(DIALECT);
const dist = (plugin, file) => path.join(ROOT, `packages/plugins/@deputy/${plugin}/dist/server`, file);

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/**
 * Times the baseline and the suite's figure alternately, RUNS times each (after one warm-up of both), so that load
 * from elsewhere on the machine falls on both alike; the medians.
 */
async function timePair(baseline, suite) {
  const samples = [[], []];
  const results = [await baseline(), await suite()];
  for (let i = 0; i < RUNS; i++) {
    for (const [k, fn] of [baseline, suite].entries()) {
      const t0 = performance.now();
      results[k] = await fn();
      samples[k].push(performance.now() - t0);
    }
  }
  return samples.map((xs, k) => ({ ms: median(xs), result: results[k] }));
}

async function main() {
  await recreateDatabase(DIALECT, SERVER, DATABASE);
  const { Database } = require('@nocobase/database');
  const db = new Database({
    dialect: DIALECT,
    ...SERVER,
    username: SERVER.user,
    database: DATABASE,
    logging: false,
    ...(DIALECT === 'mariadb' ? { timezone: '+00:00' } : {}),
  });
  // The suite's collections are sortable, a field type the field-sort plugin brings.
  const { SortField } = require('@nocobase/plugin-field-sort/dist/server/sort-field.js');
  db.registerFieldTypes({ sort: SortField });
  for (const plugin of ['plugin-suite-core', 'plugin-deputies', 'plugin-duty-points']) {
    await db.import({ directory: dist(plugin, 'collections') });
  }
  await db.sync();
  const { Scores } = require(dist('plugin-duty-points', 'services/scores.js'));
  const { TotalsReconciliation } = require(dist('plugin-duty-points', 'services/reconciliation.js'));
  const scores = new Scores(db);
  const items = require(dist('plugin-duty-points', 'seeds/duty-items.json'));
  const bands = require(dist('plugin-duty-points', 'seeds/grade-bands.json'));
  await db.getRepository('dutyItems').createMany({ records: items });
  await db.getRepository('gradeBands').createMany({ records: bands });
  const itemId = new Map((await db.getRepository('dutyItems').find()).map((i) => [i.get('code'), Number(i.get('id'))]));

  const q = (sql) => db.sequelize.query(sql);
  const { id } = dialectSql(DIALECT, YEAR);
  const [E, P] = ['pointEntries', 'deputies'].map(id);
  let t0 = performance.now();
  // The checks below name deputies by their number: a fresh database gives them the ids 1..N.
  const { d0, withAwards } = await seedTown(q, {
    dialect: DIALECT,
    year: YEAR,
    deputies: DEPUTIES,
    records: RECORDS,
    itemId,
  });
  if (d0 !== 0) throw new Error(`the deputies ids start at ${d0 + 1}, not 1`);
  const seeded = performance.now() - t0;
  const [[{ n: ledgerEntries }]] = await q(`SELECT COUNT(*) AS n FROM ${E}`);

  // The totals as the upgrade's migration fills them.
  t0 = performance.now();
  await new TotalsReconciliation(db).rebuild();
  await q(DIALECT === 'mariadb' ? `ANALYZE TABLE ${id('pointTotals')}, ${id('pointItemTotals')}` : 'ANALYZE');
  const filled = performance.now() - t0;

  // ---- the raw full-ledger SQL of the same answers -------------------------------------------------------
  // The ledger summed per deputy, then joined to the deputies (the fastest plain form on both dialects).
  const sums = `(SELECT ${id('deputyId')} AS deputy, SUM(points) AS total FROM ${E} WHERE year = ${YEAR}
                 GROUP BY ${id('deputyId')})`;
  const total = 'COALESCE(t.total, 0)';
  const rawRanking = () =>
    q(`SELECT d.id, ${total} AS total, RANK() OVER (ORDER BY ${total} DESC) AS rnk,
              RANK() OVER (PARTITION BY d.${id('stationId')} ORDER BY ${total} DESC) AS station_rank,
              COALESCE(f.frauds, 0) AS frauds
       FROM ${P} d LEFT JOIN ${sums} t ON t.deputy = d.id
       LEFT JOIN (SELECT ${id('deputyId')} AS deputy, SUM(CASE WHEN kind = 'award' THEN 1 ELSE -1 END) AS frauds
                  FROM ${E} WHERE year = ${YEAR} AND ${id('itemId')} = ${itemId.get('D26')}
                  GROUP BY ${id('deputyId')}) f ON f.deputy = d.id
       WHERE d.status = 'active' ORDER BY rnk, d.id`);
  // Points per item of the deputy, then the ranks in the jurisdiction and in the station over everyone's sums.
  const rawSummary = async (deputyId) => {
    const [rows] = await q(`SELECT ${id('itemId')} AS item, SUM(points) AS posted FROM ${E}
      WHERE ${id('deputyId')} = ${deputyId} AND year = ${YEAR} GROUP BY ${id('itemId')}`);
    const mine = rows.reduce((sum, r) => sum + Number(r.posted), 0);
    const ahead = async (station) => {
      const [[row]] = await q(`SELECT COUNT(*) AS n FROM ${P} d LEFT JOIN ${sums} t ON t.deputy = d.id
        WHERE d.status = 'active' AND ${total} > ${mine}
        ${station ? `AND d.${id('stationId')} = (SELECT ${id('stationId')} FROM ${P} WHERE id = ${deputyId})` : ''}`);
      return Number(row.n);
    };
    return { total: mine, rank: 1 + (await ahead(false)), stationRank: 1 + (await ahead(true)) };
  };

  const SAMPLE = 4242 % DEPUTIES || 1;
  const [rawRankingRun, suiteRankingRun] = await timePair(rawRanking, () => scores.ranking(String(YEAR)));
  const [rawSummaryRun, suiteSummaryRun] = await timePair(
    () => rawSummary(SAMPLE),
    () => scores.summary(SAMPLE, YEAR),
  );

  // ---- the answers must be the ledger's before their times mean anything -----------------------------------
  const disagreements = [];
  const gradeOf = (total, failing) => {
    const sorted = [...bands].sort((a, b) => (b.minPoints ?? -Infinity) - (a.minPoints ?? -Infinity));
    return failing
      ? sorted.find((b) => !b.passing).name
      : sorted.find((b) => b.minPoints === null || total >= b.minPoints).name;
  };
  const rawRows = rawRankingRun.result[0];
  const suiteRows = suiteRankingRun.result;
  if (suiteRows.length !== rawRows.length)
    disagreements.push({ answer: 'ranking', rows: { suite: suiteRows.length, ledger: rawRows.length } });
  const suiteById = new Map(suiteRows.map((s) => [s.deputyId, s]));
  for (const r of rawRows) {
    const s = suiteById.get(Number(r.id));
    const want = {
      total: Number(r.total),
      rank: Number(r.rnk),
      stationRank: Number(r.station_rank),
      grade: gradeOf(Number(r.total), Number(r.frauds) >= 1),
    };
    const got = s && { total: s.total, rank: s.rank, stationRank: s.stationRank, grade: s.grade };
    if (JSON.stringify(got) !== JSON.stringify(want))
      disagreements.push({ answer: 'ranking', deputyId: Number(r.id), suite: got ?? null, ledger: want });
  }
  // Summaries, against the ledger read once: sums per deputy and item, the deputies' stations and status. The
  // timed deputy, the first and last with awards, deputies without awards (negative totals or none), one who
  // left, those with 弄虚作假, the last five of the ranking and every 100th.
  const [ledgerItems] = await q(`SELECT ${id('deputyId')} AS deputy, ${id('itemId')} AS item, SUM(points) AS posted
    FROM ${E} WHERE year = ${YEAR} GROUP BY ${id('deputyId')}, ${id('itemId')}`);
  const [people] = await q(`SELECT id, ${id('stationId')} AS station, status FROM ${P}`);
  const posted = new Map();
  for (const r of ledgerItems) {
    const d = Number(r.deputy);
    if (!posted.has(d)) posted.set(d, new Map());
    posted.get(d).set(Number(r.item), Number(r.posted));
  }
  const totalOf = (d) => [...(posted.get(d)?.values() ?? [])].reduce((a, b) => a + b, 0);
  const active = people.filter((p) => p.status === 'active').map((p) => ({ ...p, total: totalOf(Number(p.id)) }));
  const sample = new Set([SAMPLE, 1, withAwards, withAwards + 1, DEPUTIES, 7]);
  for (let d = 1; d <= DEPUTIES; d += 100) sample.add(d);
  for (const r of rawRows) if (Number(r.frauds) >= 1) sample.add(Number(r.id));
  for (const r of rawRows.slice(-5)) sample.add(Number(r.id));
  for (const deputyId of sample) {
    const s = await scores.summary(deputyId, YEAR);
    const me = people.find((p) => Number(p.id) === deputyId);
    const mine = totalOf(deputyId);
    const want = {
      total: mine,
      rank: 1 + active.filter((p) => p.total > mine).length,
      stationRank: 1 + active.filter((p) => p.total > mine && p.station === me.station).length,
    };
    const got = s.score && { total: s.score.total, rank: s.score.rank, stationRank: s.score.stationRank };
    if (JSON.stringify(got) !== JSON.stringify(want))
      disagreements.push({ answer: 'summary', deputyId, suite: got, ledger: want });
    for (const item of s.items) {
      const ledger = posted.get(deputyId)?.get(item.itemId) ?? 0;
      if (item.posted !== ledger)
        disagreements.push({ answer: 'summary item', deputyId, itemId: item.itemId, suite: item.posted, ledger });
    }
  }
  // The timed raw summary gave the same answer too.
  const timed = rawSummaryRun.result;
  const suiteTimed = suiteSummaryRun.result.score;
  if (
    timed.total !== suiteTimed.total ||
    timed.rank !== suiteTimed.rank ||
    timed.stationRank !== suiteTimed.stationRank
  )
    disagreements.push({ answer: 'timed summary', suite: suiteTimed, ledger: timed });
  const reconciliation = await new TotalsReconciliation(db).differences();

  const figure = (raw, suite, target) => {
    const ratio = suite.ms / raw.ms;
    return {
      rawSqlMs: +raw.ms.toFixed(1),
      suiteMs: +suite.ms.toFixed(1),
      ratio: +ratio.toFixed(4),
      target,
      met: ratio <= target,
    };
  };
  const mem = process.memoryUsage();
  const report = {
    dialect: DIALECT,
    deputies: DEPUTIES,
    records: RECORDS,
    ledgerEntries: Number(ledgerEntries),
    seedSeconds: +(seeded / 1000).toFixed(1),
    totalsFillSeconds: +(filled / 1000).toFixed(1),
    runs: RUNS,
    deputySummary: { deputyId: SAMPLE, ...figure(rawSummaryRun, suiteSummaryRun, TARGETS.deputySummary) },
    yearRanking: figure(rawRankingRun, suiteRankingRun, TARGETS.yearRanking),
    checked: {
      rankingRows: rawRows.length,
      summaries: sample.size,
      disagreements: disagreements.length,
      reconciliationDifferences: reconciliation.length,
    },
    ...(disagreements.length ? { firstDisagreements: disagreements.slice(0, 10) } : {}),
    rssMB: Math.round(mem.rss / 2 ** 20),
    heapUsedMB: Math.round(mem.heapUsed / 2 ** 20),
  };
  console.log(JSON.stringify(report, null, 2));
  await db.close();
  if (disagreements.length || reconciliation.length || !report.deputySummary.met || !report.yearRanking.met)
    process.exitCode = 1;
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
