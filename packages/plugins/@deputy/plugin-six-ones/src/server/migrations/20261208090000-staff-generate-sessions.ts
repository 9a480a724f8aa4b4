import { Migration } from '@nocobase/server';

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
    if (!this.db.hasCollection('dataSourcesRolesResourcesActions')) return;
    const resource = await this.db
      .getRepository('dataSourcesRolesResources')
      .findOne({ filter: { roleName: 'station-staff', dataSourceKey: 'main', name: 'receptionSessions' } });
    if (!resource) return;
    const actions = this.db.getRepository('dataSourcesRolesResourcesActions');
    const filter = { rolesResourceId: resource.get('id'), name: 'generateSessions' };
    if (await actions.count({ filter })) return;
    await actions.create({ values: filter });
  }
}
