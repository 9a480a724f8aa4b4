import { onAction } from '../security/action-hooks';
import type { Application } from '@nocobase/server';

type Policy = { maxFailures: number; lockMinutes: number; minLength: number };

async function policyOf(ctx: any): Promise<Policy> {
  const s: any = await ctx.db.getRepository('deputySettings').findOne();
  return {
    maxFailures: Number(s?.get('maxSignInFailures') || 5),
    lockMinutes: Number(s?.get('signInLockMinutes') || 15),
    minLength: Number(s?.get('passwordMinLength') || 8),
  };
}

/** At least the configured length, with letters and digits. */
export function passwordProblem(password: unknown, minLength: number) {
  const text = String(password ?? '');
  if (text.length < minLength || !/[A-Za-z]/.test(text) || !/\d/.test(text)) return true;
  return false;
}

/**
 * Sign-in lockout and password policy, with their numbers in 代表设置 (deputySettings):
 * - after `maxSignInFailures` wrong passwords in a row an account is locked for `signInLockMinutes`
 *   (the reply for a locked account is the same whether the password is right or not);
 * - a new password (change, or set by an administrator) needs `passwordMinLength` characters with letters and digits.
 */
export function protectSignIn(app: Application, ns: string) {
  const users = (ctx: any) => ctx.db.getRepository('users');

  onAction(app, 'auth:signIn', async (ctx: any, next) => {
    const { account, email } = ctx.action.params.values ?? {};
    const name = String(account ?? email ?? '').trim();
    const user: any = name ? await users(ctx).findOne({ filter: { $or: [{ username: name }, { email: name }] } }) : null;
    if (!user) return next();
    const policy = await policyOf(ctx);
    const lockedUntil = user.get('lockedUntil') ? new Date(user.get('lockedUntil')) : null;
    if (lockedUntil && lockedUntil > new Date()) {
      const minutes = Math.max(1, Math.ceil((lockedUntil.getTime() - Date.now()) / 60000));
      return ctx.throw(403, ctx.t('Too many failed sign-ins: this account is locked; try again in {{minutes}} minutes', { ns, minutes }));
    }
    try {
      await next();
    } catch (e: any) {
      if (e?.status === 401) {
        const failures = Number(user.get('failedSignIns') || 0) + 1;
        const locked = failures >= policy.maxFailures;
        await users(ctx).update({
          filterByTk: user.get('id'),
          values: locked ? { failedSignIns: 0, lockedUntil: new Date(Date.now() + policy.lockMinutes * 60000) } : { failedSignIns: failures },
        });
      }
      throw e;
    }
    if (user.get('failedSignIns') || user.get('lockedUntil')) {
      await users(ctx).update({ filterByTk: user.get('id'), values: { failedSignIns: 0, lockedUntil: null } });
    }
  });

  const checkPassword = (pick: (values: any) => unknown) => async (ctx: any, next: () => Promise<any>) => {
    const password = pick(ctx.action.params.values ?? {});
    if (password !== undefined && password !== null && password !== '') {
      const { minLength } = await policyOf(ctx);
      if (passwordProblem(password, minLength)) {
        return ctx.throw(400, ctx.t('A password needs at least {{n}} characters, with letters and digits', { ns, n: minLength }));
      }
    }
    await next();
  };
  onAction(app, 'auth:changePassword', checkPassword((v) => v.newPassword ?? ''));
  onAction(app, 'users:create', checkPassword((v) => v.password));
  onAction(app, 'users:update', checkPassword((v) => v.password));
  onAction(app, 'deputies:createAccount', checkPassword((v) => v.password));
}
