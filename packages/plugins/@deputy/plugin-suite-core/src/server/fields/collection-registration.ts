import { onAction } from '../security/action-hooks';
import type { Context } from '@nocobase/actions';
import type { Database, Repository, Transactionable } from '@nocobase/database';
import type { Application } from '@nocobase/server';
import { NS } from './field-builders';

/**
 * Copies code-defined collections into NocoBase's collection manager (`collections`/`fields` tables) so
 * blocks, role permissions and workflows can use them and administrators can add fields in the UI.
 *
 * NocoBase's own `uiManageable` option does the same but registers all collections in parallel
 * transactions, which SQLite (the fast test database) refuses; this does them one by one, and skips
 * collections already registered, so it is safe on every install, enable and upgrade.
 */
export async function registerInCollectionManager(db: Database, names: string[], options: Transactionable = {}) {
  // plugin-data-source-main's CollectionRepository, whose type that plugin does not export.
  const repo = db.getRepository('collections') as Repository & { db2cm(name: string): Promise<unknown> };
  const added: string[] = [];
  for (const name of names) {
    if (await repo.findOne({ filter: { name }, transaction: options.transaction })) continue;
    await repo.db2cm(name);
    added.push(name);
  }
  return added;
}

/**
 * Refuses, with a 400 and a localized message, to delete the suite's collections, or the fields the suite's
 * code relies on, through the collection manager. Fields administrators added themselves stay deletable.
 * The message is this shared service's own (its locale lives in plugin-deputies), whichever plugin calls it.
 * Checked before the action runs: NocoBase's own destroy hooks drop the in-memory collection before any
 * later hook could refuse.
 */
export function protectFromDeletion(app: Application, db: Database, names: string[]) {
  const refuse = (ctx: Context) =>
    ctx.throw(400, ctx.t('Collections and fields of the deputy suite cannot be deleted', { ns: NS }));
  const targets = (value: unknown) => (Array.isArray(value) ? value : [value]).map(String);

  onAction(app, 'collections:destroy', async (ctx, next) => {
    const { filterByTk, filter } = ctx.action.params;
    const requested = filterByTk !== undefined ? targets(filterByTk) : [];
    const byFilter =
      filterByTk === undefined && filter
        ? (await db.getRepository('collections').find({ filter })).map((c) => c.get('name'))
        : [];
    if ([...requested, ...byFilter].some((name) => names.includes(name))) return refuse(ctx);
    await next();
  });

  onAction(app, 'collections.fields:destroy', async (ctx, next) => {
    const { associatedIndex, filterByTk } = ctx.action.params;
    if (names.includes(associatedIndex)) {
      const codeFields = db.getCollection(associatedIndex)?.options.fields?.map((f: { name: string }) => f.name) ?? [];
      if (targets(filterByTk).some((field) => codeFields.includes(field))) return refuse(ctx);
    }
    await next();
  });
}
