import { buildersFor } from '@deputy/plugin-suite-core';

/** Field builders whose titles translate in this plugin's namespace. */
export const f = buildersFor('@deputy/plugin-public-voice');
export const NS = f.NS;
export const tt = f.tt;

/** An attachments field (photos, an agreement) stored through its own join table (the suite's shared builder). */
export const attachmentsField = f.attachmentsField;

/** A moment (date and time), e.g. when an opinion was received or a milestone reached. */
export const datetimeField = (
  name: string,
  title: string,
  extra: Record<string, unknown> & { uiSchema?: Record<string, unknown> } = {},
) => ({
  type: 'date',
  name,
  interface: 'datetime',
  ...extra,
  uiSchema: {
    type: 'string',
    title: tt(title),
    'x-component': 'DatePicker',
    'x-component-props': { showTime: true },
    ...(extra.uiSchema ?? {}),
  },
});

export const readOnly = { uiSchema: { 'x-read-pretty': true } };

/** Read-only bookkeeping of the credit to the deputy's duty record (plugin-duty-points, items D14 and D22), when enabled. */
export const CREDIT_STATUSES = [
  { value: 'filed', label: 'Filed for review', color: 'blue' },
  { value: 'failed', label: 'Could not be filed', color: 'red' },
];
export const creditFields = () => [
  f.selectField('creditStatus', 'Duty record', CREDIT_STATUSES, readOnly),
  f.integerField('dutyRecordId', 'Duty record number', readOnly),
  f.textField('creditError', 'Why it could not be filed', readOnly),
];
