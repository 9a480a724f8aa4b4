import { Migration } from '@nocobase/server';
import { CONFIRMATION_FIELDS } from '../services/role-grants';

/**
 * Installs made before confirmations became the station staff's granted the deputy role the confirmation
 * flags of its own visits and outcomes (grants are only created where a role has none, so they stayed).
 * This takes `householdConfirmed` (aidVisits) and `confirmed` (aidRecords) out of the field lists of the
 * deputy role's create and update grants; every other field, and anything else an administrator changed,
 * stays. Running it again changes nothing.
 */
export default class extends Migration {
  on = 'afterLoad';
  appVersion = '<3.0.0';

  async up() {
    if (!this.db.hasCollection('dataSourcesRolesResourcesActions')) return;
    const resources = this.db.getRepository('dataSourcesRolesResources');
    const actions = this.db.getRepository('dataSourcesRolesResourcesActions');
    for (const [name, flag] of Object.entries(CONFIRMATION_FIELDS)) {
      const resource: any = await resources.findOne({ filter: { roleName: 'deputy', dataSourceKey: 'main', name } });
      if (!resource) continue;
      const grants: any[] = await actions.find({ filter: { rolesResourceId: resource.get('id'), name: { $in: ['create', 'update'] } } });
      for (const grant of grants) {
        const fields: string[] = grant.get('fields') ?? [];
        // Updated through the repository, so NocoBase writes the changed grant to the ACL at once.
        if (fields.includes(flag)) await actions.update({ filterByTk: grant.get('id'), values: { fields: fields.filter((f) => f !== flag) } });
      }
    }
  }
}
