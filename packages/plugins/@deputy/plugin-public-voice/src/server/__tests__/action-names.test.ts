import { migrationOf } from '@deputy/test-helpers';
import type { Model } from '@nocobase/database';
import ActionNames, { RENAMED_ACTIONS } from '../migrations/20261204090000-action-names';
import { Agent, step, useVoiceWorld } from './setup';

/** An instance installed before the rename: its grants and strategies name `close` / `credit`. */
describe('resource-scoped action names (migration)', () => {
  const ctx = useVoiceWorld();
  const grantsOf = (roleName: string) =>
    ctx.app.db
      .getRepository('dataSourcesRolesResources')
      .findOne({ filter: { roleName, dataSourceKey: 'main', name: 'opinions' } });
  const grant = async (roleName: string, name: string): Promise<Model | null> =>
    ctx.app.db
      .getRepository('dataSourcesRolesResourcesActions')
      .findOne({ filter: { rolesResourceId: (await grantsOf(roleName)).get('id'), name } });
  const answered = async (agent: Agent, submitted: Awaited<ReturnType<typeof ctx.w.submit>>) => {
    const id = (
      await ctx.app.db.getRepository('opinions').findOne({ filter: { trackingCode: submitted.body.data.trackingCode } })
    ).get('id') as number;
    await step(agent, id, 'classify', { opinionClassId: (await ctx.w.classOf('XW')).id });
    await step(agent, id, 'assign', { handlingUnit: '镇政府' });
    await step(agent, id, 'answer', { answer: '已修复' });
    return id;
  };

  it('moves the grants given under the old names (fields and data scope kept) and the strategies listing them; once', async () => {
    const { w, app } = ctx;
    const actions = app.db.getRepository('dataSourcesRolesResourcesActions');
    const roles = app.db.getRepository('roles');
    // As the previous release left them: station staff's grant on opinions named `close`, a strategy listing `close`.
    const current = await grant('station-staff', 'closeOpinion');
    const { scopeId, fields } = current.toJSON();
    expect(scopeId).toBeTruthy();
    await actions.update({ filterByTk: current.get('id'), values: { name: 'close' } });
    await roles.create({
      values: { name: 'voice-closer', title: '意见办结', strategy: { actions: ['view', 'close'] } },
    });
    const idA = await answered(w.staffA.agent, await w.submit(await w.token('liaisonStations', w.stationA.id)));
    const idB = await answered(w.staffB.agent, await w.submit(await w.token('liaisonStations', w.stationB.id)));
    // Under the old name the grant gives nothing any more.
    expect((await w.staffA.agent.post(`/opinions:closeOpinion?filterByTk=${idA}`).send({})).status).toBe(403);

    const migration = migrationOf(app, ActionNames);
    expect(RENAMED_ACTIONS).toContainEqual({ resource: 'opinions', from: 'close', to: 'closeOpinion' });
    await migration.up();
    expect(await grant('station-staff', 'close')).toBeNull();
    expect((await grant('station-staff', 'closeOpinion')).toJSON()).toMatchObject({ scopeId, fields });
    const strategy = (await roles.findOne({ filter: { name: 'voice-closer' } })).get('strategy');
    expect(strategy.actions).toEqual(expect.arrayContaining(['closeOpinion', 'closeMediation']));
    // The ACL has it at once: station A's staff close their station's opinion, still not station B's.
    expect((await w.staffA.agent.post(`/opinions:closeOpinion?filterByTk=${idB}`).send({})).status).toBe(404);
    expect((await w.staffA.agent.post(`/opinions:closeOpinion?filterByTk=${idA}`).send({})).status).toBe(200);
    expect((await app.db.getRepository('opinions').findOne({ filterByTk: idA })).get('status')).toBe('closed');

    // Again: nothing changes.
    const stamp = async () => [
      String((await grant('station-staff', 'closeOpinion')).get('updatedAt')),
      JSON.stringify((await roles.findOne({ filter: { name: 'voice-closer' } })).get('strategy')),
    ];
    const before = await stamp();
    await migration.up();
    expect(await stamp()).toEqual(before);
  });

  it('shows each plugin its own label in 角色和权限 (no skipped registration)', async () => {
    const available = ctx.app.acl.getAvailableActions();
    expect(available.get('closeOpinion')?.options.displayName).toContain('Close the opinion');
    expect(available.get('closeMediation')?.options.displayName).toContain('Close the mediation case');
    expect(available.has('close')).toBe(false);
  });
});
