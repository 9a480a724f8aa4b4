import crypto from 'crypto';
import type { Database } from '@nocobase/database';
import { Refusal } from '@deputy/plugin-suite-core';

export const DEPUTY_ROLE = 'deputy';

/** A readable initial password: 12 characters from an alphabet without look-alikes. */
export function initialPassword() {
  const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789';
  // Drawn again until it has letters and digits (the password policy of sign-in-protection.ts).
  for (;;) {
    const password = Array.from(crypto.randomBytes(12), (b) => alphabet[b % alphabet.length]).join('');
    if (/[A-Za-z]/.test(password) && /\d/.test(password)) return password;
  }
}

export class AccountError extends Refusal {}

/**
 * Creates the NocoBase user a deputy signs in with: username (given, or the deputy's phone), the
 * deputy's name and phone, the `deputy` role, and an initial password that must be changed at first use.
 * Returns the user and the initial password, which is shown once and never stored in clear.
 */
export async function createDeputyAccount(
  db: Database,
  deputyId: number | string,
  input: { username?: string; password?: string },
  t: (key: string) => string,
) {
  return db.sequelize.transaction(async (transaction) => {
    const deputies = db.getRepository('deputies');
    const deputy = await deputies.findOne({ filterByTk: deputyId, transaction });
    if (!deputy) throw new AccountError(t('Deputy not found'));
    if (deputy.get('userId')) throw new AccountError(t('This deputy already has a user account'));
    const username = String(input.username || deputy.get('phone') || '').trim();
    if (!/^[A-Za-z0-9_.@-]{2,50}$/.test(username)) {
      throw new AccountError(t('Give a username of 2-50 letters, digits or _.@- (or record the phone first)'));
    }
    const users = db.getRepository('users');
    const phone = deputy.get('phone') || null;
    const clash = await users.findOne({
      filter: phone ? { $or: [{ username }, { phone }] } : { username },
      transaction,
    });
    if (clash) throw new AccountError(t('A user with this username or phone already exists'));
    const password = input.password || initialPassword();
    if (password.length < 8) throw new AccountError(t('The initial password must have at least 8 characters'));
    const user = await users.create({
      values: {
        username,
        nickname: deputy.get('name'),
        phone,
        password,
        mustChangePassword: true,
        roles: [DEPUTY_ROLE],
      },
      transaction,
    });
    await deputies.update({ filterByTk: deputyId, values: { userId: user.get('id') }, transaction });
    return { user, password };
  });
}
