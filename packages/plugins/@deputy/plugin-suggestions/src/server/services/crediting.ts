import { enabledPlugin, SerialQueue } from '@deputy/plugin-suite-core';
import type { PluginDutyPointsServer } from '@deputy/plugin-duty-points';
import type { Model } from '@nocobase/database';
import type { Application } from '@nocobase/server';
import { readSettings, shanghaiDate } from './settings';

/**
 * A registered suggestion credits its deputies through plugin-duty-points' filing service — the normal review,
 * once per source: the lead deputy with the settings' lead item (D16, `suggestion:<id>`), each co-signer with the
 * co-signature item when one is set (`suggestion:<id>:co:<deputyId>`). After the registration commits, one at a
 * time in this process; the lead's outcome is kept on the suggestion (filed, or failed with the reason) and a
 * failed one can be retried. Without plugin-duty-points nothing is filed and handling is unaffected.
 */
export class SuggestionCrediting {
  private queue = new SerialQueue();

  constructor(private app: Application) {}

  dutyPoints() {
    return enabledPlugin<PluginDutyPointsServer>(this.app, '@deputy/plugin-duty-points');
  }

  credit(suggestionId: number, options: { retry?: boolean } = {}) {
    return this.queue.run(() => this.file(suggestionId, options.retry ?? false));
  }

  /** D17 for the lead deputy of a key suggestion (`suggestion-key:<id>`), once; a failure is logged, not fatal. */
  creditKey(suggestionId: number) {
    return this.queue.run(async () => {
      const dp = this.dutyPoints();
      const row: Model | null = await this.app.db.getRepository('suggestions').findOne({ filterByTk: suggestionId });
      if (!dp?.filing || !row?.get('key') || !row.get('leadDeputyId')) return null;
      const settings = await readSettings(this.app.db);
      try {
        return await dp.filing.file({
          deputyId: row.get('leadDeputyId'),
          itemCode: settings.keyItemCode,
          date: shanghaiDate(new Date()),
          description: `重点处理建议 ${row.get('code')}（${row.get('keyYear')} 年）：${String(row.get('title') ?? '').slice(0, 80)}`,
          source: `suggestion-key:${suggestionId}`,
        });
      } catch (e) {
        this.app.logger?.warn?.(`[deputy] D17 for key suggestion ${suggestionId} not filed: ${(e as Error).message}`);
        return null;
      }
    });
  }

  private async file(id: number, retry: boolean) {
    const dp = this.dutyPoints();
    const db = this.app.db;
    const repo = db.getRepository('suggestions');
    const row: Model | null = await repo.findOne({ filterByTk: id, appends: ['coSigners', 'attachments'] });
    if (!dp?.filing || !row?.get('registeredAt') || !row.get('leadDeputyId')) return row;
    if (row.get('creditStatus') === 'filed' || (row.get('creditStatus') === 'failed' && !retry)) return row;
    const settings = await readSettings(db);
    const date = shanghaiDate(new Date(row.get('registeredAt')));
    const description = `代表建议 ${row.get('code')}：${String(row.get('title') ?? '').slice(0, 100)}`;
    const evidenceIds = ((row.get('attachments') ?? []) as Model[]).map((a) => a.get('id'));
    const model = db.getModel('suggestions');
    try {
      const record = await dp.filing.file({
        deputyId: row.get('leadDeputyId'),
        itemCode: settings.leadItemCode,
        date,
        description,
        evidenceIds,
        source: `suggestion:${id}`,
      });
      if (settings.coSignerItemCode)
        for (const co of (row.get('coSigners') ?? []) as Model[])
          await dp.filing.file({
            deputyId: co.get('id'),
            itemCode: settings.coSignerItemCode,
            date,
            description: `附议${description}`,
            source: `suggestion:${id}:co:${co.get('id')}`,
          });
      await model.update(
        { creditStatus: 'filed', dutyRecordId: record.get('id'), creditError: null },
        { where: { id }, hooks: false },
      );
    } catch (e) {
      await model.update(
        {
          creditStatus: 'failed',
          creditError: String((e as { message?: unknown } | null)?.message ?? e).slice(0, 2000),
        },
        { where: { id }, hooks: false },
      );
    }
    return repo.findOne({ filterByTk: id });
  }
}
