import type { Database } from '@nocobase/database';
import { Refusal } from '@deputy/plugin-suite-core';

/** Thrown inside the saving transaction, so nothing of the refused change is kept. */
export class GridAreaLimitError extends Refusal {}

/**
 * Rule "每人联系一个网格片区": a deputy is linked to at most `deputySettings.maxGridAreasPerDeputy` grid areas
 * (default 1). Checked after every save that may change the links — from the deputy's side, from the grid
 * area's side, or through the association actions — inside the same transaction.
 */
export function enforceGridAreaLimit(db: Database, ns: string) {
  const check = async (deputyIds: unknown[], options: any) => {
    const ids = [...new Set(deputyIds.filter((id) => id !== null && id !== undefined))];
    if (!ids.length) return;
    const settings = await db.getRepository('deputySettings').findOne({ transaction: options.transaction });
    const max = Number(settings?.get('maxGridAreasPerDeputy') ?? 1);
    const through = db.getCollection('deputiesGridAreas').model;
    for (const deputyId of ids) {
      const count = await through.count({ where: { deputyId }, transaction: options.transaction });
      if (count > max) {
        const t = options.context?.t ?? ((key: string, o: any) => key.replace('{{max}}', o.max));
        throw new GridAreaLimitError(t('A deputy can be linked to at most {{max}} grid area(s)', { ns, max }));
      }
    }
  };
  db.on('deputies.afterSaveWithAssociations', (model: any, options: any) => check([model.get('id')], options));
  db.on('gridAreas.afterSaveWithAssociations', async (model: any, options: any) => {
    const rows = await db.getCollection('deputiesGridAreas').model.findAll({
      where: { gridAreaId: model.get('id') },
      transaction: options.transaction,
    });
    await check(rows.map((r: any) => r.get('deputyId')), options);
  });
  db.on('deputiesGridAreas.afterCreate', (model: any, options: any) => check([model.get('deputyId')], options));
  db.on('deputiesGridAreas.afterBulkCreate', (models: any[], options: any) => check(models.map((m) => m.get('deputyId')), options));
}
