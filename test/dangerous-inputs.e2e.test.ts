import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { isValidDomain } from '../src/core/net/domain.js'
import corpus from './data/dangerous-inputs.json' with { type: 'json' }
import { cliEnv } from './helpers/cli-env.js'

// A sample of the dangerous-input corpus through the built CLI (npm test builds dist/ first):
// each one, given as the `custom` vendor's IPs, envelope domain or link domain, is refused with
// exit 2 and its code, and no plan file is written (the whole corpus goes through the planner in
// dangerous-inputs.planner.test.ts and the wizard's API in dangerous-inputs.api.test.ts).
const CLI = join(import.meta.dirname, '..', 'dist', 'cli', 'main.js')
const DIR = mkdtempSync(join(tmpdir(), 'passage-dangerous-'))

interface DangerousInput {
  input: string
  kind: 'ip' | 'sender-domain' | 'url'
  expected: string
  why: string
  needs?: string
}

const all = (corpus as DangerousInput[]).filter(
  // The CLI splits a list parameter on commas and spaces, and takes only domains as domains.
  (e) => !/[\s,]/.test(e.input) && (e.kind === 'ip' || isValidDomain(e.input)),
)
const review = all.filter((e) => /^D[134]:/.test(e.why))
const others = all.filter((e) => !review.includes(e))
// About 30 CLI runs (each starts Node): every address of the review, every other domain of
// the review, and an even spread of the rest (private, Microsoft, IPv6, consumer, shared...).
const spread = (list: DangerousInput[], n: number) =>
  list.filter((_, i) => i % Math.max(1, Math.floor(list.length / n)) === 0).slice(0, n)
const sample = [
  ...review.filter((e) => e.kind === 'ip'),
  ...all.filter((e) => e.needs).slice(0, 4),
  ...review.filter((e) => e.kind !== 'ip').filter((_, i) => i % 2 === 0),
  ...spread(others, 8),
]

function param(e: DangerousInput): string {
  if (e.kind === 'ip') return `ips=${e.input}`
  return e.kind === 'url' ? `linkDomains=${e.input}` : `envelopeDomains=${e.input}`
}

describe('dangerous inputs through the CLI', () => {
  it('samples at least 30 inputs', () => {
    expect(sample.length).toBeGreaterThanOrEqual(30)
  })

  it.each(sample.map((e, i) => [e.kind, e.input, e.expected, e, i] as const))(
    '%s %s: exit 2 with %s, nothing written',
    (_kind, _input, expected, e, i) => {
      const out = join(DIR, `plan-${i}.json`)
      const r = spawnSync(
        process.execPath,
        [
          CLI,
          'plan',
          'custom',
          '--tenant-snapshot',
          'examples/eop-only.json',
          '--param',
          'name=Dangerous',
          '--param',
          param(e),
          '--out',
          out,
        ],
        {
          encoding: 'utf8',
          env: cliEnv({ PASSAGE_DB: join(DIR, 'passage.db') }),
        },
      )
      expect(r.status, r.stdout + r.stderr).toBe(2)
      expect(r.stdout + r.stderr).toContain(expected)
      expect(existsSync(out)).toBe(false)
    },
  )
})
