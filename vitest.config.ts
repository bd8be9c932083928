import { defineConfig } from 'vitest/config';

// Unit and integration tests. Browser journeys have their own config (vitest.e2e.config.ts) and
// run once, as their own step of `npm test`.
export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    exclude: ['tests/e2e/**', '**/node_modules/**'],
    // No test may fail because the machine is busy: waits are generous, assertions carry the meaning.
    testTimeout: 300_000,
    hookTimeout: 300_000,
    expect: { poll: { timeout: 60_000 } },
    pool: 'forks',
    // Real SQLite files and real SMTP sinks: keep parallelism modest on a 2-core machine.
    maxWorkers: 2,
  },
});
