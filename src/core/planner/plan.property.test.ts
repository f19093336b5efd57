import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { isPassageError } from '../errors/index.js'
import { ProtectionId } from '../protections/ids.js'
import { applyChange, applyChanges, objectOf, undoIn } from '../surfaces/index.js'
import type { Plan } from './types.js'
import { plan } from './plan.js'
import {
  COMMS,
  makeDefenderSnapshot,
  makeSnapshot,
  NOW,
  RELAY,
  rulesWithRelay,
  SIMULATOR,
  vendor,
} from './test-fixtures.js'

/** Fewer runs under mutation testing, where these tests run once per mutant (docs/mutation.md). */
const runs = (n: number) => (process.env.PASSAGE_MUTATION_RUN === '1' ? Math.ceil(n / 10) : n)

const vendors = [
  vendor(RELAY),
  vendor(SIMULATOR, { simulationDomains: 'phishsim-test.com' }),
  vendor(COMMS, { dedicatedIp: '167.89.10.20' }),
]

const tenant = fc.record({
  defender: fc.boolean(),
  ruleCount: fc.integer({ min: 0, max: 12 }),
  relayAt: fc.integer({ min: 0, max: 11 }),
  allowList: fc
    .uniqueArray(fc.integer({ min: 1, max: 254 }), { maxLength: 5 })
    .map((xs) => xs.map((x) => `192.0.2.${x}`)),
  gateway: fc.boolean(),
})

type TenantArb = typeof tenant extends fc.Arbitrary<infer T> ? T : never
type ChoicesArb = typeof choices extends fc.Arbitrary<infer T> ? T : never

function snapshotOf(t: TenantArb) {
  const rules = t.ruleCount ? rulesWithRelay(t.ruleCount, Math.min(t.relayAt, t.ruleCount - 1)) : []
  const make = t.defender ? makeDefenderSnapshot : makeSnapshot
  return make({
    rules,
    ...(t.gateway
      ? {
          mx: {
            route: 'gateway' as const,
            gateway: 'Mimecast',
            hosts: ['eu-smtp-inbound-1.mimecast.com'],
            ips: ['203.0.113.16/28'],
          },
        }
      : {}),
    state: {
      connectionFilter: { IPAllowList: t.allowList },
      ...(t.gateway
        ? {
            inboundConnectors: [
              { Name: 'Mimecast Inbound', SenderIPAddresses: ['203.0.113.16/28'] },
            ],
          }
        : {}),
    },
  })
}

const choices = fc.record({
  vendor: fc.integer({ min: 0, max: vendors.length - 1 }),
  mode: fc.constantFrom('recommended' as const, 'recipe' as const),
  protections: fc.option(fc.subarray([...ProtectionId.options], { minLength: 1 }), {
    nil: undefined,
  }),
})

/** Plans, or returns null when the planner refuses (refusals are tested one by one elsewhere). */
function tryPlan(c: ChoicesArb, snapshot: ReturnType<typeof snapshotOf>): Plan | null {
  try {
    return plan(
      vendors[c.vendor]!,
      { mode: c.mode, ...(c.protections ? { protections: c.protections } : {}) },
      snapshot,
      { now: NOW },
    )
  } catch (e) {
    if (isPassageError(e) && e.kind === 'user') return null
    throw e
  }
}

describe('planner properties', () => {
  it('re-planning a tenant with the plan applied plans nothing', () => {
    let planned = 0
    fc.assert(
      fc.property(tenant, choices, (t, c) => {
        const snapshot = snapshotOf(t)
        const p = tryPlan(c, snapshot)
        if (!p) return
        if (p.changes.length) planned++
        const applied = applyChanges(snapshot, p.changes)
        expect(tryPlan(c, applied)?.changes ?? []).toEqual([])
      }),
      { numRuns: runs(300) },
    )
    // Guard against a vacuous property: most generated cases must plan something.
    expect(planned).toBeGreaterThan(runs(300) / 3)
  })

  it('every change’s inverse restores the prior state', () => {
    let inverted = 0
    fc.assert(
      fc.property(tenant, choices, (t, c) => {
        const snapshot = snapshotOf(t)
        const p = tryPlan(c, snapshot)
        if (!p) return
        let state = snapshot
        for (const change of p.changes) {
          const next = applyChange(state, change)
          // The undo rollback ships: three-way, from the journaled prior and the object now.
          const undo = undoIn(next, change, objectOf(state, change))
          expect(undo.conflicts).toEqual([])
          expect(undo.change ? applyChange(next, undo.change) : next).toEqual(state)
          inverted++
          state = next
        }
      }),
      { numRuns: runs(300) },
    )
    // Guard against a vacuous property: many changes must actually have been inverted.
    expect(inverted).toBeGreaterThan(runs(300))
  })
})
