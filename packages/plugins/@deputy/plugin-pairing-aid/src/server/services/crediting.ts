import type { Database, Model } from '@nocobase/database';
import type { Application } from '@nocobase/server';
import { enabledPlugin, SerialQueue } from '@deputy/plugin-suite-core';
import type { PluginDutyPointsServer } from '@deputy/plugin-duty-points';
import { readSettings } from './settings';

const SOURCES = {
  aidVisits: { flag: 'householdConfirmed', prefix: 'aid-visit', evidence: 'photos', setting: 'visitItemCode' as const },
  aidRecords: { flag: 'confirmed', prefix: 'aid-outcome', evidence: 'proof', setting: 'outcomeItemCode' as const },
};
export type CreditedCollection = keyof typeof SOURCES;

/**
 * Credits confirmed visits and outcomes to the deputy's duty record through plugin-duty-points' filing
 * service (normal review, once per source), when that plugin is enabled. Runs after the visit or outcome is
 * committed, one at a time in this process; the result is kept on the row: filed (with the duty record's
 * number) or failed (with the reason, e.g. no reviewer at the station), which an administrator can retry.
 */
export class AidCrediting {
  private queue = new SerialQueue();

  constructor(
    private app: Application,
    private db: Database,
  ) {}

  /** plugin-duty-points when it is enabled, else null: pairing assistance works without it. */
  dutyPoints() {
    return enabledPlugin<PluginDutyPointsServer>(this.app, '@deputy/plugin-duty-points');
  }

  /** Files every confirmed row still waiting (and, with `retry`, the given failed ones again). */
  creditPending(retry: { collection: CreditedCollection; id: number }[] = []) {
    return this.queue.run(() => this.sweep(retry));
  }

  private async sweep(retry: { collection: CreditedCollection; id: number }[]) {
    const dp = this.dutyPoints();
    if (!dp?.filing) return;
    const settings = await readSettings(this.db);
    for (const [collection, spec] of Object.entries(SOURCES) as [
      CreditedCollection,
      (typeof SOURCES)[CreditedCollection],
    ][]) {
      const ids = retry.filter((r) => r.collection === collection).map((r) => r.id);
      const rows: Model[] = await this.db.getRepository(collection).find({
        filter: {
          [spec.flag]: true,
          $or: [
            { creditStatus: 'pending' },
            { creditStatus: null },
            ...(ids.length ? [{ id: { $in: ids }, creditStatus: 'failed' }] : []),
          ],
        },
        appends: [spec.evidence, ...(collection === 'aidRecords' ? ['type'] : [])],
        sort: ['id'],
      });
      for (const row of rows) {
        const model = this.db.getCollection(collection).model;
        try {
          const record = await dp.filing.file({
            deputyId: row.get('deputyId'),
            itemCode: settings[spec.setting],
            date: String(row.get('date')).slice(0, 10),
            quantity: 1,
            description: description(collection, row),
            evidenceIds: ((row.get(spec.evidence) || []) as Model[]).map((a) => a.get('id')),
            source: `${spec.prefix}:${row.get('id')}`,
          });
          await model.update(
            { creditStatus: 'filed', dutyRecordId: record.get('id'), creditError: null },
            { where: { id: row.get('id') }, hooks: false },
          );
        } catch (e) {
          await model.update(
            { creditStatus: 'failed', creditError: String((e as { message?: unknown } | null)?.message ?? e) },
            { where: { id: row.get('id') }, hooks: false },
          );
        }
      }
    }
  }
}

function description(collection: CreditedCollection, row: Model) {
  if (collection === 'aidVisits')
    return `1+N 结对走访 #${row.get('id')}${row.get('findings') ? `：${row.get('findings')}` : ''}`;
  const type = row.get('type')?.get('name') ?? '';
  return `帮扶成效 #${row.get('id')} ${type}${row.get('description') ? `：${row.get('description')}` : ''}`;
}
