import type { Application } from '@nocobase/server';

/**
 * Behind a reverse proxy (nginx) every request arrives from the proxy's address, so per-address limits (the
 * public form's) would count all citizens as one. `APP_TRUST_PROXY=true` (one proxy in front) or a number of
 * proxies makes Koa take the client's address from X-Forwarded-For — only the entries those proxies added,
 * the rightmost ones, so a client cannot choose its address by sending the header itself. Empty: unchanged
 * (Koa's default, the header ignored); `false` or 0: ignored explicitly.
 */
export function trustProxy(app: Application, value: string | undefined = process.env.APP_TRUST_PROXY) {
  const setting = String(value ?? '')
    .trim()
    .toLowerCase();
  if (!setting) return;
  const hops = ['true', 'yes', 'on'].includes(setting) ? 1 : /^\d{1,2}$/.test(setting) ? Number(setting) : 0;
  app.proxy = hops > 0;
  app.maxIpsCount = hops;
}
