import { enabledPlugin, SerialQueue } from '@deputy/plugin-suite-core';
import type { PluginDutyPointsServer } from '@deputy/plugin-duty-points';
import type { Model } from '@nocobase/database';
import type { Application } from '@nocobase/server';
import { shanghaiDate } from './clock';
import { ACCEPTED_STATUSES } from './opinion-flow';
import { readSettings, VoiceSettings } from './settings';

/** What a credited row files: which item (a settings key), from which row, when, with what evidence. */
type Source = {
  collection: 'opinions' | 'mediationCases';
  prefix: string;
  item: keyof Pick<VoiceSettings, 'creditItemCode' | 'mediationItemCode'>;
  appends: string[];
  /** Whether the row has earned its credit (null when it has not, or has no deputy). */
  filing(row: Model, now: Date): { date: string; description: string; evidenceIds: number[] } | null;
};

const SOURCES: Record<'opinion' | 'mediation', Source> = {
  // D14 收集反映群众意见: an opinion accepted into handling (assigned, or answered on the spot).
  opinion: {
    collection: 'opinions',
    prefix: 'opinion',
    item: 'creditItemCode',
    appends: [],
    filing: (row, now) =>
      row.get('deputyId') && ACCEPTED_STATUSES.includes(row.get('status'))
        ? {
            date: shanghaiDate(now),
            description: `群众意见建议 ${row.get('trackingCode')}：${String(row.get('content') ?? '').slice(0, 100)}`,
            evidenceIds: [],
          }
        : null,
  },
  // D22 参与矛盾纠纷调解: a case closed with an agreement, the signed agreement being the evidence (C).
  mediation: {
    collection: 'mediationCases',
    prefix: 'mediation',
    item: 'mediationItemCode',
    appends: ['agreement'],
    filing: (row) => {
      const evidenceIds: number[] = ((row.get('agreement') ?? []) as Model[]).map((a) => a.get('id'));
      if (!row.get('deputyId') || row.get('status') !== 'agreed' || !evidenceIds.length) return null;
      return {
        date: shanghaiDate(new Date(row.get('closedAt') ?? Date.now())),
        description: `矛盾纠纷调解（达成协议）#${row.get('id')}：${String(row.get('title') ?? '').slice(0, 100)}`,
        evidenceIds,
      };
    },
  },
};

/**
 * Credits the deputy's duty record through plugin-duty-points' filing service — the normal review, once per
 * source (`opinion:<id>`, `mediation:<id>`): D14 for an opinion accepted into handling, D22 for a mediation
 * case closed with an agreement (item codes in the settings). Runs after the step is committed, one at a
 * time in this process; the outcome is kept on the row (filed with the record's number, or failed with the
 * reason, e.g. no reviewer at the station) and a failed one can be retried. Without plugin-duty-points
 * nothing is filed and handling is unaffected.
 */
export class VoiceCrediting {
  private queue = new SerialQueue();

  constructor(private app: Application) {}

  /** plugin-duty-points when it is enabled, else null: opinion handling works without it. */
  dutyPoints() {
    return enabledPlugin<PluginDutyPointsServer>(this.app, '@deputy/plugin-duty-points');
  }

  /** D14 for an opinion, dated the day of `now` (the step that accepted it; by default the present). */
  credit(opinionId: number, options: { retry?: boolean; now?: Date } = {}) {
    return this.enqueue('opinion', opinionId, options.retry, options.now);
  }

  /** D22 for a mediation case. */
  creditMediation(caseId: number, options: { retry?: boolean } = {}) {
    return this.enqueue('mediation', caseId, options.retry);
  }

  private enqueue(kind: keyof typeof SOURCES, id: number, retry = false, now?: Date) {
    return this.queue.run(() => this.file(SOURCES[kind], id, retry, now ?? new Date()));
  }

  private async file(source: Source, id: number, retry: boolean, now: Date) {
    const dp = this.dutyPoints();
    if (!dp?.filing) return null;
    const db = this.app.db;
    const repo = db.getRepository(source.collection);
    const row: Model | null = await repo.findOne({ filterByTk: id, appends: source.appends });
    const filing = row ? source.filing(row, now) : null;
    if (!filing) return null;
    if (row.get('creditStatus') === 'filed' || (row.get('creditStatus') === 'failed' && !retry)) return row;
    const settings = await readSettings(db);
    const model = db.getModel(source.collection);
    try {
      const record = await dp.filing.file({
        deputyId: row.get('deputyId'),
        itemCode: settings[source.item],
        quantity: 1,
        ...filing,
        source: `${source.prefix}:${id}`,
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
    return repo.findOne({ filterByTk: id, appends: source.appends });
  }
}
