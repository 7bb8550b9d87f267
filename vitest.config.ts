import { defineConfig } from 'vitest/config';

// Verilator builds are the slow part of the suite; they are shared through the content-addressed
// build cache (.cache/verilator), so test files can run in parallel without rebuilding twice.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 600_000,
    hookTimeout: 600_000,
    pool: 'forks',
    maxWorkers: 2,
  },
});
