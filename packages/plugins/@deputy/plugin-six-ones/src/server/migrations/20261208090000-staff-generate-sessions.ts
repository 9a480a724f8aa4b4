import { Migration } from '@nocobase/server';
import { roleGrantsOn } from '@deputy/plugin-suite-core';

/**
 * Station staff generate their own station's reception sessions (逢6接待 › 生成接待日): an instance installed
 * before gets the grant added to the station-staff role's receptionSessions permissions, unless an administrator
 * removed that collection from the role (then nothing is added). generateSessions itself acts only on the
 * stations the caller may arrange. Running it again changes nothing.
 */
export default class extends Migration {
  on = 'afterLoad';
  appVersion = '<3.0.0';

  async up() {
    const grants = await roleGrantsOn(this.db, 'station-staff', 'receptionSessions');
    if (!grants) return;
    const { actions, resourceId } = grants;
    const filter = { rolesResourceId: resourceId, name: 'generateSessions' };
    if (await actions.count({ filter })) return;
    await actions.create({ values: filter });
  }
}
