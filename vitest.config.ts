import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Real SQLite files and real SMTP sinks: keep parallelism modest on a 2-core machine.
    maxWorkers: 2,
  },
});
