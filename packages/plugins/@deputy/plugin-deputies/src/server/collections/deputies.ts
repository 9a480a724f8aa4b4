import { defineCollection } from '@nocobase/database';
import { f, tt } from '../fields';

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
    f.stringField('name', 'Name', { allowNull: false, uiSchema: { required: true } }),
    f.selectField('gender', 'Gender', [
      { value: 'male', label: 'Male' },
      { value: 'female', label: 'Female' },
    ]),
    f.selectField('level', 'Deputy level', DEPUTY_LEVELS, { defaultValue: 'town' }),
    f.stringField('constituency', 'Constituency'),
    f.belongsToField('term', 'Congress term', 'deputyTerms', 'name'),
    f.belongsToField('station', 'Liaison station', 'liaisonStations', 'name'),
    f.belongsToManyField('gridAreas', 'Grid areas', 'gridAreas', 'deputiesGridAreas', 'deputyId', 'gridAreaId', 'name'),
    f.belongsToManyField(
      'groups',
      'Deputy groups',
      'deputyGroups',
      'deputyGroupMembers',
      'deputyId',
      'groupId',
      'name',
    ),
    f.belongsToField('user', 'User account', 'users', 'nickname', { onDelete: 'SET NULL' }),
    // One deputy record per user account. A single column's uniqueness lives on its field: NocoBase's sync drops
    // a one-column unique index that the collection's `indexes` declare (sync-runner handleUniqueIndex).
    { type: 'bigInt', name: 'userId', unique: true },
    f.phoneField('phone', 'Phone', { unique: true }),
    f.stringField('occupation', 'Occupation'),
    f.stringField('party', 'Political affiliation'),
    f.multipleSelectField('duties', 'Duty roles', DEPUTY_DUTIES),
    f.selectField(
      'status',
      'Status',
      [
        { value: 'active', label: 'Active', color: 'green' },
        { value: 'left', label: 'Left', color: 'default' },
      ],
      { defaultValue: 'active', allowNull: false },
    ),
    // Rules of a period a deputy joined or left in the middle of do not apply to it (六个一 exemptions).
    f.dateField('electedOn', 'Elected on'),
    f.dateField('leftOn', 'Left on'),
    f.stringField('qrToken', 'QR code token', { unique: true, uiSchema: { 'x-read-pretty': true } }),
  ],
});
