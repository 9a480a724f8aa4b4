import { createSuiteServer, deputyOf, signedInAs, stationHeadedBy } from '@deputy/test-helpers';
import type { SignedIn } from '@deputy/test-helpers';
import type { Model } from '@nocobase/database';
import { MockServer } from '@nocobase/test';

/**
 * 群众意见 → 代表建议 (with plugin-public-voice): station staff convert a citizen's opinion; the opinion's deputy
 * finds a real draft, linked to the opinion, in 我的建议; once the office registers it, the opinion carries the
 * suggestion's number and the citizen's 进度查询 shows "已转为代表建议" with that number on its timeline.
 */
describe('plugin-suggestions with plugin-public-voice: an opinion becomes a deputy suggestion', () => {
  let app: MockServer;
  let admin: SignedIn;
  let staff: SignedIn;
  let deputyUser: SignedIn;
  let deputyId: number;
  let qrToken: string;

  beforeAll(async () => {
    app = await createSuiteServer([
      '@deputy/plugin-deputies',
      '@deputy/plugin-public-voice',
      '@deputy/plugin-suggestions',
    ]);
    admin = await signedInAs(app, 'op-npc', ['npc-admin']);
    staff = await signedInAs(app, 'op-staff', ['station-staff']);
    deputyUser = await signedInAs(app, 'op-deputy', ['deputy']);
    const station = await stationHeadedBy(admin.agent, '窑湾联络站', staff);
    deputyId = (await deputyOf(admin.agent, '周代表', station.id, deputyUser.user.id)).id;
    qrToken = (await app.db.getRepository('deputies').findOne({ filterByTk: deputyId })).get('qrToken');
    await admin.agent
      .resource('congressSessions')
      .create({ values: { code: '一届五次', title: '第一届人民代表大会第五次会议', openedOn: '2026-01-10' } });
  });

  afterAll(async () => {
    await app?.destroy();
  });

  it('converts, drafts for the deputy, and numbers the opinion once the suggestion is registered', async () => {
    const submitted = await app.agent().post('/opinions:submit').send({
      token: qrToken,
      name: '王五',
      phone: '13800138001',
      category: 'infrastructure',
      content: '窑湾码头至老街的步道年久失修，雨天易滑倒',
    });
    expect(submitted.status).toBe(200);
    const code = submitted.body.data.trackingCode;
    const opinion: Model = await app.db.getRepository('opinions').findOne({ filter: { trackingCode: code } });
    const [klass] = await app.db.getRepository('opinionClasses').find({ sort: ['id'], limit: 1 });
    const classify = await staff.agent
      .post(`/opinions:classify?filterByTk=${opinion.get('id')}`)
      .send({ opinionClassId: klass.get('id') });
    expect(classify.status).toBe(200);
    const converted = await staff.agent
      .post(`/opinions:convert?filterByTk=${opinion.get('id')}`)
      .set('X-Locale', 'zh-CN')
      .send({});
    expect(converted.status).toBe(200);
    expect(converted.body.data).toMatchObject({ status: 'converted', suggestionRef: '代表建议（草稿）' });

    // The deputy's draft: its own, with the citizen's text, linked to the opinion, in the open session.
    const mine = await deputyUser.agent.resource('suggestions').list({ appends: ['opinion'] });
    expect(mine.status).toBe(200);
    expect(mine.body.data).toHaveLength(1);
    const draft = mine.body.data[0];
    expect(draft).toMatchObject({
      status: 'draft',
      origin: 'opinion',
      leadDeputyId: deputyId,
      content: '窑湾码头至老街的步道年久失修，雨天易滑倒',
      opinionId: opinion.get('id'),
    });
    expect(draft.title).toContain(code);
    // The link is the conversion's own: nobody sets it by update.
    const relink = await admin.agent
      .resource('suggestions')
      .update({ filterByTk: draft.id, values: { opinionId: null } });
    expect(relink.status).toBe(400);

    expect((await deputyUser.agent.post(`/suggestions:submitSuggestion?filterByTk=${draft.id}`).send({})).status).toBe(
      200,
    );
    const accepted = await admin.agent.post(`/suggestions:reviewSuggestion?filterByTk=${draft.id}`).send({
      decision: 'accept',
    });
    expect(accepted.status).toBe(200);
    expect(accepted.body.data.code).toBe('一届五次-001');
    expect(
      (await app.db.getRepository('opinions').findOne({ filterByTk: opinion.get('id') })).get('suggestionRef'),
    ).toBe('一届五次-001');
    // The citizen's 进度查询 (no sign-in): converted, the number, and the milestone that says so.
    const track = await app.agent().get(`/opinions:track?code=${code}`).set('X-Locale', 'zh-CN');
    expect(track.status).toBe(200);
    expect(track.body.data).toMatchObject({ status: 'converted', suggestion: '一届五次-001' });
    expect(track.body.data.milestones.map((m: { note: string }) => m.note).join('|')).toContain('一届五次-001');
  });
});
