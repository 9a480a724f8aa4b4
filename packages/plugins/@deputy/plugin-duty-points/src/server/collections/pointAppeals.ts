import { defineCollection } from '@nocobase/database';
import { f, tt } from '../fields';

/** 错重漏申诉: a deputy's claim against a published period — a wrong, duplicated or missing record. */
export default defineCollection({
  name: 'pointAppeals',
  title: tt('Appeals'),
  dumpRules: 'required',
  createdBy: true,
  updatedBy: true,
  fields: [
    f.belongsToField('period', 'Period', 'scorePeriods', 'key', { uiSchema: { required: true } }),
    f.belongsToField('deputy', 'Deputy', 'deputies', 'name'),
    f.belongsToField('record', 'Duty record', 'dutyRecords', 'id', { onDelete: 'SET NULL' }),
    f.selectField(
      'kind',
      'Appeal type',
      [
        { value: 'wrong', label: 'Wrong (错)' },
        { value: 'duplicate', label: 'Duplicated (重)' },
        { value: 'missing', label: 'Missing (漏)' },
      ],
      { allowNull: false, uiSchema: { required: true } },
    ),
    f.textField('description', 'Description', { allowNull: false, uiSchema: { required: true } }),
    f.selectField(
      'status',
      'Status',
      [
        { value: 'pending', label: 'Pending', color: 'blue' },
        { value: 'accepted', label: 'Accepted', color: 'green' },
        { value: 'rejected', label: 'Rejected', color: 'red' },
      ],
      { defaultValue: 'pending' },
    ),
    f.textField('decisionReason', 'Reason of the decision'),
  ],
});
