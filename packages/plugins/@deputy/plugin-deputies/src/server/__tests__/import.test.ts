import { createSuiteServer, signedInAs, type TestAgent } from '@deputy/test-helpers';
import { MockServer } from '@nocobase/test';
import ExcelJS from 'exceljs';

/** A workbook as a county office would fill it in: a header row, then one row per record. */
async function workbook(headers: string[], rows: (string | number | null)[][]) {
  const book = new ExcelJS.Workbook();
  const sheet = book.addWorksheet('Sheet1');
  sheet.addRow(headers);
  for (const row of rows) sheet.addRow(row);
  return Buffer.from(await book.xlsx.writeBuffer());
}

describe('plugin-deputies: Excel import through NocoBase’s own import action', () => {
  let app: MockServer;
  let admin: TestAgent;

  beforeAll(async () => {
    app = await createSuiteServer(['@deputy/plugin-deputies'], ['action-import']);
    ({ agent: admin } = await signedInAs(app, 'npc', ['npc-admin']));
  });

  afterAll(async () => {
    await app?.destroy();
  });

  const importXlsx = (resource: string, columns: unknown[], file: Buffer) =>
    admin
      .post(`/${resource}:importXlsx`)
      .field('columns', JSON.stringify(columns))
      .attach('file', file, {
        filename: `${resource}.xlsx`,
        contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      });

  it('imports 5 stations, then 500 deputies linked to them by station name', async () => {
    const towns = ['高沙', '醪田', '石江', '毓兰', '水东'];
    const stations = await importXlsx(
      'liaisonStations',
      [
        { dataIndex: ['name'], defaultTitle: '站名' },
        { dataIndex: ['town'], defaultTitle: '乡镇' },
      ],
      await workbook(
        ['站名', '乡镇'],
        towns.map((t) => [`${t}镇联络站`, `${t}镇`]),
      ),
    );
    expect(stations.status).toBe(200);
    expect(await app.db.getRepository('liaisonStations').count()).toBe(5);

    const rows = Array.from({ length: 500 }, (_, i) => [
      `代表${String(i + 1).padStart(3, '0')}`,
      `139${String(i).padStart(8, '0')}`,
      `${towns[i % 5]}镇联络站`,
      `第${(i % 20) + 1}选区`,
      i % 3 === 0 ? '中共党员' : '群众',
    ]);
    const deputies = await importXlsx(
      'deputies',
      [
        { dataIndex: ['name'], defaultTitle: '姓名' },
        { dataIndex: ['phone'], defaultTitle: '手机' },
        { dataIndex: ['station', 'name'], defaultTitle: '联络站' },
        { dataIndex: ['constituency'], defaultTitle: '选区' },
        { dataIndex: ['party'], defaultTitle: '政治面貌' },
      ],
      await workbook(['姓名', '手机', '联络站', '选区', '政治面貌'], rows),
    );
    expect(deputies.status).toBe(200);
    expect(deputies.body.data.successCount).toBe(500);
    const repo = app.db.getRepository('deputies');
    expect(await repo.count()).toBe(500);
    const gaosha = await app.db.getRepository('liaisonStations').findOne({ filter: { name: '高沙镇联络站' } });
    expect(await repo.count({ filter: { stationId: gaosha.get('id') } })).toBe(100);
    const sample = await repo.findOne({ filter: { name: '代表006' }, appends: ['station'] });
    expect(sample.get('phone')).toBe('13900000005');
    expect(sample.get('station').get('name')).toBe('高沙镇联络站');
    expect(sample.get('status')).toBe('active');
    expect(sample.get('qrToken')).toMatch(/^[\w-]{16}$/);
  });

  it('refuses a workbook repeating a phone already registered, and imports none of its rows', async () => {
    const before = await app.db.getRepository('deputies').count();
    const res = await importXlsx(
      'deputies',
      [
        { dataIndex: ['name'], defaultTitle: '姓名' },
        { dataIndex: ['phone'], defaultTitle: '手机' },
      ],
      await workbook(
        ['姓名', '手机'],
        [
          ['新代表甲', '13800009999'],
          ['重复号码', '13900000006'],
        ],
      ),
    );
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(await app.db.getRepository('deputies').count()).toBe(before);
  });
});
