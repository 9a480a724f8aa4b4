import { randomInt } from 'crypto';
import { afterLock, lockRow } from '@deputy/plugin-suite-core';
import type { BelongsToManyRepository, Model, Transaction } from '@nocobase/database';
import { SATISFACTION } from '../collections/suggestions';
import { SuggestionError } from './errors';
import { idOf, Steps } from './steps';
import { addMonths, readSettings, shanghaiDate } from './settings';
import type { FlowWrite, StepOptions } from './steps';

/**
 * 满意度测评 of key suggestions: the session takes in the year's key suggestions not yet closed, each voter casts
 * one secret ballot per subject (its turnout kept apart from its choice) (满意 / 基本满意 / 不满意), and closing tallies them: a subject passes when the
 * share of 满意 and 基本满意 reaches the session's pass line. A passed key suggestion is closed; a failed one goes
 * back to its lead units (handled again, due by the settings) and is a key suggestion of the next year. Each step
 * is one transaction under the session's row lock; only these steps write sessions' status, subjects and ballots.
 */
export class Appraisal extends Steps {
  /** A step on an appraisal still voting, under its row lock. */
  private locked<T>(id: number, options: StepOptions, work: (row: Model, transaction: Transaction) => Promise<T>) {
    return this.inLock('appraisalSessions', id, options, 'The appraisal does not exist', async (row, transaction) => {
      if (row.get('status') !== 'open')
        throw new SuggestionError(this.t(options, 'The results of this appraisal are announced'));
      return work(row, transaction);
    });
  }

  private flow(transaction: Transaction, options: StepOptions) {
    return { transaction, context: options.context, suggestionFlow: true } as FlowWrite;
  }

  private reread(id: number) {
    return this.db.getRepository('appraisalSessions').findOne({ filterByTk: id, appends: ['subjects'] });
  }

  /** The year's key suggestions not yet closed become the session's subjects (those already in stay). */
  async addKeySuggestions(id: number, options: StepOptions = {}) {
    await this.locked(id, options, async (session, transaction) => {
      const suggestions: Model[] = await this.db.getRepository('suggestions').find({
        filter: { key: true, keyYear: session.get('year'), status: { $notIn: ['closed'] } },
        sort: ['number'],
        transaction,
      });
      const have = new Set(
        (
          (await this.db
            .getRepository('appraisalSubjects')
            .find({ filter: { sessionId: id }, fields: ['suggestionId'], transaction })) as Model[]
        ).map((s) => s.get('suggestionId')),
      );
      for (const s of suggestions.filter((s) => !have.has(s.get('id'))))
        await this.db.getRepository('appraisalSubjects').create({
          values: { sessionId: id, suggestionId: s.get('id'), title: `${s.get('code')} ${s.get('title')}` },
          ...this.flow(transaction, options),
        });
    });
    return this.reread(id);
  }

  /** A voter's ballots, one per subject of the session, all at once; a second ballot on a subject is refused. */
  async cast(id: number, voterId: number, input: { choices?: unknown }, options: StepOptions = {}) {
    const list = Array.isArray(input.choices) ? input.choices : [];
    const choices = list.map((c) => ({
      subjectId: idOf((c as { subjectId?: unknown })?.subjectId),
      choice: String((c as { choice?: unknown })?.choice ?? ''),
    }));
    if (!choices.length || choices.some((c) => !c.subjectId || !SATISFACTION.some((s) => s.value === c.choice)))
      throw new SuggestionError(this.t(options, 'Mark each subject satisfied, basically satisfied or unsatisfied'));
    if (new Set(choices.map((c) => c.subjectId)).size !== choices.length)
      throw new SuggestionError(this.t(options, 'One ballot per subject'));
    await this.locked(id, options, async (_session, transaction) => {
      const voters: Model[] = await this.db
        .getRepository<BelongsToManyRepository>('appraisalSessions.voters', id)
        .find({ filter: { id: voterId }, fields: ['id'], transaction });
      if (!voters.length) throw new SuggestionError(this.t(options, 'You are not a voter of this appraisal'), 403);
      const subjects = await this.db
        .getRepository('appraisalSubjects')
        .count({ filter: { sessionId: id, id: { $in: choices.map((c) => c.subjectId) } }, transaction });
      if (subjects !== choices.length)
        throw new SuggestionError(this.t(options, 'A subject named is not one of this appraisal'));
      const cast = await this.db.getRepository('appraisalTurnouts').count({
        filter: { voterId, subjectId: { $in: choices.map((c) => c.subjectId) } },
        ...afterLock(this.db, transaction),
      });
      if (cast) throw new SuggestionError(this.t(options, 'You have voted on this subject already'));
      // Who voted, and apart from it how (random keys, no time): the two cannot be joined.
      for (const c of choices) {
        await this.db.getRepository('appraisalTurnouts').create({
          values: { sessionId: id, subjectId: c.subjectId, voterId },
          ...this.flow(transaction, options),
        });
        await this.db.getRepository('appraisalBallots').create({
          // A random key below 2^47 (15 digits at most, as every id of the suite): no insertion order.
          values: { id: randomInt(1, 2 ** 47), sessionId: id, subjectId: c.subjectId, choice: c.choice },
          ...this.flow(transaction, options),
        });
      }
    });
    return this.reread(id);
  }

  /** Closes the voting: the tallies and results; passed key suggestions closed, failed ones handled again. */
  async close(id: number, options: StepOptions = {}) {
    await this.locked(id, options, async (session, transaction) => {
      const subjects: Model[] = await this.db
        .getRepository('appraisalSubjects')
        .find({ filter: { sessionId: id }, transaction });
      if (!subjects.length) throw new SuggestionError(this.t(options, 'The appraisal has no subjects'));
      const ballots: Model[] = await this.db
        .getRepository('appraisalBallots')
        .find({ filter: { sessionId: id }, fields: ['subjectId', 'choice'], transaction });
      if (!ballots.length) throw new SuggestionError(this.t(options, 'No ballot has been cast'));
      const settings = await readSettings(this.db, { transaction });
      const now = options.now ?? new Date();
      const passRate = Number(session.get('passRate') ?? 60);
      for (const subject of subjects) {
        const mine = ballots.filter((b) => b.get('subjectId') === subject.get('id'));
        const n = (choice: string) => mine.filter((b) => b.get('choice') === choice).length;
        const [satisfied, basic, unsatisfied] = [n('satisfied'), n('basic'), n('unsatisfied')];
        const rate = mine.length ? Math.floor(((satisfied + basic) * 100) / mine.length) : 0;
        const passed = mine.length > 0 && rate >= passRate;
        await this.db.getRepository('appraisalSubjects').update({
          filterByTk: subject.get('id'),
          values: { satisfied, basic, unsatisfied, rate, result: passed ? 'passed' : 'failed' },
          ...this.flow(transaction, options),
        });
        await this.settle(subject.get('suggestionId'), passed, now, settings.reopenMonths, transaction, options);
      }
      await this.db.getRepository('appraisalSessions').update({
        filterByTk: id,
        values: { status: 'closed', closedAt: now },
        ...this.flow(transaction, options),
      });
    });
    return this.reread(id);
  }

  /** A subject's result on its suggestion: closed, or back to its lead units as a key suggestion of the next year. */
  private async settle(
    suggestionId: number,
    passed: boolean,
    now: Date,
    reopenMonths: number,
    transaction: Transaction,
    options: StepOptions,
  ) {
    await lockRow(this.db, 'suggestions', suggestionId, transaction);
    const suggestion: Model = await this.db
      .getRepository('suggestions')
      .findOne({ filterByTk: suggestionId, ...afterLock(this.db, transaction) });
    if (passed) {
      await this.db.getRepository('suggestions').update({
        filterByTk: suggestionId,
        values: { status: 'closed', closedAt: now },
        ...this.flow(transaction, options),
      });
      return;
    }
    const leads: Model[] = await this.db
      .getRepository('suggestionAssignments')
      .find({ filter: { suggestionId, role: 'lead' }, transaction });
    for (const lead of leads)
      await this.db.getRepository('suggestionAssignments').update({
        filterByTk: lead.get('id'),
        values: {
          status: 'reopened',
          reopenCount: Number(lead.get('reopenCount') ?? 0) + 1,
          dueOn: addMonths(shanghaiDate(now), reopenMonths),
        },
        ...this.flow(transaction, options),
      });
    await this.db.getRepository('suggestions').update({
      filterByTk: suggestionId,
      values: {
        status: leads.length ? 'assigned' : suggestion.get('status'),
        answeredAt: null,
        keyYear: Number(suggestion.get('keyYear')) + 1,
      },
      ...this.flow(transaction, options),
    });
  }
}
