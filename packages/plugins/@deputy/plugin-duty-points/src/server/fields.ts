import { buildersFor } from '@deputy/plugin-suite-core';

/** Field builders whose titles translate in this plugin's namespace. */
export const f = buildersFor('@deputy/plugin-duty-points');
export const NS = f.NS;
export const tt = f.tt;
