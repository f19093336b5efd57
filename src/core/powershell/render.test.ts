import { describe, expect, it } from 'vitest'
import { plan } from '../planner/plan.js'
import { COMMS, makeSnapshot, NOW, vendor } from '../planner/test-fixtures.js'
import { renderChangeBlock, renderPlanScript } from './render.js'

describe('the generated script signs in to the planned tenant', () => {
  const p = plan(
    vendor(COMMS, { dedicatedIp: '167.89.10.20' }),
    { mode: 'recommended', protections: ['anti-spam'] },
    makeSnapshot(),
    { now: NOW },
  )
  const script = renderPlanScript(p)
  const lines = script.split('\n')

  it('plan.powershell.sign-in: signs in by user principal name (or delegated organization), never -Organization', () => {
    expect(script).not.toMatch(/-Organization\b/)
    expect(script).toMatch(/UserPrincipalName = \$AdminUpn/)
    expect(script).toMatch(/\$connect\.DelegatedOrganization = \$DelegatedOrganization/)
    expect(script).toMatch(/^Connect-ExchangeOnline @connect$/m)
    // param() is the script's first statement (only #Requires and comments before it).
    const first = lines.find((l) => l.trim() && !l.startsWith('#'))
    expect(first).toBe('param(')
  })

  it('plan.powershell.sign-in: stops unless Get-OrganizationConfig names the planned tenant, before any change', () => {
    const check = lines.findIndex((l) => l.startsWith('$org = Get-OrganizationConfig'))
    const guard = lines.findIndex((l) => l.startsWith('if ($org.Name -ne '))
    const change = lines.findIndex((l) => /^(New|Set|Remove)-/.test(l))
    expect(check).toBeGreaterThan(lines.indexOf('Connect-ExchangeOnline @connect'))
    expect(guard).toBe(check + 1)
    expect(lines[guard]).toContain(`'${p.tenant.name}'`)
    expect(lines[guard]).toContain(`'${p.tenant.id}'`)
    expect(lines.slice(guard, guard + 4).join('\n')).toMatch(/throw/)
    expect(change).toBeGreaterThan(guard)
  })
})

describe('a plan without changes', () => {
  it('says it has nothing to run, not that the tenant is fine (that is the plan verdict to say)', () => {
    const p = plan(
      vendor(COMMS, { dedicatedIp: '167.89.10.20' }),
      { mode: 'recommended', protections: [] },
      makeSnapshot(),
      {
        now: NOW,
      },
    )
    const script = renderPlanScript({ ...p, changes: [] })
    expect(script).toMatch(/^# No changes: this plan has nothing to run/m)
    expect(script).not.toMatch(/already satisfies/)
    expect(script).not.toMatch(/^(New|Set|Remove)-/m)
  })
})

describe("each change's block (the wizard's cards)", () => {
  it('is exactly the lines the whole script gives that change', () => {
    const p = plan(
      vendor(COMMS, { dedicatedIp: '167.89.10.20' }),
      { mode: 'recommended' },
      makeSnapshot(),
      { now: NOW },
    )
    const script = renderPlanScript(p)
    expect(p.changes.length).toBeGreaterThan(1)
    for (const c of p.changes) {
      const block = renderChangeBlock(c)
      expect(block.startsWith(`# [${c.id}] `)).toBe(true)
      expect(script).toContain(`\n${block}\n\n`)
    }
  })
})
