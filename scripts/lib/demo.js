'use strict';
/**
 * `npm run demo` (= `npm start -- --demo`, #22): once the app answers, signs in as root and loads the demo
 * town through deputyDemo:load, prints its progress as it goes, then the demo accounts and their password.
 * Refused, with the app's own message, on an instance that already holds data.
 */
async function api(base, method, url, token, body) {
  const res = await fetch(`${base}/api/${url}`, {
    method,
    headers: {
      'Content-Type': 'application/json',
      'X-Locale': 'zh-CN',
      'X-Authenticator': 'basic',
      ...(token ? { Authorization: `Bearer ${token}` } : {}),
    },
    body: body ? JSON.stringify(body) : undefined,
  });
  const json = await res.json().catch(() => ({}));
  return { status: res.status, body: json };
}

const message = (res) => res.body?.errors?.[0]?.message || `HTTP ${res.status}`;

async function waitUntilServing(base, serving) {
  let exited = false;
  serving.then(
    () => (exited = true),
    () => (exited = true),
  );
  for (;;) {
    if (exited) throw new Error('the app stopped before it answered');
    try {
      if ((await fetch(`${base}/api/app:getInfo`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 1000));
  }
}

async function loadDemo(base, env, serving, log) {
  await waitUntilServing(base, serving);
  const account = process.env.DEMO_ROOT_ACCOUNT || env.INIT_ROOT_USERNAME || 'nocobase';
  const password = process.env.DEMO_ROOT_PASSWORD || env.INIT_ROOT_PASSWORD || 'admin123';
  const signIn = await api(base, 'POST', 'auth:signIn', null, { account, password });
  if (signIn.status !== 200) {
    throw new Error(
      `root could not sign in (${message(signIn)}); if its password was changed, run DEMO_ROOT_PASSWORD=… npm run demo`,
    );
  }
  const token = signIn.body.data.token;
  const started = Date.now();
  const load = await api(base, 'POST', 'deputyDemo:load', token, {});
  if (load.status !== 202) throw new Error(message(load));
  log(
    'loading the demo town (高沙镇: 1+5 stations, 60 deputies, a year of their work; about 3 minutes on a 2-core machine) ...',
  );
  let printed = 0;
  for (;;) {
    await new Promise((r) => setTimeout(r, 1000));
    const res = await api(base, 'GET', 'deputyDemo:status', token);
    const status = res.body.data || {};
    for (const line of (status.progress || []).slice(printed)) log(`demo ${line}`);
    printed = (status.progress || []).length;
    if (status.state === 'failed') throw new Error(status.message);
    if (status.state === 'done') return printAccounts(status, Math.round((Date.now() - started) / 1000));
    if (res.status !== 200) throw new Error(message(res));
  }
}

function printAccounts(status, seconds) {
  const line = '─'.repeat(64);
  const rows = Object.entries(status.counts)
    .map(([name, n]) => `${name} ${n}`)
    .join(', ');
  const text = [
    line,
    `  demo town loaded in ${seconds} s: ${rows}`,
    `  every demo account's password:  ${status.password}   (shown this once)`,
    ...status.accounts.map(
      (a) => `  ${a.username.padEnd(30)} ${a.role.padEnd(14)} ${a.name}\n  ${''.padEnd(30)} try first: ${a.tryFirst}`,
    ),
    line,
  ].join('\n');
  console.log(`\n${text}\n`);
}

module.exports = { loadDemo };
