/**
 * The whole dangerous-input corpus (test/data/dangerous-inputs.json) through the planner: each
 * input, given as the `custom` vendor's sending IPs, envelope domain or link domain, is refused
 * with its expected code (as the plan's error or one of its diagnostics), and nothing is planned.
 */
import { describe, expect, it } from 'vitest'
import { loadSnapshot } from '../src/app/snapshot-file.js'
import { chooseVendor } from '../src/app/vendor-choice.js'
import { isPassageError } from '../src/core/errors/index.js'
import { plan } from '../src/core/planner/plan.js'
import corpus from './data/dangerous-inputs.json' with { type: 'json' }

interface DangerousInput {
  input: string
  kind: 'ip' | 'sender-domain' | 'url'
  expected: string
  why: string
}

const snapshot = loadSnapshot('examples/eop-only.json')
const NOW = '2026-12-06T00:00:00Z'

function param(e: DangerousInput): Record<string, string> {
  if (e.kind === 'ip') return { ips: e.input }
  return e.kind === 'url' ? { linkDomains: e.input } : { envelopeDomains: e.input }
}

/** Every code the attempt produced: the error's and its diagnostics'. */
function refusal(e: DangerousInput): string[] {
  try {
    const vendor = chooseVendor('custom', { name: 'Dangerous', ...param(e) })
    plan(vendor, { mode: 'recommended' }, snapshot, { now: NOW })
  } catch (err) {
    if (!isPassageError(err)) throw err
    const diagnostics = (err.details?.diagnostics ?? []) as { code: string }[]
    return [err.code, ...diagnostics.map((d) => d.code)]
  }
  return []
}

describe('the dangerous-input corpus through the planner', () => {
  const inputs = corpus as DangerousInput[]
  it('holds at least 200 inputs', () => {
    expect(inputs.length).toBeGreaterThanOrEqual(200)
  })

  it.each(inputs.map((e) => [e.kind, e.input, e.expected, e] as const))(
    '%s %s is refused with %s',
    (_kind, _input, expected, e) => {
      expect(refusal(e)).toContain(expected)
    },
  )
})
