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
import { resolveVendor } from '../src/core/vendor/resolve.js'
import { applyChanges, applyThenUndo } from '../src/core/surfaces/index.js'
import { sampleParams } from './helpers/sample-params.js'

// Every vendor of the catalog against every example snapshot, in both modes.
const NOW = '2026-11-20T09:00:00Z'
const examplesDir = join(import.meta.dirname, '..', 'examples')
const examples = readdirSync(examplesDir).filter((f) => f.endsWith('.json'))

// A refusal counts as a pass only when it is the exception: most combinations must plan.
const outcomes = { planned: 0, refused: 0 }
afterAll(() => {
  expect(outcomes.planned).toBeGreaterThan(outcomes.refused * 3)
})

describe.each(loadCatalog().map((v) => v.id))('vendor %s', (id) => {
  const vendor = resolveVendor(getVendor(id), sampleParams(getVendor(id).params))
  describe.each(examples)('on %s', (file) => {
    const snapshot = loadSnapshot(join(examplesDir, file))
    it.each(['recommended', 'recipe'] as const)(
      '%s: a valid, idempotent, reversible plan or a clear refusal',
      (mode) => {
        let p: Plan
        try {
          p = plan(vendor, { mode }, snapshot, { now: NOW })
        } catch (e) {
          expect(isPassageError(e) && e.kind === 'user', String(e)).toBe(true)
          outcomes.refused++
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
        expect(renderPlanScript(p)).toMatch(/^Connect-ExchangeOnline/m)
      },
    )
  })
})
