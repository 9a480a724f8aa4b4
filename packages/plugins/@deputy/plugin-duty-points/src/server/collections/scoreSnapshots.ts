import { defineCollection } from '@nocobase/database';
import { f, tt } from '../fields';

/** 积分公示: the frozen scores of a published period, one row per deputy and version; never edited. */
export default defineCollection({
  name: 'scoreSnapshots',
  title: tt('Published scores'),
  dumpRules: 'required',
  createdBy: true,
  updatedAt: false,
  indexes: [{ fields: ['periodId', 'version', 'deputyId'], unique: true }],
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
  ],
});
