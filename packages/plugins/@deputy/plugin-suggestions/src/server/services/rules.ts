import type { Database, Model } from '@nocobase/database';
import { SuggestionError, translate } from './errors';
import type { FlowWrite } from './suggestion-flow';

/** Fields of a suggestion only its steps write (status, number, review, clock, satisfaction, credit bookkeeping). */
export const SUGGESTION_SYSTEM_FIELDS = [
  'status',
  'number',
  'code',
  'reviewNote',
  'mergedIntoId',
  'submittedAt',
  'registeredAt',
  'assignedAt',
  'answeredAt',
  'closedAt',
  'satisfaction',
  'creditStatus',
  'dutyRecordId',
  'creditError',
  'opinionId',
  'key',
  'keyYear',
  'supervisorId',
  'keyNote',
];
/** The statuses in which the lead deputy still writes the suggestion. */
export const EDITABLE_STATUSES = ['draft', 'returned'];
const BOOKKEEPING = ['updatedAt', 'updatedById'];

/**
 * The rules every change obeys, whoever makes it (a form, the API, an import, a workflow): a suggestion starts
 * as a draft, and is written by its lead deputy only while it is a draft or returned; status, number and clock
 * change through its steps only; a submitted suggestion is withdrawn, never deleted; assignments are made and
 * moved on by the steps only; a session's counter is the numbering's own. Checked in the database hooks,
 * inside the write's transaction.
 */
export function enforceSuggestionRules(db: Database) {
  db.on('suggestions.beforeCreate', async (model: Model, options: FlowWrite) => {
    if (options.suggestionFlow) return;
    if (model.get('status') && model.get('status') !== 'draft')
      throw new SuggestionError(translate(options, 'A suggestion starts as a draft'));
    for (const key of SUGGESTION_SYSTEM_FIELDS.filter((k) => k !== 'status')) {
      // Unset, or a checkbox's default (key: false).
      if (model.get(key) !== null && model.get(key) !== undefined && model.get(key) !== false)
        throw new SuggestionError(
          translate(options, 'The status and number of a suggestion change only through its steps'),
        );
    }
    model.set('status', 'draft');
  });
  db.on('suggestions.beforeUpdate', async (model: Model, options: FlowWrite) => {
    if (options.suggestionFlow) return;
    const changed: string[] = (model.changed() || []).filter((k: string) => !BOOKKEEPING.includes(k));
    if (changed.some((k) => SUGGESTION_SYSTEM_FIELDS.includes(k)))
      throw new SuggestionError(
        translate(options, 'The status and number of a suggestion change only through its steps'),
      );
    if (changed.length && !EDITABLE_STATUSES.includes(model.previous('status') ?? model.get('status')))
      throw new SuggestionError(
        translate(options, 'A suggestion is changed only while it is a draft or returned for revision'),
      );
  });
  db.on('suggestions.beforeDestroy', async (model: Model, options: FlowWrite) => {
    if (!['draft', 'withdrawn'].includes(model.get('status')))
      throw new SuggestionError(
        translate(options, 'A submitted suggestion is not deleted; the lead deputy withdraws it instead'),
        403,
      );
  });

  db.on('suggestionAssignments.beforeCreate', async (_: Model, options: FlowWrite) => {
    if (!options.suggestionFlow)
      throw new SuggestionError(translate(options, 'Handling units are assigned through 交办'), 403);
  });
  db.on('suggestionAssignments.beforeUpdate', async (model: Model, options: FlowWrite) => {
    if (options.suggestionFlow) return;
    if ((model.changed() || []).some((k: string) => !BOOKKEEPING.includes(k)))
      throw new SuggestionError(translate(options, 'A unit’s handling is recorded through its steps'), 403);
  });
  db.on('suggestionAssignments.beforeDestroy', async (_: Model, options: FlowWrite) => {
    throw new SuggestionError(translate(options, 'A unit’s handling is recorded through its steps'), 403);
  });

  // 满意度测评: status and results by its steps; its settings while voting only; ballots never changed.
  db.on('appraisalSessions.beforeCreate', async (model: Model, options: FlowWrite) => {
    if (!options.suggestionFlow && model.get('status') && model.get('status') !== 'open')
      throw new SuggestionError(translate(options, 'An appraisal starts with its voting open'));
  });
  db.on('appraisalSessions.beforeUpdate', async (model: Model, options: FlowWrite) => {
    if (options.suggestionFlow) return;
    const changed: string[] = (model.changed() || []).filter((k: string) => !BOOKKEEPING.includes(k));
    if (changed.some((k) => ['status', 'closedAt'].includes(k)))
      throw new SuggestionError(translate(options, 'The results of an appraisal are announced by closing it'));
    if (changed.length && model.previous('status') === 'closed')
      throw new SuggestionError(translate(options, 'The results of this appraisal are announced'));
  });
  db.on('appraisalSessions.beforeDestroy', async (model: Model, options: FlowWrite) => {
    if (
      await db
        .getRepository('appraisalTurnouts')
        .count({ filter: { sessionId: model.get('id') }, transaction: options.transaction })
    )
      throw new SuggestionError(translate(options, 'An appraisal with ballots is not deleted'), 403);
  });
  for (const name of ['appraisalSubjects', 'appraisalBallots', 'appraisalTurnouts']) {
    db.on(`${name}.beforeCreate`, async (_: Model, options: FlowWrite) => {
      if (!options.suggestionFlow)
        throw new SuggestionError(translate(options, 'Subjects and ballots are written by the appraisal’s steps'), 403);
    });
    db.on(`${name}.beforeUpdate`, async (model: Model, options: FlowWrite) => {
      if (options.suggestionFlow && name === 'appraisalSubjects') return;
      if ((model.changed() || []).some((k: string) => !BOOKKEEPING.includes(k)))
        throw new SuggestionError(translate(options, 'Subjects and ballots are written by the appraisal’s steps'), 403);
    });
  }
  for (const name of ['appraisalBallots', 'appraisalTurnouts'])
    db.on(`${name}.beforeDestroy`, async (_: Model, options: FlowWrite) => {
      throw new SuggestionError(translate(options, 'Subjects and ballots are written by the appraisal’s steps'), 403);
    });
  db.on('appraisalSubjects.beforeDestroy', async (_: Model, options: FlowWrite) => {
    throw new SuggestionError(translate(options, 'Subjects and ballots are written by the appraisal’s steps'), 403);
  });

  db.on('congressSessions.beforeUpdate', async (model: Model, options: FlowWrite) => {
    const changed: string[] = model.changed() || [];
    if (changed.includes('lastNumber'))
      throw new SuggestionError(translate(options, 'Numbers are given when suggestions are registered'));
    if (changed.includes('code') && Number(model.previous('lastNumber') ?? 0) > 0)
      throw new SuggestionError(translate(options, 'The short name is part of numbers already given'));
  });
  db.on('congressSessions.beforeDestroy', async (model: Model, options: FlowWrite) => {
    if (
      await db
        .getRepository('suggestions')
        .count({ filter: { sessionId: model.get('id') }, transaction: options.transaction })
    )
      throw new SuggestionError(translate(options, 'A session with suggestions is not deleted'), 403);
  });
}
