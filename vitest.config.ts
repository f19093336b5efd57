import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 30_000,
    pool: 'forks',
    // One temporary folder for the run's test folders, removed at the end (test/helpers/temp-root.ts).
    globalSetup: ['test/helpers/temp-root.ts'],
    // Test files run three at a time, each in a process of its own. Vitest's default is one worker
    // fewer than the cores, a single worker on a 2-core CI runner, yet most of the suite's time is
    // spent waiting on the sandbox's simulated latency, a child CLI or Chromium, not on the CPU.
    // Files share nothing that parallel runs could break: PostgreSQL tests create a database of
    // their own (pg-boss's schema name is fixed), servers listen on port 0, temporary folders come
    // from mkdtemp, and CLI children get a home, agent socket and token cache of their test file's
    // own (test/helpers/cli-env.ts). `npx vitest run --maxWorkers=1` runs them one by one.
    maxWorkers: 3,
  },
})
