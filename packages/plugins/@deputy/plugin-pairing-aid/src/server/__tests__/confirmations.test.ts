import { migrationOf, signedInAs } from '@deputy/test-helpers';
import type { Model } from '@nocobase/database';
import Migration from '../migrations/20261201090000-confirmations-by-staff';
import { Agent, LAST_YEAR, lastYear, Row, useAidWorld } from './setup';

/**
 * Issue #15, item 9: a 1+N outcome (and a visit) is confirmed by its station's staff or an administrator,
 * never by the deputy who achieved it; the KPIs count confirmed outcomes only. Before, a deputy created its
 * outcomes with `confirmed: true` and aidKpi counted every outcome, confirmed or not.
 */
describe('plugin-pairing-aid: the station confirms outcomes and visits, the KPIs count confirmed outcomes', () => {
  const s = {} as { pairing: Row; otherPairing: Row };
  const ctx = useAidWorld(false, async ({ staffA, deputyA1, household, pair }) => {
    s.pairing = (await pair(staffA.agent, deputyA1.id, (await household('subsistence')).id, lastYear(1))).body.data;
  });

  const snapshot = async () => ({
    records: ((await ctx.app.db.getRepository('aidRecords').find({ sort: ['id'] })) as Model[]).map((r) => r.toJSON()),
    visits: ((await ctx.app.db.getRepository('aidVisits').find({ sort: ['id'] })) as Model[]).map((r) => r.toJSON()),
  });
  const kpi = async (agent: Agent) =>
    (await agent.get('/aidKpi:summary').query({ period: LAST_YEAR, deputyId: ctx.w.deputyA1.id })).body.data;

  it('refuses a deputy’s own confirmation on create and update, in zh-CN and en-US, and changes nothing', async () => {
    const { dA1, type } = ctx.w;
    const legal = (await type('legal-aid')).id;
    const before = await snapshot();
    const zh = await dA1.agent
      .set('X-Locale', 'zh-CN')
      .resource('aidRecords')
      .create({ values: { pairingId: s.pairing.id, typeId: legal, date: lastYear(5), confirmed: true } });
    expect(zh.status).toBe(403);
    expect(zh.body.errors[0].message).toBe('帮扶成效由联络站工作人员确认，代表本人不能确认');
    const visit = await dA1.agent
      .set('X-Locale', 'en-US')
      .resource('aidVisits')
      .create({ values: { pairingId: s.pairing.id, date: lastYear(5), mode: 'home', householdConfirmed: 'true' } });
    expect(visit.status).toBe(403);
    expect(visit.body.errors[0].message).toBe(
      'A visit is confirmed by the station staff, not by the deputy who made it',
    );
    expect(await snapshot()).toEqual(before);

    // Its own unconfirmed outcome and visit: the deputy may edit them, not confirm them.
    const outcome = (
      await dA1.agent
        .resource('aidRecords')
        .create({ values: { pairingId: s.pairing.id, typeId: legal, date: lastYear(5) } })
    ).body.data;
    const seen = (
      await dA1.agent
        .resource('aidVisits')
        .create({ values: { pairingId: s.pairing.id, date: lastYear(5), mode: 'home' } })
    ).body.data;
    expect(outcome.confirmed ?? false).toBe(false);
    const middle = await snapshot();
    const en = await dA1.agent
      .set('X-Locale', 'en-US')
      .resource('aidRecords')
      .update({ filterByTk: outcome.id, values: { confirmed: 1, description: '已结案' } });
    expect(en.status).toBe(403);
    expect(en.body.errors[0].message).toBe(
      'An outcome is confirmed by the station staff, not by the deputy who achieved it',
    );
    const zhVisit = await dA1.agent
      .set('X-Locale', 'zh-CN')
      .resource('aidVisits')
      .update({ filterByTk: seen.id, values: { householdConfirmed: true } });
    expect(zhVisit.status).toBe(403);
    expect(zhVisit.body.errors[0].message).toBe('走访由联络站工作人员确认，走访代表本人不能确认');
    expect(await snapshot()).toEqual(middle);
    // Unticked, the flag changes nothing and the edit goes through.
    expect(
      (
        await dA1.agent
          .resource('aidRecords')
          .update({ filterByTk: outcome.id, values: { confirmed: false, description: '已结案' } })
      ).status,
    ).toBe(200);
  });

  it('counts in aidKpi summary and public only the outcomes the station confirmed', async () => {
    const { dA1, staffA, admin, type } = ctx.w;
    const legal = (await type('legal-aid')).id;
    const relief = (await type('relief')).id;
    const base = await kpi(admin.agent);
    const board = async () => (await ctx.app.agent().get('/aidKpi:public').query({ period: LAST_YEAR })).body.data;
    const baseBoard = await board();
    const a = (
      await dA1.agent
        .resource('aidRecords')
        .create({ values: { pairingId: s.pairing.id, typeId: legal, date: lastYear(6) } })
    ).body.data;
    const b = (
      await dA1.agent
        .resource('aidRecords')
        .create({ values: { pairingId: s.pairing.id, typeId: relief, date: lastYear(6), amount: '800.50' } })
    ).body.data;
    // Nothing confirmed yet: the figures do not move; the outcomes wait.
    const waiting = await kpi(admin.agent);
    expect(waiting.outcomes).toMatchObject({
      records: base.outcomes.records,
      confirmed: base.outcomes.confirmed,
      legalAidCases: base.outcomes.legalAidCases,
      reliefYuan: base.outcomes.reliefYuan,
    });
    expect(waiting.outcomes.awaitingConfirmation).toBe(base.outcomes.awaitingConfirmation + 2);
    expect(await board()).toEqual(baseBoard);
    // The station's staff confirm one: it counts, everywhere.
    const ok = await staffA.agent.resource('aidRecords').update({ filterByTk: a.id, values: { confirmed: true } });
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    for (const agent of [admin.agent, staffA.agent, dA1.agent]) {
      const now = await kpi(agent);
      expect(now.outcomes).toMatchObject({
        records: base.outcomes.records + 1,
        confirmed: base.outcomes.confirmed + 1,
        legalAidCases: base.outcomes.legalAidCases + 1,
        reliefYuan: base.outcomes.reliefYuan,
      });
      expect(now.outcomes.awaitingConfirmation).toBe(base.outcomes.awaitingConfirmation + 1);
    }
    expect(await board()).toEqual({ ...baseBoard, legalAidCases: baseBoard.legalAidCases + 1 });
    // An administrator confirms the other.
    expect(
      (await admin.agent.resource('aidRecords').update({ filterByTk: b.id, values: { confirmed: true } })).status,
    ).toBe(200);
    expect((await kpi(admin.agent)).outcomes.reliefFen).toBe(String(BigInt(base.outcomes.reliefFen) + BigInt(80050)));
    expect((await board()).reliefYuan).not.toBe(baseBoard.reliefYuan);
  });

  it('refuses the deputy who achieved it even when that user is also station staff, or holds an old grant', async () => {
    const { admin, staffA, stationA, type, household, pair, app } = ctx.w;
    const legal = (await type('legal-aid')).id;
    // A member of station A's staff who is also a deputy of the station, paired with a household.
    const both = await signedInAs(app, 'staffDeputy', ['station-staff']);
    await admin.agent
      .resource('liaisonStations')
      .update({ filterByTk: stationA.id, values: { staff: [staffA.user.id, both.user.id] } });
    const self = (
      await admin.agent
        .resource('deputies')
        .create({ values: { name: '代表兼工作人员', stationId: stationA.id, userId: both.user.id } })
    ).body.data;
    const pairing = (await pair(staffA.agent, self.id, (await household('disability')).id, lastYear(1))).body.data;
    const before = await snapshot();
    const own = await both.agent
      .set('X-Locale', 'zh-CN')
      .resource('aidRecords')
      .create({ values: { pairingId: pairing.id, typeId: legal, date: lastYear(8), confirmed: true } });
    expect(own.status).toBe(403);
    expect(own.body.errors[0].message).toBe('帮扶成效由联络站工作人员确认，代表本人不能确认');
    expect(await snapshot()).toEqual(before);
    // Another member of the station's staff confirms it.
    const filed = (
      await both.agent
        .resource('aidRecords')
        .create({ values: { pairingId: pairing.id, typeId: legal, date: lastYear(8) } })
    ).body.data;
    expect(
      (await both.agent.resource('aidRecords').update({ filterByTk: filed.id, values: { confirmed: true } })).status,
    ).toBe(403);
    expect(
      (await staffA.agent.resource('aidRecords').update({ filterByTk: filed.id, values: { confirmed: true } })).status,
    ).toBe(200);

    // An install from before still grants the deputy role the flag: the deputy is refused all the same.
    const actions = app.db.getRepository('dataSourcesRolesResourcesActions');
    const grantOf = (name: string, action: string) =>
      actions.findOne({
        filter: {
          name: action,
          'resource.roleName': 'deputy',
          'resource.name': name,
          'resource.dataSourceKey': 'main',
        },
      });
    const create: Model = await grantOf('aidRecords', 'create');
    await actions.update({ filterByTk: create.get('id'), values: { fields: [...create.get('fields'), 'confirmed'] } });
    const middle = await snapshot();
    const old = await ctx.w.dA1.agent
      .set('X-Locale', 'en-US')
      .resource('aidRecords')
      .create({ values: { pairingId: s.pairing.id, typeId: legal, date: lastYear(9), confirmed: true } });
    expect(old.status).toBe(403);
    expect(old.body.errors[0].message).toBe(
      'An outcome is confirmed by the station staff, not by the deputy who achieved it',
    );
    expect(await snapshot()).toEqual(middle);
    await actions.update({ filterByTk: create.get('id'), values: { fields: create.get('fields') } });
  });

  it('takes the flags out of an existing install’s deputy grants with a migration, once and for good', async () => {
    const { app } = ctx.w;
    const actions = app.db.getRepository('dataSourcesRolesResourcesActions');
    const grantOf = async (role: string, name: string, action: string) =>
      (await actions.findOne({
        filter: { name: action, 'resource.roleName': role, 'resource.name': name, 'resource.dataSourceKey': 'main' },
      })) as Model;
    const flags = { aidRecords: 'confirmed', aidVisits: 'householdConfirmed' };
    const now: Record<string, string[]> = {};
    for (const [name, flag] of Object.entries(flags)) {
      for (const action of ['create', 'update']) {
        const grant = await grantOf('deputy', name, action);
        expect(grant.get('fields')).not.toContain(flag);
        expect(grant.get('fields')).toContain('date');
        expect((await grantOf('station-staff', name, action)).get('fields')).toContain(flag);
        now[`${name}:${action}`] = grant.get('fields');
        // As the old defaults wrote it.
        await actions.update({ filterByTk: grant.get('id'), values: { fields: [...grant.get('fields'), flag] } });
      }
    }
    const migration = migrationOf(app, Migration);
    expect(migration.on).toBe('afterLoad');
    await migration.up();
    const stamps: Record<string, string> = {};
    for (const [name] of Object.entries(flags)) {
      for (const action of ['create', 'update']) {
        const grant = await grantOf('deputy', name, action);
        expect(grant.get('fields')).toEqual(now[`${name}:${action}`]);
        stamps[`${name}:${action}`] = String(grant.get('updatedAt'));
      }
    }
    // The ACL has the new lists at once: the deputy's confirmation is refused by its permissions again.
    expect(
      app.acl.can({ roles: ['deputy'], resource: 'aidRecords', action: 'create' })?.params?.whitelist,
    ).not.toContain('confirmed');
    await migration.up();
    for (const key of Object.keys(stamps)) {
      const [name, action] = key.split(':');
      expect(String((await grantOf('deputy', name, action)).get('updatedAt'))).toBe(stamps[key]);
      expect((await grantOf('station-staff', name, action)).get('fields')).toContain(flags[name as keyof typeof flags]);
    }
  });
});
