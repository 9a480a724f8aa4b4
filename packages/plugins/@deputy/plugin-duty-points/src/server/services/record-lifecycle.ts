import type { Database, Model } from '@nocobase/database';
import { shanghaiToday } from '@deputy/plugin-suite-core';
import type { HookOptions } from '@deputy/plugin-suite-core';
import { DutyError, translate } from './errors';
import { Ledger } from './ledger';

/** Allowed status changes of a duty record. */
export const TRANSITIONS: Record<string, string[]> = {
  draft: ['submitted'],
  submitted: ['approved', 'rejected', 'draft'],
  rejected: ['draft', 'submitted'],
  approved: ['revoked'],
  revoked: [],
};

/** Fields that may change once a record has left the deputy's hands. */
const REVIEW_FIELDS = [
  'status',
  'reviewerId',
  'reviewComment',
  'revokeReason',
  'possibleDuplicate',
  'awardedPoints',
  'updatedAt',
  'updatedById',
];

/** A record's hook options: the filing service and the appeal decision mark the writes they make themselves. */
type RecordHookOptions = HookOptions & { directApproval?: boolean; appealDecision?: boolean };
/** A bulk hook's options: the rows it touches are named by its `where` (a plain filter object here). */
type BulkHookOptions = HookOptions & { where?: unknown };

/**
 * The rules every change of a duty record obeys, whoever makes it (a form, the API, the review workflow or
 * an import): valid input, allowed status changes, no edits after submission, evidence when the item asks
 * for it, and the ledger posting of approvals and revocations in the same transaction.
 */
export function enforceRecordLifecycle(db: Database, ledger: Ledger) {
  const items = () => db.getRepository('dutyItems');

  db.on('dutyRecords.beforeSave', async (record: Model, options: RecordHookOptions) => {
    const t = (key: string, vars?: Record<string, unknown>) => translate(options, key, vars);
    const quantity = Number(record.get('quantity') ?? 1);
    if (!Number.isInteger(quantity) || quantity < 1 || quantity > 100)
      throw new DutyError(t('Quantity must be a whole number from 1 to 100'));
    const date = record.get('date') ? String(record.get('date')).slice(0, 10) : '';
    if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) throw new DutyError(t('Give the date of the duty'));
    if (date > shanghaiToday()) throw new DutyError(t('The date of a duty cannot be in the future'));
    if (date < '2000-01-01') throw new DutyError(t('The date of a duty is too far in the past'));
    if (!record.get('deputyId')) throw new DutyError(t('Choose the deputy'));
    const item = record.get('itemId')
      ? await items().findOne({ filterByTk: record.get('itemId'), transaction: options.transaction })
      : null;
    if (!item) throw new DutyError(t('Choose an existing duty item'));
    if (record.isNewRecord && !item.get('active')) throw new DutyError(t('This duty item is no longer in use'));
    const deputy = await db
      .getRepository('deputies')
      .findOne({ filterByTk: record.get('deputyId'), transaction: options.transaction });
    if (!deputy) throw new DutyError(t('Choose the deputy'));
  });

  db.on('dutyRecords.beforeCreate', async (record: Model, options: RecordHookOptions) => {
    if (record.get('status') && record.get('status') !== 'draft') {
      throw new DutyError(translate(options, 'A new duty record starts as a draft'));
    }
  });

  db.on('dutyRecords.beforeUpdate', async (record: Model, options: RecordHookOptions) => {
    const t = (key: string, vars?: Record<string, unknown>) => translate(options, key, vars);
    const from = record.previous('status') ?? record.get('status');
    const to = record.get('status');
    // Sign-ins and system deductions (filing service) are approved directly: the station already approved the activity.
    const directApproval = options.directApproval && from === 'draft' && to === 'approved';
    if (from !== to && !directApproval && !TRANSITIONS[from]?.includes(to)) {
      throw new DutyError(t('A duty record cannot go from {{from}} to {{to}}', { from: t(from), to: t(to) }));
    }
    if (!['draft', 'rejected'].includes(from)) {
      const edited = (record.changed() || []).filter((k: string) => !REVIEW_FIELDS.includes(k));
      if (edited.length)
        throw new DutyError(t('A submitted or approved duty record cannot be edited; revoke it and file it again'));
    }
    if (to === 'revoked' && from !== to && !String(record.get('revokeReason') || '').trim()) {
      throw new DutyError(t('Give the reason for revoking'));
    }
    if (to === 'approved' && from !== to) {
      const userId = options.context?.state?.currentUser?.id;
      const deputy = await db
        .getRepository('deputies')
        .findOne({ filterByTk: record.get('deputyId'), transaction: options.transaction });
      if (userId && deputy?.get('userId') === userId)
        throw new DutyError(t('A deputy cannot approve its own duty record'), 403);
    }
  });

  db.on('dutyRecords.afterUpdate', async (record: Model, options: RecordHookOptions) => {
    const from = record.previous('status');
    const to = record.get('status');
    if (from === to) return;
    if (to === 'approved') {
      const item = await items().findOne({ filterByTk: record.get('itemId'), transaction: options.transaction });
      const points = await ledger.award(record, item, options.transaction);
      await record.update({ awardedPoints: points }, { transaction: options.transaction, hooks: false });
    }
    if (to === 'revoked') await ledger.reverse(record, record.get('revokeReason'), options.transaction);
  });

  db.on('dutyRecords.beforeDestroy', async (record: Model, options: RecordHookOptions) => {
    if (!['draft', 'rejected'].includes(record.get('status'))) {
      throw new DutyError(
        translate(options, 'Only drafts and rejected duty records can be deleted; revoke approved ones'),
      );
    }
  });

  // The evidence of a record out of the deputy's hands is part of what was reviewed: its join rows do not
  // change either (update {evidence}, evidence:add|remove|set, a workflow), until the record is revoked.
  const lockEvidence = async (recordIds: unknown[], options: HookOptions) => {
    const ids = [...new Set(recordIds.filter((id) => id !== undefined && id !== null))];
    if (!ids.length) return;
    const locked = await db.getRepository('dutyRecords').count({
      filter: { id: { $in: ids }, status: { $notIn: ['draft', 'rejected'] } },
      transaction: options?.transaction,
    });
    if (locked)
      throw new DutyError(
        translate(options, 'A submitted or approved duty record cannot be edited; revoke it and file it again'),
        403,
      );
  };
  const whereIds = (options: BulkHookOptions): unknown[] => {
    const id = (options?.where as Record<string, unknown> | undefined)?.recordId;
    return id === undefined
      ? []
      : Array.isArray(id)
        ? id
        : typeof id === 'object'
          ? Object.values(id as object).flat()
          : [id];
  };
  db.on('dutyRecordsEvidence.beforeCreate', (row: Model, options: HookOptions) =>
    lockEvidence([row.get('recordId')], options),
  );
  db.on('dutyRecordsEvidence.beforeBulkCreate', (rows: Model[], options: HookOptions) =>
    lockEvidence(
      rows.map((r) => r.get('recordId')),
      options,
    ),
  );
  db.on('dutyRecordsEvidence.beforeDestroy', (row: Model, options: HookOptions) =>
    lockEvidence([row.get('recordId')], options),
  );
  db.on('dutyRecordsEvidence.beforeBulkDestroy', (options: BulkHookOptions) =>
    lockEvidence(whereIds(options), options),
  );

  makeAppendOnly(db, 'pointEntries', 'Ledger entries cannot be changed or deleted; revoke the duty record instead');
  makeAppendOnly(
    db,
    'scoreSnapshots',
    'Published scores cannot be changed; publish the period again to issue a new version',
  );
  makeAppendOnly(
    db,
    'activityAttendances',
    'Attendances are evidence and cannot be changed; revoke the duty record instead',
  );
  makeAppendOnly(db, 'deputyYearGrades', 'The grades of a closed year cannot be changed');

  // An item or a period that records refer to is kept: items are retired (active off), periods stay published.
  db.on('dutyItems.beforeDestroy', async (item: Model, options: HookOptions) => {
    const used = await db
      .getRepository('dutyRecords')
      .count({ filter: { itemId: item.get('id') }, transaction: options.transaction });
    if (used)
      throw new DutyError(translate(options, 'This duty item is used by duty records: turn "Active" off to retire it'));
  });
  // An appeal is decided through pointAppeals:decide only, and a decided appeal is final.
  db.on('pointAppeals.beforeUpdate', async (appeal: Model, options: RecordHookOptions) => {
    if (appeal.previous('status') !== 'pending')
      throw new DutyError(translate(options, 'A decided appeal cannot be changed'));
    if ((appeal.changed('status') || appeal.changed('decisionReason')) && !options.appealDecision) {
      throw new DutyError(translate(options, 'Decide an appeal with the Decide action'));
    }
  });
  db.on('pointAppeals.beforeDestroy', async (appeal: Model, options: RecordHookOptions) => {
    if (appeal.get('status') !== 'pending')
      throw new DutyError(translate(options, 'A decided appeal cannot be changed'));
  });
  db.on('scorePeriods.beforeDestroy', async (period: Model, options: HookOptions) => {
    if (period.get('status') !== 'open')
      throw new DutyError(translate(options, 'A published period cannot be deleted'));
  });

  // Points and caps apply to records approved after a change; the version marks which rules an entry used.
  db.on('dutyItems.beforeUpdate', async (item: Model) => {
    if (item.changed('points') || item.changed('yearlyCap'))
      item.set('version', Number(item.previous('version') || 1) + 1);
  });
}

/** Nothing changes or removes a row of an append-only collection, whoever asks. */
export function makeAppendOnly(db: Database, collection: string, messageKey: string) {
  const refuse = async (_: unknown, options: HookOptions) => {
    throw new DutyError(translate(options, messageKey), 403);
  };
  for (const event of ['beforeUpdate', 'beforeDestroy', 'beforeBulkUpdate', 'beforeBulkDestroy'])
    db.on(`${collection}.${event}`, refuse);
}
