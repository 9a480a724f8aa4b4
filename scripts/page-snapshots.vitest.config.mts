import { mergeConfig } from 'vitest/config';
import base from '../vitest.config.mts';

// `npm run build:pages` (scripts/build-pages.js): the snapshot builder only, never part of `npm test`.
export default mergeConfig(base, {
  test: { include: ['packages/app/src/page-snapshots/*.build.ts'], fileParallelism: false },
});
