/**
 * How the suite refuses a change, in one place: a `Refusal` carries its HTTP status and a message already in
 * the caller's language; thrown inside the write's transaction, it leaves nothing of the change behind. Each
 * plugin names its own subclass (DutyError, AidError, VoiceError) and gets its translator from `translatorFor`.
 */
export class Refusal extends Error {
  constructor(
    message: string,
    public status = 400,
  ) {
    super(message);
  }
}

/** Hook or action options: NocoBase passes the request as `context` (with its `t`) when the change comes from one. */
export type TranslateOptions =
  | { context?: { t?: (key: string, options?: Record<string, unknown>) => string; [key: string]: unknown } }
  | null
  | undefined;
export type Translate = (options: TranslateOptions, key: string, vars?: Record<string, unknown>) => string;

/**
 * A plugin's translator: the request's language when the change comes from a request (options.context.t, as
 * NocoBase passes it to hooks and actions), else zh-CN from the plugin's locale; every `{{name}}` is filled.
 */
export function translatorFor(ns: string, zhCN: Record<string, string>): Translate {
  return (options, key, vars = {}) => {
    const t = options?.context?.t;
    if (t) return t(key, { ns, ...vars });
    const text = zhCN[key] ?? key;
    return Object.entries(vars).reduce((out, [k, v]) => out.split(`{{${k}}}`).join(String(v)), text);
  };
}

/** In an action: answers a refusal with its status and message; anything else goes on to NocoBase's error handler. */
export function answerRefusal(ctx: { throw: (status: number, message: string) => never }, e: unknown) {
  if (e instanceof Refusal) return ctx.throw(e.status, e.message);
  throw e;
}
