/**
 * The attack generator's environment on the started app (issue #15): everything comes from the app's HTTP API
 * — the schema (collections:list), the grants (roles:check, as NocoBase's client reads them), the data scopes
 * (the ACL's filters, evaluated by the app itself in an administrator's list) — plus read access to its
 * PostgreSQL database for the snapshots, the "which tables were written" triggers and putting rows back.
 * The server test (attacks.test.ts) reads the same things from the app object; both must agree. The suite's
 * collections are those the collection manager lists with an '@deputy/' origin: suitePages, which the suite keeps
 * out of it, is attacked by the server test only.
 */
import { ACLAvailableStrategy, mergeAclActionParams, removeEmptyParams } from '@nocobase/acl';
import { assign } from '@nocobase/utils';
import { Client, types as pgTypes } from 'pg';
import type { AttackEnv, Attacker, Grant, Row, Schema, Snapshot, TableInfo } from './attack-generator';
import {
  attackersOf,
  namedActionInputs,
  schemaFromCollectionsList,
  scopeFilterOf,
  trackedCollections,
} from './attack-generator';
import { buildWorld, Http } from './permissions-matrix';

/** A role as the ACL holds it (roles:check's answer for one role). */
type RoleAcl = { name: string; strategy: any; actions: Record<string, any>; resources: string[]; snippets: string[] };

/**
 * Fixed params are added in code (acl.addFixedParams) and not shown by any API: plugin-file-manager limits writes
 * to attachments to one's own uploads. They only narrow a grant that exists (roles:check shows which do).
 */
const FIXED_PARAMS: Record<string, { filter: unknown }> = Object.fromEntries(
  ['create', 'update', 'destroy'].map((action) => [
    `attachments:${action}`,
    { filter: { createdById: '{{ctx.state.currentUser.id}}' } },
  ]),
);
/** Strategy resources added in code (acl.appendStrategyResource), besides the collection manager's collections. */
const CODE_STRATEGY_RESOURCES = ['attachments', 'chinaRegions'];

/** The app's HTTP API as the security runners call it (fetch; by default redirects are answers, not followed). */
export function fetchHttp(baseURL: string, locale = 'en-US', redirect: RequestRedirect = 'manual'): Http {
  return async (method, url, body, token) => {
    const res = await fetch(`${baseURL}/api${url}`, {
      method,
      redirect,
      headers: {
        'Content-Type': 'application/json',
        'X-Authenticator': 'basic',
        'X-Locale': locale,
        ...(token ? { Authorization: `Bearer ${token}` } : {}),
      },
      body: method === 'POST' ? JSON.stringify(body ?? {}) : undefined,
    });
    const text = await res.text();
    let parsed: any = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // not JSON (a file, a printable page)
    }
    return { status: res.status, body: parsed };
  };
}

/** Columns, keys and unique indexes of every table of the public schema. */
async function readTables(pg: Client): Promise<Record<string, TableInfo>> {
  const tables: Record<string, TableInfo> = {};
  const cols = await pg.query(
    `SELECT table_name, column_name, data_type FROM information_schema.columns WHERE table_schema = 'public' ORDER BY table_name, ordinal_position`,
  );
  for (const r of cols.rows)
    (tables[r.table_name] ??= { columns: [], pk: [], uniqueSets: [] }).columns.push({
      name: r.column_name,
      type: r.data_type,
    });
  const idx = await pg.query(`
    SELECT t.relname AS tbl, i.indisprimary AS pk, array_agg(a.attname::text ORDER BY k.ord) AS cols
    FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid JOIN pg_namespace n ON n.oid = t.relnamespace
    CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, ord) JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum
    WHERE n.nspname = 'public' AND i.indisunique GROUP BY t.relname, i.indexrelid, i.indisprimary`);
  for (const r of idx.rows) {
    const info = tables[r.tbl];
    if (!info) continue;
    if (r.pk) info.pk = r.cols;
    else if (r.cols.length > 1) info.uniqueSets.push(r.cols);
    else info.unique = [...(info.unique ?? []), r.cols[0]];
  }
  return tables;
}

/** Snippets of NocoBase's plugin manager and UI editor (pm, ui): they name no suite collection's actions. */
const PLATFORM_SNIPPETS = ['pm', 'pm.*', 'ui.*'];

export type HttpAttackEnvOptions = {
  baseURL: string;
  http: Http;
  /** The root account's token: unscoped reads (schema, roles, data scopes). */
  rootToken: string;
  pg: { host: string; port: number; user: string; password: string; database: string };
  attackers: Attacker[];
  /** Attackers of class F only (the administrator), whose roles' grants are read as the attackers' are. */
  grantsAlsoOf?: Attacker[];
  attachments: AttackEnv['attachments'];
  log?: (line: string) => void;
};

/** The environment; `close()` removes the triggers and the table it created in the app's database. */
export async function httpAttackEnv(o: HttpAttackEnvOptions): Promise<AttackEnv & { close(): Promise<void> }> {
  const { http, rootToken } = o;
  const root = async (url: string) => {
    const res = await http('GET', url, undefined, rootToken);
    if (res.status !== 200) throw new Error(`${url}: ${res.status} ${JSON.stringify(res.body).slice(0, 300)}`);
    return res.body.data;
  };
  // Numbers as the API answers them (bigint ids are numbers there), days as stored: the same values the
  // generator sends back in bodies and compares with.
  const pg = new Client({
    ...o.pg,
    types: {
      getTypeParser: ((oid: number, format: any) => {
        if (oid === 20) return (v: string) => (Number.isSafeInteger(Number(v)) ? Number(v) : v);
        if (oid === 1082) return (v: string) => v;
        return pgTypes.getTypeParser(oid, format);
      }) as any,
    },
  });
  await pg.connect();
  const tables = await readTables(pg);
  const meta: any[] = await root('/collections:listMeta');
  // The data source's list adds each collection's declared indexes (the collection manager's list has none).
  const indexes = new Map<string, unknown>(
    ((await root('/dataSources/main/collections:list?paginate=false')) as any[]).map((c) => [c.name, c.indexes ?? []]),
  );
  const listed = ((await root('/collections:list?paginate=false&appends[]=fields')) as any[]).map((c) => ({
    ...c,
    indexes: indexes.get(c.name),
  }));
  const schema: Schema = schemaFromCollectionsList(listed, tables);
  const tableOf = (name: string) => (tables[name] ? name : undefined);
  const columnTypes = (name: string) => new Map(tables[tableOf(name)!]?.columns.map((c) => [c.name, c.type]) ?? []);

  // --- grants: roles:check per role, resolved as @nocobase/acl's ACL.can resolves them ----------------------
  // Actions opened in code with acl.allow (deputies:me, attachments:create for signed-in users) are not grants:
  // ACL.can, which the server test asks, leaves them out too. Checked against the server test's app.acl.can for
  // every attacker × collection × action: the same answers.
  const check0 = (await root('/roles:check')) as any;
  const alias: Record<string, string> = check0.actionAlias ?? {};
  const aliasOf = (action: string) => alias[action] ?? action;
  const strategyResources = new Set([
    ...meta.filter((c) => c.loadedFromCollectionManager).map((c) => c.name),
    ...CODE_STRATEGY_RESOURCES,
  ]);
  const roleAcls = new Map<string, RoleAcl | null>();
  for (const a of [...o.attackers, ...(o.grantsAlsoOf ?? [])]) {
    for (const role of a.roles) {
      if (roleAcls.has(role)) continue;
      if (!a.token) {
        // Without a token roles:check answers 401; the anonymous role is read through the admin API. A stored
        // anonymous role with configured resources would need plugin-acl's field → appends rewriting (code): refused.
        const stored = await root(`/roles:get?filterByTk=${encodeURIComponent(role)}`);
        const resources = stored ? await root(`/roles/${encodeURIComponent(role)}/resources:list?paginate=false`) : [];
        if (resources.length)
          throw new Error(
            `role ${role} has configured resources, which only roles:check resolves (it needs a signed-in user)`,
          );
        roleAcls.set(
          role,
          stored
            ? { name: role, strategy: stored.strategy, actions: {}, resources: [], snippets: stored.snippets ?? [] }
            : null,
        );
        continue;
      }
      // One roles:check per role (X-Role picks it), merged below as ACL.can merges a user's roles.
      const checked = await fetch(`${o.baseURL}/api/roles:check`, {
        headers: { Authorization: `Bearer ${a.token}`, 'X-Authenticator': 'basic', 'X-Role': role },
      });
      const data = ((await checked.json()) as any).data;
      if (checked.status !== 200 || data?.role !== role)
        throw new Error(`roles:check as ${a.key} with role ${role}: ${checked.status}`);
      roleAcls.set(role, {
        name: role,
        strategy: data.strategy,
        actions: data.actions ?? {},
        resources: data.resources ?? [],
        snippets: data.snippets ?? [],
      });
    }
  }
  const canByRole = (r: RoleAcl | null, resource: string, action: string): any => {
    if (!r) return null;
    if (r.name === 'root') return { role: 'root', resource, action };
    // Snippets name actions in code (acl.registerSnippet); the suite's roles only exclude them, but npc-admin holds
    // NocoBase's plugin-manager and UI-editor snippets, which open NocoBase's own resources and no suite collection.
    if (r.snippets.some((s) => !s.startsWith('!') && !PLATFORM_SNIPPETS.includes(s)))
      throw new Error(
        `role ${r.name} is granted snippets ${r.snippets.join(', ')}, whose actions only the server's code lists`,
      );
    const fixed = FIXED_PARAMS[`${resource}:${action}`];
    const merge = (result: any) => {
      const params = fixed ? assign(result.params ?? {}, fixed) : (result.params ?? {});
      if (Object.keys(params).length) result.params = params;
      else delete result.params;
      return result;
    };
    if (r.resources.includes(resource)) {
      const params = r.actions[`${resource}:${action}`] ?? r.actions[`${resource}:${aliasOf(action)}`];
      if (!params) return null;
      if (Array.isArray(params.fields) && params.fields.length) params.fields = [...new Set(params.fields)];
      return merge({ role: r.name, resource, action, params: structuredClone(params) });
    }
    if (!r.strategy) return null;
    if (typeof r.strategy === 'string')
      throw new Error(`role ${r.name} uses the named strategy ${r.strategy}, defined in code`);
    const allowed = strategyResources.has(resource)
      ? new ACLAvailableStrategy({ resolveActionAlias: aliasOf } as any, r.strategy).allow(resource, action)
      : false;
    if (!allowed) return null;
    return merge({ role: r.name, resource, action, params: allowed && typeof allowed === 'object' ? allowed : {} });
  };
  const canCache = new Map<string, Grant>();
  const can = (a: Attacker, resource: string, action: string): Grant => {
    const key = `${a.roles.join(',')}|${resource}|${action}`;
    if (!canCache.has(key)) {
      const roles = a.roles.includes('root') ? ['root'] : a.roles;
      let result: any = null;
      for (const role of roles) {
        const one = canByRole(roleAcls.get(role) ?? null, resource, action);
        if (!result) {
          result = one;
          if (result) removeEmptyParams(result.params);
        } else if (one) result.params = mergeAclActionParams(result.params, one.params);
      }
      canCache.set(key, result);
    }
    return structuredClone(canCache.get(key)!) as Grant;
  };

  // --- data scopes: the filter parsed for the attacker, evaluated by the app in an unscoped list ----------------
  const usersDb = {
    getFieldByPath: (path: string) => {
      const [, first] = path.split('.');
      return schema.users?.fields[first] || schema.users?.columns.includes(first) ? { name: first } : undefined;
    },
    getRepository: () => ({
      findOne: async ({ filterByTk, fields }: { filterByTk: number; fields: string[] }) =>
        root(`/users:get?filterByTk=${filterByTk}&${fields.map((f) => `fields[]=${encodeURIComponent(f)}`).join('&')}`),
    }),
  };
  const scope: AttackEnv['scope'] = async (a, name, action, pks) => {
    const grant = can(a, name, action);
    if (!grant) return new Set();
    const parsed = await scopeFilterOf(grant, a, usersDb);
    if (!parsed) return 'all';
    const pk = schema[name].pk[0];
    const where = pks ? { $and: [parsed, { [`${pk}.$in`]: pks }] } : parsed;
    const res = await http(
      'GET',
      `/${name}:list?paginate=false&fields[]=${encodeURIComponent(pk)}&filter=${encodeURIComponent(JSON.stringify(where))}`,
      undefined,
      rootToken,
    );
    if (res.status === 200) return new Set((res.body.data as Row[]).map((r) => String(r[pk])));
    // A collection with no list over HTTP (attachments: the file manager's): a scope of plain column values
    // (`createdById` = the caller, what npc-admin holds there) read from the table itself.
    const plain = Object.entries(parsed as Row);
    if (res.status !== 404 || !plain.every(([k, v]) => schema[name].columns.includes(k) && typeof v !== 'object'))
      throw new Error(`${name}:list: ${res.status} ${JSON.stringify(res.body).slice(0, 300)}`);
    const sql = `SELECT "${pk}" AS pk FROM "${tableOf(name)}" WHERE ${plain.map(([k], i) => `"${k}" = $${i + 1}`).join(' AND ') || 'TRUE'}`;
    const { rows } = await pg.query(
      sql,
      plain.map(([, v]) => v),
    );
    const keys = rows.map((r: Row) => String(r.pk));
    return new Set(pks ? keys.filter((k: string) => pks.map(String).includes(k)) : keys);
  };

  // --- the database: snapshots, writes noted by triggers, rows put back ------------------------------------
  const tracked = trackedCollections(schema).filter(tableOf);
  const ident = (s: string) => `"${s.replace(/"/g, '""')}"`;
  await pg.query('CREATE TABLE IF NOT EXISTS "__attack_writes" (tbl TEXT)');
  await pg.query(
    `CREATE OR REPLACE FUNCTION "__attack_note"() RETURNS trigger SECURITY DEFINER AS $$ BEGIN INSERT INTO "__attack_writes" (tbl) VALUES (TG_TABLE_NAME); RETURN NULL; END $$ LANGUAGE plpgsql`,
  );
  const triggered: string[] = [];
  for (const name of tracked) {
    const trigger = ident(`__attack_${name}`.slice(0, 63));
    await pg.query(`DROP TRIGGER IF EXISTS ${trigger} ON ${ident(name)}`);
    await pg.query(
      `CREATE TRIGGER ${trigger} AFTER INSERT OR UPDATE OR DELETE ON ${ident(name)} FOR EACH STATEMENT EXECUTE FUNCTION "__attack_note"()`,
    );
    triggered.push(name);
  }
  const keyOf = (name: string, row: Row) => {
    const pk = schema[name].pk;
    return pk.length ? pk.map((k) => String(row[k])).join('|') : JSON.stringify(row);
  };
  const jsonColumns = (name: string) => {
    const t = columnTypes(name);
    return new Set([...t].filter(([, type]) => type === 'json' || type === 'jsonb').map(([c]) => c));
  };
  const value = (json: Set<string>, col: string, v: unknown) =>
    v !== null && v !== undefined && json.has(col) ? JSON.stringify(v) : v;
  const where = (name: string, row: Row, from: number) => {
    const pk = schema[name].pk.length ? schema[name].pk : Object.keys(row);
    return { sql: pk.map((k, i) => `${ident(k)} = $${from + i}`).join(' AND '), values: pk.map((k) => row[k]) };
  };
  let users = false;
  return {
    http,
    schema,
    attackers: o.attackers,
    attachments: o.attachments,
    log: o.log,
    can,
    scope,
    async snapshot(names) {
      const snap: Snapshot = new Map();
      for (const name of names) {
        const map = new Map<string, Row>();
        if (tableOf(name))
          for (const row of (await pg.query(`SELECT * FROM ${ident(name)}`)).rows) map.set(keyOf(name, row), row);
        snap.set(name, map);
      }
      return snap;
    },
    async changed() {
      const rows = (await pg.query('SELECT DISTINCT tbl FROM "__attack_writes"')).rows as Array<{ tbl: string }>;
      return rows.map((r) => r.tbl).filter((n) => tracked.includes(n));
    },
    async mark() {
      await pg.query('DELETE FROM "__attack_writes"');
    },
    async restore(before, after, names) {
      for (const name of names) {
        const b = before.get(name) ?? new Map();
        const n = after.get(name) ?? new Map();
        const json = jsonColumns(name);
        const pk = schema[name].pk;
        for (const [k, row] of n) {
          const old = b.get(k);
          if (!old) {
            const w = where(name, row, 1);
            await pg.query(`DELETE FROM ${ident(name)} WHERE ${w.sql}`, w.values);
          } else if (JSON.stringify(old) !== JSON.stringify(row)) {
            const cols = Object.keys(old).filter((c) => !pk.includes(c));
            const w = where(name, old, cols.length + 1);
            await pg.query(
              `UPDATE ${ident(name)} SET ${cols.map((c, i) => `${ident(c)} = $${i + 1}`).join(', ')} WHERE ${w.sql}`,
              [...cols.map((c) => value(json, c, old[c])), ...w.values],
            );
          }
        }
        for (const [k, row] of b) {
          if (n.has(k)) continue;
          const cols = Object.keys(row);
          await pg.query(
            `INSERT INTO ${ident(name)} (${cols.map(ident).join(', ')}) VALUES (${cols.map((_, i) => `$${i + 1}`).join(', ')})`,
            cols.map((c) => value(json, c, row[c])),
          );
        }
        if (['users', 'rolesUsers', 'roles'].includes(name) || name.startsWith('dataSourcesRoles')) users = true;
      }
      // The server test clears the app's caches of users and roles here; the started app's cannot be reached from
      // outside. Only a failing attack writes there (it is reported), so later answers may follow the cache.
      if (users)
        o.log?.('note: users or roles were put back in the database; the app may still cache the changed values');
      users = false;
    },
    async close() {
      for (const name of triggered)
        await pg.query(`DROP TRIGGER IF EXISTS ${ident(`__attack_${name}`.slice(0, 63))} ON ${ident(name)}`);
      await pg.query('DROP FUNCTION IF EXISTS "__attack_note"() CASCADE');
      await pg.query('DROP TABLE IF EXISTS "__attack_writes"');
      await pg.end();
    },
  };
}

/** An upload through the API (attachments:create, as the upload button sends it); the new attachment's id. */
async function upload(baseURL: string, token: string, name: string) {
  const form = new FormData();
  form.append('file', new Blob([Buffer.from(`${name} ${Date.now()}`)], { type: 'image/jpeg' }), `${name}.jpg`);
  const res = await fetch(`${baseURL}/api/attachments:create`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${token}`, 'X-Authenticator': 'basic' },
    body: form,
  });
  const body: any = await res.json();
  if (res.status !== 200) throw new Error(`upload ${name}: ${res.status} ${JSON.stringify(body)}`);
  return body.data.id as number;
}

/**
 * The generator's world on the started app, as attacks.test.ts builds it in the server test: an npc-admin made by
 * root builds the permissions matrix's fixtures; the attackers are anonymous, the two deputies and the two station
 * heads with their stored roles; deputy B and a citizen have uploaded a file each.
 */
export async function startedAppAttackEnv(o: {
  baseURL: string;
  admin: { account: string; password: string };
  pg: HttpAttackEnvOptions['pg'];
  log?: (line: string) => void;
}) {
  const http = fetchHttp(o.baseURL);
  const signIn = await http('POST', '/auth:signIn', { account: o.admin.account, password: o.admin.password });
  if (signIn.status !== 200) throw new Error(`root sign-in: ${signIn.status} ${JSON.stringify(signIn.body)}`);
  const rootToken = signIn.body.data.token as string;
  const root = async (method: 'GET' | 'POST', url: string, body?: unknown) => {
    const res = await http(method, url, body, rootToken);
    if (res.status !== 200) throw new Error(`${url}: ${res.status} ${JSON.stringify(res.body).slice(0, 300)}`);
    return res.body.data;
  };
  const tag = Date.now() % 1e6;
  const username = `attackadmin${tag}`;
  const password = `Attack-${tag}-Admin1`;
  await root('POST', '/users:create', { username, nickname: '人大管理员', password, roles: ['npc-admin'] });
  const world = await buildWorld(http, username, password);
  const attackers = await attackersOf(world, {
    userOfDeputy: async (id) => (await root('GET', `/deputies:get?filterByTk=${id}`)).userId,
    headOf: async (id) => (await root('GET', `/liaisonStations:get?filterByTk=${id}`)).headId,
    rolesOf: async (userId) =>
      ((await root('GET', `/users:get?filterByTk=${userId}&appends[]=roles`)).roles as any[]).map(
        (r) => r.name as string,
      ),
  });
  // Deputy B's photo (foreign to everyone else), and a citizen's (no uploader: as the server test stores it).
  const photo = await upload(o.baseURL, world.tokens.deputyB!, 'deputyB-photo');
  const citizen = await upload(o.baseURL, rootToken, 'citizen-photo');
  const pg = new Client(o.pg);
  await pg.connect();
  await pg.query('UPDATE "attachments" SET "createdById" = NULL, "updatedById" = NULL WHERE id = $1', [citizen]);
  await pg.end();
  const attachments: AttackEnv['attachments'] = [
    { id: photo, ownerUserId: attackers.find((a) => a.key === 'deputyB')!.userId!, label: "deputy B's upload" },
    { id: citizen, ownerUserId: null, label: "a citizen's upload" },
  ];
  // Class F: the named actions this app runs (namedActions:list, administrators only), as every role and as the
  // npc-admin; 活动签到 has no code of a today's activity here, so it is attacked without one.
  const [adminUser] = await root(
    'GET',
    `/users:list?filter=${encodeURIComponent(JSON.stringify({ username }))}&appends[]=roles`,
  );
  const admin: Attacker = {
    key: 'admin',
    token: world.tokens.admin,
    userId: adminUser.id,
    roles: (adminUser.roles as Row[]).map((r) => r.name),
  };
  const env = await httpAttackEnv({
    baseURL: o.baseURL,
    http,
    rootToken,
    pg: o.pg,
    attackers,
    grantsAlsoOf: [admin],
    attachments,
    log: o.log,
  });
  env.namedActions = {
    actions: await root('GET', '/namedActions:list'),
    inputs: namedActionInputs(world.ids),
    attackers: [admin],
  };
  return { env, world, rootToken };
}

/**
 * A deterministic sample of `attacks`: the first attack of every class × collection × role, the rest drawn with a
 * fixed seed, kept in the generated order (so a run can be repeated exactly).
 */
export function sampleAttacks<T extends { cls: string; collection: string; attacker: { key: string } }>(
  attacks: T[],
  size: number,
  seed = 15,
) {
  if (attacks.length <= size) return attacks;
  const chosen = new Set<number>();
  const groups = new Set<string>();
  attacks.forEach((x, i) => {
    const g = `${x.cls}|${x.collection}|${x.attacker.key}`;
    if (!groups.has(g)) {
      groups.add(g);
      chosen.add(i);
    }
  });
  // mulberry32: a small seeded generator.
  let state = seed >>> 0;
  const random = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const rest = attacks.map((_, i) => i).filter((i) => !chosen.has(i));
  for (let i = rest.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [rest[i], rest[j]] = [rest[j], rest[i]];
  }
  for (const i of rest.slice(0, Math.max(0, size - chosen.size))) chosen.add(i);
  return attacks.filter((_, i) => chosen.has(i));
}
