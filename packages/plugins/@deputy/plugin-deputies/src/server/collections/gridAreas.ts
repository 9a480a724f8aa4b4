import { defineCollection } from '@nocobase/database';
import { belongsToField, belongsToManyField, stringField, textField, tt } from '../field-builders';

/** 网格片区: the area a deputy keeps in touch with ("每人联系一个网格片区"). */
export default defineCollection({
  name: 'gridAreas',
  title: tt('Grid areas'),
  dumpRules: 'required',
  createdBy: true,
  updatedBy: true,
  fields: [
    stringField('name', 'Grid area name', { allowNull: false, uiSchema: { required: true } }),
    belongsToField('station', 'Liaison station', 'liaisonStations', 'name'),
    textField('description', 'Description'),
    belongsToManyField('deputies', 'Deputies', 'deputies', 'deputiesGridAreas', 'gridAreaId', 'deputyId', 'name'),
  ],
});
