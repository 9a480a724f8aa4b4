import { defineCollection } from '@nocobase/database';
import {
  belongsToField,
  belongsToManyField,
  hasManyField,
  multipleSelectField,
  phoneField,
  stringField,
  textField,
  tt,
} from '../field-builders';

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
    stringField('name', 'Station name', { allowNull: false, unique: true, uiSchema: { required: true } }),
    stringField('town', 'Town or street'),
    stringField('address', 'Address'),
    belongsToField('parent', 'Parent station', 'liaisonStations', 'name', { onDelete: 'SET NULL' }),
    hasManyField('children', 'Sub-stations', 'liaisonStations', 'parentId', 'name'),
    {
      ...multipleSelectField(
        'receptionDays',
        'Reception days of the month',
        DAYS,
        { rawLabels: true },
      ),
      defaultValue: [6, 16, 26],
    },
    belongsToField('head', 'Station head', 'users', 'nickname', { onDelete: 'SET NULL' }),
    belongsToManyField('staff', 'Station staff', 'users', 'liaisonStationsStaff', 'stationId', 'userId', 'nickname'),
    phoneField('phone', 'Phone'),
    stringField('qrToken', 'QR code token', { unique: true, uiSchema: { 'x-read-pretty': true } }),
    textField('description', 'Description'),
    hasManyField('deputies', 'Deputies', 'deputies', 'stationId', 'name'),
    hasManyField('gridAreas', 'Grid areas', 'gridAreas', 'stationId', 'name'),
  ],
});
