import { createRequire } from 'module';
import path from 'path';
import { mergeConfig } from 'vitest/config';
import { defineConfig } from '@nocobase/test/vitest.mjs';
import { BaseSequencer } from 'vitest/node';

const require = createRequire(import.meta.url);

// @nocobase/test 2.0.0 against a 2.2.15 app (setup-facts.md): its setup imports initEnv from
// @nocobase/cli, which 2.2 moved to @nocobase/cli-v1; and its ESM entry is not usable, the CommonJS one is.
/**
 * The files that take minutes start first, so that the two workers finish together: without vitest's cache
 * (a clean clone, as CI has) it orders files by size, and a long file drawn last added its whole length to the
 * stage (#22). The rest follow in vitest's own order.
 */
const LONG_FIRST = [
  'demo-town.test.ts',
  'attacks.test.ts',
  'permissions-matrix.test.ts',
  'security-regressions.test.ts',
  'plugin-deputies/src/server/__tests__/pages.test.ts',
];
class LongFilesFirst extends BaseSequencer {
  async sort(files: Parameters<BaseSequencer['sort']>[0]) {
    const rank = (file: string) => {
      const i = LONG_FIRST.findIndex((name) => file.replace(/\\/g, '/').endsWith(name));
      return i < 0 ? LONG_FIRST.length : i;
    };
    const sorted = await super.sort(files);
    return sorted
      .map((spec, i) => ({ spec, i }))
      .sort((a, b) => rank(a.spec[1]) - rank(b.spec[1]) || a.i - b.i)
      .map(({ spec }) => spec);
  }
}

export default mergeConfig(defineConfig(), {
  test: {
    alias: [
      { find: /^@nocobase\/test$/, replacement: require.resolve('@nocobase/test') },
      { find: /^@nocobase\/cli$/, replacement: path.resolve('node_modules/@nocobase/cli-v1/src/util.js') },
    ],
    sequence: { sequencer: LongFilesFirst },
    // Failures must show, not be retried away on CI.
    retry: 0,
    // Installing the suite with its pages in a test app takes minutes on a loaded 2-core machine (#22: the
    // page installer's cost is still to be cut); a beforeAll that passes 300 s there is slow, not broken.
    hookTimeout: 900000,
    // NocoBase imports plugins, collections/ and migrations/ with Node's own import(). In tests that must
    // reach src/ (TypeScript, via the tsx loader), which each plugin's package.json exposes under the
    // `deputy-source` export condition; without the condition a plugin resolves to its built dist/.
    pool: 'forks',
    // Each test file boots a whole app. In-memory SQLite gives every worker its own database, so files run
    // side by side; on a server database they share one, so they run one after another.
    // scripts/test.js gives each worker its own server database (DEPUTY_TEST_DB_PER_WORKER, test-database.ts).
    fileParallelism:
      (process.env.DB_DIALECT === 'sqlite' && process.env.DB_STORAGE === ':memory:') ||
      !!process.env.DEPUTY_TEST_DB_PER_WORKER,
    setupFiles: [path.resolve('packages/test-helpers/src/test-database.ts')],
    poolOptions: { forks: { execArgv: ['--import', 'tsx', '--conditions=deputy-source'], maxForks: 2, minForks: 1 } },
  },
});
