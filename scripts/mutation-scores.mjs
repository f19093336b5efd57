#!/usr/bin/env node
// Prints the mutation score per file from a StrykerJS JSON report (issue 18, docs/mutation.md):
// killed / (killed + survived + no coverage), where a timeout counts as killed (the mutant made a
// test hang, so a test noticed it) and mutants that do not compile or were ignored do not count.
//   node scripts/mutation-scores.mjs [reports/mutation/mutation.json] [--min 85]
// With --min, exits 1 when a file scores under it.
import { readFileSync } from 'node:fs'

const args = process.argv.slice(2)
const minAt = args.indexOf('--min')
const min = minAt >= 0 ? Number(args[minAt + 1]) : null
const file =
  args.find((a, i) => !a.startsWith('--') && (minAt < 0 || i !== minAt + 1)) ??
  'reports/mutation/mutation.json'
const report = JSON.parse(readFileSync(file, 'utf8'))

const rows = []
const total = { killed: 0, survived: 0, noCoverage: 0 }
for (const [path, { mutants }] of Object.entries(report.files).sort(([a], [b]) =>
  a.localeCompare(b),
)) {
  const n = { killed: 0, survived: 0, noCoverage: 0 }
  for (const m of mutants) {
    if (m.status === 'Killed' || m.status === 'Timeout') n.killed++
    else if (m.status === 'Survived') n.survived++
    else if (m.status === 'NoCoverage') n.noCoverage++
  }
  for (const k of Object.keys(total)) total[k] += n[k]
  rows.push([path, n])
}

const score = (n) => {
  const d = n.killed + n.survived + n.noCoverage
  return d ? (100 * n.killed) / d : 100
}
const pad = (s, w) => String(s).padStart(w)
const width = Math.max(5, ...rows.map(([p]) => p.length))
console.log(`${'file'.padEnd(width)}  score  killed  survived  no-cov`)
let failed = 0
for (const [path, n] of [...rows, ['all files', total]]) {
  const s = score(n)
  const low = min !== null && path !== 'all files' && s < min
  if (low) failed++
  console.log(
    `${path.padEnd(width)}  ${pad(s.toFixed(1), 5)}  ${pad(n.killed, 6)}  ${pad(n.survived, 8)}  ${pad(n.noCoverage, 6)}${low ? `  < ${min}` : ''}`,
  )
}
if (failed) {
  console.error(`${failed} file(s) under ${min}%`)
  process.exit(1)
}
