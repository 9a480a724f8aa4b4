import { createSuiteServer, signedInAs } from '@deputy/test-helpers';
import { MockServer } from '@nocobase/test';
import { Client } from 'pg';

/**
 * The database goes away under a running app (#16): every connection is cut and new ones are refused, as
 * while PostgreSQL restarts. Requests then fail clearly — 503, Retry-After, a message in the caller's
 * language, no 500 with the driver's text — and work again once the database is back, without restarting
 * NocoBase. On PostgreSQL, where the database itself can refuse connections.
 */
describe.skipIf(process.env.DB_DIALECT !== 'postgres')(
  'plugin-deputies: a database outage under the running app',
  () => {
    let app: MockServer;
    let admin: Client;
    let database: string;

    beforeAll(async () => {
      app = await createSuiteServer(['@deputy/plugin-deputies']);
      database = app.db.options.database as string;
      admin = new Client({
        host: process.env.DB_HOST,
        port: Number(process.env.DB_PORT),
        user: process.env.DB_USER,
        password: process.env.DB_PASSWORD || undefined,
        database: 'postgres',
      });
      await admin.connect();
    });

    afterAll(async () => {
      await admin?.query(`ALTER DATABASE "${database}" ALLOW_CONNECTIONS true`).catch(() => undefined);
      await admin?.end();
      await app?.destroy();
    });

    it('answers 503 in zh-CN and en-US while the database is away, and works again after, without a restart', async () => {
      const { agent } = await signedInAs(app, 'outageadmin', ['npc-admin']);
      const list = () => agent.get('/liaisonStations:list');
      // Several at once, so that the pool holds idle connections for the cut to kill (the first request after it
      // then meets a dead one: "Connection terminated unexpectedly").
      expect((await Promise.all([list(), list(), list(), list()])).map((r) => r.status)).toEqual([200, 200, 200, 200]);

      await admin.query(`ALTER DATABASE "${database}" ALLOW_CONNECTIONS false`);
      await admin.query(
        'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
        [database],
      );
      try {
        const answers = [];
        for (let i = 0; i < 3; i++) answers.push(await list().set('X-Locale', i === 1 ? 'zh-CN' : 'en-US'));
        expect(answers.map((r) => r.status)).toEqual([503, 503, 503]);
        expect(answers[0].headers['retry-after']).toBe('10');
        expect(answers[0].body.errors[0].message).toBe(
          'The database cannot be reached right now; try again in a moment',
        );
        expect(answers[1].body.errors[0].message).toBe('数据库暂时无法连接，请稍后再试');
      } finally {
        await admin.query(`ALTER DATABASE "${database}" ALLOW_CONNECTIONS true`);
      }

      // Back: the pool opens new connections by itself.
      let status = 0;
      let attempts = 0;
      for (; attempts < 10 && status !== 200; attempts++) {
        status = (await list()).status;
        if (status !== 200) await new Promise((r) => setTimeout(r, 300));
      }
      expect(status).toBe(200);
      expect(attempts).toBeLessThanOrEqual(2);
      const created = await agent.post('/liaisonStations:create').send({ name: '恢复后新建的联络站' });
      expect(created.status).toBe(200);
    });
  },
);
