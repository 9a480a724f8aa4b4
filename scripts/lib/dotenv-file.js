'use strict';
/**
 * The project's `.env`: created from `.env.example` on first start with a random APP_KEY and admin
 * password, then only read. Variables already in the environment win over the file (as in NocoBase's CLI).
 */
const fs = require('fs');
const path = require('path');
const crypto = require('crypto');

function parse(text) {
  const out = {};
  for (const line of text.split(/\r?\n/)) {
    const m = line.match(/^\s*([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)\s*$/);
    if (!m) continue;
    let value = m[2];
    if (/^(['"]).*\1$/.test(value)) value = value.slice(1, -1);
    else value = value.replace(/\s+#.*$/, '');
    out[m[1]] = value;
  }
  return out;
}

function randomSecret(bytes = 18) {
  return crypto.randomBytes(bytes).toString('base64url');
}

/** Creates the env file (`.env`, or DEPUTY_ENV_FILE) when missing; returns { file, created }. */
function ensureEnvFile(root) {
  const file = process.env.DEPUTY_ENV_FILE ? path.resolve(root, process.env.DEPUTY_ENV_FILE) : path.join(root, '.env');
  if (fs.existsSync(file)) return { file, created: false };
  const template = fs.readFileSync(path.join(root, '.env.example'), 'utf8');
  const text = template
    .replace(/^APP_KEY=.*$/m, `APP_KEY=${randomSecret(32)}`)
    .replace(/^INIT_ROOT_PASSWORD=.*$/m, `INIT_ROOT_PASSWORD=${randomSecret(9)}`)
    .replace(/^EMBEDDED_DB_PASSWORD=.*$/m, `EMBEDDED_DB_PASSWORD=${randomSecret(12)}`);
  fs.writeFileSync(file, text, { mode: 0o600 });
  return { file, created: true };
}

/**
 * The suite's values for NocoBase keys whose own default does not suit it, used when neither the file nor
 * the environment sets the key (or sets it empty) — so an older .env, written before the key was in
 * .env.example, gets them too.
 * DB_POOL_MAX: Sequelize's 5 connections left one reviewer deciding a handful of tasks able to hold them all
 * (issue 16); review decisions queue below the pool now (plugin-duty-points review-gate.ts: (max − 1) / 2
 * at once), and 20 lets 9 decisions and everyone else's requests run side by side. 20 per process is well
 * within PostgreSQL's and MySQL's default max_connections (100 / 151).
 */
const RUNTIME_DEFAULTS = { DB_POOL_MAX: '20' };

/** File values overlaid by the process environment (a variable set to '' there clears the file's value). */
function loadEnv(file) {
  const fromFile = fs.existsSync(file) ? parse(fs.readFileSync(file, 'utf8')) : {};
  const env = { ...fromFile, ...process.env };
  for (const [key, value] of Object.entries(RUNTIME_DEFAULTS)) if (!env[key]) env[key] = value;
  return env;
}

module.exports = { ensureEnvFile, loadEnv, parse, RUNTIME_DEFAULTS };
