import { afterLock, enabledPlugin, lockRow } from '@deputy/plugin-suite-core';
import type { PluginPublicVoiceServer } from '@deputy/plugin-public-voice';
import type { Model, Transaction } from '@nocobase/database';
import { RESULT_CODES } from '../collections/suggestionAssignments';
import { SATISFACTION } from '../collections/suggestions';
import { SuggestionError } from './errors';
import { idOf, Steps, text } from './steps';
import type { FlowWrite, StepOptions } from './steps';
import { addMonths, readSettings, shanghaiDate } from './settings';

export type { FlowWrite, StepOptions } from './steps';

export type ReviewDecision = 'accept' | 'return' | 'merge' | 'letter';
const DECISIONS: ReviewDecision[] = ['accept', 'return', 'merge', 'letter'];
/** Statuses from which each step of a suggestion may be taken. */
export const FROM: Record<'submit' | 'withdraw' | 'review' | 'assign', string[]> = {
  submit: ['draft', 'returned'],
  withdraw: ['draft', 'submitted', 'returned'],
  review: ['submitted'],
  assign: ['registered'],
};
/**
 * The life of a 代表建议 — 提 (submit), 联审 (accept with the session's next number, return with reasons, merge,
 * or handle as a letter), 交办 (lead and assisting units with due dates from the settings), 办 (each unit's
 * reply with a result code, extensions), and the deputy's feedback per unit (unsatisfied: handled again, as many
 * times as the settings allow), closed when every lead unit's reply is accepted. Each step is one transaction
 * under the suggestion's row lock; numbering also locks the session row, so two registrations never share a
 * number and a rolled-back one leaves no gap. Only these steps write status, number and clock (rules.ts).
 */
export class SuggestionFlow extends Steps {
  /** Runs `work` in a transaction holding the suggestion's row lock, on the row as committed. */
  private locked<T>(id: number, options: StepOptions, work: (row: Model, transaction: Transaction) => Promise<T>) {
    return this.inLock('suggestions', id, options, 'The suggestion does not exist', work);
  }

  private async write(id: number, values: Record<string, unknown>, transaction: Transaction, options: StepOptions) {
    await this.db.getRepository('suggestions').update({
      filterByTk: id,
      values,
      transaction,
      context: options.context,
      suggestionFlow: true,
    } as FlowWrite);
  }

  private refuseFrom(row: Model, allowed: string[], options: StepOptions) {
    if (!allowed.includes(row.get('status')))
      throw new SuggestionError(this.t(options, 'This step cannot be taken on a suggestion in its present status'));
  }

  private reread(id: number) {
    return this.db.getRepository('suggestions').findOne({ filterByTk: id, appends: ['assignments'] });
  }

  /**
   * 群众意见转为代表建议: a draft for the opinion's deputy (its lead deputy), in the conversion's transaction, with
   * the citizen's text, linked to the opinion; the session is the latest open one (the deputy may change it).
   */
  async draftFromOpinion(opinion: Model, options: StepOptions & { transaction?: Transaction } = {}) {
    const session: Model | null = await this.db
      .getRepository('congressSessions')
      .findOne({ filter: { open: true }, sort: ['-openedOn', '-id'], transaction: options.transaction });
    const code = String(opinion.get('trackingCode') ?? '');
    return this.db.getRepository('suggestions').create({
      values: {
        leadDeputyId: opinion.get('deputyId'),
        sessionId: session?.get('id') ?? null,
        title: this.t(options, 'Suggestion from citizen opinion {{code}}', { code }),
        content: String(opinion.get('content') ?? ''),
        origin: 'opinion',
        originNote: this.t(options, 'Citizen opinion {{code}}', { code }),
        opinionId: opinion.get('id'),
        status: 'draft',
      },
      transaction: options.transaction,
      context: options.context,
      suggestionFlow: true,
    } as never);
  }

  /** 提交: a draft (or a returned one, revised) goes to joint review; it needs its session, title and text. */
  async submit(id: number, options: StepOptions = {}) {
    await this.locked(id, options, async (row, transaction) => {
      this.refuseFrom(row, FROM.submit, options);
      if (!row.get('sessionId')) throw new SuggestionError(this.t(options, 'Choose the congress session first'));
      if (!text(row.get('title')) || !text(row.get('content')))
        throw new SuggestionError(this.t(options, 'A suggestion needs a title and its text'));
      const session: Model | null = await this.db
        .getRepository('congressSessions')
        .findOne({ filterByTk: row.get('sessionId'), transaction });
      if (!session?.get('open')) throw new SuggestionError(this.t(options, 'This session no longer takes suggestions'));
      await this.write(id, { status: 'submitted', submittedAt: options.now ?? new Date() }, transaction, options);
    });
    return this.reread(id);
  }

  /** 撤回: the lead deputy takes back a suggestion not yet registered. */
  async withdraw(id: number, options: StepOptions = {}) {
    await this.locked(id, options, async (row, transaction) => {
      this.refuseFrom(row, FROM.withdraw, options);
      await this.write(id, { status: 'withdrawn' }, transaction, options);
    });
    return this.reread(id);
  }

  /**
   * 联审: accept (registered with the session's next number), return for revision, merge into a registered
   * suggestion of the same session, or handle as a letter. Every decision but accept needs its reason.
   */
  async review(
    id: number,
    input: { decision?: unknown; note?: unknown; mergeIntoId?: unknown; mergeIntoCode?: unknown },
    options: StepOptions = {},
  ) {
    const decision = String(input.decision ?? '') as ReviewDecision;
    if (!DECISIONS.includes(decision))
      throw new SuggestionError(this.t(options, 'Choose accept, return, merge or letter'));
    const note = text(input.note);
    if (decision !== 'accept' && !note)
      throw new SuggestionError(this.t(options, 'Give the reason, so the deputy knows what to change'));
    await this.locked(id, options, async (row, transaction) => {
      this.refuseFrom(row, FROM.review, options);
      const now = options.now ?? new Date();
      if (decision === 'return') return this.write(id, { status: 'returned', reviewNote: note }, transaction, options);
      if (decision === 'letter') return this.write(id, { status: 'letter', reviewNote: note }, transaction, options);
      if (decision === 'merge') {
        // By its id (the API) or its number as the office reads it (the page's 联审 dialog).
        const intoId = idOf(input.mergeIntoId);
        const intoCode = text(input.mergeIntoCode, 60);
        const into: Model | null = intoId
          ? await this.db.getRepository('suggestions').findOne({ filterByTk: intoId, transaction })
          : intoCode
            ? await this.db.getRepository('suggestions').findOne({ filter: { code: intoCode }, transaction })
            : null;
        if (!into || into.get('id') === id || into.get('sessionId') !== row.get('sessionId') || !into.get('number'))
          throw new SuggestionError(
            this.t(options, 'A suggestion is merged into a registered suggestion of the same session'),
          );
        return this.write(
          id,
          { status: 'merged', reviewNote: note, mergedIntoId: into.get('id') },
          transaction,
          options,
        );
      }
      const { number, code } = await this.nextNumber(row.get('sessionId'), transaction);
      await this.write(
        id,
        { status: 'registered', number, code, reviewNote: note || null, registeredAt: now },
        transaction,
        options,
      );
      // From a citizen's opinion: its number on the opinion and the citizen's timeline.
      const voice = enabledPlugin<PluginPublicVoiceServer>(this.app, '@deputy/plugin-public-voice');
      if (row.get('opinionId') && voice)
        await voice.flow.noteSuggestion(row.get('opinionId'), code, { transaction, context: options.context });
    });
    return this.reread(id);
  }

  /**
   * 重点处理建议: an administrator makes a registered suggestion one of the year's key suggestions (at most the
   * settings' number a year, counted under the settings row's lock), with its supervising leader and note.
   */
  async markKey(
    id: number,
    input: { year?: unknown; supervisorId?: unknown; note?: unknown },
    options: StepOptions = {},
  ) {
    const year = Number(input.year);
    if (!Number.isInteger(year) || year < 2000 || year > 2100)
      throw new SuggestionError(this.t(options, 'Give the year it is a key suggestion of'));
    const supervisorId =
      input.supervisorId === undefined || input.supervisorId === null ? null : idOf(input.supervisorId);
    if (input.supervisorId !== undefined && input.supervisorId !== null && !supervisorId)
      throw new SuggestionError(this.t(options, 'The supervising leader is a user of this system'));
    await this.locked(id, options, async (row, transaction) => {
      this.refuseFrom(row, ['registered', 'assigned', 'answered'], options);
      if (row.get('key')) throw new SuggestionError(this.t(options, 'This is a key suggestion already'));
      if (supervisorId && !(await this.db.getRepository('users').count({ filter: { id: supervisorId }, transaction })))
        throw new SuggestionError(this.t(options, 'The supervising leader is a user of this system'));
      const settingsRow: Model | null = await this.db
        .getRepository('suggestionSettings')
        .findOne({ sort: ['id'], transaction });
      if (settingsRow) await lockRow(this.db, 'suggestionSettings', settingsRow.get('id'), transaction);
      const settings = await readSettings(this.db, { transaction });
      const taken = await this.db
        .getRepository('suggestions')
        .count({ filter: { key: true, keyYear: year }, ...afterLock(this.db, transaction) });
      if (taken >= settings.keyPerYear)
        throw new SuggestionError(
          this.t(options, 'The year has its {{count}} key suggestions already (settings)', {
            count: settings.keyPerYear,
          }),
        );
      await this.write(
        id,
        { key: true, keyYear: year, supervisorId, keyNote: text(input.note) || null },
        transaction,
        options,
      );
    });
    return this.reread(id);
  }

  /** The session's next number, under the session's row lock (read by that locking read: the latest committed). */
  private async nextNumber(sessionId: number, transaction: Transaction) {
    const Session = this.db.getModel('congressSessions');
    const session: Model | null = await Session.findOne({
      where: { id: sessionId },
      transaction,
      lock: transaction.LOCK.UPDATE,
    });
    const number = Number(session?.get('lastNumber') ?? 0) + 1;
    await Session.update({ lastNumber: number }, { where: { id: sessionId }, transaction, hooks: false });
    return { number, code: `${session?.get('code')}-${String(number).padStart(3, '0')}` };
  }

  /**
   * 交办: the units and their roles (at least one lead, each unit once, units in use); the due dates from the
   * settings, counted from today.
   */
  async assign(id: number, input: { units?: unknown }, options: StepOptions = {}) {
    const list = Array.isArray(input.units) ? input.units : [];
    const units = list.map((u) => ({
      unitId: idOf((u as { unitId?: unknown })?.unitId ?? (u as { unit?: unknown })?.unit),
      role:
        (u as { role?: unknown })?.role === 'assist'
          ? 'assist'
          : (u as { role?: unknown })?.role === 'lead'
            ? 'lead'
            : null,
    }));
    if (!units.length || units.some((u) => !u.unitId || !u.role))
      throw new SuggestionError(this.t(options, 'Name each handling unit and whether it leads or assists'));
    if (!units.some((u) => u.role === 'lead'))
      throw new SuggestionError(this.t(options, 'At least one unit leads the handling'));
    if (new Set(units.map((u) => u.unitId)).size !== units.length)
      throw new SuggestionError(this.t(options, 'Each unit is named once'));
    await this.locked(id, options, async (row, transaction) => {
      this.refuseFrom(row, FROM.assign, options);
      const found: Model[] = await this.db
        .getRepository('handlingUnits')
        .find({ filter: { id: { $in: units.map((u) => u.unitId) }, active: true }, transaction });
      if (found.length !== units.length)
        throw new SuggestionError(this.t(options, 'A handling unit named is not in the catalogue or not in use'));
      const settings = await readSettings(this.db, { transaction });
      const now = options.now ?? new Date();
      const today = shanghaiDate(now);
      for (const u of units) {
        await this.db.getRepository('suggestionAssignments').create({
          values: {
            suggestionId: id,
            unitId: u.unitId,
            role: u.role,
            status: 'handling',
            dueOn: addMonths(today, u.role === 'lead' ? settings.replyMonths : settings.coHandlerMonths),
          },
          transaction,
          context: options.context,
          suggestionFlow: true,
        } as never);
      }
      await this.write(id, { status: 'assigned', assignedAt: now }, transaction, options);
    });
    return this.reread(id);
  }

  /** An assignment with its suggestion locked: the step's work on both. */
  private async onAssignment<T>(
    assignmentId: number,
    options: StepOptions,
    work: (assignment: Model, suggestion: Model, transaction: Transaction) => Promise<T>,
  ) {
    const first: Model | null = await this.db
      .getRepository('suggestionAssignments')
      .findOne({ filterByTk: assignmentId });
    if (!first) throw new SuggestionError(this.t(options, 'The assignment does not exist'), 404);
    return this.locked(first.get('suggestionId'), options, async (suggestion, transaction) => {
      const assignment: Model = await this.db
        .getRepository('suggestionAssignments')
        .findOne({ filterByTk: assignmentId, ...afterLock(this.db, transaction) });
      return work(assignment, suggestion, transaction);
    });
  }

  private writeAssignment(id: number, values: Record<string, unknown>, transaction: Transaction, options: StepOptions) {
    return this.db.getRepository('suggestionAssignments').update({
      filterByTk: id,
      values,
      transaction,
      context: options.context,
      suggestionFlow: true,
    } as FlowWrite);
  }

  /** 延期: the unit's limit moves by the settings' extension, with the reason. */
  async extend(assignmentId: number, input: { reason?: unknown }, options: StepOptions = {}) {
    const reason = text(input.reason);
    if (!reason) throw new SuggestionError(this.t(options, 'Give the reason for the extension'));
    await this.onAssignment(assignmentId, options, async (assignment, _suggestion, transaction) => {
      if (!['handling', 'reopened'].includes(assignment.get('status')))
        throw new SuggestionError(this.t(options, 'Only an assignment being handled can be extended'));
      const settings = await readSettings(this.db, { transaction });
      await this.writeAssignment(
        assignmentId,
        {
          dueOn: addMonths(String(assignment.get('dueOn')), settings.extensionMonths),
          extensions: Number(assignment.get('extensions') ?? 0) + 1,
          extensionReason: reason,
        },
        transaction,
        options,
      );
    });
    return this.db.getRepository('suggestionAssignments').findOne({ filterByTk: assignmentId });
  }

  /** 答复: the unit's written reply; a lead unit's with its result code (A–D). All leads replied: answered. */
  async reply(assignmentId: number, input: { reply?: unknown; resultCode?: unknown }, options: StepOptions = {}) {
    const reply = text(input.reply);
    if (!reply) throw new SuggestionError(this.t(options, 'Write the unit’s reply'));
    const code = String(input.resultCode ?? '');
    await this.onAssignment(assignmentId, options, async (assignment, suggestion, transaction) => {
      if (!['handling', 'reopened'].includes(assignment.get('status')))
        throw new SuggestionError(this.t(options, 'This unit has replied already'));
      const lead = assignment.get('role') === 'lead';
      if (lead && !RESULT_CODES.some((c) => c.value === code))
        throw new SuggestionError(this.t(options, 'Choose the result: A, B, C or D'));
      const now = options.now ?? new Date();
      await this.writeAssignment(
        assignmentId,
        { status: 'replied', reply, resultCode: lead ? code : null, repliedAt: now },
        transaction,
        options,
      );
      const open = await this.db.getRepository('suggestionAssignments').count({
        filter: { suggestionId: suggestion.get('id'), role: 'lead', status: { $in: ['handling', 'reopened'] } },
        transaction,
      });
      if (!open && suggestion.get('status') === 'assigned')
        await this.write(suggestion.get('id'), { status: 'answered', answeredAt: now }, transaction, options);
    });
    return this.reread(
      (await this.db.getRepository('suggestionAssignments').findOne({ filterByTk: assignmentId })).get('suggestionId'),
    );
  }

  /**
   * 反馈: the lead deputy's satisfaction with a lead unit's reply. Unsatisfied, within the settings' limit: the
   * unit handles it again (a new due date). Every lead unit accepted: the suggestion is closed, with the least
   * satisfied answer as its satisfaction.
   */
  async feedback(assignmentId: number, input: { satisfaction?: unknown; note?: unknown }, options: StepOptions = {}) {
    const satisfaction = String(input.satisfaction ?? '');
    if (!SATISFACTION.some((s) => s.value === satisfaction))
      throw new SuggestionError(this.t(options, 'Choose satisfied, basically satisfied or unsatisfied'));
    const note = text(input.note);
    let suggestionId = 0;
    await this.onAssignment(assignmentId, options, async (assignment, suggestion, transaction) => {
      suggestionId = suggestion.get('id');
      if (assignment.get('role') !== 'lead' || assignment.get('status') !== 'replied')
        throw new SuggestionError(this.t(options, 'Feedback is given on a lead unit’s reply'));
      const settings = await readSettings(this.db, { transaction });
      const now = options.now ?? new Date();
      const reopen =
        satisfaction === 'unsatisfied' && Number(assignment.get('reopenCount') ?? 0) < settings.reopenLimit;
      await this.writeAssignment(
        assignmentId,
        reopen
          ? {
              status: 'reopened',
              satisfaction,
              feedbackNote: note || null,
              feedbackAt: now,
              reopenCount: Number(assignment.get('reopenCount') ?? 0) + 1,
              dueOn: addMonths(shanghaiDate(now), settings.reopenMonths),
            }
          : { status: 'accepted', satisfaction, feedbackNote: note || null, feedbackAt: now },
        transaction,
        options,
      );
      if (reopen) return this.write(suggestionId, { status: 'assigned', answeredAt: null }, transaction, options);
      const leads: Model[] = await this.db
        .getRepository('suggestionAssignments')
        .find({ filter: { suggestionId, role: 'lead' }, transaction });
      if (leads.every((l) => l.get('status') === 'accepted')) {
        const order = SATISFACTION.map((s) => s.value);
        const worst = leads
          .map((l) => String(l.get('satisfaction')))
          .sort((a, b) => order.indexOf(b) - order.indexOf(a))[0];
        // A key suggestion closes only by passing the standing committee's appraisal (appraisal.ts).
        await this.write(
          suggestionId,
          suggestion.get('key')
            ? { status: 'appraisal', satisfaction: worst }
            : { status: 'closed', closedAt: now, satisfaction: worst },
          transaction,
          options,
        );
      }
    });
    return this.reread(suggestionId);
  }
}
