/**
 * plan.preset.exception on the command line (the built CLI, as a user runs it): the preset
 * exception is planned only with --preset-exception, as a high-risk change with the PowerShell the
 * plan shows; an unknown preset name is refused with exit 2, its code and hint.
 */
import { spawnSync } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'

const CLI = join(import.meta.dirname, '..', 'dist', 'cli', 'main.js')
const NOW = '2026-11-20T09:00:00Z'
const dir = mkdtempSync(join(tmpdir(), 'passage-preset-exception-'))

function passage(...args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args, '--now', NOW], {
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', PASSAGE_DB: join(dir, 'passage.db') },
  })
  return { code: r.status, stdout: r.stdout, stderr: r.stderr }
}

const PLAN = [
  'plan',
  'contactmonkey',
  '--param',
  'region=us',
  '--param',
  'dedicatedIp=167.89.10.20',
  '--tenant-snapshot',
  'examples/defender-p2-standard-preset.json',
]

interface PlanJson {
  changes: { surface: string; risk: { level: string }; calls: { cmdlet: string }[] }[]
  presets: { options: { id: string; chosen?: boolean; powershell: string | null }[] }[]
}

describe('plan.preset.exception: passage plan --preset-exception', () => {
  it('plans nothing on the preset without the option (exit 0), and says it is not chosen', () => {
    const r = passage(...PLAN, '--json')
    expect(r.code).toBe(0)
    const p = JSON.parse(r.stdout) as PlanJson
    expect(p.changes.filter((c) => c.surface === 'preset-rule')).toEqual([])
    expect(
      p.presets.flatMap((n) => n.options).find((o) => o.id === 'preset-exception')?.chosen,
    ).toBe(false)
  })

  it('includes the exception, high risk, with the option (exit 0)', () => {
    const r = passage(...PLAN, '--preset-exception', 'standard', '--json')
    expect(r.code).toBe(0)
    const p = JSON.parse(r.stdout) as PlanJson
    const mine = p.changes.filter((c) => c.surface === 'preset-rule')
    expect(mine.map((c) => c.calls[0]?.cmdlet).sort()).toEqual([
      'Set-ATPProtectionPolicyRule',
      'Set-EOPProtectionPolicyRule',
    ])
    expect(mine.every((c) => c.risk.level === 'high')).toBe(true)
    const chosen = p.presets.flatMap((n) => n.options).filter((o) => o.chosen)
    expect(chosen).toHaveLength(2)
    expect(chosen[0]?.powershell).toMatch(/-ExceptIfSentToMemberOf @\('finance@contoso.com'\)/)
  })

  it('refuses an unknown preset name with exit 2, its code and a hint', () => {
    const r = passage(...PLAN, '--preset-exception', 'lenient')
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/PASSAGE_E_INPUT/)
    expect(r.stderr).toMatch(/Unknown preset 'lenient'/)
    expect(r.stderr).toMatch(/hint: Presets: standard, strict/)
  })

  it('simulate: a finance member, judged by the changed policies once out of the preset, gets links unrewritten', () => {
    const sim = (...extra: string[]) => {
      const r = passage(
        'simulate',
        ...PLAN.slice(1),
        '--recipient',
        'megan.bowen@contoso.com',
        ...extra,
        '--json',
      )
      expect(r.code).toBe(0)
      const body = JSON.parse(r.stdout) as {
        simulation: { rows: { after: { rewrittenLinks?: string[] } | null }[] }
      }
      return body.simulation.rows.flatMap((row) => row.after?.rewrittenLinks ?? [])
    }
    // In the preset, Safe Links still rewrites her links (the preset wins over the plan's change).
    expect(sim().length).toBeGreaterThan(0)
    expect(sim('--preset-exception', 'standard')).toEqual([])
  })

  it('lists the option in plan --help', () => {
    const r = spawnSync(process.execPath, [CLI, 'plan', '--help'], { encoding: 'utf8' })
    expect(r.stdout).toMatch(/--preset-exception <preset>/)
    // Commander wraps the help text: compare it with its line breaks as spaces.
    expect(r.stdout.replace(/\s+/g, ' ')).toMatch(/lose the preset’s protection for all their mail/)
  })
})
