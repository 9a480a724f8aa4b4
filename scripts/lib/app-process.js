'use strict';
/**
 * Running the app as `npm start` runs it, from scripts that need a live instance (browser tests, load and
 * crash-safety checks): scripts/start.js in its own process group, stopped with Ctrl-C.
 */
const fs = require('fs');
const path = require('path');
const { spawn } = require('child_process');

const ROOT = path.resolve(__dirname, '../..');

async function waitForApp(url, child, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the app exited (code ${child.exitCode}) before it answered`);
    try {
      const res = await fetch(`${url}/api/app:getInfo`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 1000));
  }
  throw new Error(`the app did not answer at ${url} within ${timeoutMs / 1000} s`);
}

/** Starts scripts/start.js in its own process group, as `npm start` would run it; resolves once it answers. */
async function startApp(appEnv, logFile) {
  const out = fs.openSync(logFile, 'a');
  const app = spawn(process.execPath, [path.join(__dirname, '..', 'start.js')], {
    cwd: ROOT,
    env: { ...process.env, ...appEnv },
    stdio: ['ignore', out, out],
    detached: true,
  });
  app.exited = new Promise((resolve) => app.on('exit', (code, signal) => resolve({ code, signal })));
  // A first start installs NocoBase and enables the suite: minutes (#22), longer on a loaded machine.
  await waitForApp(`http://127.0.0.1:${appEnv.APP_PORT}`, app, 20 * 60 * 1000);
  return app;
}

/** Ctrl-C for the whole start process group (the app, then its embedded PostgreSQL); kills after 60 s. */
async function stopApp(app) {
  if (app.exitCode !== null) return { code: app.exitCode };
  try {
    process.kill(-app.pid, 'SIGINT');
  } catch {
    // already gone
  }
  const timer = setTimeout(() => {
    try {
      process.kill(-app.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }, 60000);
  const result = await app.exited;
  clearTimeout(timer);
  return result;
}

module.exports = { startApp, stopApp, waitForApp };
