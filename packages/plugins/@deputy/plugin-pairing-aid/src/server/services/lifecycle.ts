import type { Model } from '@nocobase/database';
import { Database, Op } from '@nocobase/database';
import { HookOptions, shanghaiToday } from '@deputy/plugin-suite-core';
import { AidError, translate } from './errors';
import { hashIdNumber, isValidIdNumber, maskIdNumber, maskName, normalizeIdNumber } from './id-number';
import { afterLock, lockRow } from '@deputy/plugin-suite-core';
import { fenToYuan, yuanToFen } from './money';
import { readSettings } from './settings';

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const day = (v: unknown) => (v ? String(v instanceof Date ? v.toISOString() : v).slice(0, 10) : '');
/**
 * How a pairing is chosen and shown: "deputy · household head, masked · start date". Masked because whoever reads
 * the pairing does not always read the household (a deputy keeps its closed pairings, not their households).
 */
export const pairingLabel = (deputyName: unknown, headName: unknown, startDate: unknown) =>
  `${String(deputyName ?? '').trim()} · ${maskName(String(headName ?? ''))} · ${day(startDate)}`;
const CREDIT_FIELDS = ['creditStatus', 'dutyRecordId', 'creditError', 'updatedAt', 'updatedById'];
/** Refusals of a confirmation by the deputy who made the visit or achieved the outcome (also used by the actions). */
export const OWN_VISIT_CONFIRMATION = 'A visit is confirmed by the station staff, not by the deputy who made it';
export const OWN_OUTCOME_CONFIRMATION =
  'An outcome is confirmed by the station staff, not by the deputy who achieved it';

/**
 * The rules every change obeys, whoever makes it (a form, the API, an import or a workflow): checked in the
 * database hooks, inside the write's transaction, so a refused change leaves nothing behind.
 */
export function enforceAidRules(db: Database) {
  const repo = (name: string) => db.getRepository(name);

  // ---------- households ----------
  db.on('aidHouseholds.beforeSave', async (model: Model, options: HookOptions) => {
    const t = (key: string, vars?: Record<string, unknown>) => translate(options, key, vars);
    const { transaction } = options;
    if (!String(model.get('headName') ?? '').trim()) throw new AidError(t('Give the name of the head of household'));
    const raw = model.get('idNumber');
    if (raw !== undefined && raw !== null && raw !== '' && !String(raw).includes('*')) {
      const id = normalizeIdNumber(raw);
      if (!isValidIdNumber(id)) throw new AidError(t('The ID number is not valid'));
      const hash = hashIdNumber(id);
      const same = await repo('aidHouseholds').count({
        filter: { idNumberHash: hash, ...(model.get('id') ? { id: { $ne: model.get('id') } } : {}) },
        transaction,
      });
      if (same) throw new AidError(t('A household with this ID number is already registered'));
      model.set('idNumberMasked', maskIdNumber(id));
      model.set('idNumberHash', hash);
    }
    model.set('idNumber', null);
    if (model.isNewRecord || model.changed('categoryId')) {
      const category: Model | null = model.get('categoryId')
        ? await repo('aidCategories').findOne({ filterByTk: model.get('categoryId'), transaction })
        : null;
      if (!category) throw new AidError(t('Choose an existing household category'));
      if (category.get('active') === false) throw new AidError(t('This household category is no longer in use'));
    }
    const members = model.get('memberCount');
    if (members !== null && members !== undefined && (!Number.isInteger(Number(members)) || Number(members) < 1)) {
      throw new AidError(t('Household members must be a whole number, at least 1'));
    }
    const income = model.get('monthlyIncome');
    if (income !== null && income !== undefined && income !== '') {
      const parsed = yuanToFen(income);
      if ('problem' in parsed)
        throw new AidError(
          t(
            parsed.problem === 'negative'
              ? 'The income cannot be negative'
              : 'Give amounts in yuan with at most two decimals',
          ),
        );
    }
  });

  db.on('aidHouseholds.beforeDestroy', async (model: Model, options: HookOptions) => {
    if (
      await repo('aidPairings').count({ filter: { householdId: model.get('id') }, transaction: options.transaction })
    ) {
      throw new AidError(
        translate(options, 'A household that has been paired cannot be deleted; close its pairing instead'),
      );
    }
  });

  // ---------- pairings ----------
  db.on('aidPairings.beforeCreate', async (model: Model, options: HookOptions) => {
    const t = (key: string, vars?: Record<string, unknown>) => translate(options, key, vars);
    const { transaction } = options;
    if (!model.get('startDate')) model.set('startDate', shanghaiToday());
    if (!DATE.test(day(model.get('startDate')))) throw new AidError(t('Give the start date of the pairing'));
    model.set('status', 'active');
    model.set('endDate', null);
    const householdId = model.get('householdId');
    const deputyId = model.get('deputyId');
    // Lock order household → deputy, the same everywhere, so concurrent requests queue instead of deadlocking.
    if (householdId) await lockRow(db, 'aidHouseholds', householdId, transaction);
    if (deputyId) await lockRow(db, 'deputies', deputyId, transaction);
    const household: Model | null = householdId
      ? await repo('aidHouseholds').findOne({ filterByTk: householdId, transaction })
      : null;
    if (!household) throw new AidError(t('Choose an existing household'));
    const deputy: Model | null = deputyId
      ? await repo('deputies').findOne({ filterByTk: deputyId, transaction })
      : null;
    if (!deputy) throw new AidError(t('Choose an existing deputy'));
    if (deputy.get('status') === 'left') throw new AidError(t('A deputy who has left office cannot take on a pairing'));
    if (!household.get('consent')) throw new AidError(t('The household has not consented to pairing'));
    model.set('label', pairingLabel(deputy.get('name'), household.get('headName'), model.get('startDate')));
    if (await repo('aidPairings').count({ filter: { householdId, status: 'active' }, ...afterLock(db, transaction) })) {
      throw new AidError(t('This household already has an active pairing; transfer it to change the deputy'));
    }
    const { maxPairingsPerDeputy: n } = await readSettings(db, { transaction });
    const active = await repo('aidPairings').count({
      filter: { deputyId, status: 'active' },
      ...afterLock(db, transaction),
    });
    if (active >= n) {
      throw new AidError(
        t(
          '{{name}} already has {{active}} active pairings, the most allowed (N = {{max}}); close or transfer one first',
          { name: deputy.get('name'), active, max: n },
        ),
      );
    }
  });

  db.on('aidPairings.beforeUpdate', async (model: Model, options: HookOptions) => {
    const t = (key: string, vars?: Record<string, unknown>) => translate(options, key, vars);
    if (model.changed('deputyId') || model.changed('householdId')) {
      throw new AidError(t('The deputy and household of a pairing cannot change; transfer the pairing instead'));
    }
    // The label follows the names (hooks below), never what a request sends.
    if (model.changed('label')) model.set('label', model.previous('label'));
    const from = model.previous('status') ?? model.get('status');
    const to = model.get('status');
    if (from !== 'active' && (model.changed('status') || model.changed('endDate') || model.changed('startDate'))) {
      throw new AidError(t('A closed or transferred pairing cannot be changed'));
    }
    if (from === 'active' && to !== 'active') {
      if (!['closed', 'transferred'].includes(to)) throw new AidError(t('A pairing is either closed or transferred'));
      if (!model.get('endDate')) model.set('endDate', shanghaiToday());
      if (!model.get('endReason')) throw new AidError(t('Give the reason for ending the pairing'));
    }
    const start = day(model.get('startDate'));
    if (!DATE.test(start)) throw new AidError(t('Give the start date of the pairing'));
    const end = day(model.get('endDate'));
    if (end && end < start) throw new AidError(t('A pairing cannot end before it started'));
    if (model.changed('startDate')) {
      const names: Model | null = await repo('aidPairings').findOne({
        filterByTk: model.get('id'),
        appends: ['deputy', 'household'],
        transaction: options.transaction,
      });
      model.set(
        'label',
        pairingLabel(names?.get('deputy')?.get('name'), names?.get('household')?.get('headName'), start),
      );
      const earlier = await repo('aidVisits').count({
        filter: { pairingId: model.get('id'), date: { $lt: start } },
        transaction: options.transaction,
      });
      if (earlier) throw new AidError(t('The pairing has visits before this start date'));
    }
  });

  // A renamed deputy or household renames its pairings' labels, in the same transaction.
  const relabel =
    (foreignKey: 'deputyId' | 'householdId', nameField: string) => async (model: Model, options: HookOptions) => {
      if (!model.changed(nameField)) return;
      const { transaction } = options;
      const pairings: Model[] = await repo('aidPairings').find({
        filter: { [foreignKey]: model.get('id') },
        appends: ['deputy', 'household'],
        transaction,
      });
      for (const pairing of pairings) {
        const label = pairingLabel(
          pairing.get('deputy')?.get('name'),
          pairing.get('household')?.get('headName'),
          pairing.get('startDate'),
        );
        if (label !== pairing.get('label')) await pairing.update({ label }, { transaction, hooks: false });
      }
    };
  db.on('deputies.afterUpdate', relabel('deputyId', 'name'));
  db.on('aidHouseholds.afterUpdate', relabel('householdId', 'headName'));

  db.on('aidPairings.beforeDestroy', async (model: Model, options: HookOptions) => {
    const filter = { pairingId: model.get('id') };
    const { transaction } = options;
    const used =
      (await repo('aidVisits').count({ filter, transaction })) +
      (await repo('aidRecords').count({ filter, transaction })) +
      (await repo('aidPlans').count({ filter, transaction }));
    if (used || model.get('status') !== 'active' || model.get('previousPairingId')) {
      throw new AidError(translate(options, 'A pairing with history cannot be deleted; close it instead'));
    }
  });

  // ---------- plans: a new row per version ----------
  db.on('aidPlans.beforeCreate', async (model: Model, options: HookOptions) => {
    const t = (key: string, vars?: Record<string, unknown>) => translate(options, key, vars);
    const { transaction } = options;
    const pairing = await pairingOf(model, options);
    if (pairing.get('status') !== 'active') throw new AidError(t('Plans are made for active pairings only'));
    if (!String(model.get('goals') ?? '').trim()) throw new AidError(t('Give the goals of the plan'));
    for (const field of ['dueDate', 'reviewDate']) {
      const v = model.get(field);
      if (v && !DATE.test(day(v))) throw new AidError(t('Give dates as YYYY-MM-DD'));
    }
    await lockRow(db, 'aidPairings', pairing.get('id'), transaction);
    const last: Model | null = await repo('aidPlans').findOne({
      filter: { pairingId: pairing.get('id') },
      sort: ['-version'],
      ...afterLock(db, transaction),
    });
    model.set('version', Number(last?.get('version') ?? 0) + 1);
    model.set('current', true);
  });
  db.on('aidPlans.afterCreate', async (model: Model, options: HookOptions) => {
    await db.getCollection('aidPlans').model.update(
      { current: false },
      {
        where: { pairingId: model.get('pairingId'), id: { [Op.ne]: model.get('id') } },
        transaction: options.transaction,
        hooks: false,
      },
    );
  });
  const refusePlanChange = async (_: Model, options: HookOptions) => {
    throw new AidError(translate(options, 'A plan version is never changed or deleted; save a new version instead'));
  };
  for (const event of ['beforeUpdate', 'beforeDestroy', 'beforeBulkDestroy'])
    db.on(`aidPlans.${event}`, refusePlanChange);

  // ---------- visits and outcomes ----------
  async function pairingOf(model: Model, options: HookOptions) {
    const t = (key: string, vars?: Record<string, unknown>) => translate(options, key, vars);
    if (!model.isNewRecord && model.changed('pairingId'))
      throw new AidError(t('The pairing of a record cannot change'));
    const pairing: Model | null = model.get('pairingId')
      ? await repo('aidPairings').findOne({ filterByTk: model.get('pairingId'), transaction: options.transaction })
      : null;
    if (!pairing) throw new AidError(t('Choose an existing pairing'));
    model.set('deputyId', pairing.get('deputyId'));
    model.set('householdId', pairing.get('householdId'));
    return pairing;
  }

  /** A dated record of a pairing: the date lies within the pairing and not in the future. */
  async function checkDated(model: Model, options: HookOptions, what: 'visit' | 'outcome') {
    const t = (key: string, vars?: Record<string, unknown>) => translate(options, key, vars);
    const pairing = await pairingOf(model, options);
    const date = day(model.get('date'));
    if (!DATE.test(date))
      throw new AidError(t(what === 'visit' ? 'Give the date of the visit' : 'Give the date of the outcome'));
    if (date > shanghaiToday()) throw new AidError(t('The date cannot be in the future'));
    const start = day(pairing.get('startDate'));
    if (date < start) throw new AidError(t('The date is before the pairing started ({{start}})', { start }));
    const end = day(pairing.get('endDate'));
    if (end && date > end) throw new AidError(t('The date is after the pairing ended ({{end}})', { end }));
  }

  /** Once confirmed (and credited to the deputy), only the credit bookkeeping changes. */
  function refuseChangeOnceConfirmed(model: Model, options: HookOptions, flag: string, message: string) {
    if (model.isNewRecord || !model.previous(flag)) return;
    const edited = (model.changed() || []).filter((k) => !CREDIT_FIELDS.includes(k));
    if (edited.length) throw new AidError(translate(options, message), 403);
  }

  /**
   * A visit or an outcome is confirmed by the station's staff (or an administrator), never by the deputy who
   * made it — whatever roles that user holds and however the grants were changed. Changes without a signed-in
   * user (the suite's services, workflows) are not concerned.
   */
  async function refuseOwnConfirmation(model: Model, options: HookOptions, flag: string, message: string) {
    if (!model.get(flag) || (!model.isNewRecord && !model.changed(flag))) return;
    const userId = options?.context?.state?.currentUser?.id;
    if (userId === undefined || userId === null || !model.get('deputyId')) return;
    const deputy: Model | null = await repo('deputies').findOne({
      filterByTk: model.get('deputyId'),
      fields: ['id', 'userId'],
      transaction: options.transaction,
    });
    if (deputy && String(deputy.get('userId')) === String(userId)) throw new AidError(translate(options, message), 403);
  }

  db.on('aidVisits.beforeSave', async (model: Model, options: HookOptions) => {
    const t = (key: string, vars?: Record<string, unknown>) => translate(options, key, vars);
    refuseChangeOnceConfirmed(
      model,
      options,
      'householdConfirmed',
      'A visit the household has confirmed cannot be changed',
    );
    await checkDated(model, options, 'visit');
    await refuseOwnConfirmation(model, options, 'householdConfirmed', OWN_VISIT_CONFIRMATION);
    if (!['home', 'phone', 'video'].includes(model.get('mode')))
      throw new AidError(t('Choose how the visit was made: home, phone or video'));
    const people = Number(model.get('personCount') ?? 1);
    if (!Number.isInteger(people) || people < 1 || people > 100)
      throw new AidError(t('People met must be a whole number from 1 to 100'));
    if (model.get('householdConfirmed') && !model.get('creditStatus')) model.set('creditStatus', 'pending');
  });

  db.on('aidRecords.beforeSave', async (model: Model, options: HookOptions) => {
    const t = (key: string, vars?: Record<string, unknown>) => translate(options, key, vars);
    refuseChangeOnceConfirmed(model, options, 'confirmed', 'A confirmed outcome cannot be changed');
    await checkDated(model, options, 'outcome');
    await refuseOwnConfirmation(model, options, 'confirmed', OWN_OUTCOME_CONFIRMATION);
    if (model.isNewRecord || model.changed('typeId')) {
      const type: Model | null = model.get('typeId')
        ? await repo('aidAssistanceTypes').findOne({
            filterByTk: model.get('typeId'),
            transaction: options.transaction,
          })
        : null;
      if (!type) throw new AidError(t('Choose an existing assistance type'));
      if (type.get('active') === false) throw new AidError(t('This assistance type is no longer in use'));
    }
    const parsed = yuanToFen(model.get('amount'));
    if ('problem' in parsed)
      throw new AidError(
        t(
          parsed.problem === 'negative'
            ? 'The amount cannot be negative'
            : 'Give amounts in yuan with at most two decimals',
        ),
      );
    model.set('amountFen', parsed.fen);
    model.set('amount', fenToYuan(parsed.fen));
    const units = Number(model.get('units') ?? 0);
    if (!Number.isInteger(units) || units < 0) throw new AidError(t('Units must be a whole number, zero or more'));
    if (model.get('confirmed') && !model.get('creditStatus')) model.set('creditStatus', 'pending');
  });

  for (const [collection, flag, message] of [
    ['aidVisits', 'householdConfirmed', 'A visit the household has confirmed cannot be deleted'],
    ['aidRecords', 'confirmed', 'A confirmed outcome cannot be deleted'],
  ]) {
    db.on(`${collection}.beforeDestroy`, async (model: Model, options: HookOptions) => {
      if (model.get(flag)) throw new AidError(translate(options, message), 403);
    });
  }
}
