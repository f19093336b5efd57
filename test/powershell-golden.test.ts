import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { loadSnapshot } from '../src/app/snapshot-file.js'
import { getVendor } from '../src/catalog/index.js'
import { plan } from '../src/core/planner/plan.js'
import type { Choices } from '../src/core/planner/types.js'
import { renderPlanScript } from '../src/core/powershell/render.js'
import { resolveVendor } from '../src/core/vendor/resolve.js'

// Golden PowerShell for the two seed recipes. Regenerate deliberately with UPDATE_GOLDEN=1.
const NOW = '2026-11-20T09:00:00Z'
const root = join(import.meta.dirname, '..')

const cases: {
  name: string
  vendor: string
  params: Record<string, string>
  snapshot: string
  choices: Choices
}[] = [
  {
    name: 'trustifi-recipe',
    vendor: 'trustifi',
    params: {},
    snapshot: 'examples/gateway-relay.json',
    choices: { mode: 'recipe' },
  },
  {
    // Microsoft's advice for in-and-out routing (mdo-integrate-security-service.md).
    name: 'trustifi-recommended',
    vendor: 'trustifi',
    params: {},
    snapshot: 'examples/eop-only.json',
    choices: { mode: 'recommended' },
  },
  {
    name: 'contactmonkey-recipe',
    vendor: 'contactmonkey',
    params: { region: 'us', dedicatedIp: '167.89.10.20' },
    snapshot: 'examples/eop-only.json',
    choices: { mode: 'recipe' },
  },
  {
    name: 'contactmonkey-recommended',
    vendor: 'contactmonkey',
    params: { region: 'eu', dedicatedIp: '167.89.10.20' },
    snapshot: 'examples/defender-p2-standard-preset.json',
    choices: { mode: 'recommended' },
  },
]

describe('golden PowerShell', () => {
  it.each(cases)('$name', ({ name, vendor, params, snapshot, choices }) => {
    const p = plan(
      resolveVendor(getVendor(vendor), params),
      choices,
      loadSnapshot(join(root, snapshot)),
      { now: NOW },
    )
    const script = renderPlanScript(p)
    const file = join(root, 'test', 'golden', `${name}.ps1`)
    if (process.env.UPDATE_GOLDEN) {
      mkdirSync(join(root, 'test', 'golden'), { recursive: true })
      writeFileSync(file, script)
    }
    // A missing golden file is a failure, never a silent first-run pass.
    expect(existsSync(file), `${file} missing: run with UPDATE_GOLDEN=1 and review it`).toBe(true)
    expect(script).toBe(readFileSync(file, 'utf8'))
  })

  it('plan.powershell.sign-in: every golden script signs in by UPN and checks the tenant before changing anything', () => {
    for (const { name } of cases) {
      const script = readFileSync(join(root, 'test', 'golden', `${name}.ps1`), 'utf8')
      const lines = script.split('\n')
      const check = lines.findIndex((l) => l.startsWith('if ($org.Name -ne '))
      const change = lines.findIndex((l) => /^(New|Set|Remove)-/.test(l))
      expect(script, name).toMatch(/^Connect-ExchangeOnline @connect$/m)
      expect(script, name).not.toMatch(/^Connect-ExchangeOnline .*-Organization\b/m)
      expect(check, name).toBeGreaterThan(0)
      if (change >= 0) expect(change, name).toBeGreaterThan(check)
    }
  })
})
