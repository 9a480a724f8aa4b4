import { withdrawFields } from '@deputy/plugin-suite-core';
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
    await withdrawFields(this.db, 'deputy', 'dutyActivities', ['view'], STAFF_ONLY_ACTIVITY_FIELDS);
  }
}
