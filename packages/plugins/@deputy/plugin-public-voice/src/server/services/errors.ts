import zhCN from '../../locale/zh-CN.json';
import { NS } from '../fields';

/** A refusal with an HTTP status; thrown inside the transaction, so nothing of the change is kept. */
export class VoiceError extends Error {
  constructor(message: string, public status = 400) {
    super(message);
  }
}

/** Translates with the caller's language when the change comes from a request, else in zh-CN. */
export function translate(options: any, key: string, vars: Record<string, any> = {}) {
  const t = options?.context?.t;
  if (t) return t(key, { ns: NS, ...vars });
  const text = (zhCN as Record<string, string>)[key] ?? key;
  return Object.entries(vars).reduce((out, [k, v]) => out.split(`{{${k}}}`).join(String(v)), text);
}

/** Answers a VoiceError as its HTTP status and message; anything else goes on to NocoBase's error handler. */
export function answer(ctx: any, e: unknown) {
  if (e instanceof VoiceError) return ctx.throw(e.status, e.message);
  throw e;
}
