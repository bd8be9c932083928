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
    // Each worker imports the app's modules once, not once per test file: every file builds its own
    // app, database, clock and mail sink, and the modules keep nothing but caches of pure results, so
    // files do not see each other. Importing anew for each of some 100 files was half the run (97 s
    // of 175 s under TZ=UTC).
    isolate: false,
  },
});
