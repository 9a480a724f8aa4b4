import { buildersFor } from '@deputy/plugin-suite-core';

/** Field builders whose titles translate in this plugin's namespace. */
export const f = buildersFor('@deputy/plugin-suggestions');
export const NS = f.NS;
export const tt = f.tt;

/** Shown, never typed: written by the suggestion's steps only. */
export const readOnly = { uiSchema: { 'x-read-pretty': true } };

/** A moment (date and time), e.g. when a suggestion was registered. */
export const datetimeField = (name: string, title: string, extra: Record<string, unknown> = {}) => ({
  type: 'date',
  name,
  interface: 'datetime',
  ...extra,
  uiSchema: {
    type: 'string',
    title: tt(title),
    'x-component': 'DatePicker',
    'x-component-props': { showTime: true },
    'x-read-pretty': true,
  },
});
