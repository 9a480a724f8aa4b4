import { Migration } from '@nocobase/server';
import { RATE_LIMITS } from '../services/rate-limiter';

/**
 * The public form's rate limits move from each process's memory into the table publicVoiceRateLimits, shared by
 * every node of a cluster. An instance upgraded from before gets the table here (idempotent: sync creates what
 * is missing and leaves an existing table as it is). Nothing is carried over: the old counts lived in memory,
 * and the restart of the upgrade forgot them, which only errs towards letting a citizen through.
 */
export default class extends Migration {
  on = 'afterSync';
  appVersion = '<3.0.0';

  async up() {
    await this.db.getCollection(RATE_LIMITS).sync();
  }
}
