import { migrationOf } from '@deputy/test-helpers';
import { MockServer } from '@nocobase/test';
import BoardIndexMigration from '../migrations/20261207090000-board-index';
import LatestMigration from '../migrations/20261216090000-latest-period';
import { adminApproves, dutyPointsWorld, lastYear, pendingTaskFor, waitForStatus } from './setup';

describe('plugin-duty-points: publication (阳光栏) and appeals (错重漏)', () => {
  let w: Awaited<ReturnType<typeof dutyPointsWorld>>;
  let app: MockServer;
  const year = new Date().getFullYear() - 1;
  let period: any;
  let recordId: number;

  beforeAll(async () => {
    w = await dutyPointsWorld();
    app = w.app;
    const item = await w.item('D01');
    const created = (
      await w.d1.agent.resource('dutyRecords').create({ values: { itemId: item.id, date: lastYear(2) } })
    ).body.data;
    await w.d1.agent.post(`/dutyRecords:submit?filterByTk=${created.id}`).send({});
    const task = await pendingTaskFor(app, w.head.agent, created.id);
    await w.head.agent
      .post(`/workflowManualTasks:submit?filterByTk=${task.id}`)
      .send({ result: { review: {}, _: 'approve' } });
    await waitForStatus(app, created.id, 'approved');
    recordId = created.id;
    await w.admin.agent.resource('deputies').update({ filterByTk: w.deputy2.id, values: { phone: '13912345678' } });
    period = (
      await w.admin.agent
        .resource('scorePeriods')
        .create({ values: { key: `${year}-Q1`, title: `${year}年第一季度积分公示` } })
    ).body.data;
  });

  afterAll(async () => {
    await app?.destroy();
  });

  it('shows nothing on the public board before publication', async () => {
    const board = await app.agent().get('/scoreBoard:list');
    expect(board.status).toBe(200);
    expect(board.body.data).toEqual([]);
  });

  it('refuses to publish a period that has not ended, and lets only administrators publish', async () => {
    const current = (
      await w.admin.agent.resource('scorePeriods').create({ values: { key: String(new Date().getFullYear()) } })
    ).body.data;
    const early = await w.admin.agent
      .set('X-Locale', 'zh-CN')
      .post(`/scorePeriods:publish?filterByTk=${current.id}`)
      .send({});
    expect(early.status).toBe(400);
    expect(early.body.errors[0].message).toBe('周期结束后才能公示');
    expect(await app.db.getRepository('scoreSnapshots').count()).toBe(0);
    expect((await w.d1.agent.post(`/scorePeriods:publish?filterByTk=${period.id}`).send({})).status).toBe(403);
    expect((await w.head.agent.post(`/scorePeriods:publish?filterByTk=${period.id}`).send({})).status).toBe(403);
  });

  it('publishes a frozen snapshot that the public board shows without sign-in, with no personal data', async () => {
    const res = await w.admin.agent.post(`/scorePeriods:publish?filterByTk=${period.id}`).send({});
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({ version: 1, deputies: 2 });
    const stored = await app.db.getRepository('scorePeriods').findOne({ filterByTk: period.id });
    expect(stored.get('status')).toBe('published');
    expect(stored.get('appealDeadline') > stored.get('publishedOn')).toBe(true);

    const board = await app.agent().get(`/scoreBoard:list?period=${year}-Q1`);
    expect(board.status).toBe(200);
    expect(board.body.data).toHaveLength(1);
    expect(board.body.data[0].rows).toEqual([
      { name: '代表一', station: '高沙镇联络站', total: 5, grade: null },
      { name: '代表二', station: '高沙镇联络站', total: 0, grade: null },
    ]);
    expect(JSON.stringify(board.body)).not.toContain('13912345678');

    // The snapshot is frozen: later approvals do not change it, and nobody can edit it.
    const snapshot = await app.db.getRepository('scoreSnapshots').findOne();
    const edit = await w.admin.agent
      .resource('scoreSnapshots')
      .update({ filterByTk: snapshot.get('id'), values: { total: 99 } });
    expect(edit.status).toBe(403);
  });

  it('prints the board as an A4 page without sign-in, escaped, with nothing personal', async () => {
    // A name that tries to inject a script is shown as text.
    await app.db
      .getRepository('scoreSnapshots')
      .model.update(
        { deputyName: '<script>alert(1)</script>代表一' },
        { where: { deputyName: '代表一' }, hooks: false },
      );
    const page = await app
      .agent()
      .set('X-Locale', 'zh-CN')
      .get(`/scoreBoard:print?period=${year}-Q1&stationId=${w.station.id}`);
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toMatch(/text\/html/);
    expect(page.text).toContain('@page { size: A4 portrait');
    expect(page.text).toContain('人大代表履职积分公示（阳光栏）');
    expect(page.text).toContain('高沙镇联络站');
    expect(page.text).toContain('&lt;script&gt;alert(1)&lt;/script&gt;代表一');
    expect(page.text).not.toContain('<script>alert(1)');
    expect(page.text).not.toContain('13912345678');
    const english = await app.agent().set('X-Locale', 'en-US').get(`/scoreBoard:print?period=${year}-Q1`);
    expect(english.text).toContain('Deputies’ duty points (public board)');
    const unknown = await app.agent().set('X-Locale', 'zh-CN').get('/scoreBoard:print?stationId=99999');
    expect(unknown.status).toBe(404);
    await app.db
      .getRepository('scoreSnapshots')
      .model.update(
        { deputyName: '代表一' },
        { where: { deputyName: '<script>alert(1)</script>代表一' }, hooks: false },
      );
  });

  it('shows only the columns the settings allow', async () => {
    const settings = (await w.admin.agent.resource('dutyPointsSettings').list()).body.data[0];
    await w.admin.agent
      .resource('dutyPointsSettings')
      .update({ filterByTk: settings.id, values: { boardColumns: ['rank'] } });
    const board = await app.agent().get(`/scoreBoard:list?period=${year}-Q1`);
    expect(board.body.data[0].rows[0]).toEqual({ name: '代表一', station: '高沙镇联络站', rank: 1 });
    await w.admin.agent
      .resource('dutyPointsSettings')
      .update({ filterByTk: settings.id, values: { boardColumns: ['total', 'grade'] } });
  });

  it('takes a deputy’s appeal within the window, for its own records only, and records the decision', async () => {
    const other = await w.d2.agent
      .set('X-Locale', 'zh-CN')
      .resource('pointAppeals')
      .create({
        values: { periodId: period.id, recordId, kind: 'wrong', description: '不是我的记录' },
      });
    expect(other.status).toBe(400);
    expect(other.body.errors[0].message).toBe('只能对本人的履职记录提出申诉');
    const appeal = await w.d2.agent.resource('pointAppeals').create({
      values: { periodId: period.id, kind: 'missing', description: '3月16日接待未计分', status: 'accepted' },
    });
    expect(appeal.status).toBe(200);
    expect(appeal.body.data).toMatchObject({ deputyId: w.deputy2.id, status: 'pending' });
    const noReason = await w.admin.agent
      .post(`/pointAppeals:decide?filterByTk=${appeal.body.data.id}`)
      .send({ decision: 'accepted' });
    expect(noReason.status).toBe(400);
    const decided = await w.admin.agent
      .post(`/pointAppeals:decide?filterByTk=${appeal.body.data.id}`)
      .send({ decision: 'accepted', reason: '补录接待记录后重新公示' });
    expect(decided.status).toBe(200);
    const again = await w.admin.agent
      .post(`/pointAppeals:decide?filterByTk=${appeal.body.data.id}`)
      .send({ decision: 'rejected', reason: 'x' });
    expect(again.status).toBe(400);
    expect(
      (await app.db.getRepository('pointAppeals').findOne({ filterByTk: appeal.body.data.id })).get('status'),
    ).toBe('accepted');
  });

  it('re-publishes as a new version after a correction, keeping the earlier version', async () => {
    await adminApproves(w, w.deputy2.id, 'D04', lastYear(16));
    const res = await w.admin.agent.post(`/scorePeriods:publish?filterByTk=${period.id}`).send({});
    expect(res.body.data.version).toBe(2);
    const board = await app.agent().get(`/scoreBoard:list?period=${year}-Q1`);
    expect(board.body.data[0]).toMatchObject({ version: 2 });
    expect(board.body.data[0].rows.map((r: any) => [r.name, r.total])).toEqual([
      ['代表一', 5],
      ['代表二', 3],
    ]);
    expect(await app.db.getRepository('scoreSnapshots').count({ filter: { periodId: period.id } })).toBe(4);
    // The ranking page shows the current version only: the earlier one keeps its figures, unmarked.
    const marks = (
      await app.db
        .getRepository('scoreSnapshots')
        .find({ filter: { periodId: period.id }, sort: ['version', 'deputyName'] })
    ).map((r: any) => [r.get('version'), r.get('current')]);
    expect(marks).toEqual([
      [1, false],
      [1, false],
      [2, true],
      [2, true],
    ]);
  });

  it('publishes, and decides appeals, through the 积分管理 page’s buttons (namedActions:run), with the actions’ own permissions', async () => {
    const run = (who: typeof w.admin, values: object) =>
      who.agent.set('X-Locale', 'zh-CN').post('/namedActions:run').send(values);
    const snapshots = () => app.db.getRepository('scoreSnapshots').count({ filter: { periodId: period.id } });
    const periodNow = async () =>
      (await app.db.getRepository('scorePeriods').findOne({ filterByTk: period.id })).toJSON();
    // 公示 on a period row: the JS button runs scorePeriods:publish → the next version.
    const res = await run(w.admin, { action: 'scorePeriods:publish', filterByTk: period.id });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.data).toMatchObject({ version: 3 });
    expect((await app.agent().get(`/scoreBoard:list?period=${year}-Q1`)).body.data[0]).toMatchObject({ version: 3 });
    expect(await snapshots()).toBe(6);

    // Only the roles granted scorePeriods:publish may press it; an action not offered to buttons is refused.
    const before = await periodNow();
    expect((await run(w.head, { action: 'scorePeriods:publish', filterByTk: period.id })).status).toBe(403);
    expect((await run(w.d1, { action: 'scorePeriods:closeYear', filterByTk: period.id })).status).toBe(403);
    const unknown = await run(w.admin, { action: 'scorePeriods:destroy', filterByTk: period.id });
    expect(unknown.status).toBe(400);
    expect(unknown.body.errors[0].message).toBe('此操作不能通过按钮执行');
    expect((await run(w.admin, { action: 'users:update', filterByTk: 1, values: { password: 'x' } })).status).toBe(400);
    expect(await periodNow()).toEqual(before);
    expect(await snapshots()).toBe(6);

    // Plain update only updates: a status sent through it is refused whole (the title with it is not saved).
    for (const status of ['open', 'closed']) {
      const viaUpdate = await w.admin.agent
        .set('X-Locale', 'zh-CN')
        .resource('scorePeriods')
        .update({ filterByTk: period.id, values: { status, title: '改名' } });
      expect(viaUpdate.status).toBe(400);
      expect(viaUpdate.body.errors[0].message).toBe('请用“公示”发布周期、用“年终结账”结算年度；编辑不会改变其状态');
    }
    expect(await periodNow()).toEqual(before);
    expect(await snapshots()).toBe(6);
    // An edit that leaves the status alone is saved as usual.
    const renamed = await w.admin.agent
      .resource('scorePeriods')
      .update({ filterByTk: period.id, values: { status: 'published', title: `${year}年一季度（更正后）` } });
    expect(renamed.status).toBe(200);
    expect(await periodNow()).toMatchObject({ status: 'published', version: 3, title: `${year}年一季度（更正后）` });

    // An appeal's 采纳 / 驳回 buttons: pointAppeals:decide with the reason; without a reason nothing changes.
    const appeal = (
      await w.d1.agent
        .resource('pointAppeals')
        .create({ values: { periodId: period.id, recordId, kind: 'wrong', description: '日期有误' } })
    ).body.data;
    const appealNow = async () =>
      (await app.db.getRepository('pointAppeals').findOne({ filterByTk: appeal.id })).toJSON();
    const pending = await appealNow();
    const noReason = await run(w.admin, {
      action: 'pointAppeals:decide',
      filterByTk: appeal.id,
      values: { decision: 'rejected' },
    });
    expect(noReason.status).toBe(400);
    expect(
      (
        await run(w.d1, {
          action: 'pointAppeals:decide',
          filterByTk: appeal.id,
          values: { decision: 'accepted', reason: '我自己采纳' },
        })
      ).status,
    ).toBe(403);
    const viaUpdate = await w.admin.agent
      .set('X-Locale', 'zh-CN')
      .resource('pointAppeals')
      .update({ filterByTk: appeal.id, values: { status: 'rejected', decisionReason: '日期与签到记录一致' } });
    expect(viaUpdate.status).toBe(400);
    expect(viaUpdate.body.errors[0].message).toBe('请用“采纳”或“驳回”处理申诉并说明理由；编辑不会改变其状态');
    expect(await appealNow()).toEqual(pending);
    const decided = await run(w.admin, {
      action: 'pointAppeals:decide',
      filterByTk: appeal.id,
      values: { decision: 'rejected', reason: '日期与签到记录一致' },
    });
    expect(decided.status).toBe(200);
    expect(await appealNow()).toMatchObject({ status: 'rejected', decisionReason: '日期与签到记录一致' });
  });

  it('gives an upgraded instance the board’s index (period, version, station, rank), once', async () => {
    const collection = app.db.getCollection('scoreSnapshots');
    const table = collection.getTableNameWithSchema();
    const queryInterface = app.db.sequelize.getQueryInterface();
    const columns = ['periodId', 'version', 'stationId', 'rank'].map((n) => collection.model.rawAttributes[n].field);
    const boardIndexes = async () =>
      ((await queryInterface.showIndex(table)) as { name: string; fields: { attribute: string }[] }[]).filter(
        (index) => index.fields.map((f) => f.attribute).join() === columns.join(),
      );
    // A fresh install has it from the collection; an instance from before does not.
    const [installed] = await boardIndexes();
    expect(installed).toBeTruthy();
    await queryInterface.removeIndex(table, installed.name);
    expect(await boardIndexes()).toHaveLength(0);
    const migration = migrationOf(app, BoardIndexMigration);
    expect(migration.on).toBe('afterSync');
    await migration.up();
    expect(await boardIndexes()).toHaveLength(1);
    await migration.up();
    expect(await boardIndexes()).toHaveLength(1);
    // The board still answers from it.
    const board = await app.agent().get(`/scoreBoard:list?period=${year}-Q1&stationId=${w.station.id}`);
    expect(board.status).toBe(200);
    expect(board.body.data[0].rows.length).toBeGreaterThan(0);
  });

  it('marks the latest published period for 积分排行 (the one ending last, a year before its Q4), also on upgrade', async () => {
    const periods = app.db.getRepository('scorePeriods');
    const latest = async () =>
      (await periods.find({ filter: { latest: true } })).map((p: any) => p.get('key') as string);
    const publish = async (key: string) => {
      const row = (await periods.findOne({ filter: { key } })) ?? (await periods.create({ values: { key } }));
      const res = await w.admin.agent.post(`/scorePeriods:publish?filterByTk=${row.get('id')}`).send({});
      expect(res.status, JSON.stringify(res.body)).toBe(200);
    };
    expect(await latest()).toEqual([`${year}-Q1`]);
    await publish(`${year}-Q3`);
    expect(await latest()).toEqual([`${year}-Q3`]);
    // Re-issuing an earlier period after appeals does not move the mark.
    await publish(`${year}-Q1`);
    expect(await latest()).toEqual([`${year}-Q3`]);
    await publish(`${year}-Q4`);
    await publish(`${year}`);
    expect(await latest()).toEqual([`${year}`]);
    // An open period never carries it, whatever its dates.
    await periods.create({ values: { key: `${year + 1}-Q1` } });
    expect(await latest()).toEqual([`${year}`]);
    // Through the ranking page's data scope, as station staff read it.
    const res = await w.head.agent.resource('scoreSnapshots').list({
      filter: { $and: [{ current: { $eq: true } }, { 'period.latest': { $eq: true } }] },
      appends: ['period'],
      pageSize: 200,
    });
    expect(res.status).toBe(200);
    expect(res.body.data.length).toBeGreaterThan(0);
    expect(new Set(res.body.data.map((r: any) => r.period.key))).toEqual(new Set([`${year}`]));
    // An upgraded instance (no marks yet) gets the same mark; again, the same.
    await app.db.getModel('scorePeriods').update({ latest: false }, { where: {}, hooks: false });
    const migration = migrationOf(app, LatestMigration);
    expect(migration.on).toBe('afterSync');
    await migration.up();
    expect(await latest()).toEqual([`${year}`]);
    await migration.up();
    expect(await latest()).toEqual([`${year}`]);
  });
});
