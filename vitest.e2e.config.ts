import { defineConfig } from 'vitest/config';

// Browser journeys in headless Chromium: one file at a time, generous waits (a busy machine is slow,
// not wrong).
export default defineConfig({
  test: {
    include: ['tests/e2e/**/*.test.ts'],
    testTimeout: 600_000,
    hookTimeout: 600_000,
    expect: { poll: { timeout: 120_000 } },
    pool: 'forks',
    maxWorkers: 1,
    fileParallelism: false,
  },
});
