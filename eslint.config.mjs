// ESLint (flat config) for the suite's TypeScript and JavaScript: `npm run lint` (with `prettier --check`), and the
// lint stage of `npm test`. It looks for defects, not style: prettier owns the layout (eslint-config-prettier turns
// off every rule that would argue with it).
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import { defineConfig, globalIgnores } from 'eslint/config';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default defineConfig(
  globalIgnores([
    '**/node_modules/',
    '**/dist/',
    'storage/',
    'coverage/',
    'test-results/',
    'packages/plugins/@deputy/*/storage/',
  ]),
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      // NocoBase types little of its plugin API (ctx.action.params, repository rows, flow models): `any` is accepted
      // where it gives no type, so it is a warning to review, not an error.
      '@typescript-eslint/no-explicit-any': 'warn',
      // An unused binding is a leftover or a mistake; `_name` says "unused on purpose" (a callback's position, a
      // destructured field left out).
      '@typescript-eslint/no-unused-vars': [
        'error',
        {
          args: 'after-used',
          argsIgnorePattern: '^_',
          varsIgnorePattern: '^_',
          caughtErrors: 'all',
          caughtErrorsIgnorePattern: '^_',
          destructuredArrayIgnorePattern: '^_',
          ignoreRestSiblings: true,
        },
      ],
      // `a && b()` and `c ? d() : e()` as statements are the code's idiom; a bare value or comparison is a mistake.
      '@typescript-eslint/no-unused-expressions': ['error', { allowShortCircuit: true, allowTernary: true }],
      // `catch {}` is how the code says "a failure here changes nothing"; other empty blocks are mistakes.
      'no-empty': ['error', { allowEmptyCatch: true }],
      // Defects the recommended sets leave out.
      'array-callback-return': 'error',
      'no-constructor-return': 'error',
      'no-self-compare': 'error',
      'no-template-curly-in-string': 'error',
      'no-unreachable-loop': 'error',
    },
  },
  {
    // Type-aware, for the promise rules only (the whole tree in about 30 s on a 2-core machine, against 10 s
    // without): an un-awaited write, a forgotten `await expect(...).rejects` or an async callback handed to
    // forEach or an event are defects tsc does not see.
    files: ['**/*.ts', '**/*.tsx', '**/*.mts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/await-thenable': 'error',
      // An async IIFE is how the code starts work in the background, with its own try/catch.
      '@typescript-eslint/no-floating-promises': ['error', { ignoreIIFE: true }],
      '@typescript-eslint/no-misused-promises': 'error',
    },
  },
  {
    // Outside tsconfig.json (so outside the type check too): the plugins' entry declarations and the browser tests'
    // vitest config.
    files: ['packages/plugins/@deputy/*/*.d.ts', 'packages/app/e2e/vitest.config.mts'],
    extends: [tseslint.configs.disableTypeChecked],
  },
  {
    // The scripts and the plugins' entry files are CommonJS run by Node.
    files: ['**/*.js', '**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-require-imports': 'off',
      // `const crypto = require('crypto')` is not a redeclaration of Node's global `crypto`.
      'no-redeclare': ['error', { builtinGlobals: false }],
    },
  },
  {
    files: ['**/*.mjs'],
    languageOptions: { sourceType: 'module', globals: { ...globals.node } },
  },
  prettier,
);
