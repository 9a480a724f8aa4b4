import { enabledPlugin, suiteCore } from '@deputy/plugin-suite-core';
import type { PluginSuggestionsServer } from '@deputy/plugin-suggestions';
import type { Database, Model } from '@nocobase/database';
import type { Application } from '@nocobase/server';
import { ESCALATION_LEVELS, TOP_LEVEL } from '../collections/opinionClasses';
import { DONE_STATUSES, OPEN_STATUSES } from '../collections/opinions';
import { addDays, asDate, newTrackingCode, shanghaiDate } from './clock';
import { translate, VoiceError } from './errors';
import { readSettings } from './settings';
import type { FlowCreate, FlowUpdate, StepOptions as Options } from './write-options';
export type OpinionAction = 'classify' | 'assign' | 'progress' | 'answer' | 'close' | 'convert';
/** A step's input as the request sends it: every value is checked (`text`, the class id's digits) before use. */
export type StepValues = {
  note?: unknown;
  opinionClassId?: unknown;
  classId?: unknown;
  opinionClass?: unknown;
  handlingUnit?: unknown;
  answer?: unknown;
  suggestionRef?: unknown;
};

/** From which statuses each action may be taken, and the status it leads to (null: unchanged). */
export const TRANSITIONS: Record<OpinionAction, { from: string[]; to: string | null }> = {
  classify: { from: ['received', 'classified', 'assigned', 'inProgress'], to: null },
  assign: { from: ['classified', 'assigned', 'inProgress'], to: 'assigned' },
  progress: { from: ['assigned', 'inProgress'], to: 'inProgress' },
  answer: { from: ['classified', 'assigned', 'inProgress'], to: 'answered' },
  close: { from: ['answered'], to: 'closed' },
  convert: { from: [...OPEN_STATUSES, 'answered'], to: 'converted' },
};

/** Statuses in which an opinion counts as accepted into handling (credits the deputy's item D14). */
export const ACCEPTED_STATUSES = ['assigned', 'inProgress', 'answered', 'closed'];

const MAX_NOTE = 2000;
const MAX_UNIT = 100;

/**
 * The closed loop of an opinion: receipt (with its tracking code), classification (which starts the class's
 * clock), assignment to a handling unit, progress, the answer, closure or conversion into a 代表建议, and the
 * escalation of what misses its deadline. Every step writes the opinion and appends a milestone in one
 * transaction; the `opinions` hooks refuse any other change of status or clock.
 */
export class OpinionFlow {
  constructor(private app: Application) {}

  private get db(): Database {
    return this.app.db;
  }

  private calendar() {
    return suiteCore(this.app).calendar;
  }

  /** The date an answer is due: `deadlineDays` calendar (or working) days after `from`; null when the class sets none. */
  async dueDate(klass: Model, from: string): Promise<string | null> {
    const days = klass.get('deadlineDays');
    if (days === null || days === undefined || days === '') return null;
    if (klass.get('workingDays') && this.calendar()) return this.calendar().addWorkingDays(from, Number(days));
    return addDays(from, Number(days));
  }

  /** The next thing due: the answer's deadline, or the next progress report of the class's cadence, whichever comes first. */
  nextDue(dueOn: string | null, lastStep: string, reminderDays: unknown) {
    const push = Number(reminderDays) > 0 ? addDays(lastStep, Number(reminderDays)) : null;
    if (dueOn && push) return dueOn < push ? dueOn : push;
    return dueOn ?? push;
  }

  async milestone(
    opinionId: number,
    kind: string,
    note: string | null,
    options: Options & { level?: number | null } = {},
  ) {
    return this.db.getRepository('opinionMilestones').create({
      values: { opinionId, kind, note: note ?? null, at: options.now ?? new Date(), level: options.level ?? null },
      transaction: options.transaction,
      context: options.context,
      opinionFlow: true,
    } as FlowCreate);
  }

  /** Registers a new opinion (status received), with a unique tracking code and its first milestone. */
  async receive(values: Record<string, unknown>, options: Options = {}): Promise<Model> {
    if (!options.transaction)
      return this.db.sequelize.transaction((transaction) => this.receive(values, { ...options, transaction }));
    const { transaction, context } = options;
    const now = options.now ?? new Date();
    const settings = await readSettings(this.db, { transaction });
    const repo = this.db.getRepository('opinions');
    let trackingCode = newTrackingCode();
    while (await repo.count({ filter: { trackingCode }, transaction })) trackingCode = newTrackingCode();
    const opinion: Model = await repo.create({
      values: {
        ...values,
        trackingCode,
        status: 'received',
        receivedAt: now,
        nextDueOn: addDays(shanghaiDate(now), settings.classifyWithinDays),
        overdue: false,
        overdueCount: 0,
      },
      transaction,
      context,
      opinionFlow: true,
    } as FlowCreate);
    await this.milestone(opinion.get('id'), 'received', null, { transaction, context, now });
    return opinion;
  }

  /** Takes one action on an opinion (see TRANSITIONS); returns the opinion as saved. */
  async act(id: number, action: OpinionAction, values: StepValues, options: Options = {}): Promise<Model | null> {
    if (!options.transaction)
      return this.db.sequelize.transaction((transaction) => this.act(id, action, values, { ...options, transaction }));
    const { transaction, context } = options;
    const t = (key: string, vars?: Record<string, unknown>) => translate({ context }, key, vars);
    const now = options.now ?? new Date();
    const today = shanghaiDate(now);
    const repo = this.db.getRepository('opinions');
    const opinion: Model | null = await repo.findOne({ filterByTk: id, appends: ['opinionClass'], transaction });
    if (!opinion) throw new VoiceError(t('The record does not exist or is outside your permissions'), 404);
    const spec = TRANSITIONS[action];
    const status = opinion.get('status');
    if (!spec.from.includes(status)) {
      throw new VoiceError(
        t('This step is not possible while the opinion is “{{status}}”', { status: t(statusLabel(status)) }),
      );
    }
    const note = text(values.note);
    if (note.length > MAX_NOTE) throw new VoiceError(t('Keep notes to {{max}} characters', { max: MAX_NOTE }));
    const changes: Record<string, unknown> = {};
    let milestoneNote: string | null = note || null;
    const klass = opinion.get('opinionClass');

    if (action === 'classify') {
      const classId =
        values.opinionClassId ??
        values.classId ??
        (values.opinionClass as { id?: unknown } | null | undefined)?.id ??
        values.opinionClass;
      const chosen: Model | null =
        classId && /^\d+$/.test(String(classId))
          ? await this.db
              .getRepository('opinionClasses')
              .findOne({ filterByTk: classId as string | number, transaction })
          : null;
      if (!chosen) throw new VoiceError(t('Choose an existing opinion class'));
      if (chosen.get('active') === false) throw new VoiceError(t('This opinion class is no longer in use'));
      const received = shanghaiDate(new Date(opinion.get('receivedAt')));
      const dueOn = await this.dueDate(chosen, received);
      changes.opinionClassId = chosen.get('id');
      changes.dueOn = dueOn;
      changes.nextDueOn = this.nextDue(dueOn, today, chosen.get('reminderDays'));
      changes.escalationLevel = Math.max(
        Number(opinion.get('escalationLevel') ?? 0),
        Number(chosen.get('escalationLevel') ?? 1),
      );
      if (status === 'received') changes.status = 'classified';
      milestoneNote = [
        `${chosen.get('name')}`,
        dueOn ? t('to be answered by {{date}}', { date: dueOn }) : null,
        note || null,
      ]
        .filter(Boolean)
        .join('；');
    }
    if (action === 'assign') {
      const unit = text(values.handlingUnit);
      if (!unit) throw new VoiceError(t('Name the unit that handles the opinion'));
      if (unit.length > MAX_UNIT)
        throw new VoiceError(t('Keep the handling unit to {{max}} characters', { max: MAX_UNIT }));
      changes.handlingUnit = unit;
      if (status === 'classified') changes.status = 'assigned';
      milestoneNote = [t('Handled by {{unit}}', { unit }), note || null].filter(Boolean).join('；');
    }
    if (action === 'progress') {
      if (!note) throw new VoiceError(t('Describe the progress'));
      changes.status = 'inProgress';
      changes.nextDueOn = this.nextDue(asDate(opinion.get('dueOn')), today, klass?.get('reminderDays'));
    }
    if (action === 'answer') {
      const reply = text(values.answer);
      if (!reply) throw new VoiceError(t('Write the answer to the citizen'));
      if (reply.length > MAX_NOTE) throw new VoiceError(t('Keep the answer to {{max}} characters', { max: MAX_NOTE }));
      Object.assign(changes, { status: 'answered', answer: reply, answeredAt: now, nextDueOn: null });
      milestoneNote = reply;
    }
    if (action === 'close') {
      Object.assign(changes, { status: 'closed', closedAt: now, nextDueOn: null });
    }
    if (action === 'convert') {
      let ref = text(values.suggestionRef);
      if (ref.length > MAX_UNIT)
        throw new VoiceError(t('Keep the suggestion number to {{max}} characters', { max: MAX_UNIT }));
      // With plugin-suggestions: a real draft for the opinion's deputy, linked to the opinion (its number follows
      // once the suggestion is registered, see noteSuggestion).
      const suggestions = enabledPlugin<PluginSuggestionsServer>(this.app, '@deputy/plugin-suggestions');
      if (suggestions && opinion.get('deputyId')) {
        await suggestions.flow.draftFromOpinion(opinion, { transaction, context, now });
        ref ||= t('Deputy suggestion (draft)');
      }
      Object.assign(changes, { status: 'converted', suggestionRef: ref || null, closedAt: now, nextDueOn: null });
      milestoneNote =
        [ref ? t('Deputy suggestion {{ref}}', { ref }) : null, note || null].filter(Boolean).join('；') || null;
    }
    if (spec.to && !changes.status) changes.status = spec.to;

    await repo.update({ filterByTk: id, values: changes, transaction, context, opinionFlow: true } as FlowUpdate);
    const kind =
      action === 'classify'
        ? 'classified'
        : action === 'assign'
          ? 'assigned'
          : action === 'answer'
            ? 'answered'
            : action === 'close'
              ? 'closed'
              : action === 'convert'
                ? 'converted'
                : 'progress';
    await this.milestone(id, kind, milestoneNote, {
      transaction,
      context,
      now,
      level: changes.escalationLevel ?? opinion.get('escalationLevel'),
    });
    return repo.findOne({ filterByTk: id, appends: ['opinionClass'], transaction });
  }

  /**
   * The suggestion an opinion became is registered (plugin-suggestions): its number on the opinion and a
   * milestone on the citizen's timeline, in the registration's transaction.
   */
  async noteSuggestion(opinionId: number, code: string, options: Options = {}) {
    const { transaction, context } = options;
    const t = (key: string, vars?: Record<string, unknown>) => translate({ context }, key, vars);
    await this.db.getRepository('opinions').update({
      filterByTk: opinionId,
      values: { suggestionRef: code },
      transaction,
      context,
      opinionFlow: true,
    } as FlowUpdate);
    await this.milestone(opinionId, 'progress', t('Registered as deputy suggestion {{code}}', { code }), options);
  }

  /**
   * Escalates every open opinion whose next step was due before `now`'s date (Asia/Shanghai): one level up
   * the ladder (station → town → county departments → supervision by the standing committee), flagged
   * overdue, with a fresh period at the new level (the class's progress cadence, else its deadline, at least
   * one day) and an "escalated" milestone. Run daily by the cron job; safe to run again the same day.
   */
  async escalateOverdue(now = new Date()) {
    const today = shanghaiDate(now);
    const settings = await readSettings(this.db);
    const due: Model[] = await this.db.getRepository('opinions').find({
      filter: { status: { $in: OPEN_STATUSES }, nextDueOn: { $lt: today } },
      appends: ['opinionClass', 'deputy', 'station', 'station.staff'],
      sort: ['id'],
    });
    const escalated: { id: number; level: number; dueOn: string }[] = [];
    for (const opinion of due) {
      const klass = opinion.get('opinionClass');
      const from = Number(opinion.get('escalationLevel') ?? 1);
      const level = Math.min(TOP_LEVEL, from + 1);
      const period = klass
        ? Math.max(1, Number(klass.get('reminderDays')) || Number(klass.get('deadlineDays')) || 7)
        : Math.max(1, settings.classifyWithinDays);
      const nextDueOn = addDays(today, period);
      const missed = asDate(opinion.get('nextDueOn'));
      await this.db.sequelize.transaction(async (transaction) => {
        await this.db.getRepository('opinions').update({
          filterByTk: opinion.get('id'),
          values: {
            overdue: true,
            overdueCount: Number(opinion.get('overdueCount') ?? 0) + 1,
            escalationLevel: level,
            nextDueOn,
            ...(opinion.get('dueOn') ? { dueOn: nextDueOn } : {}),
          },
          transaction,
          opinionFlow: true,
        } as FlowUpdate);
        const levelName = translate({}, ESCALATION_LEVELS.find((l) => l.value === level)!.label);
        const note = translate({}, 'Not done by {{due}}: escalated to {{level}}, now due on {{next}}', {
          due: missed,
          level: levelName,
          next: nextDueOn,
        });
        await this.milestone(opinion.get('id'), 'escalated', note, { transaction, now, level });
      });
      escalated.push({ id: opinion.get('id'), level, dueOn: nextDueOn });
      await this.alert(opinion, level, nextDueOn);
    }
    return { today, escalated };
  }

  /** In-app messages to the deputy and the station staff (plugin-deputies' notifier, once per missed deadline). */
  private async alert(opinion: Model, level: number, dueOn: string) {
    const notifier = suiteCore(this.app).notifier;
    if (!notifier?.remind) return;
    const users = new Set<number>(
      [
        opinion.get('deputy')?.get('userId'),
        ...((opinion.get('station')?.get('staff') ?? []) as Model[]).map((u) => u.get('id')),
      ].filter(Boolean),
    );
    const title = translate({}, 'Opinion overdue and escalated');
    const content = translate(
      {},
      'Opinion {{code}} missed its deadline and is escalated to level {{level}}; due on {{due}}',
      { code: opinion.get('trackingCode'), level, due: dueOn },
    );
    for (const userId of users) {
      try {
        await notifier.remind(
          userId,
          `opinion-escalated:${opinion.get('id')}:${Number(opinion.get('overdueCount') ?? 0) + 1}:${userId}`,
          title,
          content,
        );
      } catch (e) {
        this.app.log.warn('opinion escalation alert failed', { error: (e as Error)?.message });
      }
    }
  }
}

export function statusLabel(status: string) {
  return (
    (
      {
        received: 'Received',
        classified: 'Classified',
        assigned: 'Assigned',
        inProgress: 'In progress',
        answered: 'Answered',
        closed: 'Closed',
        converted: 'Converted to a deputy suggestion',
      } as Record<string, string>
    )[status] ?? status
  );
}

/** Text as stored: trimmed, control characters other than line breaks and tabs removed. Never interpreted as HTML. */
export function text(v: unknown) {
  if (v === null || v === undefined) return '';
  // Control characters are what this removes, on purpose.
  // eslint-disable-next-line no-control-regex
  const controls = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g;
  return String(v).replace(controls, '').trim();
}

export { DONE_STATUSES, OPEN_STATUSES };
