import { defineCollection } from '@nocobase/database';
import { f, tt } from '../fields';

/** 网格片区: the area a deputy keeps in touch with ("每人联系一个网格片区"). */
export default defineCollection({
  name: 'gridAreas',
  title: tt('Grid areas'),
  dumpRules: 'required',
  createdBy: true,
  updatedBy: true,
  fields: [
    f.stringField('name', 'Grid area name', { allowNull: false, uiSchema: { required: true } }),
    f.belongsToField('station', 'Liaison station', 'liaisonStations', 'name'),
    f.textField('description', 'Description'),
    f.belongsToManyField('deputies', 'Deputies', 'deputies', 'deputiesGridAreas', 'gridAreaId', 'deputyId', 'name'),
  ],
});
