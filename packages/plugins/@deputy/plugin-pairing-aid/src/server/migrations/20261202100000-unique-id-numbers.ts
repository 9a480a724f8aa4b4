import { Migration } from '@nocobase/server';
import { refuseDuplicateValues } from '@deputy/plugin-suite-core';

/** One household per ID number becomes a database index (see plugin-deputies' one-deputy-per-account migration). */
export default class extends Migration {
  on = 'beforeLoad';
  appVersion = '<3.0.0';

  async up() {
    await refuseDuplicateValues(this.db, 'aidHouseholds', 'idNumberHash', {
      zh: '帮扶对象的身份证号',
      en: 'Household ID numbers',
    });
  }
}
