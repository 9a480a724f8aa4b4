import { defineCollection } from '@nocobase/database';
import { f, tt } from '../fields';

/** 代表小组: deputies working together, usually under one station. */
export default defineCollection({
  name: 'deputyGroups',
  title: tt('Deputy groups'),
  dumpRules: 'required',
  createdBy: true,
  updatedBy: true,
  fields: [
    f.stringField('name', 'Group name', { allowNull: false, uiSchema: { required: true } }),
    f.belongsToField('station', 'Liaison station', 'liaisonStations', 'name'),
    f.belongsToField('leader', 'Group leader', 'deputies', 'name', { onDelete: 'SET NULL' }),
    f.belongsToManyField('members', 'Members', 'deputies', 'deputyGroupMembers', 'groupId', 'deputyId', 'name'),
  ],
});
