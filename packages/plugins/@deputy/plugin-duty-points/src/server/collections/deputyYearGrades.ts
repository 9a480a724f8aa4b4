import { defineCollection } from '@nocobase/database';
import { f, tt } from '../fields';

/**
 * 履职档案·年度等次: written when an administrator closes a year, from the final published snapshot.
 * The record 连任推荐 reads; append-only (a closed year is not re-graded).
 */
export default defineCollection({
  name: 'deputyYearGrades',
  title: tt('Yearly grades (duty file)'),
  dumpRules: 'required',
  createdBy: true,
  indexes: [{ fields: ['deputyId', 'year'], unique: true }],
  fields: [
    f.belongsToField('deputy', 'Deputy', 'deputies', 'name'),
    f.integerField('year', 'Year'),
    f.belongsToField('period', 'Period', 'scorePeriods', 'key'),
    f.integerField('snapshotVersion', 'Published version'),
    f.integerField('total', 'Total points'),
    f.integerField('rank', 'Rank'),
    f.stringField('grade', 'Grade'),
    f.checkboxField('passing', 'Counts as passing'),
  ],
});
