import type { Database, Field, Model } from '@nocobase/database';
import { NS } from '../fields/field-builders';
import type { HookOptions } from './hook-options';

/** Bookkeeping columns that change on every save and say nothing about the decision. */
const NOISE = new Set(['updatedAt', 'createdAt', 'updatedById', 'createdById', 'sort']);

export type AuditOptions = { create?: boolean };
type Values = Record<string, unknown>;

const plain = (value: unknown) => (value instanceof Date ? value.toISOString() : value);

/**
 * Records every create, update and delete of the given collections in auditTrail, inside the change's own
 * transaction: the acting user (from the request; "workflow" or "system" otherwise) and the changed
 * fields before and after. Plugins call it for their catalogues, rules and decisions.
 */
export function auditChanges(db: Database, collections: Record<string, AuditOptions>) {
  const write = async (
    name: string,
    model: Model,
    action: string,
    before: Values,
    after: Values,
    options: HookOptions,
  ) => {
    const fields = Object.keys({ ...before, ...after });
    if (action === 'update' && !fields.length) return;
    const user = options?.context?.state?.currentUser;
    await db.getRepository('auditTrail').create({
      values: {
        collectionName: name,
        recordId: String(model.get(db.getCollection(name).model.primaryKeyAttribute) ?? ''),
        action,
        userId: user?.id ?? null,
        via: user ? 'user' : 'workflow or system',
        fieldCount: fields.length,
        before,
        after,
      },
      transaction: options?.transaction,
      hooks: false,
    });
  };
  // Fields a collection marks hidden (an ID number as typed, its keyed hash) are never returned by the API:
  // the trail, which administrators read through the API, never records them either.
  const hidden = (name: string) =>
    new Set(
      [...(db.getCollection(name)?.fields.values() ?? [])]
        .filter((f: Field) => f.options?.hidden)
        .map((f: Field) => f.name),
    );
  const snapshot = (name: string, model: Model, keys: string[], previous = false): Values => {
    const secret = hidden(name);
    return Object.fromEntries(
      keys
        .filter((k) => !NOISE.has(k) && !secret.has(k))
        .map((k) => [k, plain(previous ? model.previous(k) : model.get(k))]),
    );
  };

  for (const [name, spec] of Object.entries(collections)) {
    if (spec.create !== false) {
      db.on(`${name}.afterCreate`, (model: Model, options: HookOptions) =>
        write(
          name,
          model,
          'create',
          {},
          snapshot(
            name,
            model,
            Object.keys(model.dataValues).filter((k) => model.get(k) != null),
          ),
          options,
        ),
      );
    }
    db.on(`${name}.afterUpdate`, (model: Model, options: HookOptions) => {
      const changed: string[] = (model.changed() || []).filter((k) => !NOISE.has(k));
      return write(
        name,
        model,
        'update',
        snapshot(name, model, changed, true),
        snapshot(name, model, changed),
        options,
      );
    });
    db.on(`${name}.afterDestroy`, (model: Model, options: HookOptions) =>
      write(name, model, 'destroy', snapshot(name, model, Object.keys(model.dataValues)), {}, options),
    );
  }

  // Nothing edits or removes the trail, whoever asks.
  const refuse = async (_: unknown, options: HookOptions) => {
    const message = options?.context?.t?.('The audit trail cannot be changed', { ns: NS }) ?? '操作留痕不能修改或删除';
    throw Object.assign(new Error(message), { status: 403 });
  };
  for (const event of ['beforeUpdate', 'beforeDestroy', 'beforeBulkUpdate', 'beforeBulkDestroy'])
    db.on(`auditTrail.${event}`, refuse);
}
