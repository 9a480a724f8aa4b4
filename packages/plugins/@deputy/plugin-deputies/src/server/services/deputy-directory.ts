import type { Database, Model, Transactionable } from '@nocobase/database';

/**
 * Read service other plugins call instead of querying this plugin's tables themselves: no plugin reaches into
 * another's tables, so the deputies' schema can change behind it.
 */
export class DeputyDirectory {
  constructor(private db: Database) {}

  /** The deputy record linked to a NocoBase user, or null. */
  async deputyOfUser(userId: number | string, options: Transactionable = {}) {
    return this.db.getRepository('deputies').findOne({ filter: { userId }, transaction: options.transaction });
  }

  /** The station a deputy belongs to, or null. */
  async stationOf(deputyId: number | string, options: Transactionable = {}) {
    const deputy = await this.db
      .getRepository('deputies')
      .findOne({ filterByTk: deputyId, appends: ['station'], transaction: options.transaction });
    return deputy?.get('station') ?? null;
  }

  /** The user who reviews a deputy's records: its station's head, or null when none is set. */
  async reviewerOf(deputyId: number | string, options: Transactionable = {}) {
    const station: Model | null = await this.stationOf(deputyId, options);
    if (!station?.get('headId')) return null;
    return this.db
      .getRepository('users')
      .findOne({ filterByTk: station.get('headId'), transaction: options.transaction });
  }

  /** The grid areas a deputy keeps in touch with. */
  async gridAreasOf(deputyId: number | string, options: Transactionable = {}) {
    return this.db.getRepository('deputies.gridAreas', deputyId).find({ transaction: options.transaction });
  }

  /** Active deputies of a station, by name. */
  async deputiesOfStation(stationId: number | string, options: Transactionable = {}) {
    return this.db.getRepository('deputies').find({
      filter: { stationId, status: 'active' },
      sort: ['name'],
      transaction: options.transaction,
    });
  }
}
