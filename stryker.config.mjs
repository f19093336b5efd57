// StrykerJS: mutation testing of the safety-critical core (issue 18, docs/mutation.md).
//   npm run mutation      every file below (slow: run it before a release, scores in the issue note)
//   npm run mutation:ci   the planner's safety checks and core/net, failing under 85% (.ci/run)
// Scope a run to one file with: npx stryker run --mutate src/core/net/ip.ts
// Reports: reports/mutation/mutation.html and mutation.json; scripts/mutation-scores.mjs prints
// the score per file (killed / (killed + survived + no coverage)).

/** The safety-critical core: refusals, allow/verdict rules, header trust, undo. */
export const CORE = [
  // planner: safety refusals, availability (decided by the mechanisms' registry), the plan
  'src/core/planner/safety.ts',
  'src/core/planner/availability.ts',
  'src/core/planner/plan.ts',
  'src/core/mechanisms/registry.ts',
  // mechanism builders: the lists and rules each mechanism plans
  'src/core/mechanisms/*.ts',
  '!src/core/mechanisms/index.ts',
  '!src/core/mechanisms/types.ts',
  '!src/core/mechanisms/**/*.test.ts',
  // core/net: IP and domain checks
  'src/core/net/ip.ts',
  'src/core/net/domain.ts',
  'src/core/net/domain-name.ts',
  // evaluator: allow/verdict combination, TABL and mail-flow-rule matching
  'src/core/evaluator/combine.ts',
  'src/core/evaluator/allows.ts',
  'src/core/evaluator/verdict.ts',
  'src/core/evaluator/filter-verdicts.ts',
  'src/core/evaluator/tabl.ts',
  'src/core/evaluator/match.ts',
  'src/core/evaluator/transport-rules.ts',
  // header analyzer: trust and conclusion
  'src/core/headers/trust.ts',
  'src/core/headers/conclusion.ts',
  // undo: inverse and restore
  'src/core/surfaces/generic/undo.ts',
  'src/core/surfaces/snapshot-edit.ts',
]

/** The fast subset CI runs with a break threshold: the planner's safety checks and core/net. */
export const CI_SUBSET = [
  'src/core/planner/safety.ts',
  'src/core/net/ip.ts',
  'src/core/net/domain.ts',
  'src/core/net/domain-name.ts',
]

const ci = process.env.PASSAGE_MUTATION === 'ci'
/** Where the reports go (PASSAGE_MUTATION_REPORT overrides it, e.g. for a run scoped to one file). */
const reportDir =
  process.env.PASSAGE_MUTATION_REPORT ?? (ci ? 'reports/mutation-ci' : 'reports/mutation')

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  packageManager: 'npm',
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.mutation.config.mjs' },
  checkers: ['typescript'],
  tsconfigFile: 'tsconfig.mutation.json',
  coverageAnalysis: 'perTest',
  mutate: ci ? CI_SUBSET : CORE,
  // Shared 2-core machines: at most two test-runner processes.
  concurrency: 2,
  timeoutMS: 20_000,
  // Static mutants (module-level tables such as FORBIDDEN_BLOCKS, evaluated once at import) would
  // each need the whole test set; they are left out (status Ignored) and the tables are pinned by
  // table-driven tests instead (docs/mutation.md).
  ignoreStatic: true,
  reporters: ['html', 'json', 'progress', 'clear-text'],
  htmlReporter: { fileName: `${reportDir}/mutation.html` },
  jsonReporter: { fileName: `${reportDir}/mutation.json` },
  clearTextReporter: { reportMutants: false, reportTests: false, allowEmojis: false },
  thresholds: { high: 90, low: 85, break: ci ? 85 : null },
  tempDirName: '.stryker-tmp',
  cleanTempDir: true,
  // The sandbox copy needs src/, the examples and test/data (read by core tests), not builds.
  ignorePatterns: [
    'dist',
    'artifacts',
    'reports',
    // Other runs' sandboxes (a scoped run with its own --tempDirName beside a full one).
    '/.stryker-tmp*',
    'coverage',
    'web',
    'bench',
    'docs',
    '/test/*',
    '!/test/data',
    '*.db',
  ],
}
