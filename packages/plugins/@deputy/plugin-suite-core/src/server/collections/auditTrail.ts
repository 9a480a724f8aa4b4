import { defineCollection } from '@nocobase/database';
import { belongsToField, integerField, selectField, stringField, tt } from '../fields/field-builders';

const jsonField = (name: string, title: string) => ({
  type: 'json',
  name,
  interface: 'json',
  uiSchema: { type: 'object', title: tt(title), 'x-component': 'Input.JSON', 'x-read-pretty': true },
});

/**
 * 操作留痕: who approved, revoked, published, or edited catalogues, rules and registers — when, and the
 * values before and after. Written in the same transaction as the change; append-only.
 */
export default defineCollection({
  name: 'auditTrail',
  title: tt('Audit trail'),
  // A log: backed up with NocoBase's optional log group, as its own workflow runs and tasks are.
  dumpRules: { group: 'log' },
  indexes: [{ fields: ['collectionName', 'recordId'] }],
  fields: [
    stringField('collectionName', 'Data table'),
    stringField('recordId', 'Record'),
    selectField('action', 'Change', [
      { value: 'create', label: 'Created', color: 'green' },
      { value: 'update', label: 'Updated', color: 'blue' },
      { value: 'destroy', label: 'Deleted', color: 'red' },
    ]),
    belongsToField('user', 'By', 'users', 'nickname', { onDelete: 'SET NULL' }),
    stringField('via', 'Through'),
    integerField('fieldCount', 'Fields changed'),
    jsonField('before', 'Before'),
    jsonField('after', 'After'),
    {
      type: 'date',
      name: 'createdAt',
      interface: 'createdAt',
      field: 'createdAt',
      uiSchema: {
        type: 'datetime',
        title: tt('Time'),
        'x-component': 'DatePicker',
        'x-component-props': { showTime: true },
        'x-read-pretty': true,
      },
    },
  ],
});
