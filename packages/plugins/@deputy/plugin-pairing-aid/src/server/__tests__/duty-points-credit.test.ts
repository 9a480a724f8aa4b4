import { sleep } from '@nocobase/test';
import type { Model } from '@nocobase/database';
import { Account, lastYear, Row, useAidWorld } from './setup';

// A 1×1 PNG: a real image for the visit photo.
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);

describe('plugin-pairing-aid with plugin-duty-points: confirmed visits and outcomes go to the normal review', () => {
  const s = {} as { pairing: Row };
  const ctx = useAidWorld(true, async ({ staffA, deputyA1, household, pair }) => {
    s.pairing = (
      await pair(staffA.agent, deputyA1.id, (await household('left-behind-elderly')).id, lastYear(1))
    ).body.data;
  });
  /**
   * Waits until no review workflow execution is running: on SQLite (one connection) a write made while an
   * execution is still finishing can collide with it.
   */
  const settled = async () => {
    const deadline = Date.now() + 60000;
    while (Date.now() < deadline) {
      await sleep(300);
      if (
        (await ctx.app.db.getRepository('executions').count({ filter: { status: 0, 'jobs.status': { $ne: 0 } } })) === 0
      )
        return;
    }
  };
  /** The station's staff confirm a row (update { confirmed: true }); the answer's row, as a create would give it. */
  const confirm = async (who: Account, collection: string, id: number) => {
    const res = await who.agent.resource(collection).update({ filterByTk: id, values: { confirmed: true } });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return { status: res.status, body: { data: [].concat(res.body.data)[0] as Row } };
  };
  const dutyRecord = (source: string) =>
    ctx.app.db.getRepository('dutyRecords').findOne({ filter: { source }, appends: ['item', 'evidence'] });

  it('files a confirmed visit, with its photos, as a submitted duty record of item D20 for the station head', async () => {
    const { dA1, staffA, deputyA1 } = ctx.w;
    const upload = await dA1.agent
      .post('/attachments:create')
      .attach('file', PNG, { filename: '走访.png', contentType: 'image/png' });
    expect(upload.status).toBe(200);
    // An unconfirmed visit files nothing.
    const draft = await dA1.agent
      .resource('aidVisits')
      .create({ values: { pairingId: s.pairing.id, date: lastYear(3), mode: 'phone' } });
    expect(draft.status).toBe(200);
    expect(draft.body.data.creditStatus ?? null).toBeNull();
    expect(await dutyRecord(`aid-visit:${draft.body.data.id}`)).toBeNull();

    const created = await dA1.agent.resource('aidVisits').create({
      values: {
        pairingId: s.pairing.id,
        date: lastYear(4),
        mode: 'home',
        findings: '老人身体尚可',
        photos: [upload.body.data.id],
      },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(200);
    // The station's staff confirm it (the deputy who made it cannot).
    const confirmedRes = await staffA.agent
      .resource('aidVisits')
      .update({ filterByTk: created.body.data.id, values: { householdConfirmed: true } });
    expect(confirmedRes.status, JSON.stringify(confirmedRes.body)).toBe(200);
    const res = { body: { data: [].concat(confirmedRes.body.data)[0] } };
    await settled();
    expect(res.body.data.creditStatus).toBe('filed');
    const record: Model = await dutyRecord(`aid-visit:${res.body.data.id}`);
    expect(record.get('id')).toBe(res.body.data.dutyRecordId);
    expect(record.toJSON()).toMatchObject({
      deputyId: deputyA1.id,
      status: 'submitted',
      reviewerId: staffA.user.id,
      date: lastYear(4),
    });
    expect(record.get('item').get('code')).toBe('D20');
    expect((record.get('evidence') as Model[]).map((e) => e.id ?? e.get('id'))).toEqual([upload.body.data.id]);
    // Confirming the earlier visit later files it too, once.
    expect(
      (
        await dA1.agent
          .resource('aidVisits')
          .update({ filterByTk: draft.body.data.id, values: { photos: [upload.body.data.id] } })
      ).status,
    ).toBe(200);
    const later = await staffA.agent
      .resource('aidVisits')
      .update({ filterByTk: draft.body.data.id, values: { householdConfirmed: true } });
    expect(later.status).toBe(200);
    await settled();
    expect(await ctx.app.db.getRepository('dutyRecords').count({ filter: { source: { $like: 'aid-visit:%' } } })).toBe(
      2,
    );
    // The deputy sees the duty record in its own records, awaiting review.
    const mine = await dA1.agent.resource('dutyRecords').list({ filter: { source: `aid-visit:${res.body.data.id}` } });
    expect(mine.body.data.map((r: Row) => r.status)).toEqual(['submitted']);
  });

  it('files a confirmed outcome as item D21, and keeps the reason when it cannot be filed', async () => {
    const { dA1, staffA, type } = ctx.w;
    const upload = await dA1.agent
      .post('/attachments:create')
      .attach('file', PNG, { filename: '援助协议.png', contentType: 'image/png' });
    const created = await dA1.agent.resource('aidRecords').create({
      values: {
        pairingId: s.pairing.id,
        typeId: (await type('legal-aid')).id,
        date: lastYear(6),
        counterpartAgency: '县法律援助中心',
        proof: [upload.body.data.id],
      },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(200);
    const ok = await confirm(staffA, 'aidRecords', created.body.data.id);
    await settled();
    expect(ok.body.data.creditStatus).toBe('filed');
    const record: Model = await dutyRecord(`aid-outcome:${ok.body.data.id}`);
    expect(record.get('item').get('code')).toBe('D21');
    expect(record.get('status')).toBe('submitted');

    // No proof: duty-points refuses (its item needs evidence); the outcome is kept, with the reason.
    const unproved = await dA1.agent.resource('aidRecords').create({
      values: { pairingId: s.pairing.id, typeId: (await type('relief')).id, date: lastYear(7), amount: '500' },
    });
    expect(unproved.status).toBe(200);
    const noProof = await confirm(staffA, 'aidRecords', unproved.body.data.id);
    expect(noProof.body.data.creditStatus).toBe('failed');
    expect(noProof.body.data.creditError).toBe('该项目须提供佐证：请先上传照片或文档再提交');
    expect(await dutyRecord(`aid-outcome:${noProof.body.data.id}`)).toBeNull();
    // Staff can retry; it fails the same way until the duty item no longer asks for evidence.
    const retry = await staffA.agent.post(`/aidRecords:retryOutcomeCredit?filterByTk=${noProof.body.data.id}`).send({});
    expect(retry.status).toBe(200);
    expect(retry.body.data.creditStatus).toBe('failed');
    await ctx.app.db
      .getRepository('dutyItems')
      .update({ filter: { code: 'D21' }, values: { evidenceRequired: false } });
    const again = await staffA.agent.post(`/aidRecords:retryOutcomeCredit?filterByTk=${noProof.body.data.id}`).send({});
    expect(again.body.data.creditStatus).toBe('filed');
    await settled();
    // Station B cannot retry station A's records.
    expect(
      (await ctx.w.staffB.agent.post(`/aidRecords:retryOutcomeCredit?filterByTk=${noProof.body.data.id}`).send({}))
        .status,
    ).toBe(404);
  });

  it('uses the item codes of the settings', async () => {
    const { admin, dA1, staffA, type } = ctx.w;
    const settings = await ctx.app.db.getRepository('aidSettings').findOne();
    await admin.agent
      .resource('aidSettings')
      .update({ filterByTk: settings.get('id'), values: { outcomeItemCode: 'D18' } });
    const created = await dA1.agent
      .resource('aidRecords')
      .create({ values: { pairingId: s.pairing.id, typeId: (await type('jobs')).id, units: 1, date: lastYear(9) } });
    expect(created.status).toBe(200);
    const res = await confirm(staffA, 'aidRecords', created.body.data.id);
    // D18 needs evidence: the reason is kept; the code it tried is the one of the settings.
    expect(res.body.data.creditStatus).toBe('failed');
    await admin.agent
      .resource('aidSettings')
      .update({ filterByTk: settings.get('id'), values: { outcomeItemCode: 'D21' } });
    const retried = await admin.agent.post(`/aidRecords:retryOutcomeCredit?filterByTk=${res.body.data.id}`).send({});
    expect(retried.body.data.creditStatus).toBe('filed');
    await settled();
    const record: Model = await dutyRecord(`aid-outcome:${res.body.data.id}`);
    expect(record.get('item').get('code')).toBe('D21');
  });
});
