import type { ApiRow } from '@deputy/test-helpers';
import { useDutyPointsWorld } from './setup';

const today = () => new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 10);

describe('plugin-duty-points: station activities and sign-in', () => {
  const world = useDutyPointsWorld();

  async function activity(status: string, date = today()) {
    const { w } = world;
    const item = await w.item('D03'); // 参加集中学习: 2 points
    const created = await w.head.agent.resource('dutyActivities').create({
      values: { title: '11月集中学习', itemId: item.id, stationId: w.station.id, date, place: '高沙镇联络站' },
    });
    expect(created.status).toBe(200);
    expect(created.body.data.signInCode).toMatch(/^[A-Z2-9]{8}$/);
    if (status !== 'planned') {
      expect(
        (await w.head.agent.resource('dutyActivities').update({ filterByTk: created.body.data.id, values: { status } }))
          .status,
      ).toBe(200);
    }
    return created.body.data;
  }

  it('turns a sign-in to an approved activity into an approved duty record with its points, once', async () => {
    const { w, app } = world;
    const a = await activity('approved');
    const res = await w.d1.agent.post('/dutyActivities:signIn').send({ code: a.signInCode.toLowerCase() });
    expect(res.status).toBe(200);
    expect(res.body.data.points).toBe(2);
    const record = await app.db.getRepository('dutyRecords').findOne({ filterByTk: res.body.data.recordId });
    expect(record.get('status')).toBe('approved');
    expect(record.get('deputyId')).toBe(w.deputy1.id);
    // No review task: the station approved the activity.
    expect(await app.db.getRepository('workflowManualTasks').count()).toBe(0);
    const again = await w.d1.agent.set('X-Locale', 'zh-CN').post('/dutyActivities:signIn').send({ code: a.signInCode });
    expect(again.status).toBe(400);
    expect(again.body.errors[0].message).toBe('您已签到过该活动');
    expect(await app.db.getRepository('pointEntries').count({ filter: { recordId: res.body.data.recordId } })).toBe(1);
    expect(await app.db.getRepository('activityAttendances').count({ filter: { activityId: a.id } })).toBe(1);
  });

  it('signs in through 我的履职’s 活动签到 button (namedActions:run) as through its own route', async () => {
    const { w, app } = world;
    const a = await activity('approved');
    const run = (agent: typeof w.d1.agent, values: Record<string, unknown>) =>
      agent.post('/namedActions:run').send({ action: 'dutyActivities:signIn', values });
    const res = await run(w.d2.agent, { code: a.signInCode });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const record = await app.db.getRepository('dutyRecords').findOne({ filterByTk: res.body.data.recordId });
    expect(record.get('status')).toBe('approved');
    expect(record.get('deputyId')).toBe(w.deputy2.id);
    const again = await run(w.d2.agent.set('X-Locale', 'zh-CN'), { code: a.signInCode });
    expect(again.status).toBe(400);
    expect(again.body.errors[0].message).toBe('您已签到过该活动');
    expect(
      (await app.agent().post('/namedActions:run').send({ action: 'dutyActivities:signIn', values: {} })).status,
    ).toBe(401);
  });

  it('refuses unknown codes, activities not yet approved and sign-ins on another day, storing nothing', async () => {
    const { w, app } = world;
    const before = await app.db.getRepository('dutyRecords').count();
    const unknown = await w.d2.agent.set('X-Locale', 'zh-CN').post('/dutyActivities:signIn').send({ code: 'NOPE2345' });
    expect(unknown.status).toBe(404);
    expect(unknown.body.errors[0].message).toBe('签到码无效，未找到对应活动');
    const planned = await activity('planned');
    const notOpen = await w.d2.agent
      .set('X-Locale', 'en-US')
      .post('/dutyActivities:signIn')
      .send({ code: planned.signInCode });
    expect(notOpen.status).toBe(400);
    expect(notOpen.body.errors[0].message).toBe('This activity is not open for sign-in');
    const lastWeek = new Date(Date.now() + 8 * 3600e3 - 7 * 86400e3).toISOString().slice(0, 10);
    const past = await activity('approved', lastWeek);
    const late = await w.d2.agent
      .set('X-Locale', 'zh-CN')
      .post('/dutyActivities:signIn')
      .send({ code: past.signInCode });
    expect(late.status).toBe(400);
    expect(late.body.errors[0].message).toBe('只能在活动当天签到');
    expect(await app.db.getRepository('dutyRecords').count()).toBe(before);
    expect((await app.agent().post('/dutyActivities:signIn').send({ code: past.signInCode })).status).toBe(401);
  });

  it('lets station staff manage only their own station’s activities', async () => {
    const { w } = world;
    const other = (await w.admin.agent.resource('liaisonStations').create({ values: { name: '别站' } })).body.data;
    const item = await w.item('D05');
    const foreign = (
      await w.admin.agent
        .resource('dutyActivities')
        .create({ values: { title: '别站视察', itemId: item.id, stationId: other.id, date: today() } })
    ).body.data;
    const edit = await w.head.agent
      .set('X-Locale', 'zh-CN')
      .resource('dutyActivities')
      .update({ filterByTk: foreign.id, values: { status: 'approved' } });
    expect(edit.status).toBe(404);
    expect(edit.body.errors[0].message).toBe('记录不存在或超出您的权限范围');
    // The suite's shared guards answer in the caller's language whichever plugin uses them.
    const drop = await w.admin.agent
      .set('X-Locale', 'zh-CN')
      .resource('collections')
      .destroy({ filterByTk: 'dutyActivities' });
    expect(drop.status).toBe(400);
    expect(drop.body.errors[0].message).toBe('代表履职套件的数据表和字段不能删除');
    const list = await w.head.agent.resource('dutyActivities').list({ pageSize: 100 });
    expect(list.body.data.every((a: ApiRow) => a.stationId === w.station.id)).toBe(true);
  });
});
