#!/usr/bin/env node
// Runs StrykerJS (stryker.config.mjs) then prints the score per file.
//   node scripts/mutation.mjs [--ci] [stryker options, e.g. --mutate src/core/net/ip.ts]
// --ci: the fast subset (planner safety checks and core/net) with the break threshold of 85%.
import { spawnSync } from 'node:child_process'

const args = process.argv.slice(2)
const ci = args.includes('--ci')
const rest = args.filter((a) => a !== '--ci')
const env = { ...process.env, ...(ci ? { PASSAGE_MUTATION: 'ci' } : {}) }
const bin = process.platform === 'win32' ? 'npx.cmd' : 'npx'
const run = spawnSync(bin, ['stryker', 'run', ...rest], { stdio: 'inherit', env })
const dir = process.env.PASSAGE_MUTATION_REPORT ?? (ci ? 'reports/mutation-ci' : 'reports/mutation')
const report = `${dir}/mutation.json`
const scores = spawnSync(
  process.execPath,
  ['scripts/mutation-scores.mjs', report, ...(ci ? ['--min', '85'] : [])],
  { stdio: 'inherit' },
)
process.exit(run.status || scores.status || 0)
