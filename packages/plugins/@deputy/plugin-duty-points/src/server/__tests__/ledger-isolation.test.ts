import type { PluginDutyPointsServer } from '../plugin';
import { useDutyPointsWorld } from './setup';

/**
 * The yearly cap when two approvals of one deputy race, at the database's own isolation level: a transaction
 * that read the ledger before another approval committed must still count that approval once it holds the
 * deputy's lock. PostgreSQL (READ COMMITTED) always did; MySQL/MariaDB (REPEATABLE READ) read the older
 * snapshot and posted past the cap until the sum became a locking read. Runs in the MariaDB stage of npm test.
 */
describe('plugin-duty-points: the cap holds across concurrent transactions on every database', () => {
  const ctx = useDutyPointsWorld();

  it('counts an approval committed while this transaction waited, so the cap is not passed', async () => {
    const { w, app } = ctx;
    const plugin = app.pm.get('@deputy/plugin-duty-points') as PluginDutyPointsServer;
    const ledger = plugin.ledger;
    const item = await app.db
      .getRepository('dutyItems')
      .create({ values: { code: 'T99', name: '测试封顶项', category: 'A', points: 10, yearlyCap: 10, active: true } });
    const year = new Date().getFullYear() - 1;
    const draft = async (day: string) =>
      app.db
        .getRepository('dutyRecords')
        .create({ values: { deputyId: w.deputy1.id, itemId: item.get('id'), date: `${year}-05-${day}` } });
    const first = await draft('10');
    const second = await draft('11');
    if (app.db.sequelize.getDialect() === 'sqlite') {
      // One writer: the race cannot happen; the cap still applies in sequence.
      await app.db.sequelize.transaction((t) => ledger.award(second, item, t));
      await app.db.sequelize.transaction((t) => ledger.award(first, item, t));
    } else {
      const slow = await app.db.sequelize.transaction();
      try {
        // The slow transaction reads first, as an approval reads its record and item (MySQL takes its snapshot here)…
        expect(
          await app.db
            .getCollection('pointEntries')
            .model.count({ where: { itemId: item.get('id') }, transaction: slow }),
        ).toBe(0);
        // …another approval commits in the meantime…
        await app.db.sequelize.transaction((t) => ledger.award(second, item, t));
        // …and the slow one then posts: what is left under the cap is nothing.
        expect(await ledger.award(first, item, slow)).toBe(0);
        await slow.commit();
      } catch (e) {
        await slow.rollback();
        throw e;
      }
    }
    const total = await app.db.getCollection('pointEntries').model.sum('points', { where: { itemId: item.get('id') } });
    expect(Number(total)).toBe(10);
  });
});
