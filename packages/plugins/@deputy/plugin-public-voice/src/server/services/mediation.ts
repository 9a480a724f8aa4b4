import { suiteCore } from '@deputy/plugin-suite-core';
import type { Database, Model } from '@nocobase/database';
import type { Application } from '@nocobase/server';
import { MEDIATION_STAGES, Stage } from '../collections/mediationCases';
import { addDays, asDate, shanghaiDate } from './clock';
import { translate, VoiceError } from './errors';
import { text } from './opinion-flow';
import type { FlowUpdate, StepOptions as Options } from './write-options';

const AT: Record<Stage, string> = {
  respond: 'respondedAt',
  intervene: 'intervenedAt',
  mediate: 'mediatedAt',
  solution: 'solutionAt',
};
const DUE = (stage: Stage) => `${stage}DueOn`;
/** Fields written only by this service: the clock, the milestones, the status. */
export const MEDIATION_SYSTEM_FIELDS = [
  'openedAt',
  'status',
  'overdue',
  'overdueStages',
  'closedAt',
  'creditStatus',
  'dutyRecordId',
  'creditError',
  ...MEDIATION_STAGES.flatMap((s) => [DUE(s.value), AT[s.value]]),
];

/**
 * "一三六九" mediation: a case opens with four due dates (respond ≤ 1 day, intervene ≤ 3, mediate ≤ 6, a
 * solution for complex cases ≤ 9, calendar days from the day it opened, Asia/Shanghai); each milestone is
 * reached in order and timestamped; a case closes with an agreement (the signed agreement attached as
 * evidence) or as not settled. `checkOverdue(now)` flags the milestones past their date and alerts the team.
 */
export class Mediation {
  constructor(private app: Application) {}

  private get db(): Database {
    return this.app.db;
  }

  /** The due dates of a case opened at `at`. */
  static dueDates(at: Date) {
    const opened = shanghaiDate(at);
    return Object.fromEntries(MEDIATION_STAGES.map((s) => [DUE(s.value), addDays(opened, s.days)]));
  }

  /** Stages a case must reach: the solution only for complex cases. */
  static stagesOf(row: Model): Stage[] {
    return MEDIATION_STAGES.map((s) => s.value).filter((s) => s !== 'solution' || row.get('complex'));
  }

  /** Sets the clock of a new case (called by the create hook). */
  open(model: Model, now = new Date()) {
    model.set('openedAt', now);
    model.set('status', 'open');
    model.set('overdue', false);
    model.set('overdueStages', []);
    for (const [k, v] of Object.entries(Mediation.dueDates(now))) model.set(k, v);
    for (const s of MEDIATION_STAGES) model.set(AT[s.value], null);
    model.set('closedAt', null);
  }

  async reach(id: number, stage: string, values: { note?: string }, options: Options = {}): Promise<Model | null> {
    if (!options.transaction)
      return this.db.sequelize.transaction((transaction) => this.reach(id, stage, values, { ...options, transaction }));
    const { transaction, context } = options;
    const t = (key: string, vars?: Record<string, unknown>) => translate({ context }, key, vars);
    const now = options.now ?? new Date();
    const repo = this.db.getRepository('mediationCases');
    const row: Model | null = await repo.findOne({ filterByTk: id, transaction });
    if (!row) throw new VoiceError(t('The record does not exist or is outside your permissions'), 404);
    if (row.get('status') !== 'open') throw new VoiceError(t('This mediation case is closed'));
    const stages = Mediation.stagesOf(row);
    if (!MEDIATION_STAGES.some((s) => s.value === stage))
      throw new VoiceError(t('Choose the milestone: respond, intervene, mediate or solution'));
    if (!stages.includes(stage as Stage)) throw new VoiceError(t('Only complex cases have a solution milestone'));
    if (row.get(AT[stage as Stage])) throw new VoiceError(t('This milestone has been reached already'));
    const before = stages.slice(0, stages.indexOf(stage as Stage)).find((s) => !row.get(AT[s]));
    if (before)
      throw new VoiceError(
        t('Reach the milestones in order: first “{{stage}}”', {
          stage: t(MEDIATION_STAGES.find((s) => s.value === before)!.label),
        }),
      );
    const note = text(values.note);
    const outcome = note
      ? [row.get('outcome'), `${t(MEDIATION_STAGES.find((s) => s.value === stage)!.label)}：${note}`]
          .filter(Boolean)
          .join('\n')
      : row.get('outcome');
    const values2: Record<string, unknown> = { [AT[stage as Stage]]: now, outcome };
    const remaining = ((row.get('overdueStages') ?? []) as string[]).filter((s) => s !== stage);
    values2.overdueStages = remaining;
    values2.overdue = remaining.length > 0;
    await repo.update({ filterByTk: id, values: values2, transaction, context, mediationFlow: true } as FlowUpdate);
    return repo.findOne({ filterByTk: id, appends: ['agreement'], transaction });
  }

  async close(id: number, values: { outcome?: string; result?: string }, options: Options = {}): Promise<Model | null> {
    if (!options.transaction)
      return this.db.sequelize.transaction((transaction) => this.close(id, values, { ...options, transaction }));
    const { transaction, context } = options;
    const t = (key: string, vars?: Record<string, unknown>) => translate({ context }, key, vars);
    const now = options.now ?? new Date();
    const repo = this.db.getRepository('mediationCases');
    const row: Model | null = await repo.findOne({ filterByTk: id, appends: ['agreement'], transaction });
    if (!row) throw new VoiceError(t('The record does not exist or is outside your permissions'), 404);
    if (row.get('status') !== 'open') throw new VoiceError(t('This mediation case is closed'));
    const result = values.result;
    if (!['agreed', 'failed'].includes(String(result)))
      throw new VoiceError(t('Close the case as agreed or as not settled'));
    if (result === 'agreed') {
      if (!row.get('mediatedAt')) throw new VoiceError(t('An agreement needs the mediation milestone first'));
      if (!(row.get('agreement') ?? []).length)
        throw new VoiceError(t('Attach the signed mediation agreement as evidence'));
    }
    const summary = text(values.outcome);
    await repo.update({
      filterByTk: id,
      values: {
        status: result,
        closedAt: now,
        overdue: false,
        outcome: [row.get('outcome'), summary].filter(Boolean).join('\n') || null,
      },
      transaction,
      context,
      mediationFlow: true,
    } as FlowUpdate);
    return repo.findOne({ filterByTk: id, appends: ['agreement'], transaction });
  }

  /** Flags the milestones of open cases past their date (Asia/Shanghai) and alerts the team once per milestone. */
  async checkOverdue(now = new Date()) {
    const today = shanghaiDate(now);
    const rows: Model[] = await this.db
      .getRepository('mediationCases')
      .find({ filter: { status: 'open' }, appends: ['deputy', 'station', 'station.staff'], sort: ['id'] });
    const flagged: { id: number; stages: Stage[] }[] = [];
    for (const row of rows) {
      const late = Mediation.stagesOf(row).filter(
        (s) => !row.get(AT[s]) && (asDate(row.get(DUE(s))) ?? '9999') < today,
      );
      const was: string[] = row.get('overdueStages') ?? [];
      if (late.length !== was.length || late.some((s) => !was.includes(s))) {
        await this.db.getRepository('mediationCases').update({
          filterByTk: row.get('id'),
          values: { overdueStages: late, overdue: late.length > 0 },
          mediationFlow: true,
        } as FlowUpdate);
      }
      if (late.length) {
        flagged.push({ id: row.get('id'), stages: late });
        await this.alert(row, late);
      }
    }
    return { today, flagged };
  }

  private async alert(row: Model, late: Stage[]) {
    const notifier = suiteCore(this.app).notifier;
    if (!notifier?.remind) return;
    const users = new Set<number>(
      [
        row.get('deputy')?.get('userId'),
        row.get('judicialOfficerId'),
        row.get('gridWorkerId'),
        ...((row.get('station')?.get('staff') ?? []) as Model[]).map((u) => u.get('id')),
      ].filter(Boolean),
    );
    const title = translate({}, 'Mediation milestone overdue');
    for (const stage of late) {
      const content = translate({}, 'Mediation case “{{title}}”: “{{stage}}” was due on {{due}}', {
        title: row.get('title'),
        stage: translate({}, MEDIATION_STAGES.find((s) => s.value === stage)!.label),
        due: asDate(row.get(DUE(stage))),
      });
      for (const userId of users) {
        try {
          await notifier.remind(userId, `mediation-overdue:${row.get('id')}:${stage}:${userId}`, title, content);
        } catch (e) {
          this.app.log.warn('mediation alert failed', { error: (e as Error)?.message });
        }
      }
    }
  }
}
