import { defineCollection } from '@nocobase/database';
import { f, tt } from '../fields';

/** Also added to existing instances by migration 20261207090000-board-index. */
export const BOARD_INDEX_FIELDS = ['periodId', 'version', 'stationId', 'rank'];

/**
 * 积分公示: the frozen scores of a published period, one row per deputy and version; never edited — only the
 * `current` mark moves to the next version when the period is published again (publication.ts).
 */
export default defineCollection({
  name: 'scoreSnapshots',
  title: tt('Published scores'),
  dumpRules: 'required',
  createdBy: true,
  updatedAt: false,
  indexes: [
    { fields: ['periodId', 'version', 'deputyId'], unique: true },
    // The public board of one station (scoreBoard:list): its rows of the version, already in rank order.
    { fields: BOARD_INDEX_FIELDS },
  ],
  fields: [
    f.belongsToField('period', 'Period', 'scorePeriods', 'key'),
    f.integerField('version', 'Version'),
    f.belongsToField('deputy', 'Deputy', 'deputies', 'name'),
    f.stringField('deputyName', 'Name'),
    f.belongsToField('station', 'Liaison station', 'liaisonStations', 'name', { onDelete: 'SET NULL' }),
    f.stringField('stationName', 'Liaison station name'),
    f.integerField('total', 'Total points'),
    f.integerField('rank', 'Rank'),
    f.integerField('stationRank', 'Rank in station'),
    f.stringField('grade', 'Grade'),
    // The period's latest version (what the board and the ranking show); cleared when a new version is issued.
    f.checkboxField('current', 'Current version', { defaultValue: false, uiSchema: { 'x-read-pretty': true } }),
  ],
});
