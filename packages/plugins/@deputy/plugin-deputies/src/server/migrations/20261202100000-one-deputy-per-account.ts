import { Migration } from '@nocobase/server';
import { refuseDuplicateValues } from '@deputy/plugin-suite-core';

/**
 * One deputy per user account was declared as a collection index that NocoBase's sync dropped, so the database
 * did not enforce it; the field now carries it and the upgrade's sync adds the index. Before that sync, this
 * stops the upgrade with the accounts linked to more than one deputy, if any.
 */
export default class extends Migration {
  on = 'beforeLoad';
  appVersion = '<3.0.0';

  async up() {
    await refuseDuplicateValues(this.db, 'deputies', 'userId', {
      zh: '代表关联的用户账号',
      en: 'User accounts linked to deputies',
    });
  }
}
