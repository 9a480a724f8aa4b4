import crypto from 'crypto';
import type { Database, Model, Transaction } from '@nocobase/database';
import { DutyError } from './errors';
import { shanghaiToday } from '@deputy/plugin-suite-core';

/** An 8-character code without look-alike characters, printed on the notice or shown as a QR code. */
export function newSignInCode() {
  const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
  return Array.from(crypto.randomBytes(8), (b) => alphabet[b % alphabet.length]).join('');
}

/**
 * Database event asked before a sign-in, for plugins whose activities have a roster (逢6接待 sessions):
 * a listener sets `expected` to true when the deputy is on the activity's roster.
 * `db.on(SIGN_IN_EXPECTATION, async (e: SignInExpectation, { transaction }) => { ... })`
 */
export const SIGN_IN_EXPECTATION = 'dutyActivities.signInExpectation';
export type SignInExpectation = { activity: Model; deputy: Model; expected: boolean };

/**
 * Whether the deputy is expected at the activity: a deputy of the activity's station, or on a roster of it.
 * The sign-in code alone is not enough: it may have been passed on.
 */
async function isExpected(db: Database, activity: Model, deputy: Model, transaction: Transaction) {
  const stationId = activity.get('stationId');
  const expectation: SignInExpectation = {
    activity,
    deputy,
    expected: stationId !== null && stationId !== undefined && String(stationId) === String(deputy.get('stationId')),
  };
  if (!expectation.expected) await db.emitAsync(SIGN_IN_EXPECTATION, expectation, { transaction });
  return expectation.expected === true;
}

/**
 * Signing in to an approved activity on its day, as a deputy expected there (its station's, or rostered):
 * records the attendance and the deputy's duty record, approved at once (the station approved the activity;
 * the sign-in is the evidence), which posts the points. A refused sign-in changes nothing.
 */
export async function signIn(db: Database, userId: number, code: string, t: (key: string) => string) {
  return db.sequelize.transaction(async (transaction) => {
    const deputy: Model | null = await db
      .getRepository('deputies')
      .findOne({ filter: { userId, status: 'active' }, transaction });
    if (!deputy) throw new DutyError(t('Your account is not linked to a deputy'), 403);
    const activity: Model | null = await db.getRepository('dutyActivities').findOne({
      filter: {
        signInCode: String(code || '')
          .trim()
          .toUpperCase(),
      },
      transaction,
    });
    if (!activity) throw new DutyError(t('No activity has this sign-in code'), 404);
    if (!(await isExpected(db, activity, deputy, transaction))) {
      throw new DutyError(t('Only the deputies of the activity’s station, or on its roster, can sign in to it'), 403);
    }
    if (activity.get('status') !== 'approved') throw new DutyError(t('This activity is not open for sign-in'));
    if (String(activity.get('date')).slice(0, 10) !== shanghaiToday())
      throw new DutyError(t('Sign-in is open on the day of the activity only'));
    const attendances = db.getRepository('activityAttendances');
    if (
      await attendances.count({ filter: { activityId: activity.get('id'), deputyId: deputy.get('id') }, transaction })
    ) {
      throw new DutyError(t('You have already signed in to this activity'));
    }
    return recordAttendance(db, activity, deputy, transaction);
  });
}

/**
 * The rule-free core of a sign-in, in the caller's transaction: the deputy's duty record of the activity,
 * approved at once, and the attendance. The checks (who, which day, once) are the caller's: `signIn` for a
 * deputy's own sign-in; the demo town (#22) for the sign-ins of past activities.
 */
export async function recordAttendance(db: Database, activity: Model, deputy: Model, transaction: Transaction) {
  const record: Model = await db.getRepository('dutyRecords').create({
    values: {
      deputyId: deputy.get('id'),
      itemId: activity.get('itemId'),
      date: String(activity.get('date')).slice(0, 10),
      quantity: 1,
      description: activity.get('title'),
    },
    transaction,
  });
  // Straight to approved, through the model: the lifecycle allows it for sign-ins only, and the review
  // workflow (which listens to submissions) is not involved.
  // `directApproval` is this plugin's own hook option (read by the lifecycle), unknown to Sequelize's type.
  const directly = { transaction, directApproval: true };
  await record.update({ status: 'approved' }, directly);
  const attendance = await db.getRepository('activityAttendances').create({
    values: { activityId: activity.get('id'), deputyId: deputy.get('id'), recordId: record.get('id') },
    transaction,
  });
  await record.reload({ transaction });
  return { attendanceId: attendance.get('id'), recordId: record.get('id'), points: record.get('awardedPoints') };
}
