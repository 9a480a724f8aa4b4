import { createSuiteServer, deputyOf, signedInAs, stationHeadedBy } from '@deputy/test-helpers';
import { MockServer } from '@nocobase/test';

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
/** A valid 18-character ID number (correct check digit) from 17 digits. */
export function idNumber(first17: string) {
  const sum = WEIGHTS.reduce((s, w, i) => s + w * Number(first17[i]), 0);
  return first17 + '10X98765432'[sum % 11];
}
import type { ApiRow, SignedIn, TestAgent } from '@deputy/test-helpers';

export type Account = SignedIn;
export type Agent = TestAgent;
export type Row = ApiRow;

export const isPg = () => process.env.DB_DIALECT === 'postgres';
/** The n-th day of March last year: in the past and in one calendar year, whatever today is. */
export const lastYear = (n: number) => `${new Date().getFullYear() - 1}-03-${String(n).padStart(2, '0')}`;
export const LAST_YEAR = String(new Date().getFullYear() - 1);

/**
 * Two stations (A with staff and head, B with its own staff), deputies A1, A2 at station A and B1 at
 * station B, each with an account, and an administrator. `extra` adds duty-points and the workflows.
 */
export async function aidWorld(withDutyPoints = false) {
  const app = await createSuiteServer(
    [
      '@deputy/plugin-deputies',
      ...(withDutyPoints ? ['@deputy/plugin-duty-points'] : []),
      '@deputy/plugin-pairing-aid',
    ],
    withDutyPoints ? ['workflow', 'workflow-manual'] : [],
  );
  const admin = await signedInAs(app, 'npc', ['npc-admin']);
  const staffA = await signedInAs(app, 'staffA', ['station-staff']);
  const staffB = await signedInAs(app, 'staffB', ['station-staff']);
  const dA1 = await signedInAs(app, 'deputyA1', ['deputy']);
  const dA2 = await signedInAs(app, 'deputyA2', ['deputy']);
  const dB1 = await signedInAs(app, 'deputyB1', ['deputy']);
  const stationA = await stationHeadedBy(admin.agent, '荣家湾镇联络站', staffA);
  const stationB = await stationHeadedBy(admin.agent, '新墙镇联络站', staffB);
  const deputy = (name: string, stationId: number, userId: number) => deputyOf(admin.agent, name, stationId, userId);
  const deputyA1 = await deputy('代表甲一', stationA.id, dA1.user.id);
  const deputyA2 = await deputy('代表甲二', stationA.id, dA2.user.id);
  const deputyB1 = await deputy('代表乙一', stationB.id, dB1.user.id);
  const category = async (code: string) =>
    (await app.db.getRepository('aidCategories').findOne({ filter: { code } })).toJSON();
  const type = async (code: string) =>
    (await app.db.getRepository('aidAssistanceTypes').findOne({ filter: { code } })).toJSON();
  let serial = 0;
  /** Registers a consenting household as an administrator (category code, station). */
  const household = async (code = 'subsistence', stationId = stationA.id, extra: Record<string, unknown> = {}) => {
    serial += 1;
    const categoryId = (await category(code)).id;
    const res = await admin.agent.resource('aidHouseholds').create({
      values: {
        headName: `户主${serial}`,
        idNumber: idNumber(`43062119600101${String(100 + serial).slice(-3)}`),
        categoryId,
        stationId,
        consent: true,
        ...extra,
      },
    });
    if (res.status !== 200) throw new Error(JSON.stringify(res.body));
    return res.body.data;
  };
  const pair = async (agent: Agent, deputyId: number, householdId: number, startDate = lastYear(1)) =>
    agent.resource('aidPairings').create({ values: { deputyId, householdId, startDate } });
  return {
    app,
    admin,
    staffA,
    staffB,
    dA1,
    dA2,
    dB1,
    stationA,
    stationB,
    deputyA1,
    deputyA2,
    deputyB1,
    category,
    type,
    household,
    pair,
  };
}

export type AidWorld = Awaited<ReturnType<typeof aidWorld>>;

/** Boots the world before the file's tests (then runs `prepare`, vitest runs beforeAll hooks in parallel) and destroys it after. */
export function useAidWorld(withDutyPoints = false, prepare?: (w: AidWorld) => Promise<void>) {
  const ctx = {} as { w: AidWorld; app: MockServer };
  beforeAll(async () => {
    ctx.w = await aidWorld(withDutyPoints);
    ctx.app = ctx.w.app;
    if (prepare) await prepare(ctx.w);
  });
  afterAll(async () => {
    await ctx.app?.destroy();
  });
  return ctx;
}
