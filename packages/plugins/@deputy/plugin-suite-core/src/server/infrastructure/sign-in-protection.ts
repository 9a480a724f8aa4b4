import type { Context, Next } from '@nocobase/actions';
import { Op } from '@nocobase/database';
import type { Model } from '@nocobase/database';
import { onAction } from '../security/action-hooks';
import type { Application } from '@nocobase/server';

type Policy = { maxFailures: number; lockMinutes: number; minLength: number };
/** The auth manager's registered types, which NocoBase keeps protected: read for the class of one type. */
type AuthTypes = { authTypes?: { get?: (name: string) => { auth?: unknown } | undefined } };
/** A user's key (the users collection's primary key). */
type UserKey = number | string;
/** What a failed sign-in throws: BasicAuth's 401 carries the user whose password did not match. */
type SignInError = { status?: number; user?: { get?: (key: string) => UserKey } & Record<string, UserKey> };

async function policyOf(ctx: Context): Promise<Policy> {
  const s: Model | null = await ctx.db.getRepository('deputySettings').findOne();
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

/** NocoBase's own sign-in type (plugin-auth's `BasicAuth`, authType "Email/Password"). */
const BASIC_AUTH_TYPE = 'Email/Password';

function isBasicAuth(ctx: Context) {
  const auth = ctx.auth;
  if (!auth || typeof auth !== 'object') return false;
  // The class registered for the type, read from the auth manager (no import of plugin-auth needed).
  const Basic = (ctx.app?.authManager as AuthTypes | undefined)?.authTypes?.get?.(BASIC_AUTH_TYPE)?.auth;
  if (typeof Basic === 'function' && auth instanceof Basic) return true;
  return auth.authenticator?.authType === BASIC_AUTH_TYPE;
}

/**
 * The filter NocoBase 2.2's basic auth (plugin-auth `BasicAuth.validate`) uses to find the user:
 * `email` if given (old API), else `account` as username or e-mail. Nothing else (no `username`, no phone).
 */
export function basicAuthUserFilter(
  values: { account?: unknown; email?: unknown } | null | undefined,
): Record<string, unknown> | null {
  const { account, email } = values ?? {};
  if (!account && !email) return null;
  return email ? { email } : { $or: [{ username: account }, { email: account }] };
}

/**
 * Sign-in lockout and password policy, with their numbers in 代表设置 (deputySettings):
 * - after `maxSignInFailures` wrong passwords in a row an account is locked for `signInLockMinutes`
 *   (the reply for a locked account is the same whether the password is right or not);
 * - a new password (change, or set by an administrator) needs `passwordMinLength` characters with letters and digits.
 *
 * The lockout finds the user with the very filter NocoBase's basic auth uses (`account` as username or e-mail,
 * or `email`; a mobile number is first turned into the username of the one user with that phone), so no way of
 * naming the account skips it. Counting is atomic in the database: each attempt first
 * reserves one failure (`failedSignIns + 1` in SQL), and only attempts whose reservation is within the maximum
 * reach the password check — N parallel wrong guesses count N, and at most `maxSignInFailures` of them are ever
 * checked before the lock. A wrong password keeps its reservation (and locks once the count reaches the maximum,
 * in one conditional UPDATE); a correct one resets the count; any other outcome gives the reservation back.
 */
/** A mainland mobile number, as deputies give theirs. */
const MOBILE = /^1\d{10}$/;

export function protectSignIn(app: Application, ns: string) {
  const model = (ctx: Context) => ctx.db.getCollection('users').model;
  const pkOf = (ctx: Context) => model(ctx).primaryKeyAttribute || 'id';
  const lockedMessage = (ctx: Context, minutes: number) =>
    ctx.t('Too many failed sign-ins: this account is locked; try again in {{minutes}} minutes', { ns, minutes });
  const minutesLeft = (until: Date) => Math.max(1, Math.ceil((until.getTime() - Date.now()) / 60000));
  const lockedUntilOf = (row: Model | null | undefined) => {
    const v = row?.get ? row.get('lockedUntil') : row?.lockedUntil;
    return v ? new Date(v) : null;
  };

  /** Adds one failure, atomically (a NULL count from before the field existed counts as 0). */
  async function reserve(ctx: Context, id: UserKey) {
    const M = model(ctx);
    const pk = pkOf(ctx);
    await M.update({ failedSignIns: 0 }, { where: { [pk]: id, failedSignIns: null }, silent: true, hooks: false });
    await M.increment({ failedSignIns: 1 }, { where: { [pk]: id }, silent: true });
  }
  /** Gives a reservation back (never below 0). */
  async function release(ctx: Context, id: UserKey) {
    await model(ctx).decrement(
      { failedSignIns: 1 },
      { where: { [pkOf(ctx)]: id, failedSignIns: { [Op.gt]: 0 } }, silent: true },
    );
  }
  /** Locks the account if the count has reached the maximum — one conditional UPDATE, so only one attempt locks. */
  async function lockIfDue(ctx: Context, id: UserKey, policy: Policy) {
    await model(ctx).update(
      { failedSignIns: 0, lockedUntil: new Date(Date.now() + policy.lockMinutes * 60000) },
      { where: { [pkOf(ctx)]: id, failedSignIns: { [Op.gte]: policy.maxFailures } }, silent: true, hooks: false },
    );
  }
  async function reset(ctx: Context, id: UserKey) {
    await model(ctx).update(
      { failedSignIns: 0, lockedUntil: null },
      { where: { [pkOf(ctx)]: id }, silent: true, hooks: false },
    );
  }

  onAction(app, 'auth:signIn', async (ctx, next) => {
    if (!isBasicAuth(ctx)) return next();
    const values = ctx.action.params.values ?? {};
    const { account, email } = values;
    // NocoBase would put a non-text identifier straight into its filter (operators, lists): refuse it as it
    // refuses a missing one.
    if ((account != null && typeof account !== 'string') || (email != null && typeof email !== 'string')) {
      return ctx.throw(400, ctx.t('The username or e-mail must be text', { ns }));
    }
    const repo = ctx.auth?.userRepository ?? ctx.db.getRepository('users');
    const pk = pkOf(ctx);
    // Deputies know their mobile number: an account that is no user's username or e-mail but exactly one user's
    // phone signs in as that user (NocoBase's basic auth itself knows only username and e-mail). Rewritten
    // before the lockout, so the lockout counts against that user whichever way it is named.
    if (typeof account === 'string' && !email && MOBILE.test(account.trim())) {
      const named = await repo.count({ filter: { $or: [{ username: account }, { email: account }] } });
      // (NocoBase keeps users' phones unique.)
      const byPhone: Model | null = named
        ? null
        : await repo.findOne({ filter: { phone: account.trim() }, fields: [pk, 'username', 'email'] });
      if (byPhone?.get('username') || byPhone?.get('email'))
        values.account = byPhone.get('username') || byPhone.get('email');
    }
    const filter = basicAuthUserFilter(values);
    if (!filter) return next();
    // The same repository and filter as BasicAuth.validate: every user it could pick (username and e-mail are
    // unique, so at most two), and the one it picks.
    const candidates: Model[] = await repo.find({ filter, fields: [pk, 'lockedUntil'] });
    if (!candidates.length) return next();
    for (const c of candidates) {
      const until = lockedUntilOf(c);
      if (until && until > new Date()) return ctx.throw(403, lockedMessage(ctx, minutesLeft(until)));
    }
    const user: Model | null = await repo.findOne({ filter, fields: [pk] });
    if (!user) return next();
    const id: UserKey = user.get(pk);
    const policy = await policyOf(ctx);

    await reserve(ctx, id);
    const now: Model | null = await model(ctx).findOne({
      where: { [pk]: id },
      attributes: ['failedSignIns', 'lockedUntil'],
    });
    const until = lockedUntilOf(now);
    if ((until && until > new Date()) || Number(now?.get('failedSignIns') ?? 0) > policy.maxFailures) {
      // Locked meanwhile, or more attempts under way (or counted, e.g. after the maximum was lowered) than the
      // maximum: refused unchecked, like a locked account, and the account locks — first the lock (the count,
      // with this reservation, is over the maximum), then the reservation is given back.
      if (until && until > new Date()) {
        await release(ctx, id);
        return ctx.throw(403, lockedMessage(ctx, minutesLeft(until)));
      }
      await lockIfDue(ctx, id, policy);
      await release(ctx, id);
      return ctx.throw(403, lockedMessage(ctx, policy.lockMinutes));
    }

    try {
      await next();
    } catch (caught: unknown) {
      const e = caught as SignInError | undefined;
      // BasicAuth attaches the user whose password did not match; count that one.
      const failed = e?.user?.get?.(pk) ?? e?.user?.[pk];
      if (e?.status === 401 && (failed === undefined || String(failed) === String(id))) {
        await lockIfDue(ctx, id, policy);
      } else {
        await release(ctx, id);
        if (e?.status === 401 && failed !== undefined) {
          await reserve(ctx, failed);
          await lockIfDue(ctx, failed, policy);
        }
      }
      throw caught;
    }
    const signedIn = ctx.body?.user?.get?.(pk) ?? ctx.body?.user?.[pk] ?? id;
    if (String(signedIn) !== String(id)) await release(ctx, id);
    await reset(ctx, signedIn);
  });

  const checkPassword = (pick: (values: Record<string, unknown>) => unknown) => async (ctx: Context, next: Next) => {
    const password = pick(ctx.action.params.values ?? {});
    if (password !== undefined && password !== null && password !== '') {
      const { minLength } = await policyOf(ctx);
      if (passwordProblem(password, minLength)) {
        return ctx.throw(
          400,
          ctx.t('A password needs at least {{n}} characters, with letters and digits', { ns, n: minLength }),
        );
      }
    }
    await next();
  };
  onAction(
    app,
    'auth:changePassword',
    checkPassword((v) => v.newPassword ?? ''),
  );
  onAction(
    app,
    'users:create',
    checkPassword((v) => v.password),
  );
  onAction(
    app,
    'users:update',
    checkPassword((v) => v.password),
  );
  onAction(
    app,
    'deputies:createAccount',
    checkPassword((v) => v.password),
  );
}
