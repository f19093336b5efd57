/**
 * Runs every benchmark under bench/ in turn, each in its own process so one does not warm up or
 * slow down the next. Prints their figures; asserts nothing.
 *
 * Usage: npm run bench -- [name ...] [--flag ...]: the names pick benchmarks (by part of the file
 * name); everything from the first argument starting with `-` on is passed to each of them
 * (e.g. `npm run bench -- headers --dist`).
 */
import { spawnSync } from 'node:child_process'
import { readdirSync } from 'node:fs'
import { join } from 'node:path'

const dir = import.meta.dirname
const args = process.argv.slice(2)
const firstFlag = args.findIndex((a) => a.startsWith('-'))
const only = firstFlag < 0 ? args : args.slice(0, firstFlag)
const passed = firstFlag < 0 ? [] : args.slice(firstFlag)
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.ts') && f !== 'run.ts')
  .filter((f) => !only.length || only.some((o) => f.includes(o)))
  .sort()
let failed = 0
for (const f of files) {
  console.log(`\n== bench/${f}`)
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(dir, f), ...passed], {
    stdio: 'inherit',
  })
  if (r.status !== 0) failed++
}
process.exitCode = failed ? 1 : 0
