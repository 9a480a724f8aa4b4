import { buildersFor } from '@deputy/plugin-suite-core';

/** Field builders whose titles translate in this plugin's namespace. */
export const f = buildersFor('@deputy/plugin-pairing-aid');
export const NS = f.NS;
export const tt = f.tt;

/** An attachments field (photos, proof) stored through its own join table (the suite's shared builder). */
export const attachmentsField = f.attachmentsField;

/** A yuan amount as typed in a form; the exact value is kept in integer fen beside it. */
export const yuanField = (
  name: string,
  title: string,
  extra: Record<string, unknown> & { uiSchema?: Record<string, unknown> } = {},
) => ({
  type: 'decimal',
  name,
  precision: 14,
  scale: 2,
  interface: 'number',
  ...extra,
  uiSchema: {
    type: 'number',
    title: tt(title),
    'x-component': 'InputNumber',
    'x-component-props': { stringMode: true, step: '0.01', min: 0, addonAfter: '元' },
    ...(extra.uiSchema ?? {}),
  },
});

/** Read-only bookkeeping of the credit to the deputy's duty record (plugin-duty-points), when enabled. */
export const CREDIT_STATUSES = [
  { value: 'pending', label: 'Waiting to be credited', color: 'default' },
  { value: 'filed', label: 'Filed for review', color: 'blue' },
  { value: 'failed', label: 'Could not be filed', color: 'red' },
];
export const creditFields = () => [
  f.selectField('creditStatus', 'Duty record', CREDIT_STATUSES, { uiSchema: { 'x-read-pretty': true } }),
  f.integerField('dutyRecordId', 'Duty record number', { uiSchema: { 'x-read-pretty': true } }),
  f.textField('creditError', 'Why it could not be filed', { uiSchema: { 'x-read-pretty': true } }),
];
