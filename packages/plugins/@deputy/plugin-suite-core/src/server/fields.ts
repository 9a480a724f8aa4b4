import { buildersFor } from './fields/field-builders';

/** Field builders whose titles translate in the core's namespace (its own collections). */
export const f = buildersFor('@deputy/plugin-suite-core');
export const NS = f.NS;
export const tt = f.tt;
