import { defineConfig } from 'vitest/config';

// One NATS and one PostgreSQL per run (test/services/global-setup.ts); test files run
// in parallel in child processes, which fault tests may crash or signal without
// taking the runner down.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/services/global-setup.ts'],
    pool: 'forks',
    fileParallelism: true,
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 120_000,
    teardownTimeout: 60_000,
  },
});
