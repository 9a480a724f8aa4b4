import { withdrawFields } from '@deputy/plugin-suite-core';
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
    for (const [name, flag] of Object.entries(CONFIRMATION_FIELDS))
      await withdrawFields(this.db, 'deputy', name, ['create', 'update'], [flag]);
  }
}
