import { defineConfig } from 'vitest/config';

// Verilator builds are the slow part of the suite; they are shared through the content-addressed
// build cache (.cache/verilator), so test files can run in parallel without rebuilding twice. The CLI
// tests run the compiled bin (dist/), which test/global-setup.ts brings up to date once; unit tests
// import the TypeScript sources directly.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 600_000,
    hookTimeout: 600_000,
    pool: 'forks',
    maxWorkers: 2,
  },
});
