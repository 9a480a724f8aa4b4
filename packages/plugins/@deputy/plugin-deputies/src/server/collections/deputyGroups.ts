import { defineCollection } from '@nocobase/database';
import { belongsToField, belongsToManyField, stringField, tt } from '../field-builders';

/** 代表小组: deputies working together, usually under one station. */
export default defineCollection({
  name: 'deputyGroups',
  title: tt('Deputy groups'),
  dumpRules: 'required',
  createdBy: true,
  updatedBy: true,
  fields: [
    stringField('name', 'Group name', { allowNull: false, uiSchema: { required: true } }),
    belongsToField('station', 'Liaison station', 'liaisonStations', 'name'),
    belongsToField('leader', 'Group leader', 'deputies', 'name', { onDelete: 'SET NULL' }),
    belongsToManyField('members', 'Members', 'deputies', 'deputyGroupMembers', 'groupId', 'deputyId', 'name'),
  ],
});
