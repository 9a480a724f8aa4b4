'use strict';
/**
 * What the score benchmarks share (bench-ranking.js in process, bench-http.js over HTTP, issue #18): their
 * command-line options, the database server of a dialect and their scratch database on it, and the town they seed — set-based SQL, so that a
 * million ledger entries take seconds: `stations` liaison stations, `deputies` deputies (one in 50 has left
 * office), `records` duty records and their ledger entries: awards over 23 scored items for 99 % of the deputies
 * (one in 97 revoked later, with its reversal), D25 deductions (one record in 200) and D26 frauds (fail the grade).
 */

const argOf = (name) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
};

/** `--name N` as a number, or the default. */
const numberOption = (name, dflt) => (argOf(name) === undefined ? dflt : Number(argOf(name)));

/** `--name value`, or the default. */
const stringOption = (name, dflt) => argOf(name) ?? dflt;

/**
 * The server of a dialect: BENCH_PG_HOST/PORT/USER/PASSWORD (default postgres@127.0.0.1:5432) or, for mariadb,
 * BENCH_MYSQL_HOST/PORT/USER/PASSWORD (default root@127.0.0.1:3306).
 */
function databaseServer(dialect) {
  return dialect === 'mariadb'
    ? {
        host: process.env.BENCH_MYSQL_HOST || '127.0.0.1',
        port: Number(process.env.BENCH_MYSQL_PORT || 3306),
        user: process.env.BENCH_MYSQL_USER || 'root',
        password: process.env.BENCH_MYSQL_PASSWORD || '',
      }
    : {
        host: process.env.BENCH_PG_HOST || '127.0.0.1',
        port: Number(process.env.BENCH_PG_PORT || 5432),
        user: process.env.BENCH_PG_USER || 'postgres',
        password: process.env.BENCH_PG_PASSWORD || '',
      };
}

/** A statement run on the server outside the scratch database (to create or drop it). */
async function serverQuery(dialect, server, sql) {
  if (dialect === 'mariadb') {
    const connection = await require('mariadb').createConnection(server);
    try {
      await connection.query(sql);
    } finally {
      await connection.end();
    }
    return;
  }
  const { Client } = require('pg');
  const client = new Client({ ...server, database: 'postgres' });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** Drops the scratch database (its sessions too, on PostgreSQL). */
const dropDatabase = (dialect, server, name) =>
  serverQuery(dialect, server, `DROP DATABASE IF EXISTS ${name}${dialect === 'mariadb' ? '' : ' WITH (FORCE)'}`);

/** The scratch database, dropped and created empty. */
async function recreateDatabase(dialect, server, name) {
  await dropDatabase(dialect, server, name);
  await serverQuery(
    dialect,
    server,
    `CREATE DATABASE ${name}${dialect === 'mariadb' ? ' CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci' : ''}`,
  );
}

/** The seed as SQL of the dialect: a series of integers, date arithmetic, quoting. */
function dialectSql(dialect, year) {
  const my = dialect === 'mariadb';
  return {
    id: (name) => (my ? `\`${name}\`` : `"${name}"`),
    // MariaDB's Sequence engine: seq_1_to_N is a table of the integers 1..N.
    series: (n) => (my ? `(SELECT seq AS g FROM seq_1_to_${n}) s` : `generate_series(1, ${n}) g`),
    day: (expr) => (my ? `DATE_ADD('${year}-01-01', INTERVAL (${expr}) DAY)` : `DATE '${year}-01-01' + (${expr})`),
    concat: (a, b) => (my ? `CONCAT(${a}, ${b})` : `${a} || ${b}`),
    now: my ? 'NOW()' : 'now()',
  };
}

/**
 * Seeds the town into the suite's tables through `q(sql)` (sequelize.query); `itemId` maps the catalogue's codes
 * to their ids. Deputy g (1..deputies) gets the id d0 + g, station s (1..stations) the id s0 + s; deputies
 * 1..withAwards earn awards, the rest only deductions or nothing.
 */
async function seedTown(q, { dialect, year, deputies, records, itemId, stations = 50 }) {
  const { id, series, day, concat, now } = dialectSql(dialect, year);
  const [E, P, R, D] = ['pointEntries', 'deputies', 'dutyRecords', 'liaisonStations'].map(id);
  const withAwards = Math.floor(deputies * 0.99);
  const deductions = Math.floor(records / 200);
  const frauds = Math.max(1, Math.floor(deputies / 500));
  const awards = records - deductions - frauds;
  await q(`INSERT INTO ${D} (name, ${id('receptionDays')}, ${id('createdAt')}, ${id('updatedAt')})
           SELECT ${concat("'压测联络站'", 'g')}, '[6,16,26]', ${now}, ${now} FROM ${series(stations)}`);
  const [[st]] = await q(`SELECT MIN(id) AS first FROM ${D}`);
  const s0 = Number(st.first) - 1;
  await q(`INSERT INTO ${P} (name, ${id('stationId')}, status, level, duties, ${id('createdAt')}, ${id('updatedAt')})
           SELECT ${concat("'压测代表'", 'g')}, ${s0} + 1 + g % ${stations},
                  CASE WHEN g % 50 = 7 THEN 'left' ELSE 'active' END, 'town', '[]', ${now}, ${now}
           FROM ${series(deputies)}`);
  const [[dp]] = await q(`SELECT MIN(id) AS first, MAX(id) AS last, COUNT(*) AS n FROM ${P}`);
  const d0 = Number(dp.first) - 1;
  if (Number(dp.last) - d0 !== deputies || Number(dp.n) !== deputies) throw new Error('the deputies ids are not 1..N');
  // One record per row: awards over the 23 first scored items, in code order (one in 97 revoked later), D25
  // deductions, D26 frauds.
  const insertRecords = (n, deputy, item, status) =>
    q(`INSERT INTO ${R} (${id('deputyId')}, ${id('itemId')}, date, quantity, status, ${id('awardedPoints')},
                         ${id('createdAt')}, ${id('updatedAt')})
       SELECT ${d0} + ${deputy}, ${item}, ${day('g % 365')}, 1, ${status}, 0, ${now}, ${now} FROM ${series(n)}`);
  const scored = [...itemId.entries()]
    .filter(([code]) => code !== 'D25' && code !== 'D26')
    .sort(([a], [b]) => a.localeCompare(b))
    .slice(0, 23)
    .map(([, itemIdOf]) => itemIdOf);
  const nth = (expr) => `CASE ${expr} ${scored.map((itemIdOf, k) => `WHEN ${k} THEN ${itemIdOf}`).join(' ')} END`;
  await insertRecords(
    awards,
    `1 + g % ${withAwards}`,
    nth(`g % ${scored.length}`),
    `CASE WHEN g % 97 = 0 THEN 'revoked' ELSE 'approved' END`,
  );
  await insertRecords(deductions, `1 + (g * 7919) % ${deputies}`, itemId.get('D25'), `'approved'`);
  await insertRecords(frauds, `1 + (g * 104729) % ${deputies}`, itemId.get('D26'), `'approved'`);
  await q(`UPDATE ${R} SET ${id('awardedPoints')} = CASE ${id('itemId')} WHEN ${itemId.get('D25')} THEN -2
             WHEN ${itemId.get('D26')} THEN -10 ELSE 1 + ${id('deputyId')} % 3 END`);
  const entries = (kind, sign, where) =>
    q(`INSERT INTO ${E} (${id('deputyId')}, ${id('itemId')}, ${id('recordId')}, kind, year, date, points,
                         ${id('requestedPoints')}, ${id('itemVersion')}, ${id('createdAt')})
       SELECT ${id('deputyId')}, ${id('itemId')}, id, '${kind}', ${year}, date, ${sign}${id('awardedPoints')},
              ${sign}${id('awardedPoints')}, 1, ${now} FROM ${R} ${where}`);
  await entries('award', '', '');
  await entries('reversal', '-', `WHERE status = 'revoked'`);
  await q(dialect === 'mariadb' ? `ANALYZE TABLE ${E}, ${P}, ${R}` : 'ANALYZE');
  return { s0, d0, withAwards };
}

module.exports = {
  numberOption,
  stringOption,
  databaseServer,
  dropDatabase,
  recreateDatabase,
  dialectSql,
  seedTown,
};
