import { createSuiteServer, deputyOf, signedInAs, stationHeadedBy } from '@deputy/test-helpers';
import { MockServer } from '@nocobase/test';
import type { PluginPublicVoiceServer } from '../plugin';
import type { ApiRow, SignedIn, TestAgent } from '@deputy/test-helpers';

export type Account = SignedIn;
export type Agent = TestAgent;
export type Row = ApiRow;

export const isPg = () => process.env.DB_DIALECT === 'postgres';

/** A 1×1 PNG, as the public form sends photos (base64). */
export const PNG_1PX =
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';

/**
 * Two stations (A with its staff as head, B with its own staff), deputies A1, A2 at station A and B1 at
 * station B, each with an account, and an administrator. `withDutyPoints` adds duty-points and the workflows.
 */
export async function voiceWorld(withDutyPoints = false) {
  const app = await createSuiteServer(
    [
      '@deputy/plugin-deputies',
      ...(withDutyPoints ? ['@deputy/plugin-duty-points'] : []),
      '@deputy/plugin-public-voice',
    ],
    withDutyPoints ? ['workflow', 'workflow-manual'] : [],
  );
  const admin = await signedInAs(app, 'npc', ['npc-admin']);
  const staffA = await signedInAs(app, 'staffA', ['station-staff']);
  const staffB = await signedInAs(app, 'staffB', ['station-staff']);
  const dA1 = await signedInAs(app, 'deputyA1', ['deputy']);
  const dA2 = await signedInAs(app, 'deputyA2', ['deputy']);
  const dB1 = await signedInAs(app, 'deputyB1', ['deputy']);
  const stationA = await stationHeadedBy(admin.agent, '高沙镇联络站', staffA);
  const stationB = await stationHeadedBy(admin.agent, '玉霞街道联络站', staffB);
  const deputy = (name: string, stationId: number, userId: number) => deputyOf(admin.agent, name, stationId, userId);
  const deputyA1 = await deputy('代表甲一', stationA.id, dA1.user.id);
  const deputyA2 = await deputy('代表甲二', stationA.id, dA2.user.id);
  const deputyB1 = await deputy('代表乙一', stationB.id, dB1.user.id);
  const token = async (collection: 'deputies' | 'liaisonStations', id: number) =>
    (await app.db.getRepository(collection).findOne({ filterByTk: id })).get('qrToken') as string;
  const classOf = async (code: string) =>
    (await app.db.getRepository('opinionClasses').findOne({ filter: { code } })).toJSON();
  const plugin = () => app.pm.get('@deputy/plugin-public-voice') as PluginPublicVoiceServer;
  /** A citizen's submission through a QR code (no sign-in). */
  const submit = (qrToken: string, values: Record<string, unknown> = {}) =>
    app
      .agent()
      .post('/opinions:submit')
      .send({
        token: qrToken,
        name: '张三',
        phone: '13800138000',
        category: 'infrastructure',
        content: '村口的路灯坏了三个月',
        ...values,
      });
  /** Changes the settings row as an administrator, through the API. */
  const settings = async (values: Record<string, unknown>) => {
    const row = await app.db.getRepository('publicVoiceSettings').findOne();
    const res = await admin.agent.resource('publicVoiceSettings').update({ filterByTk: row.get('id'), values });
    if (res.status !== 200) throw new Error(JSON.stringify(res.body));
  };
  return {
    app,
    admin,
    settings,
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
    token,
    classOf,
    plugin,
    submit,
  };
}

export type VoiceWorld = Awaited<ReturnType<typeof voiceWorld>>;

/** Boots the world in one beforeAll (vitest runs a file's beforeAll hooks in parallel) and destroys it after. */
export function useVoiceWorld(withDutyPoints = false, prepare?: (w: VoiceWorld) => Promise<void>) {
  const ctx = {} as { w: VoiceWorld; app: MockServer };
  beforeAll(async () => {
    ctx.w = await voiceWorld(withDutyPoints);
    ctx.app = ctx.w.app;
    if (prepare) await prepare(ctx.w);
  });
  afterAll(async () => {
    await ctx.app?.destroy();
  });
  return ctx;
}

/** Moves an opinion through the handling steps as the given agent; fails loudly on any refusal. */
export async function step(agent: Agent, id: number, action: string, values: Record<string, unknown> = {}) {
  const res = await agent.post(`/opinions:${action}?filterByTk=${id}`).send(values);
  if (res.status !== 200) throw new Error(`${action}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.data;
}
