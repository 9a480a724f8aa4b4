import { createSuiteServer } from '@deputy/test-helpers';
import type { Model } from '@nocobase/database';
import { MockServer } from '@nocobase/test';
import type { PluginDeputiesServer } from '../plugin';

describe('plugin-deputies: the directory service other plugins call', () => {
  let app: MockServer;
  let directory: PluginDeputiesServer['directory'];

  beforeAll(async () => {
    app = await createSuiteServer(['@deputy/plugin-deputies']);
    directory = (app.pm.get('@deputy/plugin-deputies') as PluginDeputiesServer).directory;
  });

  afterAll(async () => {
    await app?.destroy();
  });

  it('resolves a deputy’s station, reviewer and grid areas, and lists a station’s active deputies', async () => {
    const head = await app.db.getRepository('users').create({ values: { username: 'zhanzhang', nickname: '站长' } });
    const station = await app.db
      .getRepository('liaisonStations')
      .create({ values: { name: '高沙镇联络站', headId: head.get('id') } });
    const grid = await app.db
      .getRepository('gridAreas')
      .create({ values: { name: '东片区', stationId: station.get('id') } });
    const d1 = await app.db.getRepository('deputies').create({
      values: { name: '乙', stationId: station.get('id'), gridAreas: [grid.get('id')] },
    });
    await app.db.getRepository('deputies').create({ values: { name: '甲', stationId: station.get('id') } });
    await app.db
      .getRepository('deputies')
      .create({ values: { name: '丙', stationId: station.get('id'), status: 'left' } });

    expect((await directory.stationOf(d1.get('id'))).get('name')).toBe('高沙镇联络站');
    expect((await directory.reviewerOf(d1.get('id'))).get('username')).toBe('zhanzhang');
    expect((await directory.gridAreasOf(d1.get('id'))).map((g: Model) => g.get('name'))).toEqual(['东片区']);
    expect((await directory.deputiesOfStation(station.get('id'))).map((d: Model) => d.get('name')).sort()).toEqual(
      ['乙', '甲'].sort(),
    );
    const noStation = await app.db.getRepository('deputies').create({ values: { name: '丁' } });
    expect(await directory.stationOf(noStation.get('id'))).toBeNull();
    expect(await directory.reviewerOf(noStation.get('id'))).toBeNull();
  });
});
