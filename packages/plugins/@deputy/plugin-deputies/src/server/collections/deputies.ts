import { defineCollection } from '@nocobase/database';
import {
  belongsToField,
  belongsToManyField,
  dateField,
  multipleSelectField,
  phoneField,
  selectField,
  stringField,
  tt,
} from '../field-builders';

export const DEPUTY_LEVELS = [
  { value: 'national', label: 'National' },
  { value: 'provincial', label: 'Provincial' },
  { value: 'city', label: 'City' },
  { value: 'county', label: 'County' },
  { value: 'town', label: 'Town' },
];

// 五大员: the roles a Gaosha deputy takes on besides attending (seed 004).
export const DEPUTY_DUTIES = [
  { value: 'policy', label: 'Policy promoter' },
  { value: 'information', label: 'Public-opinion informant' },
  { value: 'industry', label: 'Industry supervisor' },
  { value: 'efficiency', label: 'Efficiency monitor' },
  { value: 'mediation', label: 'Dispute mediator' },
];

/** 代表: one people's congress deputy, linked to the NocoBase user it signs in as. */
export default defineCollection({
  name: 'deputies',
  title: tt('Deputies'),
  dumpRules: 'required',
  createdBy: true,
  updatedBy: true,
  sortable: true,
  fields: [
    stringField('name', 'Name', { allowNull: false, uiSchema: { required: true } }),
    selectField('gender', 'Gender', [
      { value: 'male', label: 'Male' },
      { value: 'female', label: 'Female' },
    ]),
    selectField('level', 'Deputy level', DEPUTY_LEVELS, { defaultValue: 'town' }),
    stringField('constituency', 'Constituency'),
    belongsToField('term', 'Congress term', 'deputyTerms', 'name'),
    belongsToField('station', 'Liaison station', 'liaisonStations', 'name'),
    belongsToManyField('gridAreas', 'Grid areas', 'gridAreas', 'deputiesGridAreas', 'deputyId', 'gridAreaId', 'name'),
    belongsToManyField('groups', 'Deputy groups', 'deputyGroups', 'deputyGroupMembers', 'deputyId', 'groupId', 'name'),
    belongsToField('user', 'User account', 'users', 'nickname', { onDelete: 'SET NULL' }),
    // One deputy record per user account. A single column's uniqueness lives on its field: NocoBase's sync drops
    // a one-column unique index that the collection's `indexes` declare (sync-runner handleUniqueIndex).
    { type: 'bigInt', name: 'userId', unique: true },
    phoneField('phone', 'Phone', { unique: true }),
    stringField('occupation', 'Occupation'),
    stringField('party', 'Political affiliation'),
    multipleSelectField('duties', 'Duty roles', DEPUTY_DUTIES),
    selectField(
      'status',
      'Status',
      [
        { value: 'active', label: 'Active', color: 'green' },
        { value: 'left', label: 'Left', color: 'default' },
      ],
      { defaultValue: 'active', allowNull: false },
    ),
    // Rules of a period a deputy joined or left in the middle of do not apply to it (六个一 exemptions).
    dateField('electedOn', 'Elected on'),
    dateField('leftOn', 'Left on'),
    stringField('qrToken', 'QR code token', { unique: true, uiSchema: { 'x-read-pretty': true } }),
  ],
});
