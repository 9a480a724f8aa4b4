import { defineCollection } from '@nocobase/database';
import { f, tt } from '../fields';

/** 请假: approved leave exempts a deputy from the rules of the periods it covers, and from reception duty. */
export default defineCollection({
  name: 'deputyLeaves',
  title: tt('Leave'),
  dumpRules: 'required',
  createdBy: true,
  updatedBy: true,
  fields: [
    f.belongsToField('deputy', 'Deputy', 'deputies', 'name', { uiSchema: { required: true } }),
    f.dateField('from', 'From', { allowNull: false, uiSchema: { required: true } }),
    f.dateField('to', 'To', { allowNull: false, uiSchema: { required: true } }),
    f.textField('reason', 'Reason'),
    f.selectField(
      'status',
      'Status',
      [
        { value: 'pending', label: 'Pending', color: 'blue' },
        { value: 'approved', label: 'Approved', color: 'green' },
        { value: 'rejected', label: 'Rejected', color: 'red' },
      ],
      { defaultValue: 'pending', allowNull: false },
    ),
  ],
});
