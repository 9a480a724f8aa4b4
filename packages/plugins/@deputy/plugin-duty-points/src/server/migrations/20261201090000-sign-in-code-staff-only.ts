import { Migration } from '@nocobase/server';
import { STAFF_ONLY_ACTIVITY_FIELDS } from '../services/role-grants';

/**
 * Installs made before the sign-in code became staff-only granted the deputy role every field of the
 * activities (grants are only created where a role has none, so they stayed). This takes the code out of
 * the field list of the deputy role's view grant on dutyActivities; every other field, and any other change
 * an administrator made there, stays. Running it again changes nothing.
 */
export default class extends Migration {
  on = 'afterLoad';
  appVersion = '<3.0.0';

  async up() {
    if (!this.db.hasCollection('dataSourcesRolesResourcesActions')) return;
    const resources = this.db.getRepository('dataSourcesRolesResources');
    const actions = this.db.getRepository('dataSourcesRolesResourcesActions');
    const resource: any = await resources.findOne({ filter: { roleName: 'deputy', dataSourceKey: 'main', name: 'dutyActivities' } });
    if (!resource) return;
    const views: any[] = await actions.find({ filter: { rolesResourceId: resource.get('id'), name: 'view' } });
    for (const view of views) {
      const fields: string[] = view.get('fields') ?? [];
      const kept = fields.filter((f) => !STAFF_ONLY_ACTIVITY_FIELDS.includes(f));
      // Updated through the repository, so NocoBase writes the changed grant to the ACL at once.
      if (kept.length !== fields.length) await actions.update({ filterByTk: view.get('id'), values: { fields: kept } });
    }
  }
}
