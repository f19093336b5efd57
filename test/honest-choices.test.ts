/**
 * Honest choices (issue 14, item 2), for every vendor of the catalog on every example tenant: a
 * mechanism offered as "least risky" is never high risk, nothing high risk is ticked before the
 * admin asks for it (the wizard's pre-ticked set plans no high-risk mechanism), and what the wizard
 * shows of the options and the plan carries no command-line flag.
 */
import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { checkFindings } from '../src/app/check.js'
import { planChoices, protectionOptions } from '../src/app/plan-options.js'
import { loadSnapshot } from '../src/app/snapshot-file.js'
import { getVendor, loadCatalog } from '../src/catalog/index.js'
import { isPassageError } from '../src/core/errors/index.js'
import { plan } from '../src/core/planner/plan.js'
import { afterChanges } from '../src/core/simulate/index.js'
import { resolveVendor } from '../src/core/vendor/resolve.js'
import { sampleParams } from './helpers/sample-params.js'

const NOW = '2026-11-20T09:00:00Z'
const examplesDir = join(import.meta.dirname, '..', 'examples')
const examples = readdirSync(examplesDir).filter((f) => f.endsWith('.json'))
const high = (r: string | null) => r === 'high' || r === 'critical'
/** A command-line flag in text a web user reads ("--protect", "--mechanism recipe"). */
const FLAG = /(^|[\s(“"'`])--[a-z]/

describe.each(loadCatalog().map((v) => v.id))('vendor %s', (id) => {
  const vendor = resolveVendor(getVendor(id), sampleParams(getVendor(id).params))
  it.each(examples)('on %s: no high-risk default, pre-tick or flag text', (file) => {
    const snapshot = loadSnapshot(join(examplesDir, file))
    const options = protectionOptions(snapshot, vendor, NOW)
    for (const o of options) {
      expect(high(o.defaultRisk), `${o.id} default`).toBe(false)
      if (o.preselected) expect(o.defaultMechanism, o.id).not.toBeNull()
      if (o.optIn) {
        expect(high(o.optIn.risk), `${o.id} opt-in`).toBe(true)
        expect(o.preselected, `${o.id} opt-in is not ticked`).toBe(false)
        expect(o.optIn.consequence.length).toBeGreaterThan(20)
      }
    }
    expect(JSON.stringify(options)).not.toMatch(FLAG)
    const ticked = options.filter((o) => o.preselected).map((o) => o.id)
    if (!ticked.length) return
    try {
      const r = planChoices(snapshot, vendor, { mode: 'recommended', protections: ticked }, NOW)
      expect(
        r.plan.protections
          .filter((p) => high(p.risk))
          .map((p) => `${p.protection}: ${p.mechanism}`),
      ).toEqual([])
      expect(
        JSON.stringify({ skipped: r.plan.skipped, presets: r.plan.presets ?? [] }),
      ).not.toMatch(FLAG)
    } catch (e) {
      // A refusal is a clear answer (a user error), never a high-risk plan.
      expect(isPassageError(e) && e.kind === 'user', String(e)).toBe(true)
    }
  })
})

describe('check after a plan that leaves preset-covered recipients unchanged', () => {
  const snapshot = loadSnapshot(join(examplesDir, 'defender-p2-standard-preset.json'))
  const vendor = resolveVendor(getVendor('contactmonkey'), {
    region: 'us',
    dedicatedIp: '167.89.10.20',
  })
  const p = plan(vendor, { mode: 'recommended' }, snapshot, { now: NOW })
  const after = afterChanges(snapshot, p.changes)

  it('is green while the preset is scoped as the plan said', () => {
    expect(p.presets?.map((n) => `${n.preset} ${n.kind}: ${n.who}`)).toEqual([
      'Standard EOP: members of finance@contoso.com',
      'Standard ATP: members of finance@contoso.com',
    ])
    expect(checkFindings(after, p, Date.parse(NOW))).toEqual([])
  })

  it('reports the preset once its scope changed since the plan', () => {
    const moved = structuredClone(after)
    for (const r of moved.presets) r.SentToMemberOf = ['sales@contoso.com']
    const findings = checkFindings(moved, p, Date.parse(NOW))
    expect(findings.length).toBeGreaterThan(0)
    expect(findings[0]?.problem).toMatch(/Standard preset policy overrides .* sales@contoso.com/)
  })
})
