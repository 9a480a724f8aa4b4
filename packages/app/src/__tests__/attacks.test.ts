import type { Model } from '@nocobase/database';
import type PluginACLServer from '@nocobase/plugin-acl';
import { MockServer } from '@nocobase/test';
import fs from 'fs';
import { QueryTypes } from 'sequelize';
import { namedActionsOf } from '@deputy/plugin-suite-core';
import { agentHttp, createWholeSuiteServer } from '@deputy/test-helpers';
import {
  attackersOf,
  scopeFilterOf,
  AttackEnv,
  Attacker,
  AttackGenerator,
  CollectionDef,
  formatReport,
  groupFailures,
  namedActionInputs,
  Row,
  Schema,
  Snapshot,
} from '@deputy/test-helpers/security/attack-generator';
import { buildWorld, Http } from '@deputy/test-helpers/security/permissions-matrix';

/**
 * Issue #15's adversarial generator on a real app (ACL on, in-memory SQLite): every role × every collection of the
 * suite, attacks derived from the collection definitions, every answer walked and every call diffed against the
 * database. The server supplies the schema (app.db.collections), the grants (app.acl.can), the data scopes
 * (the ACL's own filters, evaluated for the attacker) and the snapshots (every tracked table).
 */

/** The schema of every collection, as the generator sees it. */
function schemaOf(app: MockServer): Schema {
  const schema: Schema = {};
  for (const [name, c] of app.db.collections as Map<string, any>) {
    const raw = c.model.rawAttributes;
    const fields: CollectionDef['fields'] = {};
    for (const [fname, f] of c.fields as Map<string, any>) {
      const o = f.options ?? {};
      const rel = ['belongsTo', 'hasOne', 'hasMany', 'belongsToMany'].includes(f.type);
      fields[fname] = {
        name: fname,
        type: f.type,
        interface: o.interface,
        target: rel ? (f.target ?? o.target) : undefined,
        through: f.type === 'belongsToMany' ? (f.through ?? o.through) : undefined,
        foreignKey: rel ? (f.foreignKey ?? o.foreignKey) : undefined,
        otherKey: f.type === 'belongsToMany' ? (f.otherKey ?? o.otherKey) : undefined,
        sourceKey: rel ? (f.sourceKey ?? o.sourceKey) : undefined,
        targetKey: rel ? (f.targetKey ?? o.targetKey) : undefined,
        hidden: !!o.hidden,
        unique: !!o.unique,
        enum: Array.isArray(o.uiSchema?.enum)
          ? o.uiSchema.enum.map((e: unknown) => (e && typeof e === 'object' ? (e as { value: unknown }).value : e))
          : undefined,
      };
    }
    const columns = Object.keys(raw).filter((k) => raw[k].type?.key !== 'VIRTUAL');
    const uniqueSets = ((c.model.options?.indexes ?? []) as IndexOption[])
      .filter((i) => i.unique && i.fields?.length)
      .map((i) => i.fields.map((x) => (typeof x === 'string' ? x : x.name)));
    schema[name] = {
      name,
      origin: c.options.origin,
      pk: [...c.model.primaryKeyAttributes],
      fields,
      columns,
      uniqueSets,
    };
  }
  return schema;
}

/**
 * Grants a role one more action on a collection, with the data scope of one it already holds — through the
 * API the 角色和权限 page uses.
 */
async function grantWithScope(
  admin: (method: 'GET' | 'POST', url: string, body?: unknown) => Promise<Row>,
  role: string,
  collection: string,
  action: string,
  likeAction: string,
) {
  const base = `/roles/${role}/dataSourceResources`;
  const where = `filter=${encodeURIComponent(JSON.stringify({ dataSourceKey: 'main', name: collection }))}`;
  const resource = await admin('GET', `${base}:get?${where}&appends[]=actions`);
  const actions = (resource.actions as Row[]).map(({ name, fields, scopeId }) => ({ name, fields, scopeId }));
  const like = actions.find((a) => a.name === likeAction);
  await admin('POST', `${base}:update?${where}`, {
    usingActionsConfig: true,
    actions: [...actions, { name: action, fields: [], scopeId: like?.scopeId }],
  });
}

const JSON_TYPES = ['json', 'jsonb', 'array', 'set'];
/** An index as a model declares it: its fields by name or as { name }. */
type IndexOption = { unique?: boolean; fields?: (string | { name: string })[] };
/** Sequelize declares its query interface's queryGenerator as unknown: the quoting used here. */
type Quoting = { quoteIdentifier(name: string): string; quoteTable(table: unknown): string };

/** The server-side environment: ACL, scopes and snapshots read from the app itself. */
function serverEnv(
  app: MockServer,
  http: Http,
  attackers: Attacker[],
  attachments: AttackEnv['attachments'],
): AttackEnv {
  const db = app.db;
  const schema = schemaOf(app);
  const qi = db.sequelize.getQueryInterface();
  const qg = (qi as unknown as { queryGenerator: Quoting }).queryGenerator;
  const sqlite = db.sequelize.getDialect() === 'sqlite';
  const tableOf = (name: string) => db.getCollection(name).model.getTableName();
  const selects = new Map<string, string>();
  const selectOf = (name: string) => {
    if (!selects.has(name)) {
      const model = db.getCollection(name).model;
      const cols = Object.entries(model.rawAttributes)
        .filter(([, a]) => (a.type as { key?: string } | undefined)?.key !== 'VIRTUAL')
        .map(([attr, a]) => `${qg.quoteIdentifier(a.field ?? attr)} AS ${qg.quoteIdentifier(attr)}`);
      selects.set(name, `SELECT ${cols.join(', ')} FROM ${qg.quoteTable(tableOf(name))}`);
    }
    return selects.get(name)!;
  };
  const normalize = (name: string, row: Row) => {
    for (const [k, f] of Object.entries(schema[name].fields)) {
      const v = row[k];
      if (v === null || v === undefined) continue;
      if (f.type === 'boolean') row[k] = v === true || v === 1 || v === '1';
      else if (JSON_TYPES.includes(f.type) && typeof v === 'string') {
        try {
          row[k] = JSON.parse(v);
        } catch {
          // kept as stored
        }
      }
    }
    return row;
  };
  const columnOf = (name: string, attr: string) => db.getCollection(name).model.rawAttributes[attr]?.field ?? attr;
  const toDb = (name: string, row: Row) => {
    const out: Row = {};
    for (const [k, v] of Object.entries(row))
      out[columnOf(name, k)] = v !== null && typeof v === 'object' && !(v instanceof Date) ? JSON.stringify(v) : v;
    return out;
  };
  const whereOf = (name: string, row: Row) => {
    const pk: string[] = schema[name].pk.length ? schema[name].pk : Object.keys(row);
    return Object.fromEntries(pk.map((k) => [columnOf(name, k), row[k]]));
  };
  // Triggers note which tracked tables a call wrote, so only those are read again (reading every tracked table
  // after each call was most of this test's time). SQLite: temporary triggers; PostgreSQL: statement triggers
  // into a plain table, which every pooled connection sees. Other databases read everything.
  const postgres = db.sequelize.getDialect() === 'postgres';
  const tracked = sqlite || postgres;
  const tableToCollection = new Map<string, string>();
  let triggers: Promise<void> | undefined;
  const installTriggers = (names: string[]) =>
    (triggers ??= (async () => {
      if (postgres) {
        await db.sequelize.query('CREATE TABLE IF NOT EXISTS "__attack_writes" (tbl TEXT)');
        await db.sequelize.query(
          `CREATE OR REPLACE FUNCTION "__attack_note"() RETURNS trigger AS $$ BEGIN INSERT INTO "__attack_writes" (tbl) VALUES (TG_TABLE_NAME); RETURN NULL; END $$ LANGUAGE plpgsql`,
        );
      } else {
        await db.sequelize.query('CREATE TEMP TABLE IF NOT EXISTS "__attack_writes" (tbl TEXT)');
      }
      for (const name of names) {
        const table = db.getCollection(name).model.getTableName() as unknown as string;
        const bare = typeof table === 'string' ? table : (table as { tableName: string }).tableName;
        tableToCollection.set(bare, name);
        if (postgres) {
          const trigger = qg.quoteIdentifier(`__attack_${bare}`.slice(0, 63));
          await db.sequelize.query(`DROP TRIGGER IF EXISTS ${trigger} ON ${qg.quoteTable(table)}`);
          await db.sequelize.query(
            `CREATE TRIGGER ${trigger} AFTER INSERT OR UPDATE OR DELETE ON ${qg.quoteTable(table)} FOR EACH STATEMENT EXECUTE FUNCTION "__attack_note"()`,
          );
          continue;
        }
        for (const op of ['INSERT', 'UPDATE', 'DELETE']) {
          const trigger = qg.quoteIdentifier(`__attack_${table}_${op}`);
          await db.sequelize.query(
            `CREATE TEMP TRIGGER IF NOT EXISTS ${trigger} AFTER ${op} ON ${qg.quoteTable(table)} BEGIN INSERT INTO "__attack_writes" (tbl) VALUES ('${table.replace(/'/g, "''")}'); END`,
          );
        }
      }
    })());
  return {
    http,
    schema,
    attackers,
    attachments,
    log: (line) => console.log(line),
    can: (a, resource, action) => app.acl.can({ roles: a.roles, resource, action }),
    async scope(a, name, action, pks) {
      const grant = app.acl.can({ roles: a.roles, resource: name, action });
      if (!grant) return new Set();
      const parsed = await scopeFilterOf(grant, a, db);
      if (!parsed) return 'all';
      const pk = db.getCollection(name).model.primaryKeyAttribute;
      const rows = await db
        .getRepository(name)
        .find({ filter: pks ? { $and: [parsed, { [`${pk}.$in`]: pks }] } : parsed, fields: [pk] });
      return new Set(rows.map((r: Model) => String(r.get(pk))));
    },
    async snapshot(names) {
      if (tracked) await installTriggers(names);
      const snap: Snapshot = new Map();
      for (const name of names) {
        const rows = (await db.sequelize.query(selectOf(name), { type: QueryTypes.SELECT })) as Row[];
        const pk = schema[name].pk;
        const map = new Map<string, Row>();
        for (const row of rows) {
          normalize(name, row);
          map.set(pk.length ? pk.map((k) => String(row[k])).join('|') : JSON.stringify(row), row);
        }
        snap.set(name, map);
      }
      return snap;
    },
    changed: tracked
      ? async () => {
          const rows = (await db.sequelize.query('SELECT DISTINCT tbl FROM "__attack_writes"', {
            type: QueryTypes.SELECT,
          })) as Array<{ tbl: string }>;
          return rows.map((r) => tableToCollection.get(r.tbl)).filter((n): n is string => !!n);
        }
      : undefined,
    mark: tracked ? async () => void (await db.sequelize.query('DELETE FROM "__attack_writes"')) : undefined,
    async restore(before, after, names) {
      const users = new Set<number>();
      let roles = false;
      for (const name of names) {
        const b = before.get(name) ?? new Map();
        const n = after.get(name) ?? new Map();
        const table = tableOf(name);
        const touched = (row: Row) => {
          if (name === 'users') users.add(Number(row.id));
          if (name === 'rolesUsers') users.add(Number(row.userId));
          if (name === 'roles' || name.startsWith('dataSourcesRoles')) roles = true;
        };
        for (const [k, row] of n) {
          const old = b.get(k);
          if (!old) {
            touched(row);
            await qi.bulkDelete(table, whereOf(name, row));
          } else if (JSON.stringify(old) !== JSON.stringify(row)) {
            touched(row);
            const pk = schema[name].pk;
            const values = toDb(name, Object.fromEntries(Object.entries(old).filter(([c]) => !pk.includes(c))));
            await qi.bulkUpdate(table, values, whereOf(name, old));
          }
        }
        for (const [k, row] of b) {
          if (!n.has(k)) {
            touched(row);
            await qi.bulkInsert(table, [toDb(name, row)]);
          }
        }
      }
      // The server caches users and their roles, and keeps roles in the ACL: read them again.
      for (const userId of users) {
        await app.emitAsync('cache:del:roles', { userId });
        await app.emitAsync('cache:del:auth', { userId });
      }
      if (roles) await (app.pm.get('acl') as PluginACLServer | undefined)?.writeRolesToACL?.({});
    },
  };
}

describe('adversarial attacks (issue #15): every role × every suite collection', () => {
  let app: MockServer;

  beforeAll(async () => {
    app = await createWholeSuiteServer({ username: 'attack-admin', password: 'Attack-Admin-1' });
  });

  afterAll(async () => {
    await app?.destroy();
  });

  it('lets no role write, link or read anything outside its reach', async () => {
    const http = agentHttp(app, 'en-US');
    const t0 = Date.now();
    const world = await buildWorld(http, 'attack-admin', 'Attack-Admin-1');
    const db = app.db;
    const attackers = await attackersOf(world, {
      userOfDeputy: async (id) =>
        (await db.getRepository('deputies').findOne({ filterByTk: id })).get('userId') as number,
      headOf: async (id) =>
        (await db.getRepository('liaisonStations').findOne({ filterByTk: id })).get('headId') as number,
      rolesOf: async (userId) =>
        ((await db.getRepository('rolesUsers').find({ filter: { userId } })) as Model[]).map(
          (r) => r.get('roleName') as string,
        ),
    });
    // Uploads by others: deputy B's photo (foreign to everyone else) and a citizen's photo from the public form.
    const storage = await db.getRepository('storages').findOne({});
    const upload = async (title: string, createdById: number | null) => {
      const att = await db.getRepository('attachments').create({
        values: {
          title,
          filename: `${title}.jpg`,
          extname: '.jpg',
          size: 1024,
          mimetype: 'image/jpeg',
          path: '',
          url: `/storage/uploads/${title}.jpg`,
          storageId: storage?.get('id'),
        },
      });
      await db.getRepository('attachments').update({ filterByTk: att.get('id') as number, values: { createdById } });
      return att.get('id') as number;
    };
    const deputyB = attackers.find((a) => a.key === 'deputyB')!.userId!;
    const attachments: AttackEnv['attachments'] = [
      { id: await upload('deputyB-photo', deputyB), ownerUserId: deputyB, label: "deputy B's upload" },
      { id: await upload('citizen-photo', null), ownerUserId: null, label: "a citizen's upload" },
    ];
    // Rows of deputy B and station B (a draft, an opinion through B's QR code, a mediation case), so deputy A and
    // station A's staff have another deputy's and station's rows to aim at too.
    const draftB = await http(
      'POST',
      '/dutyRecords:create',
      { itemId: world.ids.item, date: '2025-03-04' },
      world.tokens.deputyB,
    );
    const qrB = (await db.getRepository('deputies').findOne({ filterByTk: world.ids.deputyB })).get('qrToken');
    const opinionB = await http('POST', '/opinions:submit', {
      token: qrB,
      name: '赵六',
      phone: '13900139001',
      category: 'infrastructure',
      content: '乙站路灯坏了',
    });
    const mediationB = await world.admin('POST', '/mediationCases:create', {
      title: '乙站纠纷',
      stationId: world.ids.stationB,
      deputyId: world.ids.deputyB,
    });
    expect([draftB.status, opinionB.status, mediationB?.id ? 200 : 0]).toEqual([200, 200, 200]);
    // An approved record of deputy B, and station staff granted 撤销 (dutyRecords:revoke) on their station's
    // records in 角色和权限, as an administrator may: a named action held with a data scope, to aim outside it.
    const approvedB = await world.admin('POST', '/dutyRecords:create', {
      deputyId: world.ids.deputyB,
      itemId: world.ids.item,
      date: '2000-06-02',
    });
    await world.admin('POST', `/dutyRecords:submit?filterByTk=${approvedB.id}`, {});
    await world.admin('POST', `/dutyRecords:update?filterByTk=${approvedB.id}`, { status: 'approved' });
    await grantWithScope(world.admin, 'station-staff', 'dutyRecords', 'revoke', 'view');
    expect(
      app.acl.can({ roles: ['station-staff'], resource: 'dutyRecords', action: 'revoke' })?.params?.filter,
    ).toBeTruthy();
    // An approved activity of today at station B whose code nobody used yet: 活动签到 (dutyActivities:signIn)
    // gets past its checks for deputy B, so its attacks reach the writes (a record, an attendance, points).
    const today = new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 10);
    const meetingB = await world.admin('POST', '/dutyActivities:create', {
      title: '乙站集中学习',
      itemId: world.ids.item,
      stationId: world.ids.stationB,
      date: today,
    });
    await world.admin('POST', `/dutyActivities:update?filterByTk=${meetingB.id}`, { status: 'approved' });
    const { signInCode } = await world.admin('GET', `/dutyActivities:get?filterByTk=${meetingB.id}`);
    expect(signInCode).toMatch(/^[A-Z2-9]{8}$/);
    const env = serverEnv(app, http, attackers, attachments);
    // Class F: every named action registered in this app, as every role and as the administrator.
    const adminUser = await db.getRepository('users').findOne({ filter: { username: 'attack-admin' } });
    const adminId = adminUser.get('id') as number;
    const adminRoles = ((await db.getRepository('rolesUsers').find({ filter: { userId: adminId } })) as Model[]).map(
      (r) => r.get('roleName') as string,
    );
    env.namedActions = {
      actions: namedActionsOf(app),
      inputs: { ...namedActionInputs(world.ids), 'dutyActivities:signIn': { code: signInCode } },
      attackers: [{ key: 'admin', token: world.tokens.admin, userId: adminId, roles: adminRoles }],
    };
    const generator = new AttackGenerator(env, { sample: true });
    // ATTACKS_ONLY=AB (classes) and ATTACKS_ROLES=deputyA,staffA narrow a run while working on a defence.
    const only = process.env.ATTACKS_ONLY;
    const roles = process.env.ATTACKS_ROLES?.split(',');
    const attacks = (await generator.generate()).filter(
      (x) => (!only || only.includes(x.cls)) && (!roles || roles.includes(x.attacker.key)),
    );
    if (process.env.ATTACKS_DRY) {
      const by: Record<string, number> = {};
      for (const x of attacks) by[`${x.cls} ${x.attacker.key}`] = (by[`${x.cls} ${x.attacker.key}`] ?? 0) + 1;
      console.log(JSON.stringify(by, null, 1), attacks.length, generator.notes.join('\n'));
      return;
    }
    const t1 = Date.now();
    const report = await generator.run(attacks);
    await world.restore();
    // The same lookup on the action's own route (not namedActions:run): revoking station A's approved record with
    // station B's beside it in filterByTk revokes A's only (the handler changed every row filterByTk named).
    const mine = (
      await db.getRepository('dutyRecords').findOne({ filter: { deputyId: world.ids.deputyA, status: 'approved' } })
    ).get('id');
    const both = `filterByTk[]=${mine}&filterByTk[]=${approvedB.id}`;
    await http('POST', `/dutyRecords:revoke?${both}`, { reason: '重复登记' }, world.tokens.staffA);
    const statuses = await db.getRepository('dutyRecords').find({ filter: { id: { $in: [mine, approvedB.id] } } });
    expect(Object.fromEntries(statuses.map((r: Model) => [r.get('id'), r.get('status')]))).toEqual({
      [mine]: 'revoked',
      [approvedB.id]: 'approved',
    });
    const text = formatReport(report);
    console.log(
      `attack generator: fixtures ${Math.round((t1 - t0) / 1000)}s, ${attacks.length} attacks generated\n${text}`,
    );
    if (process.env.ATTACKS_REPORT) {
      fs.writeFileSync(
        process.env.ATTACKS_REPORT,
        JSON.stringify(
          {
            counts: report.counts,
            notes: report.notes,
            groups: groupFailures(report.failures),
            failures: report.failures,
          },
          null,
          1,
        ),
      );
    }
    expect(report.failures.length, text).toBe(0);
    // A refused attack is the caller's mistake: a 4xx in the caller's language, never "server error".
    const serverErrors = Object.values(report.counts).reduce(
      (n: number, c: { serverErrors?: number }) => n + (c.serverErrors ?? 0),
      0,
    );
    expect(serverErrors, report.notes.filter((n) => n.startsWith('5xx')).join('\n')).toBe(0);
  }, 1800000);
});
