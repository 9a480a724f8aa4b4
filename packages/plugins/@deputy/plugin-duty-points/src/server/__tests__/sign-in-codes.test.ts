import { migrationOf, signedInAs, type ApiRow, type SignedIn, type TestAgent } from '@deputy/test-helpers';
import type { Model } from '@nocobase/database';
import Migration from '../migrations/20261201090000-sign-in-code-staff-only';
import { useDutyPointsWorld } from './setup';

/** An attendance as the API answers it with its activity appended. */
type Attendance = { id: number; activity?: { signInCode?: string } };

const today = () => new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 10);

/**
 * Issue #15, item 8: an activity's sign-in code is read by its station's staff and administrators only, and a
 * sign-in needs the deputy to be expected there. Before, a deputy read any station's code (list, get,
 * appends) and signed in from home to another station's activity: approved points without review.
 */
describe('plugin-duty-points: sign-in codes are for the station’s staff, sign-ins for the deputies expected', () => {
  const world = useDutyPointsWorld();
  let other: { headB: SignedIn; dB: SignedIn; stationB: ApiRow; deputyB: ApiRow };
  let activity: ApiRow & { signInCode: string };
  let attendanceId: number;

  // Built once, on first use (vitest runs beforeAll hooks in parallel, so not in one).
  let prepared: Promise<void> | undefined;
  const ready = () => (prepared ??= prepare());
  async function prepare() {
    const { w, app } = world;
    const headB = await signedInAs(app, 'headB', ['station-staff']);
    const dB = await signedInAs(app, 'deputyB', ['deputy']);
    const stationB = (
      await w.admin.agent
        .resource('liaisonStations')
        .create({ values: { name: '石江镇联络站', headId: headB.user.id, staff: [headB.user.id] } })
    ).body.data;
    const deputyB = (
      await w.admin.agent
        .resource('deputies')
        .create({ values: { name: '代表乙', stationId: stationB.id, userId: dB.user.id } })
    ).body.data;
    other = { headB, dB, stationB, deputyB };
    const item = await w.item('D03');
    const created = await w.head.agent.resource('dutyActivities').create({
      values: { title: '集中学习', itemId: item.id, stationId: w.station.id, date: today(), place: '高沙镇联络站' },
    });
    expect(created.status).toBe(200);
    expect(
      (
        await w.head.agent
          .resource('dutyActivities')
          .update({ filterByTk: created.body.data.id, values: { status: 'approved' } })
      ).status,
    ).toBe(200);
    activity = created.body.data;
    expect(activity.signInCode).toMatch(/^[A-Z2-9]{8}$/);
    // Deputy 1 of the station signs in on site: its attendance links to the activity (an appends path).
    const signIn = await w.d1.agent.post('/dutyActivities:signIn').send({ code: activity.signInCode });
    expect(signIn.status, JSON.stringify(signIn.body)).toBe(200);
    attendanceId = signIn.body.data.attendanceId;
  }

  /** Every read path to the activity: lists, gets, `fields`, appends from attendances, association routes. */
  const readPaths = () =>
    [
      ['dutyActivities:list', (a: TestAgent) => a.resource('dutyActivities').list({ pageSize: 100 })],
      [
        'dutyActivities:list fields',
        (a: TestAgent) => a.resource('dutyActivities').list({ fields: ['id', 'title', 'signInCode'] }),
      ],
      [
        'dutyActivities:list appends',
        (a: TestAgent) => a.resource('dutyActivities').list({ appends: ['attendances', 'attendances.activity'] }),
      ],
      ['dutyActivities:get', (a: TestAgent) => a.resource('dutyActivities').get({ filterByTk: activity.id })],
      [
        'dutyActivities:get fields',
        (a: TestAgent) => a.resource('dutyActivities').get({ filterByTk: activity.id, fields: ['signInCode'] }),
      ],
      [
        'dutyActivities:get appends',
        (a: TestAgent) =>
          a.resource('dutyActivities').get({ filterByTk: activity.id, appends: ['attendances.activity'] }),
      ],
      [
        'activityAttendances:list appends',
        (a: TestAgent) =>
          a.resource('activityAttendances').list({ appends: ['activity', 'activity.attendances.activity'] }),
      ],
      [
        'activityAttendances:list appends fields',
        (a: TestAgent) =>
          a.resource('activityAttendances').list({ appends: ['activity'], fields: ['id', 'activity.signInCode'] }),
      ],
      [
        'activityAttendances:get appends',
        (a: TestAgent) => a.resource('activityAttendances').get({ filterByTk: attendanceId, appends: ['activity'] }),
      ],
      [
        'dutyActivities/ID/attendances:list',
        (a: TestAgent) => a.resource('dutyActivities.attendances', activity.id).list({ appends: ['activity'] }),
      ],
      [
        'activityAttendances/ID/activity:get',
        (a: TestAgent) => a.resource('activityAttendances.activity', attendanceId).get({}),
      ],
    ] as const;

  it('shows no deputy and no other station’s staff the code, through any read path', async () => {
    await ready();
    const { w } = world;
    const readers = {
      'deputy of the station': w.d1,
      'deputy of another station': other.dB,
      'staff of another station': other.headB,
    };
    for (const [who, reader] of Object.entries(readers)) {
      for (const [path, read] of readPaths()) {
        const res = await read(reader.agent);
        expect(JSON.stringify(res.body), `${who}: ${path}`).not.toContain(activity.signInCode);
      }
    }
    // The deputies do read the activity itself (title, date, place): only the code is left out.
    const list = await w.d1.agent.resource('dutyActivities').list({ pageSize: 100 });
    expect(list.status).toBe(200);
    expect(list.body.data.find((a: ApiRow) => a.id === activity.id)).toMatchObject({
      title: '集中学习',
      place: '高沙镇联络站',
    });
    const mine = await w.d1.agent.resource('activityAttendances').list({ appends: ['activity'] });
    expect(mine.body.data.find((a: ApiRow) => a.id === attendanceId)?.activity).toMatchObject({
      id: activity.id,
      title: '集中学习',
    });
  });

  it('answers no question about the code: filters and sorts on it say nothing', async () => {
    await ready();
    const { w } = world;
    const code: string = activity.signInCode;
    const wrong = code.replace(/^./, code[0] === 'A' ? 'B' : 'A');
    const answer = async (agent: TestAgent, resource: string, filter: object) => {
      const res = await agent.resource(resource).list({ filter, pageSize: 100 });
      expect(JSON.stringify(res.body)).not.toContain(code);
      return res.status >= 400 ? `refused ${res.status}` : JSON.stringify(res.body.data.map((r: ApiRow) => r.id));
    };
    for (const agent of [w.d1.agent, other.dB.agent]) {
      for (const [resource, probe] of [
        ['dutyActivities', (c: string) => ({ signInCode: { $like: `${c.slice(0, 1)}%` } })],
        ['dutyActivities', (c: string) => ({ $or: [{ signInCode: c }, { id: 0 }] })],
        ['activityAttendances', (c: string) => ({ 'activity.signInCode': c })],
        ['activityAttendances', (c: string) => ({ activity: { signInCode: { $eq: c } } })],
      ] as const) {
        expect(await answer(agent, resource, probe(code)), `${resource} ${JSON.stringify(probe(code))}`).toBe(
          await answer(agent, resource, probe(wrong)),
        );
      }
    }
    // Sorting by the code orders the rows by it: refused as well.
    const sorted = await w.d1.agent.resource('dutyActivities').list({ sort: ['signInCode'] });
    expect(sorted.status).toBe(400);
  });

  it('shows the code to the staff of the activity’s station and to administrators', async () => {
    await ready();
    const { w } = world;
    const get = await w.head.agent.resource('dutyActivities').get({ filterByTk: activity.id });
    expect(get.body.data.signInCode).toBe(activity.signInCode);
    const list = await w.head.agent.resource('activityAttendances').list({ appends: ['activity'] });
    expect(list.body.data.find((a: Attendance) => a.id === attendanceId)?.activity?.signInCode).toBe(
      activity.signInCode,
    );
    const admin = await w.admin.agent.resource('dutyActivities').get({ filterByTk: activity.id });
    expect(admin.body.data.signInCode).toBe(activity.signInCode);
  });

  it('refuses a sign-in from a deputy of another station, in zh-CN and en-US, and changes nothing', async () => {
    await ready();
    const { w, app } = world;
    const count = async () => ({
      records: await app.db.getRepository('dutyRecords').count(),
      attendances: await app.db.getRepository('activityAttendances').count(),
      entries: await app.db.getRepository('pointEntries').count(),
      ofB: await app.db.getRepository('dutyRecords').count({ filter: { deputyId: other.deputyB.id } }),
    });
    const before = await count();
    const zh = await other.dB.agent
      .set('X-Locale', 'zh-CN')
      .post('/dutyActivities:signIn')
      .send({ code: activity.signInCode });
    expect(zh.status).toBe(403);
    expect(zh.body.errors[0].message).toBe('只有本活动所属联络站的代表或排班代表才能签到');
    const en = await other.dB.agent
      .set('X-Locale', 'en-US')
      .post('/dutyActivities:signIn')
      .send({ code: activity.signInCode.toLowerCase() });
    expect(en.status).toBe(403);
    expect(en.body.errors[0].message).toBe(
      'Only the deputies of the activity’s station, or on its roster, can sign in to it',
    );
    expect(await count()).toEqual(before);
    expect(before.ofB).toBe(0);
    // A deputy of the station, on the day, still signs in.
    const ok = await w.d2.agent.post('/dutyActivities:signIn').send({ code: activity.signInCode });
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    expect(await app.db.getRepository('dutyRecords').findOne({ filterByTk: ok.body.data.recordId })).toMatchObject({
      deputyId: w.deputy2.id,
      status: 'approved',
    });
  });

  it('takes the code out of an existing install’s deputy grant with a migration, once and for good', async () => {
    await ready();
    const { w, app } = world;
    const actions = app.db.getRepository('dataSourcesRolesResourcesActions');
    const viewOf = async (roleName: string) =>
      actions.findOne({
        filter: {
          name: 'view',
          'resource.roleName': roleName,
          'resource.name': 'dutyActivities',
          'resource.dataSourceKey': 'main',
        },
      });
    const deputyView: Model = await viewOf('deputy');
    const fields: string[] = deputyView.get('fields');
    expect(fields).not.toContain('signInCode');
    expect(fields).toEqual(
      expect.arrayContaining(['title', 'date', 'place', 'status', 'station', 'stationId', 'item', 'itemId']),
    );
    expect((await viewOf('station-staff')).get('fields')).toContain('signInCode');
    // An install from before: the deputy grant listed every field (as the old defaults wrote it).
    await actions.update({ filterByTk: deputyView.get('id'), values: { fields: [...fields, 'signInCode'] } });
    const leaked = await w.d1.agent.resource('dutyActivities').get({ filterByTk: activity.id });
    expect(leaked.body.data.signInCode).toBe(activity.signInCode);

    const migration = migrationOf(app, Migration);
    expect(migration.on).toBe('afterLoad');
    await migration.up();
    expect((await viewOf('deputy')).get('fields')).toEqual(fields);
    const after = await w.d1.agent.resource('dutyActivities').get({ filterByTk: activity.id });
    expect(after.status).toBe(200);
    expect(after.body.data.title).toBe('集中学习');
    expect(JSON.stringify(after.body)).not.toContain(activity.signInCode);
    // Again: nothing more changes; the staff grant keeps the code.
    const stamp = (await viewOf('deputy')).get('updatedAt');
    await migration.up();
    expect((await viewOf('deputy')).get('fields')).toEqual(fields);
    expect(String((await viewOf('deputy')).get('updatedAt'))).toBe(String(stamp));
    expect((await viewOf('station-staff')).get('fields')).toContain('signInCode');
  });
});
