import { createSuiteServer, signedInAs, type TestAgent } from '@deputy/test-helpers';
import { MockServer, sleep } from '@nocobase/test';

/** A suite app with workflows, a station with a head (the reviewer), two deputies with accounts, an admin. */
export async function dutyPointsWorld() {
  const app = await createSuiteServer(
    ['@deputy/plugin-deputies', '@deputy/plugin-duty-points'],
    ['workflow', 'workflow-manual'],
  );
  const admin = await signedInAs(app, 'npc', ['npc-admin']);
  const head = await signedInAs(app, 'head', ['station-staff']);
  const d1 = await signedInAs(app, 'deputy1', ['deputy']);
  const d2 = await signedInAs(app, 'deputy2', ['deputy']);
  const station = (
    await admin.agent
      .resource('liaisonStations')
      .create({ values: { name: '高沙镇联络站', headId: head.user.id, staff: [head.user.id] } })
  ).body.data;
  const mk = async (name: string, userId: number) =>
    (await admin.agent.resource('deputies').create({ values: { name, stationId: station.id, userId } })).body.data;
  const deputy1 = await mk('代表一', d1.user.id);
  const deputy2 = await mk('代表二', d2.user.id);
  const item = async (code: string) => (await app.db.getRepository('dutyItems').findOne({ filter: { code } })).toJSON();
  return { app, admin, head, d1, d2, station, deputy1, deputy2, item };
}

/** Waits until the record reaches the status (the review workflow runs asynchronously). */
export async function waitForStatus(app: MockServer, id: number, status: string, ms = 60000) {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    const r = await app.db.getRepository('dutyRecords').findOne({ filterByTk: id });
    if (r.get('status') === status) return r;
    await sleep(200);
  }
  throw new Error(`record ${id} did not become ${status}`);
}

/** The reviewer's pending manual task for a record, as the task centre lists it. */
export async function pendingTaskFor(app: MockServer, agent: TestAgent, recordId: number, ms = 60000) {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    const res = await agent.resource('workflowManualTasks').listMine({ filter: { status: 0 }, appends: ['execution'] });
    const task = (res.body.data || []).find(
      (t: { execution?: { context?: { data?: { id?: number } } } }) => t.execution?.context?.data?.id === recordId,
    );
    if (task) return task;
    await sleep(200);
  }
  throw new Error(`no pending review task for record ${recordId}`);
}

/**
 * Waits until no workflow execution is running. On SQLite (one writer) a test that writes while an
 * execution is still finishing can make the workflow dispatcher miss the next trigger.
 */
export async function workflowsSettled(app: MockServer, ms = 60000) {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if ((await app.db.getRepository('executions').count({ filter: { status: 0, 'jobs.status': { $ne: 0 } } })) === 0)
      return;
    await sleep(200);
  }
}

export const yearOf = (date: string) => Number(date.slice(0, 4));
/** The n-th day of March last year: in the past and in one calendar year, whatever today is. */
export const lastYear = (n: number) => `${new Date().getFullYear() - 1}-03-${String(n).padStart(2, '0')}`;

export type World = Awaited<ReturnType<typeof dutyPointsWorld>>;

/** Boots the world before the file's tests and destroys it after; read `ctx.w` / `ctx.app` inside tests. */
export function useDutyPointsWorld() {
  const ctx = {} as { w: World; app: MockServer };
  beforeAll(async () => {
    ctx.w = await dutyPointsWorld();
    ctx.app = ctx.w.app;
  });
  afterAll(async () => {
    await ctx.app?.destroy();
  });
  return ctx;
}

/** An administrator records a duty for a deputy, submits it, waits for the review task and approves it directly. */
export async function adminApproves(w: World, deputyId: number, code: string, date: string) {
  const item = await w.item(code);
  const created = (await w.admin.agent.resource('dutyRecords').create({ values: { deputyId, itemId: item.id, date } }))
    .body.data;
  await w.admin.agent.post(`/dutyRecords:submit?filterByTk=${created.id}`).send({});
  await pendingTaskFor(w.app, w.head.agent, created.id);
  await w.admin.agent.resource('dutyRecords').update({ filterByTk: created.id, values: { status: 'approved' } });
  return created.id as number;
}
