import type { Database, Model } from '@nocobase/database';
import { MEDIATION_SYSTEM_FIELDS, Mediation } from './mediation';
import { translate, VoiceError } from './errors';
import type { WriteOptions } from './write-options';

/** Fields of an opinion only the opinion steps write (status, clock, answer, rating, credit bookkeeping). */
export const OPINION_SYSTEM_FIELDS = [
  'trackingCode',
  'status',
  'opinionClassId',
  'handlingUnit',
  'receivedAt',
  'dueOn',
  'nextDueOn',
  'escalationLevel',
  'overdue',
  'overdueCount',
  'answer',
  'answeredAt',
  'closedAt',
  'suggestionRef',
  'rating',
  'ratingComment',
  'creditStatus',
  'dutyRecordId',
  'creditError',
  'source',
];

/**
 * The rules every change obeys, whoever makes it (a form, the API, an import or a workflow): opinions are
 * registered and moved on only by the opinion steps; milestones are append-only; a mediation case's clock
 * and milestones are written only by its steps. Checked in the database hooks, inside the write's transaction.
 */
export function enforceVoiceRules(db: Database, mediation: Mediation) {
  db.on('opinions.beforeCreate', async (_: Model, options: WriteOptions) => {
    if (!options.opinionFlow)
      throw new VoiceError(translate(options, 'Opinions are registered through the opinion form or the QR code'));
  });
  db.on('opinions.beforeUpdate', async (model: Model, options: WriteOptions) => {
    if (options.opinionFlow) return;
    const changed: string[] = model.changed() || [];
    if (changed.some((k) => OPINION_SYSTEM_FIELDS.includes(k))) {
      throw new VoiceError(
        translate(options, 'The status and deadlines of an opinion change only through its handling steps'),
      );
    }
  });
  db.on('opinions.beforeDestroy', async (_: Model, options: WriteOptions) => {
    throw new VoiceError(translate(options, 'An opinion is never deleted; close it with a note instead'), 403);
  });

  db.on('opinionMilestones.beforeCreate', async (_: Model, options: WriteOptions) => {
    if (!options.opinionFlow)
      throw new VoiceError(translate(options, 'Milestones are written by the handling steps only'), 403);
  });
  const appendOnly = async (_: Model, options: WriteOptions) => {
    throw new VoiceError(translate(options, 'Milestones are never changed or deleted'), 403);
  };
  for (const event of ['beforeUpdate', 'beforeDestroy', 'beforeBulkUpdate', 'beforeBulkDestroy'])
    db.on(`opinionMilestones.${event}`, appendOnly);

  // The clock starts at the create's `now` option (server code only: the demo town opens past cases), else the present.
  db.on('mediationCases.beforeCreate', async (model: Model, options: WriteOptions) => {
    mediation.open(model, options.now instanceof Date ? options.now : undefined);
  });
  db.on('mediationCases.beforeUpdate', async (model: Model, options: WriteOptions) => {
    if (options.mediationFlow) return;
    const changed: string[] = model.changed() || [];
    if (changed.some((k) => MEDIATION_SYSTEM_FIELDS.includes(k))) {
      throw new VoiceError(translate(options, 'The milestones of a mediation case are recorded through its steps'));
    }
    if (model.previous('status') !== 'open' && changed.some((k) => !['updatedAt', 'updatedById'].includes(k))) {
      throw new VoiceError(translate(options, 'This mediation case is closed'));
    }
  });
  db.on('mediationCases.beforeDestroy', async (model: Model, options: WriteOptions) => {
    if (model.get('respondedAt') || model.get('status') !== 'open') {
      throw new VoiceError(translate(options, 'A mediation case under way or closed cannot be deleted'), 403);
    }
  });
}
