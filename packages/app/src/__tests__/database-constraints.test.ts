import type { Collection, Field } from '@nocobase/database';
import { MockServer } from '@nocobase/test';
import { createSuiteServer, SUITE_PLUGINS } from '@deputy/test-helpers';

/**
 * The uniqueness the suite's collections declare is enforced by the database itself, whatever the application
 * checks before: one deputy per user account, one household per ID number, one tracking code per opinion,
 * one attendance per deputy and activity… Derived from the collection definitions and read back from the
 * database's own index list. (NocoBase's sync drops a one-column unique index declared in a collection's
 * `indexes`, so one deputy per user account and the others once held only in the application.)
 */
/** An index as a collection declares it: its fields by name or as { name }. */
type IndexOption = { unique?: boolean; fields?: (string | { name: string })[] };
/** An index as the database lists it (Sequelize's showIndex, whose answer it declares as object). */
type StoredIndex = { unique?: boolean; primary?: boolean; fields: { attribute: string }[] };

describe('database constraints of the suite', () => {
  let app: MockServer;

  beforeAll(async () => {
    app = await createSuiteServer(SUITE_PLUGINS);
  });

  afterAll(async () => {
    await app?.destroy();
  });

  const suiteCollections = () =>
    [...app.db.collections.values()].filter((c: Collection) => String(c.options.origin ?? '').startsWith('@deputy/'));

  it('declares a single column unique on its field, where NocoBase keeps it', () => {
    const misplaced = suiteCollections().flatMap((c) =>
      ((c.options.indexes ?? []) as IndexOption[])
        .filter((i) => i.unique && i.fields?.length === 1)
        .map((i) => `${c.name}(${i.fields[0]})`),
    );
    expect(misplaced).toEqual([]);
  });

  it('has a unique index for every unique field and every unique set of fields', async () => {
    const qi = app.db.sequelize.getQueryInterface();
    const missing: string[] = [];
    let checked = 0;
    for (const collection of suiteCollections()) {
      const model = collection.model;
      const columnOf = (name: string) => model.rawAttributes[name]?.field ?? name;
      const wanted: string[][] = [
        ...[...collection.fields.values()]
          .filter((f: Field) => f.options?.unique)
          .map((f: Field) => [columnOf(f.name)]),
        ...((collection.options.indexes ?? []) as IndexOption[])
          .filter((i) => i.unique)
          .map((i) => i.fields.map((x) => columnOf(typeof x === 'string' ? x : x.name))),
      ];
      if (!wanted.length) continue;
      const indexes = (await qi.showIndex(model.getTableName())) as StoredIndex[];
      const unique = indexes
        .filter((i) => i.unique || i.primary)
        .map((i) =>
          i.fields
            .map((f) => f.attribute)
            .sort()
            .join(','),
        );
      for (const columns of wanted) {
        checked++;
        if (!unique.includes([...columns].sort().join(','))) missing.push(`${collection.name}(${columns.join(', ')})`);
      }
    }
    expect(checked).toBeGreaterThanOrEqual(12);
    expect(missing).toEqual([]);
  });

  it('refuses a second deputy for the same user account in the database itself', async () => {
    const user = await app.db
      .getRepository('users')
      .create({ values: { username: 'constraint-user', nickname: '约束' } });
    const deputies = app.db.getCollection('deputies').model;
    await deputies.create({ name: '甲', userId: user.get('id') }, { hooks: false });
    await expect(deputies.create({ name: '乙', userId: user.get('id') }, { hooks: false })).rejects.toThrow();
    expect(await deputies.count({ where: { userId: user.get('id') } })).toBe(1);
  });
});
