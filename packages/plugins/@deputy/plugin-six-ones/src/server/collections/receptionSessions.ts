import { defineCollection } from '@nocobase/database';
import { f, tt } from '../fields';

/**
 * 逢6接待: one session per reception day of a station (6th, 16th, 26th by default; a holiday moves it to the
 * next working day), with its roster and public notice date. Deputies sign in with the session's activity code.
 */
export default defineCollection({
  name: 'receptionSessions',
  title: tt('Reception sessions'),
  dumpRules: 'required',
  indexes: [{ fields: ['stationId', 'scheduledOn'], unique: true }],
  fields: [
    f.belongsToField('station', 'Liaison station', 'liaisonStations', 'name', { uiSchema: { required: true } }),
    f.dateField('scheduledOn', 'Reception day', { uiSchema: { 'x-read-pretty': true } }),
    f.dateField('date', 'Date', { allowNull: false, uiSchema: { required: true } }),
    f.dateField('noticeOn', 'Public notice on'),
    f.belongsToField('activity', 'Station activity (sign-in)', 'dutyActivities', 'title', {
      onDelete: 'SET NULL',
      uiSchema: { 'x-read-pretty': true },
    }),
    f.belongsToManyField('roster', 'Deputies on duty', 'deputies', 'receptionRosters', 'sessionId', 'deputyId', 'name'),
    f.selectField(
      'status',
      'Status',
      [
        { value: 'planned', label: 'Planned', color: 'blue' },
        { value: 'held', label: 'Held', color: 'green' },
        { value: 'missed', label: 'Not held', color: 'red' },
      ],
      { defaultValue: 'planned', allowNull: false },
    ),
  ],
});
