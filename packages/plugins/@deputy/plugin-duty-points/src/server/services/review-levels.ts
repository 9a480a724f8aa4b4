import type { Database, Model, Transaction } from '@nocobase/database';
import type { HookOptions } from '@deputy/plugin-suite-core';
import { DutyError, translate } from './errors';
import { rebuildReviewWorkflow, ReviewLevel, Titles } from './review-workflow';

/** The levels in the order records go through them. */
export async function reviewLevelsInOrder(db: Database, transaction?: Transaction): Promise<ReviewLevel[]> {
  const rows: Model[] = await db
    .getRepository('reviewLevels')
    .find({ sort: ['sort', 'id'], appends: ['reviewers'], transaction });
  return rows.map((row) => ({
    title: String(row.get('title') ?? ''),
    reviewerType: row.get('reviewerType') === 'users' ? 'users' : 'stationHead',
    reviewerIds: ((row.get('reviewers') as Model[] | undefined) ?? []).map((user) => Number(user.get('id'))),
  }));
}

/**
 * 审核级别 as data: each saved or removed level gives the review workflow a new version through the levels as
 * they now are, in the same transaction (a refused change leaves the workflow as it was). Records already in
 * review finish in the version they started in. Refused: a level of chosen people with nobody chosen, and
 * removing the last level (a record must be reviewed by someone).
 */
export function watchReviewLevels(db: Database, titles: Titles) {
  const rebuild = async (options: HookOptions) => {
    const levels = await reviewLevelsInOrder(db, options.transaction);
    if (!levels.length) throw new DutyError(translate(options, 'At least one review level is needed'));
    const empty = levels.find((level) => level.reviewerType === 'users' && !level.reviewerIds.length);
    if (empty)
      throw new DutyError(
        translate(options, 'Choose who reviews at the level "{{level}}", or let the station head review', {
          level: empty.title,
        }),
      );
    // Without NocoBase's workflow plugin there is no review workflow to rebuild (as at install).
    if (db.hasCollection('workflows')) await rebuildReviewWorkflow(db, levels, titles, options.transaction);
  };
  db.on('reviewLevels.beforeSave', (level: Model, options: HookOptions) => {
    if (!String(level.get('title') ?? '').trim())
      throw new DutyError(translate(options, 'Give the review level a name'));
  });
  db.on('reviewLevels.afterSaveWithAssociations', (_level: Model, options: HookOptions) => rebuild(options));
  db.on('reviewLevels.afterDestroy', (_level: Model, options: HookOptions) => rebuild(options));
}
