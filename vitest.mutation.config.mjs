// Vitest config for mutation testing (stryker.config.mjs): only the unit tests beside the code of
// src/core. The tests under test/ (end-to-end, browser, sandbox over HTTPS) need builds and
// servers, and the other layers' tests need PostgreSQL or the sandbox; none of them run here.
import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['src/core/**/*.test.ts'],
    testTimeout: 30_000,
    // Stryker re-runs the covering tests once per mutant: importing each test file's module graph
    // afresh dominated the time. Core is pure (no module-level state that tests change), and
    // Stryker switches mutants at run time, so the test files share one module graph.
    isolate: false,
    // Lets timing tests skip themselves: timings mean nothing on instrumented code.
    env: { PASSAGE_MUTATION_RUN: '1' },
  },
})
