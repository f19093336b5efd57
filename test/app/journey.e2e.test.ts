/**
 * The mail's path in the CLI, through the built CLI: `passage simulate` prints each copy's path
 * through Defender's stages today and after the plan (the deciding stage marked ▶), and carries
 * the journey in --json; `passage explain` prints the path a delivered message's headers tell.
 */
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { passage } from './cli-process.js'

const ROOT = join(import.meta.dirname, '..', '..')
const SNAPSHOT = join(ROOT, 'examples', 'defender-p2-standard-preset.json')
const SIMULATE = [
  'simulate',
  'contactmonkey',
  '--param',
  'region=us',
  '--param',
  'dedicatedIp=167.89.10.20',
  '--tenant-snapshot',
  SNAPSHOT,
  '--now',
  '2026-12-01T00:00:00Z',
]

describe('passage simulate: the mail’s path', () => {
  it('prints one line per stage, today and after the plan, with the deciding stage marked', async () => {
    const r = await passage(...SIMULATE)
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    expect(r.stdout).toContain('The mail’s path through Defender')
    // The preset-covered recipient and the ordinary one each get a path.
    expect(r.stdout).toMatch(
      /to megan\.bowen@contoso\.com \(covered by Standard Preset Security Policy\)/,
    )
    expect(r.stdout).toMatch(/to alex\.wilber@contoso\.com\n/)
    expect(r.stdout).toMatch(/today: Junk Email: decided at anti-spam/)
    expect(r.stdout).toMatch(/after the plan: Inbox: decided at mail flow rules/)
    expect(r.stdout).toMatch(/▶ Anti-spam\s+decided\s+bulk mail found: Junk Email/)
    expect(r.stdout).toMatch(/▶ Mail flow rules\s+decided\s+mail flow rule 'passage: ContactMonkey/)
    for (const stage of ['Connection filter', 'Anti-malware', 'Safe Attachments', 'Safe Links'])
      expect(r.stdout).toContain(stage)
    expect(r.stdout).not.toMatch(/\$\{|<id>|undefined/)
  }, 60_000)

  it('carries the journey model in --json', async () => {
    const r = await passage(...SIMULATE, '--json')
    expect(r.code).toBe(0)
    const out = JSON.parse(r.stdout) as {
      simulation: {
        rows: {
          journey: {
            before: { decidedBy: string; stages: { id: string; status: string }[] }
            after: { decidedBy: string; placement: string } | null
          }
        }[]
      }
    }
    const first = out.simulation.rows[0]?.journey
    expect(first?.before.stages.map((s) => s.id)).toEqual([
      'connection-filter',
      'anti-malware',
      'mail-flow-rules',
      'anti-spam',
      'anti-phishing',
      'safe-attachments',
      'safe-links',
      'delivery',
      'zap',
    ])
    expect(first?.before.decidedBy).toBe('anti-spam')
    expect(first?.after).toMatchObject({ decidedBy: 'mail-flow-rules', placement: 'inbox' })
  }, 60_000)
})

describe('passage explain: the mail’s path from headers', () => {
  const eml = join(ROOT, 'examples', 'headers', 'junked-spam.eml')

  it('prints the path the headers tell, the deciding stage marked', async () => {
    const r = await passage('explain', eml)
    expect(r.code).toBe(0)
    expect(r.stdout).toContain('The mail’s path, as the headers tell it')
    expect(r.stdout).toMatch(/Junk Email: decided at anti-spam\./)
    expect(r.stdout).toMatch(/▶ Anti-spam\s+decided\s+spam found: Junk Email/)
  }, 30_000)

  it('carries the journey in --json', async () => {
    const r = await passage('explain', eml, '--json')
    expect(r.code).toBe(0)
    const out = JSON.parse(r.stdout) as { journey: { basis: string; decidedBy: string } }
    expect(out.journey).toMatchObject({ basis: 'headers', decidedBy: 'anti-spam' })
  }, 30_000)
})
