import { defineConfig } from 'vitest/config';

// Browser tests: plain vitest driving Debian's Chromium through playwright-core against the app that
// scripts/test.js started (E2E_BASE_URL). No NocoBase test setup here: the app is real and separate.
export default defineConfig({
  test: {
    include: ['packages/app/e2e/**/*.e2e.ts'],
    testTimeout: 180000,
    hookTimeout: 180000,
    fileParallelism: false,
    retry: 0,
    globals: true,
  },
});
