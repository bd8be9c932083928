import { defineConfig } from 'vitest/config';

// Browser journeys in headless Chromium: two files at a time (each with its own app, database and
// browser), generous waits (a busy machine is slow, not wrong). The longest file, every page for every
// role, runs beside the five others: the step took 166 s instead of 219 s, and 198 s beside a process
// burning one core, where its slowest test took 90 s of the 600 s it may.
export default defineConfig({
  test: {
    include: ['tests/e2e/**/*.test.ts'],
    testTimeout: 600_000,
    hookTimeout: 600_000,
    expect: { poll: { timeout: 120_000 } },
    pool: 'forks',
    maxWorkers: 2,
    fileParallelism: true,
  },
});
