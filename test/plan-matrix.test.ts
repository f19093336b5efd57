import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { loadSnapshot } from '../src/app/snapshot-file.js'
import { getVendor, loadCatalog } from '../src/catalog/index.js'
import { isPassageError } from '../src/core/errors/index.js'
import { guardPlan } from '../src/core/planner/guard.js'
import { plan, planHashValid } from '../src/core/planner/plan.js'
import type { Plan } from '../src/core/planner/types.js'
import { renderPlanScript } from '../src/core/powershell/render.js'
import { afterChanges, simulate, typicalMessages } from '../src/core/simulate/index.js'
import { applyChanges, applyThenUndo } from '../src/core/surfaces/index.js'
import type { TenantSnapshot } from '../src/core/model/snapshot.js'
import { resolveVendor, type ResolvedVendor } from '../src/core/vendor/resolve.js'
import { sampleParams } from './helpers/sample-params.js'

// Every vendor of the catalog against every example snapshot, in both modes. Re-baselined for
// issue 11 (what passage plans must be what Microsoft documents): each case's snapshot records the
// plan's shape and, per typical message and recipient, the folder it lands in before and after.
// Regenerate deliberately with `npx vitest run test/plan-matrix.test.ts -u` and review the diff.
const NOW = '2026-11-20T09:00:00Z'
const examplesDir = join(import.meta.dirname, '..', 'examples')
const examples = readdirSync(examplesDir).filter((f) => f.endsWith('.json'))

// A refusal counts as a pass only when it is the exception: most combinations must plan.
const outcomes = { planned: 0, refused: 0 }
afterAll(() => {
  expect(outcomes.planned).toBeGreaterThan(outcomes.refused * 3)
})

/** `message -> recipient: folder before => folder after`, one line per copy. */
function folders(v: ResolvedVendor, snapshot: TenantSnapshot, p: Plan): string[] {
  const messages = typicalMessages(v, snapshot)
  if (!messages.length) return ['(no typical message: the vendor publishes no sending IP here)']
  const sim = simulate(snapshot, afterChanges(snapshot, p.changes), messages, NOW)
  return sim.rows.map(
    (r) =>
      `${r.label} -> ${r.recipient}: ${r.before.action} => ${r.after?.action ?? '?'}${r.unfixable ? ' (no allow can deliver it)' : ''}`,
  )
}

describe.each(loadCatalog().map((v) => v.id))('vendor %s', (id) => {
  const vendor = resolveVendor(getVendor(id), sampleParams(getVendor(id).params))
  describe.each(examples)('on %s', (file) => {
    const snapshot = loadSnapshot(join(examplesDir, file))
    it.each(['recommended', 'recipe'] as const)(
      '%s: a valid, idempotent, reversible plan or a clear refusal, and where the mail lands',
      (mode) => {
        let p: Plan
        try {
          p = plan(vendor, { mode }, snapshot, { now: NOW })
        } catch (e) {
          expect(isPassageError(e) && e.kind === 'user', String(e)).toBe(true)
          outcomes.refused++
          expect({ refused: isPassageError(e) ? e.code : String(e) }).toMatchSnapshot()
          return
        }
        outcomes.planned++
        expect(planHashValid(p)).toBe(true)
        // What apply re-checks before writing: every plan passage makes passes its own guard.
        expect(guardPlan(p, vendor, snapshot, NOW)).toEqual([])
        for (const c of p.changes) {
          expect(c.calls.length).toBeGreaterThan(0)
          expect(c.risk.reason).not.toBe('')
        }
        const applied = applyChanges(snapshot, p.changes)
        expect(plan(vendor, { mode }, applied, { now: NOW }).changes).toEqual([])
        expect(applyThenUndo(snapshot, p.changes).restored).toEqual(snapshot)
        const script = renderPlanScript(p)
        expect(script).toMatch(/^Connect-ExchangeOnline @connect$/m)
        expect(script).not.toMatch(/^Connect-ExchangeOnline.*-Organization\b/m)
        expect(script).toMatch(/^\$org = Get-OrganizationConfig$/m)
        // Secure by default holds only with MX at Microsoft 365 (secure-by-default.md).
        if (snapshot.mx.route === 'gateway')
          expect(p.notices[0]).toMatch(/secure by default does not apply/)
        else expect(p.notices[0]).toMatch(/secure by default holds/)
        expect({
          protections: p.protections.map((x) => `${x.protection}: ${x.mechanism}`),
          skipped: p.skipped.map((s) => s.protection),
          changes: p.changes.map((c) => `${c.surface} ${c.op}: ${c.summary}`),
          folders: folders(vendor, snapshot, p),
        }).toMatchSnapshot()
      },
    )
  })
})
