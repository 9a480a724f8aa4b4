import type { DeputyDirectory } from '@deputy/plugin-deputies';
import { afterLock, lockRow } from '@deputy/plugin-suite-core';
import type { BelongsToManyRepository, Database, Transaction } from '@nocobase/database';
import { DutyError, translate } from './errors';

export type FilingValues = {
  deputyId: number;
  /** dutyItems.code, e.g. '20' (帮扶走访) or 'D25' — other plugins keep the code in their own settings. */
  itemCode: string;
  date: string;
  quantity?: number;
  description?: string;
  /** Attachment ids to attach as evidence (e.g. the photos of a visit). */
  evidenceIds?: number[];
  /** What produced the record, e.g. 'aid-visit:12': the same source never files twice. */
  source: string;
};

type Options = { transaction?: Transaction; context?: any };

/**
 * Filing duty records: a deputy's own submission (dutyRecords:submit) and the records other plugins of the
 * suite produce (a 1+N visit, a reception no-show deduction). Other plugins call this service rather than
 * writing dutyRecords themselves, so the lifecycle, the review workflow and the ledger apply to them too.
 */
export class DutyFiling {
  constructor(
    private db: Database,
    private directory: () => DeputyDirectory,
  ) {}

  /**
   * Sends a draft (or returned) record to review. The checks live in `checkSubmission`, which runs on every
   * change to "submitted" — this action (the 提交审核 button), an administrator's change or an import.
   */
  async submit(recordId: number | string, options: Options = {}) {
    const { transaction, context } = options;
    const repo = this.db.getRepository('dutyRecords');
    const record: any = await repo.findOne({ filterByTk: recordId, transaction });
    if (!record)
      throw new DutyError(translate({ context }, 'The duty record does not exist or is outside your permissions'), 404);
    return repo.update({ filterByTk: record.get('id'), values: { status: 'submitted' }, context, transaction });
  }

  /**
   * What going to review needs, whoever changes the status: evidence when the item asks for it, the
   * reviewer (the station head) and the duplicate flag (错重漏 "重"). The review workflow listens to this change.
   */
  watchSubmissions() {
    this.db.on('dutyRecords.beforeUpdate', async (record: any, options: any) => {
      if (record.get('status') !== 'submitted' || record.previous('status') === 'submitted') return;
      await this.checkSubmission(record, options);
    });
    // A returned record keeps what it said, so that it is sent again only once the deputy has changed it.
    this.db.on('dutyRecords.afterUpdate', async (record: any, options: any) => {
      if (record.get('status') !== 'rejected' || record.previous('status') === 'rejected') return;
      const content = await this.contentOf(record, options.transaction);
      await record.update({ returnedContent: content }, { transaction: options.transaction, hooks: false });
    });
  }

  /** What a deputy can change of a record: item, date, quantity, description and the evidence's files. */
  private async contentOf(record: any, transaction: any, sentEvidence?: unknown[]) {
    const evidence = Array.isArray(sentEvidence)
      ? sentEvidence.map((e: any) => Number(e?.id ?? e))
      : (
          await this.db
            .getRepository<BelongsToManyRepository>('dutyRecords.evidence', record.get('id'))
            .find({ fields: ['id'], transaction })
        ).map((e: any) => Number(e.get('id')));
    return JSON.stringify([
      record.get('itemId'),
      String(record.get('date')).slice(0, 10),
      Number(record.get('quantity') ?? 1),
      String(record.get('description') ?? '').trim(),
      evidence.sort((a, b) => a - b),
    ]);
  }

  private async checkSubmission(record: any, options: any) {
    const { transaction, context } = options;
    const t = (key: string) => translate({ context }, key);
    const item: any = await this.db
      .getRepository('dutyItems')
      .findOne({ filterByTk: record.get('itemId'), transaction });
    if (item?.get('evidenceRequired')) {
      // Evidence sent with the same request counts; otherwise what is stored.
      const sent = options.values?.evidence;
      const evidence = Array.isArray(sent)
        ? sent.length
        : await this.db
            .getRepository<BelongsToManyRepository>('dutyRecords.evidence', record.get('id'))
            .count({ transaction });
      if (!evidence)
        throw new DutyError(t('This duty item needs evidence: upload a photo or document before submitting'));
    }
    const returned = record.previous('status') === 'rejected' && record.get('returnedContent');
    if (returned && (await this.contentOf(record, transaction, options.values?.evidence)) === returned)
      throw new DutyError(t('This record was returned: change it as the review comment asks before sending it again'));
    const reviewer: any = await this.directory().reviewerOf(record.get('deputyId'), { transaction });
    const deputy: any = await this.db
      .getRepository('deputies')
      .findOne({ filterByTk: record.get('deputyId'), transaction });
    if (!reviewer || reviewer.get('id') === deputy?.get('userId')) {
      throw new DutyError(t('The deputy’s station has no reviewer: an administrator must set its station head'));
    }
    const duplicates = await this.db.getRepository('dutyRecords').count({
      filter: {
        id: { $ne: record.get('id') },
        deputyId: record.get('deputyId'),
        itemId: record.get('itemId'),
        date: String(record.get('date')).slice(0, 10),
        status: { $in: ['submitted', 'approved'] },
      },
      transaction,
    });
    record.set('reviewerId', reviewer.get('id'));
    record.set('possibleDuplicate', duplicates > 0);
  }

  /**
   * Files a record for another plugin: submitted into the normal review, or — `approve: true`, for what the
   * system itself establishes (a reception no-show deduction) — approved at once, which posts the points.
   * Idempotent: when a live record (not rejected or revoked) already has this source, that record is returned.
   */
  async file(values: FilingValues, options: Options & { approve?: boolean } = {}) {
    // All or nothing: a record that cannot be submitted (e.g. evidence missing) is not left behind as a draft.
    if (!options.transaction)
      return this.db.sequelize.transaction((transaction) => this.file(values, { ...options, transaction }));
    const { transaction, context } = options;
    const t = (key: string, vars?: any) => translate({ context }, key, vars);
    if (!values.source) throw new DutyError(t('A filed duty record needs its source'));
    const repo = this.db.getRepository('dutyRecords');
    // Once per source across the cluster: the deputy's row lock makes a second node's filing of the same source
    // wait until the first commits, and then find its record (the crediting queues serialise one process only).
    await lockRow(this.db, 'deputies', values.deputyId, transaction);
    const existing: any = await repo.findOne({
      filter: { source: values.source, status: { $notIn: ['rejected', 'revoked'] } },
      ...afterLock(this.db, transaction),
    });
    if (existing) return existing;
    const item: any = await this.db
      .getRepository('dutyItems')
      .findOne({ filter: { code: String(values.itemCode) }, transaction });
    if (!item) throw new DutyError(t('No duty item has the code {{code}}', { code: values.itemCode }));
    const record: any = await repo.create({
      values: {
        deputyId: values.deputyId,
        itemId: item.get('id'),
        date: values.date,
        quantity: values.quantity ?? 1,
        description: values.description,
        evidence: values.evidenceIds ?? [],
        source: values.source,
      },
      transaction,
      context,
    });
    if (options.approve) {
      await record.update({ status: 'approved' }, { transaction, context, directApproval: true } as any);
      await record.reload({ transaction });
      return record;
    }
    await this.submit(record.get('id'), { transaction, context });
    return repo.findOne({ filterByTk: record.get('id'), transaction });
  }

  /**
   * Schedules an approved station activity (e.g. a reception session of the 六个一 plugin): deputies sign in
   * to it with its code on its day, which files their approved duty records.
   */
  async scheduleActivity(
    values: { title: string; itemCode: string; stationId: number; date: string; place?: string },
    options: Options = {},
  ) {
    const { transaction, context } = options;
    const item: any = await this.db
      .getRepository('dutyItems')
      .findOne({ filter: { code: String(values.itemCode) }, transaction });
    if (!item)
      throw new DutyError(translate({ context }, 'No duty item has the code {{code}}', { code: values.itemCode }));
    return this.db.getRepository('dutyActivities').create({
      values: {
        title: values.title,
        itemId: item.get('id'),
        stationId: values.stationId,
        date: values.date,
        place: values.place,
        status: 'approved',
      },
      transaction,
      context,
    });
  }

  /** Moves a scheduled activity to another day (its session was moved): deputies sign in on the new day. */
  async rescheduleActivity(activityId: number, values: { date: string; title?: string }, options: Options = {}) {
    const { transaction, context } = options;
    return this.db.getRepository('dutyActivities').update({ filterByTk: activityId, values, transaction, context });
  }

  /** Withdraws what a source filed: an approved record is revoked (with the reason), a pending one returned to draft. */
  async withdraw(source: string, reason: string, options: Options = {}) {
    const { transaction, context } = options;
    const repo = this.db.getRepository('dutyRecords');
    const record: any = await repo.findOne({
      filter: { source, status: { $in: ['submitted', 'approved'] } },
      transaction,
    });
    if (!record) return null;
    const values =
      record.get('status') === 'approved' ? { status: 'revoked', revokeReason: reason } : { status: 'draft' };
    return repo.update({ filterByTk: record.get('id'), values, transaction, context });
  }
}
