import type { Database, Model } from '@nocobase/database';
import { HookOptions, Refusal } from '@deputy/plugin-suite-core';

/** Thrown inside the saving transaction, so nothing of the refused change is kept. */
export class GridAreaLimitError extends Refusal {}

/**
 * Rule "每人联系一个网格片区": a deputy is linked to at most `deputySettings.maxGridAreasPerDeputy` grid areas
 * (default 1). Checked after every save that may change the links — from the deputy's side, from the grid
 * area's side, or through the association actions — inside the same transaction.
 */
export function enforceGridAreaLimit(db: Database, ns: string) {
  const check = async (deputyIds: unknown[], options: HookOptions) => {
    const ids = [...new Set(deputyIds.filter((id) => id !== null && id !== undefined))];
    if (!ids.length) return;
    const settings = await db.getRepository('deputySettings').findOne({ transaction: options.transaction });
    const max = Number(settings?.get('maxGridAreasPerDeputy') ?? 1);
    const through = db.getCollection('deputiesGridAreas').model;
    for (const deputyId of ids) {
      const count = await through.count({ where: { deputyId }, transaction: options.transaction });
      if (count > max) {
        const t = options.context?.t ?? ((key: string, o: { max: number }) => key.replace('{{max}}', String(o.max)));
        throw new GridAreaLimitError(t('A deputy can be linked to at most {{max}} grid area(s)', { ns, max }));
      }
    }
  };
  db.on('deputies.afterSaveWithAssociations', (model: Model, options: HookOptions) =>
    check([model.get('id')], options),
  );
  db.on('gridAreas.afterSaveWithAssociations', async (model: Model, options: HookOptions) => {
    const rows = await db.getCollection('deputiesGridAreas').model.findAll({
      where: { gridAreaId: model.get('id') },
      transaction: options.transaction,
    });
    await check(
      rows.map((r) => r.get('deputyId')),
      options,
    );
  });
  db.on('deputiesGridAreas.afterCreate', (model: Model, options: HookOptions) =>
    check([model.get('deputyId')], options),
  );
  db.on('deputiesGridAreas.afterBulkCreate', (models: Model[], options: HookOptions) =>
    check(
      models.map((m) => m.get('deputyId')),
      options,
    ),
  );
}
