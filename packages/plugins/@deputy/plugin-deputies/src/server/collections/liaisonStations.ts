import { defineCollection } from '@nocobase/database';
import { f, tt } from '../fields';

const DAYS = Array.from({ length: 31 }, (_, i) => ({ value: i + 1, label: String(i + 1) }));

/** 联络站: a deputies' liaison station, optionally under a parent (片区站 of a town's "1+5" network). */
export default defineCollection({
  name: 'liaisonStations',
  title: tt('Liaison stations'),
  dumpRules: 'required',
  createdBy: true,
  updatedBy: true,
  sortable: true,
  fields: [
    f.stringField('name', 'Station name', { allowNull: false, unique: true, uiSchema: { required: true } }),
    f.stringField('town', 'Town or street'),
    f.stringField('address', 'Address'),
    f.belongsToField('parent', 'Parent station', 'liaisonStations', 'name', { onDelete: 'SET NULL' }),
    f.hasManyField('children', 'Sub-stations', 'liaisonStations', 'parentId', 'name'),
    {
      ...f.multipleSelectField('receptionDays', 'Reception days of the month', DAYS, { rawLabels: true }),
      defaultValue: [6, 16, 26],
    },
    f.belongsToField('head', 'Station head', 'users', 'nickname', { onDelete: 'SET NULL' }),
    f.belongsToManyField('staff', 'Station staff', 'users', 'liaisonStationsStaff', 'stationId', 'userId', 'nickname'),
    f.phoneField('phone', 'Phone'),
    f.stringField('qrToken', 'QR code token', { unique: true, uiSchema: { 'x-read-pretty': true } }),
    f.textField('description', 'Description'),
    f.hasManyField('deputies', 'Deputies', 'deputies', 'stationId', 'name'),
    f.hasManyField('gridAreas', 'Grid areas', 'gridAreas', 'stationId', 'name'),
  ],
});
