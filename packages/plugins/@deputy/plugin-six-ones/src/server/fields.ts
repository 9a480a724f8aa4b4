import { buildersFor } from '@deputy/plugin-suite-core';

/** Field builders whose titles translate in this plugin's namespace. */
export const f = buildersFor('@deputy/plugin-six-ones');
export const NS = f.NS;
export const tt = f.tt;

/** A JSON list kept for reading (e.g. the records that satisfied a rule). */
export const jsonField = (name: string, title: string) => ({
  type: 'json',
  name,
  interface: 'json',
  defaultValue: [],
  uiSchema: { type: 'object', title: tt(title), 'x-component': 'Input.JSON', 'x-read-pretty': true },
});
