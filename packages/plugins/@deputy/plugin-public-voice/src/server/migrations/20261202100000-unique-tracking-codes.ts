import { Migration } from '@nocobase/server';
import { refuseDuplicateValues } from '@deputy/plugin-suite-core';

/** Tracking codes become unique in the database (see plugin-deputies' one-deputy-per-account migration). */
export default class extends Migration {
  on = 'beforeLoad';
  appVersion = '<3.0.0';

  async up() {
    await refuseDuplicateValues(this.db, 'opinions', 'trackingCode', {
      zh: '群众意见的查询码',
      en: 'Opinion tracking codes',
    });
  }
}
