import { describe, expect, it } from 'vitest'
import corpus from '../../../test/data/dangerous-inputs.json' with { type: 'json' }
import { sharedDomainReason } from './domain.js'
import { isPublic, parseIpEntry, PASSAGE_WIDEST, sharedInfrastructure, widerThan } from './ip.js'

/** One dangerous input: what it is, the code a refusal must carry, and why it is dangerous. */
interface DangerousInput {
  input: string
  kind: 'ip' | 'sender-domain' | 'url'
  expected: string
  why: string
  /** The net check the planner must call for this one (not yet called by the planner). */
  needs?: string
}

const entries = corpus as DangerousInput[]

/** The code the net functions give an input, in the planner's order; null when not refused. */
function codeFor(e: DangerousInput): string | null {
  if (e.kind !== 'ip') return sharedDomainReason(e.input) ? 'PASSAGE_E_REFUSED_SHARED_DOMAIN' : null
  const ip = parseIpEntry(e.input)
  if (!ip) return 'PASSAGE_E_PARAM_INVALID'
  if (!isPublic(ip)) return 'PASSAGE_E_REFUSED_ADDRESS'
  if (widerThan(ip, PASSAGE_WIDEST)) return 'PASSAGE_E_REFUSED_CIDR'
  if (sharedInfrastructure(ip)) return 'PASSAGE_E_REFUSED_CIDR'
  return null
}

describe('the dangerous-input corpus (test/data/dangerous-inputs.json)', () => {
  it('holds at least 200 distinct inputs, each with a reason', () => {
    expect(entries.length).toBeGreaterThanOrEqual(200)
    expect(new Set(entries.map((e) => `${e.kind} ${e.input}`)).size).toBe(entries.length)
    for (const e of entries) expect(e.why.length, e.input).toBeGreaterThan(3)
  })

  it.each(entries.map((e) => [e.kind, e.input, e.expected, e] as const))(
    '%s %s is refused with %s',
    (_kind, _input, expected, e) => {
      expect(codeFor(e)).toBe(expected)
    },
  )

  it('every input of reliability review D3/D4 is in it', () => {
    const inputs = new Set(entries.map((e) => e.input))
    for (const i of [
      '2000::/3',
      '8000::/1',
      '2001:db9::/16',
      '172.15.0.0/11',
      '192.169.0.0/14',
      '9.255.255.0-10.0.0.255',
      '2a01:111:f400::/48',
      '40.107.0.0/16',
      'hotmail.co.uk',
      'outlook.de',
      'live.co.uk',
      'msn.co.jp',
      'yahoo.fr',
      'googlegroups.com',
      'zendesk.com',
      'freshdesk.com',
      'github.com',
      'linkedin.com',
      'facebookmail.com',
      'docusign.net',
      'substack.com',
      'smtp2go.com',
      'elasticemail.com',
      'mktomail.com',
      'bit.ly',
      '*.bit.ly',
      'tinyurl.com',
      '1drv.ms',
      'sharepoint.com',
      'forms.office.com',
      'dropbox.com',
      'wetransfer.com',
      'storage.googleapis.com',
    ])
      expect(inputs.has(i), i).toBe(true)
  })
})
