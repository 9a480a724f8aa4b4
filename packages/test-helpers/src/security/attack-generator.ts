/**
 * The adversarial test generator of issue #15: for every role (but the administrator) × every collection of
 * the suite it derives attacks from the collection definitions — nested writes through every association,
 * appends of every association path to depth 2, filters and sorts on fields the role may not read, every
 * association route, and other users' attachments — sends them through the HTTP API, walks the whole JSON
 * answer knowing which collection each nested object belongs to, and diffs the database before and after.
 *
 * Nothing here is a hand list of the suite's resources: the collections come from a `Schema` (the suite's are
 * those whose origin starts with '@deputy/'), what a role may read or write from the server's ACL (`can`), and
 * which rows a role reaches from the ACL's own data scopes evaluated on the data (`scope`). The environment
 * (the server test, or the started app) supplies those, the HTTP client, and the database snapshots.
 */
import { createUserProvider, parseJsonTemplate } from '@nocobase/acl';
import type { Database } from '@nocobase/database';
import type { Http, World } from './permissions-matrix';

// ---------------------------------------------------------------------------------------------------------
// What an environment supplies
// ---------------------------------------------------------------------------------------------------------

export const ASSOCIATION_TYPES = ['belongsTo', 'hasOne', 'hasMany', 'belongsToMany'];
export type FieldDef = {
  name: string;
  type: string;
  interface?: string;
  target?: string;
  through?: string;
  foreignKey?: string;
  otherKey?: string;
  sourceKey?: string;
  targetKey?: string;
  hidden?: boolean;
  unique?: boolean;
  /** Options of a select field (uiSchema.enum values). */
  enum?: unknown[];
};
export type CollectionDef = {
  name: string;
  origin?: string;
  /** Primary key attributes (several for through tables). */
  pk: string[];
  fields: Record<string, FieldDef>;
  /** Stored attributes (columns), foreign keys included. */
  columns: string[];
  /** Unique indexes of several columns. */
  uniqueSets: string[][];
};
export type Schema = Record<string, CollectionDef>;
export type Grant = {
  params?: { fields?: string[]; appends?: string[]; whitelist?: string[]; filter?: unknown; [k: string]: unknown };
} | null;
export type Row = Record<string, any>;
/** collection → primary key (as a string) → row. */
export type Snapshot = Map<string, Map<string, Row>>;
export type Attacker = { key: string; token?: string; userId?: number; roles: string[] };

/** How an environment tells the users behind a permissions-matrix world (the app's database, or its HTTP API). */
export type WorldLookups = {
  userOfDeputy(deputyId: number): Promise<number>;
  headOf(stationId: number): Promise<number>;
  rolesOf(userId: number): Promise<string[]>;
};

/** The five attackers of a world: anonymous, each station's deputy and each station's head, with their roles. */
export async function attackersOf(world: World, look: WorldLookups): Promise<Attacker[]> {
  const ids: Record<string, number | undefined> = {
    anonymous: undefined,
    deputyA: await look.userOfDeputy(world.ids.deputyA),
    deputyB: await look.userOfDeputy(world.ids.deputyB),
    staffA: await look.headOf(world.ids.stationA),
    staffB: await look.headOf(world.ids.stationB),
  };
  const attackers: Attacker[] = [];
  for (const key of ['anonymous', 'deputyA', 'deputyB', 'staffA', 'staffB'] as const) {
    const userId = ids[key];
    attackers.push({
      key,
      token: world.tokens[key],
      userId,
      roles: userId ? await look.rolesOf(userId) : ['anonymous'],
    });
  }
  return attackers;
}

/**
 * The data scope of a grant with its variables ({{$user.id}}…) filled for the attacker as NocoBase's ACL fills
 * them, or null when the grant covers every row. `usersDb` answers the user lookups (the app's database, or a
 * stand-in that asks the HTTP API).
 */
export async function scopeFilterOf(
  grant: Grant,
  a: Attacker,
  usersDb: unknown,
): Promise<Record<string, unknown> | null> {
  const filter = grant?.params?.filter as Record<string, unknown> | undefined;
  if (!filter || !Object.keys(filter).length) return null;
  const currentUser = a.userId ? { id: a.userId } : undefined;
  return parseJsonTemplate(filter, {
    state: { currentUser, currentRole: a.roles[0], currentRoles: a.roles },
    // The app's database, or a stand-in answering the few lookups the user provider makes.
    userProvider: createUserProvider({ db: usersDb as Database, currentUser }),
  });
}

export interface AttackEnv {
  http: Http;
  schema: Schema;
  attackers: Attacker[];
  /** The role's grant on resource:action as the server's ACL answers it (null: not granted). */
  can(a: Attacker, resource: string, action: string): Grant;
  /**
   * Primary keys of the rows of `collection` inside the attacker's data scope for `action`, evaluated on the
   * current data ('all': unscoped; empty: not granted). With `pks`, only those keys are looked at (never cached).
   */
  scope(a: Attacker, collection: string, action: string, pks?: string[]): Promise<Set<string> | 'all'>;
  /** Every row of the given collections, as stored (the administrator's view of the database). */
  snapshot(collections: string[]): Promise<Snapshot>;
  /**
   * Which of the tracked collections were written since the last `mark()` (a cheap check, e.g. triggers);
   * absent: every call is followed by a whole snapshot.
   */
  changed?(): Promise<string[]>;
  mark?(): Promise<void>;
  /** Puts the rows of `before` back after an attack changed them (so attacks stay independent). */
  restore?(before: Snapshot, after: Snapshot, collections: string[]): Promise<void>;
  /** Attachments uploaded by other users or by citizens (not by the attacker). */
  attachments: Array<{ id: number; ownerUserId: number | null; label: string }>;
  /**
   * What `namedActions:run` runs: every `resource:action` suite-core's registry holds (`namedActionsOf`), the
   * inputs a page's button sends with an action besides the record (a decision, a reason; none: `{}`), and who
   * attacks them besides `attackers` (the administrator: a named action makes its own effect and nothing else,
   * whoever calls). Absent: class F is not generated.
   */
  namedActions?: { actions: string[]; inputs?: Record<string, Row>; attackers?: Attacker[] };
  log?: (line: string) => void;
}

/** Tables the server writes on its own; rows may be added there (never changed or removed). */
export const APPEND_ONLY_SYSTEM = ['auditTrail', 'reminderLog'];
/** Tables the server keeps for itself (sign-in tokens, workflow runs): not judged. */
export const IGNORED_SYSTEM = [
  'issuedTokens',
  'tokenBlacklist',
  'executions',
  'jobs',
  'workflowTasks',
  'userWorkflowTasks',
  'workflowStats',
  'logs',
];
/** What a role may see of a user reached through any association when it may not view users. */
export const USER_DISPLAY_FIELDS = ['nickname'];
/** What may be seen of an attachment reached through a readable record. */
export const FILE_FIELDS = [
  'id',
  'title',
  'filename',
  'extname',
  'size',
  'mimetype',
  'url',
  'preview',
  'path',
  'storageId',
  'createdAt',
  'updatedAt',
  'meta',
];
const AUTO_COLUMNS = ['createdAt', 'updatedAt', 'createdById', 'updatedById'];
const ROUTE_ACTIONS = [
  'list',
  'get',
  'create',
  'update',
  'destroy',
  'set',
  'add',
  'remove',
  'toggle',
  'firstOrCreate',
  'updateOrCreate',
];
/** The actions NocoBase's relation repositories have, by association type. */
const ROUTE_ACTIONS_OF: Record<string, string[]> = {
  belongsTo: ['get', 'set', 'remove', 'update', 'create', 'destroy'],
  hasOne: ['get', 'set', 'remove', 'update', 'create', 'destroy'],
  hasMany: ['list', 'get', 'create', 'update', 'destroy', 'set', 'add', 'remove', 'firstOrCreate', 'updateOrCreate'],
  belongsToMany: ROUTE_ACTIONS,
};
const MARK = 'HACKED';
const SENSITIVE = /password|token|phone|email|idNumber|username|code|secret|key|income|members|address|citizen/i;

/** A table as the database describes it (the started app: PostgreSQL's catalog). */
export type TableInfo = {
  columns: Array<{ name: string; type: string }>;
  pk: string[];
  uniqueSets: string[][];
  unique?: string[];
};
/** Field types of columns of collections the collection manager does not list (defined in a plugin's code). */
const PG_TYPES: Record<string, string> = {
  'character varying': 'string',
  text: 'text',
  integer: 'integer',
  smallint: 'integer',
  bigint: 'bigInt',
  boolean: 'boolean',
  'timestamp with time zone': 'date',
  'timestamp without time zone': 'datetimeNoTz',
  date: 'dateOnly',
  json: 'json',
  jsonb: 'jsonb',
  numeric: 'decimal',
  'double precision': 'double',
  real: 'float',
  ARRAY: 'array',
  uuid: 'uuid',
};

/** Unique indexes of a collection definition as column lists, each once. */
type IndexDef = { unique?: boolean; fields?: (string | { name: string })[] } | null;
const uniqueIndexSets = (indexes: IndexDef[]) => [
  ...new Map(
    indexes
      .filter((i) => i?.unique && i.fields?.length)
      .map((i) => i.fields.map((x) => (typeof x === 'string' ? x : x.name)))
      .map((set) => [set.join(','), set] as const),
  ).values(),
];

/**
 * A schema from the administrator's `collections:list?paginate=false&appends[]=fields` (the started app, over
 * HTTP): the collections registered in the collection manager, with their fields. With `tables` (the database's
 * columns, keys and unique indexes), columns, keys and unique sets are the stored ones, and the collections the
 * list only points at (through tables, attachments, storages) or the generator starts from (rolesUsers) are
 * described from their tables: plain fields by column type, `createdById`/`updatedById` as NocoBase's
 * createdBy/updatedBy, `<name>Id` as a belongs-to of the table `<name>s`. Without `tables`, through tables get
 * their two keys from the many-to-many fields.
 */
export function schemaFromCollectionsList(list: any[], tables?: Record<string, TableInfo>): Schema {
  const schema: Schema = {};
  for (const c of list) {
    const fields: Record<string, FieldDef> = {};
    const columns = new Set<string>();
    const pk: string[] = [];
    for (const f of c.fields ?? []) {
      fields[f.name] = {
        name: f.name,
        type: f.type,
        interface: f.interface,
        target: f.target,
        through: f.through,
        foreignKey: f.foreignKey,
        otherKey: f.otherKey,
        // The list leaves out a belongs-to's default source key (the server test's schema has it).
        sourceKey: f.sourceKey ?? (f.type === 'belongsTo' ? 'id' : undefined),
        targetKey: f.targetKey,
        hidden: !!f.hidden,
        unique: !!f.unique,
        enum: Array.isArray(f.uiSchema?.enum)
          ? f.uiSchema.enum.map((e: unknown) => (e && typeof e === 'object' ? (e as { value: unknown }).value : e))
          : undefined,
      };
      if (f.primaryKey) pk.push(f.name);
      if (!ASSOCIATION_TYPES.includes(f.type) && f.type !== 'virtual') columns.add(f.name);
      if (f.type === 'belongsTo' && f.foreignKey) columns.add(f.foreignKey);
    }
    const table = tables?.[c.name];
    const keys = table?.pk.length ? table.pk : pk.length ? pk : ['id'];
    if (table) {
      // Columns of fields a plugin adds in code (users.failedSignIns): plain fields of the column's type.
      const fks = new Set(Object.values(fields).map((f) => f.foreignKey));
      for (const col of table.columns) {
        if (
          fields[col.name] ||
          keys.includes(col.name) ||
          fks.has(col.name) ||
          ['createdAt', 'updatedAt'].includes(col.name)
        )
          continue;
        fields[col.name] = {
          name: col.name,
          type: PG_TYPES[col.type] ?? 'string',
          unique: !!table.unique?.includes(col.name),
        };
      }
    }
    schema[c.name] = {
      name: c.name,
      origin: c.origin,
      pk: keys,
      fields,
      columns: table ? table.columns.map((x) => x.name) : [...columns],
      // The collection's declared unique indexes (dataSources/main/collections:list has them as `indexes`), else
      // the table's, but not those of a field declared unique (the server test's schema has those on the field).
      uniqueSets: Array.isArray(c.indexes)
        ? uniqueIndexSets(c.indexes)
        : [
            ...(table?.uniqueSets ?? []),
            ...(table?.unique ?? []).filter((col) => !fields[col]?.unique).map((col) => [col]),
          ],
    };
  }
  const fromTable = (name: string) => {
    const table = tables?.[name];
    if (!table || schema[name]) return;
    const fields: Record<string, FieldDef> = {};
    const keys = new Set([...table.pk, 'createdAt', 'updatedAt']);
    for (const col of table.columns) {
      if (keys.has(col.name)) continue;
      const by = /^(created|updated)ById$/.exec(col.name);
      const named = /^(\w+)Id$/.exec(col.name)?.[1];
      const target = by ? 'users' : named ? `${named}s` : '';
      const linked = !!tables[target] && (!!by || !table.pk.includes(col.name));
      if (linked) {
        const assoc = by ? `${by[1]}By` : col.name.slice(0, -2);
        fields[assoc] = {
          name: assoc,
          type: 'belongsTo',
          target,
          foreignKey: col.name,
          sourceKey: 'id',
          targetKey: 'id',
        };
      }
      if (by) fields[col.name] = { name: col.name, type: 'context' };
      else if (!linked)
        fields[col.name] = {
          name: col.name,
          type: PG_TYPES[col.type] ?? 'string',
          unique: !!table.unique?.includes(col.name),
        };
    }
    schema[name] = {
      name,
      pk: table.pk.length ? table.pk : (throughKeys.get(name) ?? ['id']),
      fields,
      columns: table.columns.map((x) => x.name),
      uniqueSets: table.uniqueSets,
    };
  };
  /** Through tables without a primary key in the database are keyed by their two foreign keys. */
  const throughKeys = new Map<string, string[]>();
  for (const c of Object.values(schema))
    for (const f of Object.values(c.fields))
      if (f.type === 'belongsToMany' && f.through)
        throughKeys.set(f.through, [f.foreignKey as string, f.otherKey as string]);
  if (tables) {
    // The collections the listed ones reach, a few hops deep (as far as trackedCollections may look).
    for (const seed of ['users', 'roles', 'rolesUsers', 'attachments']) fromTable(seed);
    for (let depth = 0; depth < 3; depth++) {
      for (const c of Object.values(schema))
        for (const f of Object.values(c.fields)) for (const t of [f.target, f.through]) if (t) fromTable(t);
    }
  }
  for (const c of Object.values(schema)) {
    for (const f of Object.values(c.fields)) {
      if (f.type !== 'belongsToMany' || !f.through || schema[f.through]) continue;
      const keys = [f.foreignKey as string, f.otherKey as string];
      schema[f.through] = {
        name: f.through,
        pk: keys,
        fields: {},
        columns: [...keys, 'createdAt', 'updatedAt'],
        uniqueSets: [],
      };
    }
  }
  return schema;
}

// ---------------------------------------------------------------------------------------------------------
// Schema helpers
// ---------------------------------------------------------------------------------------------------------

export const suiteCollections = (schema: Schema) =>
  Object.values(schema)
    .filter((c) => String(c.origin ?? '').startsWith('@deputy/'))
    .map((c) => c.name)
    .sort();
const associations = (schema: Schema, name: string) =>
  Object.values(schema[name]?.fields ?? {}).filter(
    (f) => ASSOCIATION_TYPES.includes(f.type) && f.target && schema[f.target],
  );
const toMany = (f: FieldDef) => f.type === 'hasMany' || f.type === 'belongsToMany';
const pkOf = (schema: Schema, name: string) => schema[name]?.pk?.[0] ?? 'id';
const keyOf = (schema: Schema, name: string, row: Row) => {
  const pk = schema[name]?.pk ?? [];
  return pk.length ? pk.map((k) => String(row[k])).join('|') : JSON.stringify(row);
};
const foreignKeys = (c: CollectionDef) =>
  Object.values(c.fields)
    .filter((f) => f.type === 'belongsTo' && f.foreignKey)
    .map((f) => f.foreignKey as string);

/**
 * What the generator snapshots: the suite's collections, users, roles and attachments, everything one or two
 * associations away from them, and the through tables of their many-to-many fields.
 */
export function trackedCollections(schema: Schema) {
  const seen = new Set<string>(['users', 'roles', 'rolesUsers', 'attachments'].filter((n) => schema[n]));
  const suite = suiteCollections(schema);
  let frontier = [...suite, ...seen];
  for (const n of frontier) seen.add(n);
  for (let depth = 0; depth < 2; depth++) {
    const next: string[] = [];
    for (const n of frontier) {
      for (const f of associations(schema, n)) {
        for (const t of [f.target, f.through])
          if (t && schema[t] && !seen.has(t)) {
            seen.add(t);
            next.push(t);
          }
      }
    }
    frontier = next;
  }
  for (const n of [...seen])
    for (const f of associations(schema, n)) if (f.through && schema[f.through]) seen.add(f.through);
  return [...seen].filter((n) => !IGNORED_SYSTEM.includes(n)).sort();
}

/** Many-to-many fields by their through table. */
function throughIndex(schema: Schema) {
  const index = new Map<string, Array<{ source: string; field: FieldDef }>>();
  for (const c of Object.values(schema)) {
    for (const f of Object.values(c.fields)) {
      if (f.type === 'belongsToMany' && f.through) {
        if (!index.has(f.through)) index.set(f.through, []);
        index.get(f.through)!.push({ source: c.name, field: f });
      }
    }
  }
  return index;
}

// ---------------------------------------------------------------------------------------------------------
// Values
// ---------------------------------------------------------------------------------------------------------

let serial = 0;
const SKIP_TYPES = [
  'date',
  'dateOnly',
  'datetime',
  'datetimeNoTz',
  'datetimeTz',
  'time',
  'unixTimestamp',
  'json',
  'jsonb',
  'array',
  'set',
  'uid',
  'uuid',
  'nanoid',
  'snowflakeId',
  'context',
  'virtual',
  'formula',
  'sort',
  'sequence',
  'encryption',
  'radio',
];
const NUMBER_TYPES = ['integer', 'bigInt', 'float', 'double', 'real', 'decimal'];

/** A changed value of each plain field of a row: strings marked, numbers 999, switches flipped, other options. */
function mutatedScalars(schema: Schema, name: string, row: Row) {
  const c = schema[name];
  const fks = new Set(foreignKeys(c));
  const out: Row = {};
  const n = ++serial;
  for (const f of Object.values(c.fields)) {
    if (c.pk.includes(f.name) || fks.has(f.name) || AUTO_COLUMNS.includes(f.name) || ASSOCIATION_TYPES.includes(f.type))
      continue;
    if (f.type === 'password') {
      out[f.name] = 'Hacked-123';
      continue;
    }
    if (f.hidden || SKIP_TYPES.includes(f.type) || !c.columns.includes(f.name)) continue;
    const current = row[f.name];
    if (f.enum?.length) {
      const other = f.enum.find((v) => String(v) !== String(current));
      if (other !== undefined) out[f.name] = other;
      continue;
    }
    if (f.type === 'boolean') out[f.name] = !current;
    else if (NUMBER_TYPES.includes(f.type)) out[f.name] = f.unique ? 900000 + n : f.type === 'decimal' ? '999.00' : 999;
    else if (f.type === 'string' || f.type === 'text') {
      if (/^\+?\d{6,}$/.test(String(current ?? ''))) out[f.name] = `139${String(10000000 + n).slice(-8)}`;
      else if (/@/.test(String(current ?? '')) || f.interface === 'email') out[f.name] = `hacked${n}@example.com`;
      else out[f.name] = `${MARK}-${n}`;
    }
  }
  return out;
}

/** A day unique per call (for unique date columns). */
const uniqueDay = (n: number) => new Date(Date.UTC(1950, 0, 1) + n * 86400e3).toISOString().slice(0, 10);

/**
 * Values for a new row of `name`, copied from an existing row (so they pass the suite's checks), with the
 * unique columns made unique; no keys, timestamps or authors.
 */
function cloneValues(schema: Schema, name: string, row: Row | undefined) {
  if (!row) return {};
  const c = schema[name];
  const n = ++serial;
  const fks = new Set(foreignKeys(c));
  const unique = new Set<string>(
    Object.values(c.fields)
      .filter((f) => f.unique)
      .map((f) => f.name),
  );
  for (const set of c.uniqueSets) {
    const member = set.find((m) => !fks.has(m)) ?? set[0];
    unique.add(member);
  }
  const out: Row = {};
  for (const col of c.columns) {
    const f = c.fields[col];
    if (
      c.pk.includes(col) ||
      AUTO_COLUMNS.includes(col) ||
      f?.hidden ||
      ['sort', 'uid', 'uuid', 'nanoid', 'snowflakeId', 'sequence', 'context', 'virtual', 'formula'].includes(
        f?.type ?? '',
      )
    )
      continue;
    let v = row[col];
    if (v === undefined) continue;
    if (unique.has(col) && v !== null) {
      if (fks.has(col)) continue;
      if (f && ['date', 'dateOnly'].includes(f.type)) v = uniqueDay(n);
      else if (f && NUMBER_TYPES.includes(f.type)) v = 900000 + n;
      else v = `${MARK}-u${n}`;
    }
    out[col] = v;
  }
  return out;
}

const hasMarker = (row: Row) => Object.values(row).some((v) => typeof v === 'string' && /hacked/i.test(v));

// ---------------------------------------------------------------------------------------------------------
// Attacks
// ---------------------------------------------------------------------------------------------------------

export type AttackClass = 'A' | 'B' | 'C' | 'D' | 'E' | 'F';
export const CLASS_NAMES: Record<AttackClass, string> = {
  A: 'nested writes',
  B: 'appends',
  C: 'filters/sorts on unreadable fields',
  D: 'association routes',
  E: 'foreign attachments',
  F: 'named actions (namedActions:run)',
};
/** The route a page's JS button runs a named action through (suite-core security/named-actions.ts). */
export const NAMED_ACTIONS_RUN = '/namedActions:run';
type WriteContext = {
  /** The collection whose row the call creates or changes (the route's target for association routes). */
  subject: string;
  action: 'create' | 'update' | 'destroy' | 'link' | 'read';
  /** The row changed (update/destroy), or the route's target row. */
  rowPk?: string;
  /** Association fields of the subject the values set (links through them may change). */
  fields: string[];
  route?: { source: string; sourceId: string; field: FieldDef };
};
export type Attack = {
  cls: AttackClass;
  attacker: Attacker;
  collection: string;
  /** association or path the attack is about (for coverage and grouping). */
  about: string;
  method: 'GET' | 'POST';
  url: string;
  body?: unknown;
  /** Which collection the answer's data holds (and, for a many-to-many route, the field: its link rows). */
  answers: string;
  answersThrough?: FieldDef;
  /** Class B: the same reads one by one, sent when this combined read was refused. */
  expand?: () => Attack[];
  /** Class E: the answer holds attachments; each must be the caller's or on a record it may read. */
  fileCheck?: boolean;
  /** Class E: the call fetches this file (attachments:getFile, the action behind /files/… URLs). */
  fileFetch?: string;
  /** Class D: the route's source row is one the role may not view (nothing may come back through it). */
  sourceHidden?: boolean;
  write: WriteContext;
  /** Class C: a refusal (4xx) is expected; the call without the filter/sort, to tell an oracle. */
  expectRefusal?: { baseline: string; unreadable: string };
  /** Class A: a variant with fewer changed values, sent when the server refused this one as invalid (400). */
  fallback?: () => Attack;
  /**
   * The same call without the attacking values (nested values reduced to their keys, no updateAssociationValues,
   * no foreign file): what it changes too is the server's own doing (a recomputed result, a new plan version).
   */
  twin?: () => Attack;
  /** Class F: the twin is learnt once per key (role and named action), not per route. */
  twinKey?: string;
};
type Change = {
  name: string;
  key: string;
  kind: 'insert' | 'update' | 'delete';
  before?: Row;
  after?: Row;
  columns: string[];
};
type Judged = { reason: string; cause: string; sig?: string };
/** What a change is, regardless of the keys a new row got: to compare an attack with the same call without it. */
const signature = (c: Change) =>
  c.kind === 'insert'
    ? `insert ${c.name}`
    : c.kind === 'delete'
      ? `delete ${c.name}[${c.key}]`
      : `update ${c.name}[${c.key}] ${c.columns
          .filter((x) => x !== 'updatedAt')
          .sort()
          .join(',')}`;
export type Failure = { cls: AttackClass; role: string; call: string; reasons: string[]; causes: string[] };
export type AttackReport = {
  counts: Record<
    AttackClass,
    { attacks: number; failures: number; refused: number; validation: number; serverErrors: number }
  >;
  failures: Failure[];
  notes: string[];
  calls: number;
  ms: number;
};

const q = (v: unknown) => encodeURIComponent(typeof v === 'string' ? v : JSON.stringify(v));
const uav = (paths: string[]) => paths.map((p) => `updateAssociationValues[]=${q(p)}`).join('&');
const join = (base: string, query: string) => (query ? `${base}${base.includes('?') ? '&' : '?'}${query}` : base);

export class AttackGenerator {
  readonly suite: string[];
  readonly tracked: string[];
  private throughs: Map<string, Array<{ source: string; field: FieldDef }>>;
  private base!: Snapshot;
  private readableCache = new Map<string, Set<string>>();
  private scopeCache = new Map<string, Set<string> | 'all'>();
  notes: string[] = [];
  /** Which tables the calls changed (for the report), and calls that wrote only untracked tables. */
  changedTables = new Map<string, number>();
  timing = { http: 0, snapshot: 0, restore: 0 };
  idleWrites = 0;

  constructor(
    private env: AttackEnv,
    private options: { sample?: boolean } = {},
  ) {
    this.suite = suiteCollections(env.schema);
    this.tracked = trackedCollections(env.schema);
    this.throughs = throughIndex(env.schema);
  }

  private get schema() {
    return this.env.schema;
  }

  // --- what a role reaches ---------------------------------------------------------------------------

  private async scope(a: Attacker, name: string, action: string) {
    const key = `${a.key}|${name}|${action}`;
    if (!this.scopeCache.has(key)) this.scopeCache.set(key, await this.env.scope(a, name, action));
    return this.scopeCache.get(key)!;
  }
  private async inScope(a: Attacker, name: string, action: string, pk: string, live = false) {
    const s = live ? await this.env.scope(a, name, action, [pk]) : await this.scope(a, name, action);
    return s === 'all' || s.has(pk);
  }

  /** What the role may read of a collection: its view grant's fields and appends (all fields without a list). */
  readable(a: Attacker, name: string): Set<string> {
    const key = `${a.key}|${name}`;
    const cached = this.readableCache.get(key);
    if (cached) return cached;
    const c = this.schema[name];
    const all = () =>
      [...c.columns, ...Object.keys(c.fields)].filter((f) => !c.fields[f]?.hidden && c.fields[f]?.type !== 'password');
    let set: Set<string>;
    const grant = this.env.can(a, name, 'view');
    if (name === 'attachments') set = new Set(FILE_FIELDS);
    else if (name === 'users' && !grant) set = new Set(USER_DISPLAY_FIELDS);
    else if (!grant) set = new Set();
    else if (!grant.params?.fields?.length) set = new Set(all());
    else
      set = new Set(
        [...grant.params.fields, ...(grant.params.appends ?? [])].filter((f) => c.fields[f]?.type !== 'password'),
      );
    this.readableCache.set(key, set);
    return set;
  }

  private sorted = new Map<string, Row[]>();
  /** The rows of a collection at the start, by primary key. */
  private rows(name: string) {
    if (!this.sorted.has(name)) {
      const pk = pkOf(this.schema, name);
      const rows = [...(this.base.get(name)?.values() ?? [])];
      const num = rows.every((r) => typeof r[pk] === 'number');
      this.sorted.set(
        name,
        rows.sort((x, y) => (num ? x[pk] - y[pk] : String(x[pk]).localeCompare(String(y[pk])))),
      );
    }
    return this.sorted.get(name)!;
  }
  private async firstIn(a: Attacker, name: string, action: string) {
    const s = await this.scope(a, name, action);
    return this.rows(name).find((r) => s === 'all' || s.has(keyOf(this.schema, name, r)));
  }
  private async firstOut(a: Attacker, name: string, action: string) {
    const s = await this.scope(a, name, action);
    if (s === 'all') return undefined;
    return this.rows(name).find((r) => !s.has(keyOf(this.schema, name, r)));
  }
  /** A target row for a nested value: one the role may not change, if there is one. */
  private async target(a: Attacker, name: string) {
    return (await this.firstOut(a, name, 'update')) ?? this.rows(name)[0];
  }
  /** The row an update aims at: one the role may update, else one it may not (station A's, the first). */
  private async updateRow(a: Attacker, name: string) {
    return (await this.firstIn(a, name, 'update')) ?? this.rows(name)[0];
  }
  /** Values of a new row: copied from a row the role may change or see. */
  private async createBase(a: Attacker, name: string) {
    const source =
      (await this.firstIn(a, name, 'update')) ?? (await this.firstIn(a, name, 'view')) ?? this.rows(name)[0];
    return cloneValues(this.schema, name, source);
  }

  // --- generation ------------------------------------------------------------------------------------

  /** A nested value for association `f`: an existing target row with changed fields and its own associations. */
  private async nestedValue(a: Attacker, f: FieldDef, second: boolean) {
    const t = f.target as string;
    const row = await this.target(a, t);
    if (!row) return undefined;
    const tk =
      f.type === 'hasOne' || f.type === 'hasMany' ? pkOf(this.schema, t) : (f.targetKey ?? pkOf(this.schema, t));
    const value: Row = { [tk]: row[tk], ...mutatedScalars(this.schema, t, row) };
    if (second) {
      for (const g of associations(this.schema, t)) {
        const gt = g.target as string;
        const grow = await this.target(a, gt);
        if (!grow) continue;
        const gtk =
          g.type === 'hasOne' || g.type === 'hasMany' ? pkOf(this.schema, gt) : (g.targetKey ?? pkOf(this.schema, gt));
        const inner = { [gtk]: grow[gtk], ...mutatedScalars(this.schema, gt, grow) };
        value[g.name] = toMany(g) ? [inner] : inner;
      }
    }
    return value;
  }

  /** Class A: create and update with nested values for every association, with and without updateAssociationValues. */
  private async nestedWrites(a: Attacker, name: string): Promise<Attack[]> {
    const out: Attack[] = [];
    const canCreate = !!this.env.can(a, name, 'create');
    const canUpdate = !!this.env.can(a, name, 'update');
    const row = await this.updateRow(a, name);
    const pk = pkOf(this.schema, name);
    for (const f of associations(this.schema, name)) {
      const full = await this.nestedValue(a, f, true);
      if (!full) continue;
      const plain = await this.nestedValue(a, f, false);
      const tk =
        f.type === 'hasOne' || f.type === 'hasMany'
          ? pkOf(this.schema, f.target as string)
          : (f.targetKey ?? pkOf(this.schema, f.target as string));
      const paths = [f.name, ...associations(this.schema, f.target as string).map((g) => `${f.name}.${g.name}`)];
      const forms: Array<[string, unknown]> = toMany(f)
        ? [
            ['object', full],
            ['array', [full]],
          ]
        : [['object', full]];
      const ops: Array<'create' | 'update'> = row ? ['create', 'update'] : ['create'];
      for (const op of ops) {
        const granted = op === 'create' ? canCreate : canUpdate;
        for (const [form, value] of forms) {
          for (const withUav of [true, false]) {
            // Without the grant, the ACL refuses before any value is read: one call per association is enough.
            if (!granted && (form !== 'object' || !withUav)) continue;
            const make = (v: unknown, variant: string): Attack => {
              const base = op === 'create' ? (this.createBaseSync.get(`${a.key}|${name}`) ?? {}) : {};
              const url = op === 'create' ? `/${name}:create` : `/${name}:update?filterByTk=${q(String(row![pk]))}`;
              const write: WriteContext = {
                subject: name,
                action: op,
                rowPk: op === 'update' ? String(row![pk]) : undefined,
                fields: [f.name],
              };
              const keys = (x: unknown): unknown =>
                Array.isArray(x) ? x.map(keys) : x && typeof x === 'object' ? { [tk]: (x as Row)[tk] } : x;
              return {
                cls: 'A',
                attacker: a,
                collection: name,
                about: f.name,
                method: 'POST',
                url: join(url, withUav ? uav(paths) : ''),
                body: { ...base, [f.name]: v },
                answers: name,
                write,
                twin: () => ({
                  cls: 'A',
                  attacker: a,
                  collection: name,
                  about: 'twin',
                  method: 'POST',
                  url,
                  body: { ...base, [f.name]: keys(v) },
                  answers: name,
                  write,
                }),
                fallback:
                  variant === 'all' && withUav
                    ? () => {
                        // Only the target's first marked string (and no second level): fewer checks to trip.
                        const one = { ...(plain as Row) };
                        const keep = Object.keys(one).find(
                          (k) => typeof one[k] === 'string' && one[k].startsWith(MARK),
                        );
                        for (const k of Object.keys(one))
                          if (!this.schema[f.target as string].pk.includes(k) && k !== f.targetKey && k !== keep)
                            delete one[k];
                        const attack = make(toMany(f) && form === 'array' ? [one] : one, 'one');
                        attack.about = `${f.name} (one field)`;
                        return attack;
                      }
                    : undefined,
              };
            };
            const attack = make(value, 'all');
            attack.about = `${f.name} ${op} ${form}${withUav ? ' +updateAssociationValues' : ''}`;
            out.push(attack);
            if (granted && withUav && form === 'object') {
              // A nested value without a key: a new target row (and below it, new rows again).
              const fresh = (x: unknown): unknown =>
                Array.isArray(x)
                  ? x.map(fresh)
                  : x && typeof x === 'object'
                    ? Object.fromEntries(
                        Object.entries(x as Row)
                          .filter(([k]) => k !== tk && k !== 'id')
                          .map(([k, v]) => [k, v && typeof v === 'object' ? fresh(v) : v]),
                      )
                    : x;
              const created = make(toMany(f) ? [fresh(full)] : fresh(full), 'new');
              created.about = `${f.name} ${op} new row +updateAssociationValues`;
              // Its twin clears the field: what NocoBase makes of a value it may not create.
              const plainTwin = attack.twin!();
              created.twin = () => ({
                ...plainTwin,
                body: { ...(plainTwin.body as Row), [f.name]: toMany(f) ? [] : null },
              });
              out.push(created);
            }
          }
        }
      }
    }
    return out;
  }
  private createBaseSync = new Map<string, Row>();
  private routeTurn = 0;
  private formTurn = 0;

  /** Class B: list and get with every association path to depth 2 appended. */
  private async appends(a: Attacker, name: string): Promise<Attack[]> {
    const out: Attack[] = [];
    const row = (await this.firstIn(a, name, 'view')) ?? this.rows(name)[0];
    const pk = pkOf(this.schema, name);
    const paths: string[] = [];
    for (const f of associations(this.schema, name)) {
      paths.push(f.name);
      for (const g of associations(this.schema, f.target as string)) paths.push(`${f.name}.${g.name}`);
    }
    const viewable = !!this.env.can(a, name, 'view');
    if (!viewable && this.options.sample) {
      // The ACL refuses the resource itself: one list and one get with every path (covers each association).
      if (paths.length) {
        const all = paths.map((p) => `appends[]=${q(p)}`).join('&');
        out.push(this.read('B', a, name, 'all paths', `/${name}:list?${all}`, name));
        if (row)
          out.push(this.read('B', a, name, 'all paths', `/${name}:get?filterByTk=${q(String(row[pk]))}&${all}`, name));
      }
      return out;
    }
    const columns = (coll: string) => this.schema[coll].columns;
    for (const [i, p] of paths.entries()) {
      // Sampling: one list per association with its whole subtree appended (F and every F.G); refused (4xx), it is
      // sent again path by path, so a refusal of one path cannot hide another.
      if (!this.options.sample)
        out.push(this.read('B', a, name, p, `/${name}:list?pageSize=50&appends[]=${q(p)}`, name));
      else if (!p.includes('.')) {
        const subtree = paths.filter((x) => x === p || x.startsWith(`${p}.`));
        const list = (ps: string[]) =>
          this.read(
            'B',
            a,
            name,
            ps.join(' + '),
            `/${name}:list?pageSize=50&${ps.map((x) => `appends[]=${q(x)}`).join('&')}`,
            name,
          );
        out.push({ ...list(subtree), expand: subtree.length > 1 ? () => subtree.map((x) => list([x])) : undefined });
      }
      // Sampling: a get for each association (depth 1); the paths below it through the list. The get asks in turn
      // with appends[]=, appends= and with the target's every column named in fields[].
      if (row && (!this.options.sample || !p.includes('.'))) {
        const t = this.pathTarget(name, p);
        const forms = [
          `appends[]=${q(p)}`,
          `appends=${q(p)}`,
          ['id', ...columns(t).map((c) => `${p}.${c}`)].map((c) => `fields[]=${q(c)}`).join('&'),
        ];
        out.push(
          this.read('B', a, name, p, `/${name}:get?filterByTk=${q(String(row[pk]))}&${forms[i % forms.length]}`, name),
        );
      }
    }
    // Every column asked for by name, and a row outside the role's scope asked for by key (get and list).
    out.push(
      this.read(
        'B',
        a,
        name,
        'fields[] of every column',
        `/${name}:list?pageSize=50&${columns(name)
          .map((c) => `fields[]=${q(c)}`)
          .join('&')}`,
        name,
      ),
    );
    const outside = await this.firstOut(a, name, 'view');
    if (outside) {
      const key = String(outside[pk]);
      out.push(this.read('B', a, name, 'a row outside the scope', `/${name}:get?filterByTk=${q(key)}`, name));
      out.push(
        this.read('B', a, name, 'a row outside the scope', `/${name}:list?filter=${q({ [pk]: { $in: [key] } })}`, name),
      );
    }
    return out;
  }

  private read(cls: AttackClass, a: Attacker, name: string, about: string, url: string, answers: string): Attack {
    return {
      cls,
      attacker: a,
      collection: name,
      about,
      method: 'GET',
      url,
      answers,
      write: { subject: name, action: 'read', fields: [] },
    };
  }

  /** Paths (depth ≤ 2) ending in a field the role may not read, with the field's type. */
  private unreadablePaths(a: Attacker, name: string) {
    const out: Array<{ path: string; type: string; sortable: boolean; unreadable?: string }> = [];
    const limit = this.options.sample ? 3 : Infinity;
    const pick = (coll: string, fields: string[]) => {
      // Sensitive-looking and hidden fields first, then the others; deterministic.
      const c = this.schema[coll];
      return [...fields].sort(
        (x, y) =>
          Number(!(SENSITIVE.test(x) || c.fields[x]?.hidden)) - Number(!(SENSITIVE.test(y) || c.fields[y]?.hidden)) ||
          x.localeCompare(y),
      );
    };
    const plainFields = (coll: string) => {
      const c = this.schema[coll];
      const names = new Set([
        ...c.columns,
        ...Object.keys(c.fields).filter(
          (f) => !ASSOCIATION_TYPES.includes(c.fields[f].type) && c.fields[f].type !== 'virtual',
        ),
      ]);
      return [...names].filter((f) => c.fields[f]?.type !== 'context' || c.columns.includes(f));
    };
    const unreadableOf = (coll: string, hopsReadable: boolean) =>
      plainFields(coll).filter((f) => !hopsReadable || !this.readable(a, coll).has(f));
    const typeOf = (coll: string, f: string) => this.schema[coll].fields[f]?.type ?? 'string';
    for (const f of pick(name, unreadableOf(name, true))) out.push({ path: f, type: typeOf(name, f), sortable: true });
    const r0 = this.readable(a, name);
    for (const f of associations(this.schema, name)) {
      const t = f.target as string;
      const hop1 = r0.has(f.name);
      // Sampling: through an association the role may not read, one field (a refusal must come at the first hop).
      for (const x of pick(t, unreadableOf(t, hop1)).slice(0, hop1 ? limit : this.options.sample ? 1 : Infinity)) {
        out.push({
          path: `${f.name}.${x}`,
          type: typeOf(t, x),
          sortable: !toMany(f),
          unreadable: hop1 ? `${t}.${x}` : `${name}.${f.name}`,
        });
      }
      if (!hop1 && this.options.sample) continue;
      for (const g of associations(this.schema, t)) {
        const gt = g.target as string;
        const hop2 = hop1 && this.readable(a, t).has(g.name);
        for (const x of pick(gt, unreadableOf(gt, hop2)).slice(0, this.options.sample ? 1 : Infinity)) {
          out.push({
            path: `${f.name}.${g.name}.${x}`,
            type: typeOf(gt, x),
            sortable: !toMany(f) && !toMany(g),
            unreadable: hop2 ? `${gt}.${x}` : `${t}.${g.name}`,
          });
        }
      }
    }
    return out;
  }

  /** Class C: filters and sorts on every field (and path) the role may not read: a refusal is expected. */
  private async filters(a: Attacker, name: string): Promise<Attack[]> {
    const out: Attack[] = [];
    const viewable = !!this.env.can(a, name, 'view');
    let paths = this.unreadablePaths(a, name);
    // Sampling: an attacker with the same roles as one before it (the other station's deputy or staff) gets the
    // collection's own fields and one path per association: the fields a role may read do not depend on its station.
    const sibling =
      this.options.sample &&
      this.env.attackers.slice(0, this.env.attackers.indexOf(a)).some((b) => b.roles.join() === a.roles.join());
    if (sibling) {
      const seen = new Set<string>();
      paths = paths.filter((p) => {
        const head = p.path.split('.').slice(0, -1).join('.');
        if (!head) return true;
        if (seen.has(head.split('.')[0])) return false;
        seen.add(head.split('.')[0]);
        return true;
      });
    }
    const baseline = `/${name}:list?pageSize=200&fields[]=${pkOf(this.schema, name)}`;
    const mk = (about: string, query: string, unreadable: string): Attack => ({
      ...this.read('C', a, name, about, `/${name}:list?pageSize=200&${query}`, name),
      expectRefusal: { baseline, unreadable },
    });
    if (!viewable && this.options.sample) {
      // The resource itself is refused: one filter and one sort (the most sensitive path) suffice.
      const first = paths[0];
      if (first) {
        out.push(
          mk(
            first.path,
            `filter=${q({ [first.path]: { $notEmpty: true } })}`,
            first.unreadable ?? `${name}.${first.path}`,
          ),
        );
        out.push(mk(`sort ${first.path}`, `sort=${q(first.path)}`, first.unreadable ?? `${name}.${first.path}`));
      }
      return out;
    }
    for (const [i, p] of paths.entries()) {
      const op = ['string', 'text', 'password'].includes(p.type) ? { $like: '%a%' } : { $notEmpty: true };
      // The filter's forms NocoBase accepts, in turn: a dotted path, nested objects, inside $or, inside $and.
      const nested = p.path.split('.').reduceRight<unknown>((inner, hop) => ({ [hop]: inner }), op);
      const forms = [{ [p.path]: op }, nested, { $or: [{ [p.path]: op }, { id: { $lt: 0 } }] }, { $and: [nested] }];
      const sorts = [`sort=${q(p.path)}`, `sort=${q(`-${p.path}`)}`, `sort[]=${q(p.path)}`];
      const unreadable = p.unreadable ?? `${name}.${p.path}`;
      out.push(mk(p.path, `filter=${q(forms[this.formTurn++ % forms.length])}`, unreadable));
      if (p.sortable) out.push(mk(`sort ${p.path}`, sorts[i % sorts.length], unreadable));
    }
    return out;
  }

  /** Class D: every action on every association route, on a row in and out of the role's reach. */
  private async routes(a: Attacker, name: string): Promise<Attack[]> {
    const out: Attack[] = [];
    const pk = pkOf(this.schema, name);
    const inRow = (await this.firstIn(a, name, 'update')) ?? (await this.firstIn(a, name, 'view'));
    const outRow = (await this.firstOut(a, name, 'view')) ?? (inRow ? undefined : this.rows(name)[0]);
    const sources = [inRow, outRow].filter(Boolean) as Row[];
    // A collection without rows: its routes are still called, on a key that does not exist.
    if (!sources.length) sources.push({ [pk]: 999999 });
    for (const f of associations(this.schema, name)) {
      const t = f.target as string;
      const tpk =
        f.type === 'belongsTo' || f.type === 'belongsToMany'
          ? (f.targetKey ?? pkOf(this.schema, t))
          : pkOf(this.schema, t);
      for (const [i, src] of sources.entries()) {
        const id = String(src[pk]);
        const where = i === 0 && inRow ? 'in reach' : 'out of reach';
        const base = `/${name}/${q(id)}/${f.name}`;
        // Target rows: one linked to the source (remove, update, destroy) and one not linked, out of reach (add, set).
        const linked = this.linkedTarget(name, f, src);
        const foreign = (await this.target(a, t)) ?? this.rows(t)[0];
        const other = linked ?? foreign;
        const route = { source: name, sourceId: id, field: f };
        const sourceHidden =
          !(await this.inScope(a, name, 'view', keyOf(this.schema, name, src))) || !this.env.can(a, name, 'view');
        const tkOf = (r: Row | undefined) => (r ? String(r[tpk]) : undefined);
        const linkedNow = this.linkedKeys(name, f, src);
        /**
         * The same change made on the resources themselves (the target's own create/update/destroy, or the source's
         * update of the field): what that changes too — a recomputed result — is not the route's doing.
         */
        const direct = (action: string, url: string, body: unknown): Attack['twin'] => {
          const one = !toMany(f);
          const setTo = (keys: string[]) => ({
            method: 'POST' as const,
            url: `/${name}:update?filterByTk=${q(id)}`,
            body: { [f.name]: one ? (keys[0] ?? null) : keys },
          });
          const tk = new URLSearchParams(url.split('?')[1] ?? '').get('filterByTk') ?? undefined;
          const plan =
            action === 'create' || action === 'firstOrCreate' || action === 'updateOrCreate'
              ? { method: 'POST' as const, url: `/${t}:create`, body }
              : action === 'update'
                ? { method: 'POST' as const, url: `/${t}:update?filterByTk=${q(tk ?? tkOf(linked) ?? '')}`, body }
                : action === 'destroy'
                  ? {
                      method: 'POST' as const,
                      url: `/${t}:destroy?filterByTk=${q(tk ?? tkOf(linked) ?? '')}`,
                      body: {},
                    }
                  : action === 'set'
                    ? setTo(tk ? [tk] : [])
                    : action === 'add' || (action === 'toggle' && !linkedNow.includes(String((body as Row)?.tk)))
                      ? setTo([...linkedNow, String(tk ?? (body as Row)?.tk)])
                      : action === 'remove' || action === 'toggle'
                        ? setTo(linkedNow.filter((k) => k !== String(tk ?? (body as Row)?.tk)))
                        : undefined;
          if (!plan) return undefined;
          return () => ({
            cls: 'D',
            attacker: a,
            collection: name,
            about: 'twin',
            answers: t,
            write: { subject: t, action: 'link', fields: [], route },
            ...plan,
          });
        };
        const mk = (
          action: string,
          method: 'GET' | 'POST',
          url: string,
          body: unknown,
          write: Partial<WriteContext>,
        ): Attack => ({
          cls: 'D',
          attacker: a,
          collection: name,
          about: `${f.name}:${action} (${where})`,
          method,
          url,
          body,
          answers: t,
          answersThrough: f.type === 'belongsToMany' ? f : undefined,
          sourceHidden,
          write: { subject: t, action: 'link', fields: [], route, ...write },
          twin: method === 'POST' ? direct(action, url, body) : undefined,
        });
        const tPk = (r: Row | undefined) => (r ? keyOf(this.schema, t, r) : undefined);
        const values = {
          ...cloneValues(this.schema, t, other),
          ...(other ? mutatedScalars(this.schema, t, other) : {}),
        };
        // Sampling: a route the ACL refuses whole (no grant on the source nor on the target) gets two actions,
        // taken in turn so every action is sent somewhere; the others get every action.
        const blind = !['view', 'create', 'update', 'destroy'].some(
          (x) => this.env.can(a, name, x) || this.env.can(a, t, x),
        );
        const turn = (this.routeTurn = (this.routeTurn + 2) % ROUTE_ACTIONS.length);
        let chosen =
          this.options.sample && blind
            ? [ROUTE_ACTIONS[turn], ROUTE_ACTIONS[(turn + 1) % ROUTE_ACTIONS.length]]
            : ROUTE_ACTIONS;
        // In reach: the actions NocoBase has for the association's type (out of reach every action is sent), and
        // the writes only where the role may write the source or the target at all.
        if (this.options.sample && !blind) {
          // Out of reach, also one action the type does not have, in turn (so every action is sent on every type).
          const others = ROUTE_ACTIONS.filter((x) => !ROUTE_ACTIONS_OF[f.type].includes(x));
          const extra = where === 'out of reach' && others.length ? [others[this.routeTurn % others.length]] : [];
          chosen = chosen.filter((x) => ROUTE_ACTIONS_OF[f.type].includes(x) || extra.includes(x));
          if (
            where === 'in reach' &&
            !this.env.can(a, name, 'update') &&
            !['create', 'update', 'destroy'].some((x) => this.env.can(a, t, x))
          )
            chosen = ['list', 'get'];
        }
        for (const action of chosen) {
          const one = !toMany(f);
          switch (action) {
            case 'list':
              out.push(mk(action, 'GET', `${base}:list`, undefined, { action: 'read' }));
              break;
            case 'get':
              out.push(
                mk(
                  action,
                  'GET',
                  one || !other ? `${base}:get` : `${base}:get?filterByTk=${q(tkOf(other)!)}`,
                  undefined,
                  { action: 'read' },
                ),
              );
              break;
            case 'create':
              out.push(mk(action, 'POST', `${base}:create`, values, { action: 'create' }));
              break;
            case 'firstOrCreate':
            case 'updateOrCreate': {
              const key = Object.keys(values).find((k) => typeof values[k] === 'string');
              out.push(
                mk(action, 'POST', `${base}:${action}${key ? `?filterKeys[]=${q(key)}` : ''}`, values, {
                  action: 'create',
                  rowPk: tPk(other),
                }),
              );
              break;
            }
            case 'update':
              out.push(
                mk(
                  action,
                  'POST',
                  one || !other ? `${base}:update` : `${base}:update?filterByTk=${q(tkOf(other)!)}`,
                  other ? mutatedScalars(this.schema, t, other) : {},
                  { action: 'update', rowPk: tPk(other) },
                ),
              );
              break;
            case 'destroy':
              out.push(
                mk(
                  action,
                  'POST',
                  one || !other ? `${base}:destroy` : `${base}:destroy?filterByTk=${q(tkOf(other)!)}`,
                  {},
                  { action: 'destroy', rowPk: tPk(other) },
                ),
              );
              break;
            case 'set':
            case 'add':
              if (foreign)
                out.push(
                  mk(
                    action,
                    'POST',
                    `${base}:${action}?filterByTk=${q(tkOf(foreign)!)}`,
                    one ? {} : [tkOf(foreign)],
                    {},
                  ),
                );
              break;
            case 'remove':
              if (other)
                out.push(
                  mk(action, 'POST', `${base}:remove?filterByTk=${q(tkOf(other)!)}`, one ? {} : [tkOf(other)], {}),
                );
              break;
            case 'toggle':
              if (foreign) out.push(mk(action, 'POST', `${base}:toggle`, { tk: tkOf(foreign) }, {}));
              break;
          }
        }
      }
    }
    return out;
  }

  /** The target keys linked to `src` through `f` (from the snapshot). */
  private linkedKeys(name: string, f: FieldDef, src: Row): string[] {
    const t = f.target as string;
    const tk = f.targetKey ?? pkOf(this.schema, t);
    if (f.type === 'belongsTo') return src[f.foreignKey as string] == null ? [] : [String(src[f.foreignKey as string])];
    if (f.type === 'hasOne' || f.type === 'hasMany')
      return this.rows(t)
        .filter((r) => String(r[f.foreignKey as string]) === String(src[f.sourceKey ?? 'id']))
        .map((r) => String(r[pkOf(this.schema, t)]));
    return this.rows(f.through as string)
      .filter((r) => String(r[f.foreignKey as string]) === String(src[f.sourceKey ?? 'id']))
      .map((r) => String(r[f.otherKey as string]))
      .filter((k) => k !== undefined && tk !== undefined);
  }

  /** Whether the role may see a file: its own upload, or a file on a record of the suite it may view. */
  private async fileReadable(a: Attacker, id: string, data: Snapshot) {
    const file = data.get('attachments')?.get(id);
    if (file && a.userId !== undefined && String(file.createdById) === String(a.userId)) return true;
    for (const [through, links] of this.throughs) {
      for (const { source, field } of links) {
        if (field.target !== 'attachments' || !this.suite.includes(source)) continue;
        for (const row of data.get(through)?.values() ?? []) {
          if (
            String(row[field.otherKey as string]) === id &&
            (await this.inScope(a, source, 'view', String(row[field.foreignKey as string])))
          )
            return true;
        }
      }
    }
    return false;
  }

  /** The collection an association path ends in. */
  private pathTarget(name: string, path: string) {
    let coll = name;
    for (const hop of path.split('.')) coll = this.schema[coll]?.fields[hop]?.target ?? coll;
    return coll;
  }

  /** A target row currently linked to `src` through `f` (from the snapshot). */
  private linkedTarget(name: string, f: FieldDef, src: Row) {
    const t = f.target as string;
    if (f.type === 'belongsTo')
      return this.rows(t).find((r) => String(r[f.targetKey ?? 'id']) === String(src[f.foreignKey as string]));
    if (f.type === 'hasOne' || f.type === 'hasMany')
      return this.rows(t).find((r) => String(r[f.foreignKey as string]) === String(src[f.sourceKey ?? 'id']));
    const link = this.rows(f.through as string).find(
      (r) => String(r[f.foreignKey as string]) === String(src[f.sourceKey ?? 'id']),
    );
    return link
      ? this.rows(t).find((r) => String(r[f.targetKey ?? 'id']) === String(link[f.otherKey as string]))
      : undefined;
  }

  /** Class E: another user's (or a citizen's) upload linked through every attachment field, on create and update. */
  private async foreignAttachments(a: Attacker, name: string): Promise<Attack[]> {
    const out: Attack[] = [];
    const pk = pkOf(this.schema, name);
    const row = await this.updateRow(a, name);
    for (const f of associations(this.schema, name).filter((x) => x.target === 'attachments')) {
      for (const att of this.env.attachments.filter((x) => x.ownerUserId !== a.userId)) {
        for (const op of ['create', 'update'] as const) {
          if (op === 'update' && !row) continue;
          for (const [form, value] of [
            ['ids', [att.id]],
            ['objects', [{ id: att.id }]],
          ] as const) {
            const body =
              op === 'create'
                ? { ...(this.createBaseSync.get(`${a.key}|${name}`) ?? {}), [f.name]: value }
                : { [f.name]: value };
            const url = op === 'create' ? `/${name}:create` : `/${name}:update?filterByTk=${q(String(row![pk]))}`;
            const write: WriteContext = {
              subject: name,
              action: op,
              rowPk: op === 'update' ? String(row![pk]) : undefined,
              fields: [f.name],
            };
            const twinBody = { ...body };
            delete (twinBody as Row)[f.name];
            out.push({
              cls: 'E',
              attacker: a,
              collection: name,
              about: `${f.name} ${op} ${att.label} (${form})`,
              method: 'POST',
              url,
              body,
              answers: name,
              write,
              twin: () => ({
                cls: 'E',
                attacker: a,
                collection: name,
                about: 'twin',
                method: 'POST',
                url,
                body: twinBody,
                answers: name,
                write,
              }),
            });
          }
        }
      }
    }
    return out;
  }

  // --- class F: named actions ------------------------------------------------------------------------

  /** A class F call: `POST /namedActions:run` as the attacker (`aimed`: the row of `name` it names, if any). */
  private namedCall(a: Attacker, name: string, about: string, url: string, body: Row, aimed?: Row): Attack {
    const pk = pkOf(this.schema, name);
    return {
      cls: 'F',
      attacker: a,
      collection: name,
      about,
      method: 'POST',
      url,
      body,
      answers: name,
      write: { subject: name, action: 'update', rowPk: aimed ? String(aimed[pk]) : undefined, fields: [] },
    };
  }

  /** Rows of a collection outside the attacker's scope for an action (every row without the grant), first first. */
  private async rowsOutside(a: Attacker, name: string, action: string) {
    const s = this.env.can(a, name, action) ? await this.scope(a, name, action) : new Set<string>();
    if (s === 'all') return [];
    return this.rows(name).filter((r) => !s.has(keyOf(this.schema, name, r)));
  }

  /** A row of another collection with every plain field changed (a user: its password too), keyed. */
  private foreignRow(a: Attacker, name: string) {
    if (!this.schema[name]) return undefined;
    const pk = pkOf(this.schema, name);
    const row = this.rows(name).find((r) => name !== 'users' || String(r[pk]) !== String(a.userId));
    return row ? { [pk]: row[pk], ...mutatedScalars(this.schema, name, row) } : undefined;
  }

  /**
   * Class F: for one registered named action, as one attacker, through `namedActions:run`: a row outside the
   * caller's scope for that action; filterByTk as an array and as an operator; nested values for every association
   * of the action's collection (and its associations', to depth 2), every plain field changed, the foreign keys
   * set to rows out of reach, `ids` of rows out of reach, a user with a new password and a role; `filter`,
   * `appends`, `fields`, `whitelist`, `blacklist` in the body and in the query. Each is judged against the same
   * action sent plainly (its twin): the row in the caller's scope, the button's inputs and nothing else.
   */
  private async namedActionAttacks(a: Attacker, key: string, inputs: Row): Promise<Attack[]> {
    const [name, action] = key.split(':');
    const pk = pkOf(this.schema, name);
    const granted = !!this.env.can(a, name, action);
    const scope = granted ? await this.scope(a, name, action) : new Set<string>();
    const inside = this.rows(name).filter((r) => scope === 'all' || scope.has(keyOf(this.schema, name, r)));
    const outside = await this.rowsOutside(a, name, action);
    // A row's state: its choice fields (status, kind…). An action succeeds on rows in some states only, so rows
    // outside the scope are aimed at in each state, beside a row of the caller's in the same state.
    const enums = Object.values(this.schema[name].fields).filter(
      (f) => f.enum?.length && !ASSOCIATION_TYPES.includes(f.type),
    );
    const stateOf = (r: Row) => JSON.stringify(enums.map((f) => r[f.name] ?? null));
    const byState = (rows: Row[]) =>
      [...new Map(rows.map((r) => [stateOf(r), r] as const).reverse()).values()].reverse();
    const states = byState(outside).slice(0, 3);
    const inRow = inside[0];
    const outRow = outside[0];
    const tk = (r: Row | undefined) => (r ? r[pk] : undefined);
    const body = (filterByTk: unknown, values: unknown, extra: Row = {}): Row => ({
      action: key,
      filterByTk,
      values,
      ...extra,
    });
    const out: Attack[] = [];
    /** The same action sent plainly on the caller's own row `mine` (none: on no row). */
    const twinOf = (mine: Row | undefined) => () =>
      this.namedCall(a, name, `${key} plainly`, NAMED_ACTIONS_RUN, body(tk(mine), inputs), mine);
    const push = (about: string, b: Row, aimed?: Row, url = NAMED_ACTIONS_RUN, mine = inRow) =>
      out.push({
        ...this.namedCall(a, name, `${key} ${about}`, url, b, aimed),
        twin: twinOf(mine),
        twinKey: `${a.key}|${key}|${String(tk(mine))}`,
      });
    for (const o of states) {
      push(`a row outside the scope (${stateOf(o)})`, body(tk(o), inputs), o);
      // Beside a row of the caller's in the same state: a lookup inside the scope must not carry the other along.
      const mine = inside.find((r) => stateOf(r) === stateOf(o));
      if (!mine) continue;
      push(
        `filterByTk [mine, outside] (${stateOf(o)})`,
        body([tk(mine), tk(o)], inputs),
        mine,
        NAMED_ACTIONS_RUN,
        mine,
      );
      push(
        `filterByTk {$in: [mine, outside]} (${stateOf(o)})`,
        body({ $in: [tk(mine), tk(o)] }, inputs),
        mine,
        NAMED_ACTIONS_RUN,
        mine,
      );
    }
    push('filterByTk an operator', body({ $ne: null }, inputs), inRow);
    // Nested values: what class A sends to create/update, here to the named action.
    const target = inRow ?? outRow;
    const nested: Row = {};
    // Each association's value reduced to its key and one marked string (fewer checks to trip, as class A's fallback).
    const light: Row = {};
    for (const f of associations(this.schema, name)) {
      const v = await this.nestedValue(a, f, true);
      if (v) nested[f.name] = toMany(f) ? [v] : v;
      const t0 = this.schema[f.target as string];
      const mark = v && Object.keys(v).find((k) => typeof v[k] === 'string' && String(v[k]).startsWith(MARK));
      const one =
        v &&
        Object.fromEntries(Object.entries(v).filter(([k]) => t0.pk.includes(k) || k === f.targetKey || k === mark));
      if (one) light[f.name] = toMany(f) ? [one] : one;
      const t = f.target as string;
      const foreign = await this.target(a, t);
      if (f.type === 'belongsTo' && f.foreignKey && foreign)
        nested[f.foreignKey] = foreign[f.targetKey ?? pkOf(this.schema, t)];
    }
    // `ids` names rows in the body (dutyRecords:reviewBatch). An action the role holds no grant of and may still call
    // checks the caller itself (reviewBatch: the caller's own review tasks, which may be on rows the caller sees):
    // its ids aim at rows the role may not even view.
    nested.ids = (granted ? outside : await this.rowsOutside(a, name, 'view')).map(tk);
    for (const [field, coll] of [
      ['user', 'users'],
      ['roles', 'roles'],
    ] as const) {
      const v = this.foreignRow(a, coll);
      if (v) nested[field] = coll === 'roles' ? [v] : v;
    }
    const scalars = target ? mutatedScalars(this.schema, name, target) : {};
    push('nested values and every plain field changed', body(tk(target), { ...scalars, ...nested, ...inputs }), target);
    push('nested values', body(tk(target), { ...nested, ...inputs }), target);
    push('nested values, one field each', body(tk(target), { ...light, ...inputs }), target);
    // Params an ordinary action reads, in the body and in the query: the named action's own must stand.
    const paths: string[] = [];
    for (const f of associations(this.schema, name)) {
      paths.push(f.name);
      for (const g of associations(this.schema, f.target as string)) paths.push(`${f.name}.${g.name}`);
    }
    const columns = this.schema[name].columns;
    const widen = {
      filter: { [pk]: { $in: outside.map(tk) } },
      appends: paths,
      fields: columns,
      whitelist: columns,
      blacklist: [],
      except: [],
    };
    push('filter/appends/fields/whitelist in the body', body(tk(inRow), inputs, widen), inRow);
    const query = [
      `filter=${q(widen.filter)}`,
      ...(outRow ? [`filterByTk=${q(String(tk(outRow)))}`] : []),
      ...paths.map((p) => `appends[]=${q(p)}`),
      ...columns.map((c) => `fields[]=${q(c)}`),
      ...columns.map((c) => `whitelist[]=${q(c)}`),
      `action=${q('users:update')}`,
    ].join('&');
    push(
      'filter/appends/fields/whitelist/filterByTk/action in the query',
      body(tk(inRow), inputs),
      inRow,
      `${NAMED_ACTIONS_RUN}?${query}`,
    );
    return out;
  }

  /**
   * Class F: `namedActions:run` naming what is not a named action — another resource's action (users:update,
   * roles:update), a plain action of a named action's collection (update, destroy, create), an unregistered
   * name, the route itself, a name that is not a string. Nothing may change.
   */
  private async unregisteredNamedActions(a: Attacker, registered: string[]): Promise<Attack[]> {
    const out: Attack[] = [];
    const call = (name: string, action: unknown, filterByTk: unknown, values: unknown, about: string) =>
      out.push(
        this.namedCall(a, name, `not a named action: ${about}`, NAMED_ACTIONS_RUN, { action, filterByTk, values }),
      );
    for (const coll of ['users', 'roles']) {
      const v = this.foreignRow(a, coll);
      if (v) call(coll, `${coll}:update`, v[pkOf(this.schema, coll)], v, `${coll}:update`);
    }
    for (const name of [...new Set(registered.map((k) => k.split(':')[0]))].filter((n) => this.schema[n])) {
      const pk = pkOf(this.schema, name);
      const row = (await this.rowsOutside(a, name, 'update'))[0] ?? this.rows(name)[0];
      if (row) {
        call(name, `${name}:update`, row[pk], mutatedScalars(this.schema, name, row), `${name}:update`);
        call(name, `${name}:destroy`, row[pk], {}, `${name}:destroy`);
      }
      call(name, `${name}:create`, undefined, await this.createBase(a, name), `${name}:create`);
      call(name, `${name}:notANamedAction`, row?.[pk], {}, 'an unregistered action');
    }
    const first = registered[0];
    const name = first?.split(':')[0];
    if (name && this.schema[name]) {
      call(name, NAMED_ACTIONS_RUN.slice(1), undefined, { action: first }, 'namedActions:run itself');
      call(name, [first], undefined, {}, 'an array naming a named action');
      call(name, { toString: first }, undefined, {}, 'an object naming a named action');
      call(name, `${first}:x`, undefined, {}, 'a named action with a suffix');
    }
    return out;
  }

  /** Class F for every registered named action × every attacker (and the environment's extra attackers). */
  private async namedActions(): Promise<Attack[]> {
    const named = this.env.namedActions;
    if (!named) {
      this.notes.push('F: the environment lists no named actions: namedActions:run not attacked');
      return [];
    }
    const out: Attack[] = [];
    const gaps: string[] = [];
    for (const a of [...this.env.attackers, ...(named.attackers ?? [])]) {
      for (const key of named.actions) {
        const [name, action] = key.split(':');
        if (!this.schema[name] || !action) {
          gaps.push(key);
          continue;
        }
        out.push(...(await this.namedActionAttacks(a, key, named.inputs?.[key] ?? {})));
      }
      out.push(...(await this.unregisteredNamedActions(a, named.actions)));
    }
    const plain = named.actions.filter((k) => !named.inputs?.[k]);
    this.notes.push(
      `F: ${named.actions.length} registered named actions (${named.actions.join(', ')}) × ${this.env.attackers.length + (named.attackers?.length ?? 0)} roles` +
        (gaps.length ? `; not attacked (not a collection): ${[...new Set(gaps)].join(', ')}` : '') +
        (plain.length ? `; sent without button inputs: ${plain.join(', ')}` : ''),
    );
    return out;
  }

  async generate(): Promise<Attack[]> {
    this.base = await this.env.snapshot(this.tracked);
    const attacks: Attack[] = [];
    const t: Record<string, number> = {};
    const time = async <T>(k: string, f: () => Promise<T>) => {
      const s = Date.now();
      const r = await f();
      t[k] = (t[k] ?? 0) + Date.now() - s;
      return r;
    };
    for (const a of this.env.attackers) {
      for (const name of this.suite) {
        this.createBaseSync.set(`${a.key}|${name}`, await time('base', () => this.createBase(a, name)));
        attacks.push(...(await time('A', () => this.nestedWrites(a, name))));
        attacks.push(...(await time('B', () => this.appends(a, name))));
        attacks.push(...(await time('C', () => this.filters(a, name))));
        attacks.push(...(await time('D', () => this.routes(a, name))));
        attacks.push(...(await time('E', () => this.foreignAttachments(a, name))));
      }
      // Files read directly: only the caller's own uploads and files on records it may read.
      attacks.push({
        ...this.read('E', a, 'attachments', 'attachments:list', '/attachments:list?pageSize=200', 'attachments'),
        fileCheck: true,
      });
      for (const att of this.env.attachments.filter((x) => x.ownerUserId !== a.userId)) {
        attacks.push({
          ...this.read(
            'E',
            a,
            'attachments',
            `attachments:get ${att.label}`,
            `/attachments:get?filterByTk=${att.id}`,
            'attachments',
          ),
          fileCheck: true,
        });
        // The file itself: NocoBase answers a granted fetch with a redirect to the stored file.
        attacks.push({
          ...this.read(
            'E',
            a,
            'attachments',
            `attachments:getFile ${att.label}`,
            `/attachments:getFile?filterByTk=${att.id}`,
            'attachments',
          ),
          fileFetch: String(att.id),
        });
      }
    }
    attacks.push(...(await time('F', () => this.namedActions())));
    // Coverage: every role × collection × association has at least one attack of classes A, B and D.
    const gaps: string[] = [];
    for (const cls of ['A', 'B', 'D'] as AttackClass[]) {
      const covered = new Set(
        attacks
          .filter((x) => x.cls === cls)
          .map(
            (x) => `${x.attacker.key}|${x.collection}|${x.about === 'all paths' ? '*' : x.about.split(/[ :.+(]/)[0]}`,
          ),
      );
      for (const a of this.env.attackers) {
        for (const name of this.suite) {
          for (const f of associations(this.schema, name)) {
            if (!covered.has(`${a.key}|${name}|${f.name}`) && !covered.has(`${a.key}|${name}|*`))
              gaps.push(`${cls} ${a.key} ${name}.${f.name}`);
          }
        }
      }
    }
    const pairs =
      this.env.attackers.length * this.suite.reduce((n, name) => n + associations(this.schema, name).length, 0);
    this.notes.push(
      gaps.length
        ? `not covered (${gaps.length} of ${pairs * 3} role × association × class): ${gaps.slice(0, 30).join(', ')}${gaps.length > 30 ? ', …' : ''}`
        : `every role × collection × association (${pairs}) has attacks of classes A, B and D`,
    );
    if (this.options.sample) {
      this.notes.push(
        'sampled (deterministic): a resource the ACL refuses whole gets one call per association (A, B) and two actions per route in turn (D); ' +
          'filters through an unreadable association use one field; the other station’s deputy and staff get their collection’s own fields and one path per association (C); ' +
          'lists append each association with its subtree in one call, re-sent path by path if refused (B); gets ask for depth-1 paths only (B); routes in reach use the actions of the association’s type (D)',
      );
    }
    this.env.log?.(`generation times ${JSON.stringify(t)}`);
    return attacks;
  }

  // --- checks ----------------------------------------------------------------------------------------

  /** (a) Every key of the answer the role may not read, at every depth, and rows outside its view scope. */
  async walk(
    a: Attacker,
    name: string,
    value: unknown,
    leaks: Map<string, string>,
    isNew: (name: string, pk: string) => boolean,
    path = '',
    through?: FieldDef,
    depth = 0,
  ): Promise<void> {
    if (value === null || value === undefined || depth > 6) return;
    if (Array.isArray(value)) {
      for (const item of value) await this.walk(a, name, item, leaks, isNew, path, through, depth);
      return;
    }
    if (typeof value !== 'object') return;
    const c = this.schema[name];
    if (!c) return;
    const obj = value as Row;
    const readable = this.readable(a, name);
    const at = path ? `${path} → ${name}` : name;
    if (!readable.size) {
      leaks.set(
        `${at}: a row of ${name}, which the role may not view`,
        `shows ${name} rows (the role may not view ${name})`,
      );
    } else if (!['users', 'attachments'].includes(name)) {
      const pk = c.pk[0];
      const k = pk && obj[pk] !== undefined ? String(obj[pk]) : undefined;
      if (k && !(await this.inScope(a, name, 'view', k, isNew(name, k))))
        leaks.set(
          `${at}: row ${obj[pk]} outside the role's view scope`,
          `shows ${name} rows outside the role's view scope`,
        );
    }
    for (const [key, v] of Object.entries(obj)) {
      if (through && (key === through.through || key === '_pivot_')) {
        // The link row of a many-to-many append: only its two keys and timestamps.
        const allowed = [through.foreignKey, through.otherKey, 'createdAt', 'updatedAt'];
        for (const k of Object.keys((v as Row) ?? {}))
          if (!allowed.includes(k)) leaks.set(`${at}.${key}.${k}`, `shows ${key}.${k}`);
        continue;
      }
      if (readable.size && !readable.has(key)) leaks.set(`${at}.${key}`, `shows ${name}.${key}`);
      const f = c.fields[key];
      if (f && ASSOCIATION_TYPES.includes(f.type) && f.target && v && typeof v === 'object') {
        await this.walk(
          a,
          f.target,
          v,
          leaks,
          isNew,
          `${path ? `${path}.` : ''}${key}`,
          f.type === 'belongsToMany' ? f : undefined,
          depth + 1,
        );
      }
    }
  }

  /**
   * (a) for class F: a named action answers with its records (walked as rows of their collection) or with a
   * summary of its own ({done, failed}, {periodId, version}), whose values are walked in turn.
   */
  async walkNamed(
    a: Attacker,
    name: string,
    value: unknown,
    leaks: Map<string, string>,
    isNew: (name: string, pk: string) => boolean,
    path = '',
    depth = 0,
  ): Promise<void> {
    if (value === null || value === undefined || typeof value !== 'object' || depth > 6) return;
    if (Array.isArray(value)) {
      for (const item of value) await this.walkNamed(a, name, item, leaks, isNew, path, depth);
      return;
    }
    const obj = value as Row;
    const keys = Object.keys(obj);
    const shaped = (coll: string) => {
      const c = this.schema[coll];
      return !!c && keys.length > 0 && keys.every((k) => c.columns.includes(k) || !!c.fields[k]);
    };
    // The action's collection, or one it reaches (a credited opinion answers with its duty record).
    const reached = [name, ...associations(this.schema, name).map((f) => f.target as string)];
    const coll = reached.find(shaped);
    if (coll) return this.walk(a, coll, obj, leaks, isNew, path);
    for (const [k, v] of Object.entries(obj)) {
      if (/password|token|secret/i.test(k)) leaks.set(`${path}.${k}`, `answers with a ${k}`);
      await this.walkNamed(a, name, v, leaks, isNew, `${path}.${k}`, depth + 1);
    }
  }

  /**
   * (b) for class F: every row the call changed must be changed alike by the same named action sent plainly
   * (its twin: the caller's own row, the button's inputs, nothing smuggled) — the same table, row and columns —
   * and carry no value that only the smuggled parts sent. Without a twin (no registered action named) nothing
   * may change. Workflow bookkeeping is not judged; the server's append-only logs may grow.
   */
  judgeNamed(attack: Attack, changes: Change[], twin: Change[] | undefined): Judged[] {
    const items: Judged[] = [];
    const primitives = (v: unknown, into: Set<string>) => {
      if (Array.isArray(v)) v.forEach((x) => primitives(x, into));
      else if (v && typeof v === 'object') Object.values(v).forEach((x) => primitives(x, into));
      else if ((typeof v === 'string' && v.length > 3) || (typeof v === 'number' && v >= 999)) into.add(String(v));
      return into;
    };
    const sent = primitives(attack.body, new Set());
    for (const [, v] of new URLSearchParams(attack.url.split('?')[1] ?? '')) {
      let parsed: unknown = v;
      try {
        parsed = JSON.parse(v);
      } catch {
        // a plain string
      }
      primitives(parsed, sent);
    }
    const plain = attack.twin ? primitives(attack.twin().body, new Set()) : new Set<string>();
    for (const v of plain) sent.delete(v);
    const action = String((attack.body as Row | undefined)?.action ?? '');
    const by = attack.twin ? 'the same action sent plainly' : 'a call naming no registered action';
    for (const c of changes) {
      if (IGNORED_SYSTEM.includes(c.name) || (APPEND_ONLY_SYSTEM.includes(c.name) && c.kind === 'insert')) continue;
      const label = `${c.kind} ${c.name}[${c.key}]${c.kind === 'update' ? ` (${c.columns.join(', ')})` : ''}`;
      const what =
        c.kind === 'update'
          ? `updates ${c.name} (${c.columns.filter((x) => !AUTO_COLUMNS.includes(x)).join(', ') || c.columns.join(', ')})`
          : `${c.kind === 'insert' ? 'creates' : 'deletes'} ${c.name}`;
      const alike = (twin ?? []).filter((t) => signature(t) === signature(c));
      if (!alike.length) {
        items.push({
          reason: `${label}: ${by} does not change it${
            c.kind === 'update'
              ? `: ${c.columns
                  .filter((x) => x !== 'updatedAt')
                  .map((x) => `${x} ${JSON.stringify(c.before?.[x])} → ${JSON.stringify(c.after?.[x])}`)
                  .join(', ')
                  .slice(0, 300)}`
              : ''
          }`,
          cause: `F: ${what} through namedActions:run (${action || 'no action'})`,
        });
        continue;
      }
      const columns = c.kind === 'update' ? c.columns : c.kind === 'insert' ? Object.keys(c.after ?? {}) : [];
      const smuggled = columns.filter(
        (col) =>
          sent.has(String(c.after?.[col])) &&
          !alike.some((t) => JSON.stringify(t.after?.[col]) === JSON.stringify(c.after?.[col])),
      );
      if (smuggled.length)
        items.push({
          reason: `${label}: ${smuggled.map((col) => `${col} = ${JSON.stringify(c.after?.[col])}`).join(', ')}, a value only the smuggled parts sent`,
          cause: `F: ${what} with smuggled values through namedActions:run (${action})`,
        });
    }
    return items;
  }

  /** Rows created, changed and removed between two snapshots. */
  diff(before: Snapshot, after: Snapshot): Change[] {
    const changes: Change[] = [];
    for (const name of this.tracked) {
      const b = before.get(name) ?? new Map();
      const n = after.get(name) ?? new Map();
      if (b === n) continue;
      for (const [k, row] of n) {
        const old = b.get(k);
        if (!old) changes.push({ name, key: k, kind: 'insert', after: row, columns: Object.keys(row) });
        else {
          const columns = Object.keys(row).filter((col) => JSON.stringify(row[col]) !== JSON.stringify(old[col]));
          if (columns.length) changes.push({ name, key: k, kind: 'update', before: old, after: row, columns });
        }
      }
      for (const [k, row] of b) if (!n.has(k)) changes.push({ name, key: k, kind: 'delete', before: row, columns: [] });
    }
    return changes;
  }

  /** (b) Every row changed, created or removed outside the caller's reach. */
  async judge(attack: Attack, before: Snapshot, after: Snapshot): Promise<{ items: Judged[]; changed: boolean }> {
    const a = attack.attacker;
    const w = attack.write;
    const items: Judged[] = [];
    let current: Change | undefined;
    /** A failure; those about one changed row may be excused when the same call without the attack makes it too. */
    const fail = (reason: string, cause: string, excusable = true) => {
      const c = current;
      const values =
        c?.kind === 'insert' ? Object.values(c.after!) : c?.kind === 'update' ? c.columns.map((k) => c.after![k]) : [];
      const marked = values.some((v) => (typeof v === 'string' && /hacked/i.test(v)) || sent.has(String(v)));
      items.push({ reason, cause, sig: excusable && c && !marked ? signature(c) : undefined });
    };
    const changes = this.diff(before, after);
    // Values the attack put inside nested objects: a row carrying one of them is the attack's doing.
    const sent = new Set<string>();
    const collect = (v: unknown, depth: number) => {
      if (Array.isArray(v)) v.forEach((x) => collect(x, depth));
      else if (v && typeof v === 'object') Object.values(v).forEach((x) => collect(x, depth + 1));
      else if (depth >= 2 && ((typeof v === 'string' && v.length > 3) || (typeof v === 'number' && v >= 999)))
        sent.add(String(v));
    };
    collect(attack.body, 0);
    if (!changes.length) return { items, changed: false };
    const schema = this.schema;
    const whitelistAllows = (name: string, action: string, field: string) => {
      const g = this.env.can(a, name, action);
      return !!g && (!g.params?.whitelist || g.params.whitelist.includes(field));
    };
    // The subject row: created (exactly one insert) or updated.
    const inserted = changes.filter((c) => c.name === w.subject && c.kind === 'insert');
    const newKey = w.action === 'create' && inserted.length === 1 ? inserted[0].key : undefined;
    const subjectRowOk = async (c: Change) => {
      if (c.name !== w.subject) return false;
      if (c.kind === 'insert')
        return (w.action === 'create' && c.key === newKey && !!this.env.can(a, w.subject, 'create')) || false;
      if (c.kind === 'update')
        return (
          ['update', 'create'].includes(w.action) &&
          c.key === w.rowPk &&
          (await this.inScope(a, w.subject, 'update', c.key))
        );
      return w.action === 'destroy' && c.key === w.rowPk && (await this.inScope(a, w.subject, 'destroy', c.key));
    };
    const ownerRows = after.get(w.subject);
    // Sources whose links may change: the subject row (new or updated), or the route's source.
    const linkSources = (): Array<{ source: string; id: string; field: string; action: string }> => {
      if (w.route)
        return [{ source: w.route.source, id: w.route.sourceId, field: w.route.field.name, action: 'update' }];
      const id = newKey ?? w.rowPk;
      return id
        ? w.fields.map((field) => ({
            source: w.subject,
            id,
            field,
            action: w.action === 'create' ? 'create' : 'update',
          }))
        : [];
    };
    const nestedCreates: Change[] = [];
    const targetOk = async (f: FieldDef, tk: string) => {
      const t = f.target as string;
      if (t === 'attachments') {
        const att = after.get('attachments')?.get(tk) ?? before.get('attachments')?.get(tk);
        return !!att && a.userId !== undefined && String(att.createdById) === String(a.userId);
      }
      // Users and other collections outside the suite: who may be linked is the suite's own rule, not a scope.
      if (!this.suite.includes(t)) return true;
      // A row the call created is looked at as it is now.
      return this.inScope(a, t, 'view', tk, !before.get(t)?.has(tk));
    };
    const sourceOk = async (s: { source: string; id: string; field: string; action: string }) => {
      if (!whitelistAllows(s.source, s.action, s.field)) return false;
      if (s.action === 'create') return s.id === newKey;
      return this.inScope(a, s.source, 'update', s.id);
    };
    for (const c of changes) {
      current = c;
      const label = `${c.kind} ${c.name}[${c.key}]${c.kind === 'update' ? ` (${c.columns.join(', ')})` : ''}`;
      if (IGNORED_SYSTEM.includes(c.name)) continue;
      if (APPEND_ONLY_SYSTEM.includes(c.name)) {
        if (c.kind !== 'insert')
          fail(
            `${label}: the server's append-only log changed`,
            `${attack.cls}: ${c.kind} ${c.name} (append-only log)`,
          );
        continue;
      }
      if (await subjectRowOk(c)) continue;
      // Only the timestamp of a row the role may update (a route touched its source): not a change of data.
      if (
        c.kind === 'update' &&
        c.columns.every((x) => x === 'updatedAt' || x === 'updatedById') &&
        (await this.inScope(a, c.name, 'update', c.key))
      )
        continue;
      // A row created through nested values in a collection the role may create rows of: checked below like the
      // call's own row (scope and references).
      if (
        c.kind === 'insert' &&
        c.name !== w.subject &&
        this.suite.includes(c.name) &&
        this.env.can(a, c.name, 'create') &&
        w.action !== 'read'
      ) {
        nestedCreates.push(c);
        continue;
      }
      // A link row of a many-to-many field.
      const links = this.throughs.get(c.name);
      if (links) {
        const row = (c.after ?? c.before) as Row;
        let ok = false;
        for (const { source, field } of links) {
          const src = String(row[field.foreignKey as string]);
          const tgt = String(row[field.otherKey as string]);
          for (const s of linkSources()) {
            if (s.source !== source || s.field !== field.name || s.id !== src) continue;
            if ((await sourceOk(s)) && (c.kind === 'delete' || (await targetOk(field, tgt)))) ok = true;
          }
        }
        if (!ok) {
          const f = links[0].field;
          fail(
            `${label}: link ${JSON.stringify(Object.fromEntries([f.foreignKey, f.otherKey].map((k) => [k, row[k as string]])))} (${links.map((l) => `${l.source}.${l.field.name}`).join(' / ')}) outside the caller's reach`,
            `${attack.cls}: ${c.kind === 'delete' ? 'unlinks' : 'links'} ${links[0].source}.${links[0].field.name}${f.target === 'attachments' ? ' (attachment not the caller’s)' : ''}`,
          );
        }
        continue;
      }
      // A row re-linked through a has-many/has-one field (only its foreign key changed), or a source row whose
      // belongs-to key an association route set or removed.
      if (c.kind === 'update') {
        let ok = false;
        for (const s of linkSources()) {
          const f = schema[s.source]?.fields[s.field];
          if (!f || f.type !== 'belongsTo' || c.name !== s.source || c.key !== s.id) continue;
          const fk = f.foreignKey as string;
          const onlyFk = c.columns.every((col) => col === fk || col === 'updatedAt' || col === 'updatedById');
          const value = c.after?.[fk];
          if (
            onlyFk &&
            (await sourceOk(s)) &&
            (value === null || value === undefined || (await targetOk(f, String(value))))
          )
            ok = true;
        }
        for (const s of linkSources()) {
          const f = schema[s.source]?.fields[s.field];
          if (!f || (f.type !== 'hasMany' && f.type !== 'hasOne') || f.target !== c.name) continue;
          const fk = f.foreignKey as string;
          const onlyFk = c.columns.every((col) => col === fk || col === 'updatedAt' || col === 'updatedById');
          const touches = [c.before?.[fk], c.after?.[fk]].map(String).includes(s.id);
          if (onlyFk && touches && (await sourceOk(s)) && (await this.inScope(a, c.name, 'update', c.key))) ok = true;
        }
        if (ok) continue;
      }
      // A row the server adds for the new or changed row (a milestone, a filed duty record), unmarked.
      if (c.kind === 'insert' && c.after && !hasMarker(c.after)) {
        const id = newKey ?? w.rowPk;
        const refers =
          id &&
          Object.values(schema[c.name]?.fields ?? {}).some(
            (f) => f.type === 'belongsTo' && f.target === w.subject && String(c.after![f.foreignKey as string]) === id,
          );
        const referred =
          ownerRows &&
          id &&
          Object.values(schema[w.subject]?.fields ?? {}).some(
            (f) =>
              f.type === 'belongsTo' &&
              f.target === c.name &&
              String(ownerRows.get(id)?.[f.foreignKey as string]) === c.key,
          );
        if (refers || referred) continue;
      }
      const what =
        c.kind === 'update'
          ? `updates ${c.name} (${c.columns.filter((x) => !AUTO_COLUMNS.includes(x)).join(', ') || c.columns.join(', ')})`
          : `${c.kind === 'insert' ? 'creates' : 'deletes'} ${c.name}`;
      const subjectNote =
        c.name === w.subject
          ? c.kind === 'update'
            ? ' — a row outside the caller’s update scope'
            : c.kind === 'insert'
              ? ' — without create permission or more than one row'
              : ' — outside the caller’s destroy scope'
          : '';
      const through = w.route ? 'the association route' : 'nested values';
      const otherNote =
        c.name === w.subject
          ? ''
          : c.kind === 'update'
            ? ' — another row than the call’s own'
            : c.kind === 'insert'
              ? ` — a row created through ${through}`
              : ` — a row removed through ${through}`;
      fail(
        `${label}${subjectNote}${otherNote}${
          c.kind === 'update'
            ? `: ${c.columns
                .filter((x) => x !== 'updatedAt')
                .map((x) => `${x} ${JSON.stringify(c.before?.[x])} → ${JSON.stringify(c.after?.[x])}`)
                .join(', ')
                .slice(0, 300)}`
            : ''
        }`,
        `${attack.cls}: ${what}${subjectNote}`,
      );
    }
    current = undefined;
    // The row the call created or changed, and rows created through nested values (allowed only where the role
    // may create them itself), must be inside the caller's reach and point inside it.
    const subjectKey =
      newKey ??
      (changes.some((c) => c.name === w.subject && c.key === w.rowPk && c.kind === 'update') ? w.rowPk : undefined);
    const subjectChange = changes.find((c) => c.name === w.subject && c.key === subjectKey);
    const checked = subjectKey && subjectChange?.after && (await subjectRowOk(subjectChange)) ? [subjectChange] : [];
    checked.push(...nestedCreates);
    for (const change of checked) {
      const name = change.name;
      const how =
        change === subjectChange
          ? change.kind === 'insert'
            ? 'created'
            : 'moved'
          : `created through ${w.route ? 'the association route' : 'nested values'}`;
      const viewGrant = this.env.can(a, name, 'view');
      if (viewGrant?.params?.filter && !(await this.inScope(a, name, 'view', change.key, true))) {
        fail(
          `${change.kind} ${name}[${change.key}]: the row ends up outside the caller's own view scope`,
          `${attack.cls}: ${name} ${how} outside the caller's view scope`,
        );
      }
      for (const f of Object.values(schema[name].fields)) {
        if (f.type !== 'belongsTo' || !f.target || !this.suite.includes(f.target)) continue;
        const fk = f.foreignKey as string;
        const value = change.after![fk];
        if (value === null || value === undefined) continue;
        if (change.kind === 'update' && !change.columns.includes(fk)) continue;
        const g = this.env.can(a, f.target, 'view');
        if (g && !g.params?.filter) continue;
        if (!g || !(await this.inScope(a, f.target, 'view', String(value), true))) {
          fail(
            `${change.kind} ${name}[${change.key}].${fk} = ${value}: a ${f.target} row outside the caller's reach`,
            `${attack.cls}: ${name}.${f.name} set to a ${f.target} row outside the caller's reach`,
          );
        }
      }
    }
    return { items, changed: true };
  }

  // --- running ---------------------------------------------------------------------------------------

  async run(attacks: Attack[]): Promise<AttackReport> {
    const started = Date.now();
    const env = this.env;
    const counts = Object.fromEntries(
      (Object.keys(CLASS_NAMES) as AttackClass[]).map((k) => [
        k,
        { attacks: 0, failures: 0, refused: 0, validation: 0, serverErrors: 0 },
      ]),
    ) as AttackReport['counts'];
    const failures: Failure[] = [];
    const baselines = new Map<string, string>();
    let before = this.base;
    await env.mark?.();
    let calls = 0;
    let restores = 0;
    let excused = 0;
    const twins = new Map<string, Set<string>>();
    const serverErrors = new Map<string, { n: number; example: string }>();
    /** Sends a call; the data afterwards when it changed anything. */
    const send = async (attack: Attack) => {
      calls++;
      const t1 = Date.now();
      const res = await env.http(attack.method, attack.url, attack.body, attack.attacker.token);
      const t2 = Date.now();
      this.timing.http += t2 - t1;
      let after: Snapshot | undefined;
      if (!env.changed) after = await env.snapshot(this.tracked);
      else {
        const names = await env.changed();
        if (names.length) {
          // Only the written tables are read again; the others are the same maps as before.
          after = new Map(before);
          for (const [n, rows] of await env.snapshot(names)) after.set(n, rows);
        }
      }
      this.timing.snapshot += Date.now() - t2;
      const changes = after ? this.diff(before, after) : [];
      for (const c of changes)
        this.changedTables.set(`${c.kind} ${c.name}`, (this.changedTables.get(`${c.kind} ${c.name}`) ?? 0) + 1);
      if (after && !changes.length) this.idleWrites++;
      return { res, after: changes.length ? after : undefined };
    };
    /** Puts the data back as it was before the call (so every attack meets the same world). */
    const putBack = async (attack: Attack, after: Snapshot | undefined) => {
      if (after && env.restore) {
        const t = Date.now();
        const names = this.tracked.filter((n) => after.get(n) !== before.get(n));
        await env.restore(before, after, names);
        restores++;
        // Checked: the written tables read again must equal what they were.
        const check = new Map(before);
        for (const [n, rows] of await env.snapshot(names)) check.set(n, rows);
        const left = this.diff(before, check);
        this.timing.restore += Date.now() - t;
        if (left.length) {
          this.notes.push(
            `data not fully put back after ${attack.method} ${attack.url}: ${[...new Set(left.map((c) => c.name))].join(', ')}`,
          );
          before = check;
          this.scopeCache.clear();
        }
      } else if (after) {
        before = after;
        this.scopeCache.clear();
      }
      await env.mark?.();
    };
    const namedTwins = new Map<string, Change[]>();
    /** Class F: the answer walked, the changes compared with the same named action sent plainly (learnt once). */
    const executeNamed = async (attack: Attack) => {
      const { res, after } = await send(attack);
      const reasons: string[] = [];
      const causes: string[] = [];
      if (res.status < 300 && res.body && typeof res.body === 'object') {
        const leaks = new Map<string, string>();
        await this.walkNamed(
          attack.attacker,
          attack.answers,
          res.body.data,
          leaks,
          (name, pk) => !before.get(name)?.has(pk),
        );
        for (const [reason, cause] of leaks) {
          reasons.push(`answer shows ${reason}`);
          causes.push(`F: ${cause}`);
        }
      }
      if (after) {
        const changes = this.diff(before, after);
        await putBack(attack, after);
        let twin: Change[] | undefined;
        if (attack.twin) {
          const key = attack.twinKey ?? `${attack.attacker.key} ${attack.url.split('?')[0]}`;
          twin = namedTwins.get(key);
          if (!twin) {
            const plain = await send(attack.twin());
            twin = plain.after ? this.diff(before, plain.after) : [];
            namedTwins.set(key, twin);
            await putBack(attack, plain.after);
          }
        }
        for (const x of this.judgeNamed(attack, changes, twin)) {
          reasons.push(x.reason);
          causes.push(x.cause);
        }
      }
      return { res, reasons, causes };
    };
    /** Sends one attack, walks its answer, diffs the database, and puts the data back. */
    const execute = async (attack: Attack) => {
      if (attack.cls === 'F') return executeNamed(attack);
      const { res, after } = await send(attack);
      const reasons: string[] = [];
      const causes: string[] = [];
      // (a) the whole answer, knowing which collection each nested object belongs to (before the data is put back:
      // a row the call created is judged on the data it created).
      if (res.status < 300 && res.body && typeof res.body === 'object') {
        const leaks = new Map<string, string>();
        await this.walk(
          attack.attacker,
          attack.answers,
          res.body.data,
          leaks,
          (name, pk) => !before.get(name)?.has(pk),
          '',
          attack.answersThrough,
        );
        const data = res.body.data;
        if (
          attack.sourceHidden &&
          attack.method === 'GET' &&
          data !== null &&
          data !== undefined &&
          !(Array.isArray(data) && !data.length)
        ) {
          leaks.set(
            `${attack.answers} rows linked to ${attack.collection} ${attack.url.split('/')[2]}, a row the role may not view`,
            `answers through ${attack.collection} rows the role may not view`,
          );
        }
        if (attack.fileCheck) {
          for (const file of (Array.isArray(data) ? data : data ? [data] : []) as Row[]) {
            if (!(await this.fileReadable(attack.attacker, String(file?.id), before))) {
              leaks.set(
                `attachment ${file?.id} (${file?.title}): not the caller's upload, on no record it may read`,
                `shows attachments that are not the caller's, on no record it may read`,
              );
            }
          }
        }
        for (const [reason, cause] of leaks) {
          reasons.push(`answer shows ${reason}`);
          causes.push(`${attack.cls}: ${cause}`);
        }
      }
      // A fetch granted (the file, or the redirect to it) must be of a file the role may see.
      if (attack.fileFetch && res.status < 400) {
        const id = attack.fileFetch;
        if (
          !(await this.fileReadable(attack.attacker, id, before)) &&
          !(await this.inScope(attack.attacker, 'attachments', 'view', id))
        ) {
          reasons.push(
            `fetched attachment ${id} (answer ${res.status}): not the caller's upload, on no record it may read`,
          );
          causes.push('E: fetches files that are not the caller’s, on no record it may read');
        }
      }
      // (b) the database before and after.
      if (after) {
        let { items } = await this.judge(attack, before, after);
        await putBack(attack, after);
        if (items.some((x) => x.sig) && attack.twin && res.status < 300) {
          // What the same call without the attack changes, learnt once per role, resource and action.
          const key = `${attack.attacker.key} ${attack.url.split('?')[0]} ${attack.write.action}`;
          let made = twins.get(key);
          if (!made || items.some((x) => x.sig && !made!.has(x.sig))) {
            const twin = await send(attack.twin());
            made = new Set([...(made ?? []), ...(twin.after ? this.diff(before, twin.after).map(signature) : [])]);
            twins.set(key, made);
            await putBack(attack, twin.after);
          }
          const kept = items.filter((x) => !x.sig || !made.has(x.sig));
          excused += items.length - kept.length;
          items = kept;
        }
        for (const x of items) {
          reasons.push(x.reason);
          causes.push(x.cause);
        }
      }
      return { res, reasons, causes };
    };
    for (let i = 0; i < attacks.length; i++) {
      let attack = attacks[i];
      counts[attack.cls].attacks++;
      let { res, reasons, causes } = await execute(attack);
      if (res.status === 400 && attack.fallback && !reasons.length) {
        // Refused as invalid before the nested values were tried: the same with one changed field.
        counts[attack.cls].validation++;
        attack = attack.fallback();
        ({ res, reasons, causes } = await execute(attack));
      }
      if (res.status >= 400 && res.status < 500 && attack.expand) {
        // A combined read refused: each part on its own (appended after the others, counted as attacks).
        attacks.splice(i + 1, 0, ...attack.expand());
      }
      if (res.status >= 400) counts[attack.cls].refused++;
      if (res.status >= 500) {
        counts[attack.cls].serverErrors++;
        const action = attack.url.split('?')[0].split(':').pop();
        const key = `${attack.cls} ${action}: ${String(res.body?.errors?.[0]?.message ?? res.status)
          .replace(/\d+/g, 'N')
          .slice(0, 120)}`;
        const e = serverErrors.get(key) ?? {
          n: 0,
          example: `${attack.attacker.key} ${attack.method} ${decodeURIComponent(attack.url)}`,
        };
        e.n++;
        serverErrors.set(key, e);
      }
      if (attack.expectRefusal && (res.status < 400 || res.status >= 500)) {
        let same = '';
        if (res.status < 300) {
          const key = `${attack.attacker.key}|${attack.expectRefusal.baseline}`;
          const ids = (body: { data?: unknown } | undefined) =>
            JSON.stringify(
              (Array.isArray(body?.data) ? body.data : []).map((r: Row) => r?.[pkOf(this.schema, attack.collection)]),
            );
          if (!baselines.has(key)) {
            calls++;
            baselines.set(
              key,
              ids((await env.http('GET', attack.expectRefusal.baseline, undefined, attack.attacker.token)).body),
            );
          }
          same =
            ids(res.body) === baselines.get(key) ? 'same rows as without it' : 'other rows than without it: an oracle';
        }
        const sort = attack.about.startsWith('sort ');
        reasons.push(
          `${sort ? 'sort' : 'filter'} on an unreadable field answered ${res.status}${same ? ` (${same})` : ''}`,
        );
        causes.push(
          `C: accepts ${sort ? 'sort' : 'filter'} on unreadable ${attack.expectRefusal.unreadable}${res.status >= 500 ? ' (answers 5xx)' : ''}`,
        );
      }
      if (reasons.length) {
        counts[attack.cls].failures++;
        failures.push({
          cls: attack.cls,
          role: attack.attacker.key,
          call: `${attack.method} ${decodeURIComponent(attack.url)}${attack.body !== undefined && attack.method === 'POST' ? ` ${JSON.stringify(attack.body).slice(0, 400)}` : ''} → ${res.status}`,
          reasons: [...new Set(reasons)],
          causes: [...new Set(causes)],
        });
      }
      if (env.log && (i + 1) % 2000 === 0)
        env.log(
          `… ${i + 1}/${attacks.length} attacks, ${failures.length} failing, ${Math.round((Date.now() - started) / 1000)}s`,
        );
    }
    this.notes.push(
      `rows changed by calls (before being put back): ${[...this.changedTables]
        .sort((x, y) => y[1] - x[1])
        .map(([k, n]) => `${k} ×${n}`)
        .join(', ')}; ${this.idleWrites} calls wrote only untracked tables`,
    );
    this.notes.push(
      `time: ${Math.round(this.timing.http / 1000)}s in calls, ${Math.round(this.timing.snapshot / 1000)}s reading the data, ${Math.round(this.timing.restore / 1000)}s putting it back`,
    );
    for (const [k, e] of [...serverErrors].sort((x, y) => y[1].n - x[1].n).slice(0, 12))
      this.notes.push(`5xx ×${e.n} ${k} (e.g. ${e.example})`);
    this.notes.push(`${restores} calls changed data; each time the data was put back before the next call`);
    this.notes.push(
      `${excused} changed rows not blamed on an attack: the same call without the attacking values made them too`,
    );
    return { counts, failures, notes: this.notes, calls, ms: Date.now() - started };
  }
}

/** Failures grouped by cause, most frequent first, each with the roles and an example call. */
export function groupFailures(failures: Failure[]) {
  type Group = {
    cause: string;
    count: number;
    roles: Set<string>;
    fields: Set<string>;
    example: string;
    reason: string;
  };
  const groups = new Map<string, Group>();
  // Fields of one collection shown (or filtered on) are one cause: "B: shows deputies.{phone, qrToken}".
  const merge = (cause: string): [string, string | undefined] => {
    const m = /^(.*? (?:shows|on unreadable) )(\w+)\.(\w+)(.*)$/.exec(cause);
    return m ? [`${m[1]}${m[2]}.{…}${m[4]}`, m[3]] : [cause, undefined];
  };
  for (const f of failures) {
    const counted = new Set<string>();
    for (const cause of f.causes) {
      const [key, field] = merge(cause);
      const g = groups.get(key) ?? {
        cause: key,
        count: 0,
        roles: new Set<string>(),
        fields: new Set<string>(),
        example: f.call,
        reason: f.reasons.find((r) => !field || r.includes(field)) ?? f.reasons[0],
      };
      if (!counted.has(key)) g.count++;
      counted.add(key);
      g.roles.add(f.role);
      if (field) g.fields.add(field);
      groups.set(key, g);
    }
  }
  return [...groups.values()]
    .sort((x, y) => y.count - x.count || x.cause.localeCompare(y.cause))
    .map((g) => ({
      ...g,
      cause: g.cause.replace('{…}', `{${[...g.fields].sort().join(', ')}}`),
      roles: [...g.roles].sort(),
      fields: [...g.fields].sort(),
    }));
}

/** The readable summary the test prints and fails with. */
export function formatReport(report: AttackReport, limit = 50) {
  const lines: string[] = [];
  for (const [cls, c] of Object.entries(report.counts)) {
    lines.push(
      `${cls} ${CLASS_NAMES[cls as AttackClass]}: ${c.attacks} attacks, ${c.failures} failures (${c.refused} refused, ${c.serverErrors} of them with 5xx${c.validation ? `; ${c.validation} refused as invalid and re-sent with one changed field` : ''})`,
    );
  }
  lines.push(`${report.calls} calls in ${Math.round(report.ms / 1000)}s`);
  for (const n of report.notes) lines.push(`note: ${n}`);
  if (report.failures.length) {
    lines.push('', `failures by cause (${report.failures.length} failing calls):`);
    for (const g of groupFailures(report.failures))
      lines.push(`  ${g.count} × ${g.cause} [${g.roles.join(', ')}]\n      e.g. ${g.example}\n      ${g.reason}`);
    lines.push('', `first ${Math.min(limit, report.failures.length)} failures:`);
    for (const f of report.failures.slice(0, limit))
      lines.push(`  [${f.cls}] ${f.role} ${f.call}\n      ${f.reasons.join('\n      ')}`);
  }
  return lines.join('\n');
}

/**
 * What a page's button sends to a named action besides the record (its inputs: a decision, a reason), so the
 * plain call gets past its checks and the attacks reach the handler's writes. Which actions are attacked comes
 * from the registry (namedActionsOf), not from here: an action missing here is attacked with no inputs.
 */
export const namedActionInputs = (ids: Record<string, number>): Record<string, Row> => ({
  'dutyRecords:revoke': { reason: '重复登记' },
  'dutyRecords:reviewBatch': { decision: 'approve', comment: '同意' },
  'pointAppeals:decide': { decision: 'rejected', reason: '材料不足' },
  'opinions:classify': { opinionClassId: ids.opinionClass },
  'opinions:assign': { handlingUnit: '镇政府' },
  'opinions:progress': { note: '已联系' },
  'opinions:answer': { answer: '已修复' },
  'opinions:convert': { suggestionRef: '建议-2025-01' },
  'mediationCases:milestone': { stage: 'respond', note: '已联系双方' },
  'mediationCases:closeMediation': { result: 'failed', outcome: '未达成' },
  'suggestions:reviewSuggestion': { decision: 'return', note: '请聚焦具体问题' },
  'suggestions:assignSuggestion': { units: [{ unitId: ids.handlingUnit, role: 'lead' }] },
  'suggestionAssignments:extendAssignment': { reason: '需统筹资金' },
  'suggestionAssignments:replyAssignment': { reply: '已列入计划', resultCode: 'B' },
  'suggestionAssignments:feedbackAssignment': { satisfaction: 'satisfied' },
  'suggestions:markKey': { year: 2099 },
  'appraisalSessions:castBallots': { choices: [{ subjectId: ids.appraisalSubject, choice: 'basic' }] },
});
