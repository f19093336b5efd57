import { describe, expect, it } from 'vitest'
import type { Change, JsonObject } from '../change.js'
import { contentHash } from '../hash.js'
import { applyUpdate, RENEWAL_SET, surfaceOf } from '../surfaces/index.js'
import { guardPlan, reviewPlan } from './guard.js'
import { plan } from './plan.js'
import { COMMS, makeDefenderSnapshot, NOW, RELAY, vendor } from './test-fixtures.js'
import type { Plan } from './types.js'

const relay = vendor(RELAY)
const snapshot = makeDefenderSnapshot()
const p = plan(relay, { mode: 'recipe' }, snapshot, { now: NOW })

/** The plan with one more change (calls derived, hash recomputed: a careful forgery). */
function withChange(extra: Omit<Change, 'calls'>): Plan {
  const c = { ...extra, calls: surfaceOf(extra.surface).calls(extra as Change) } as Change
  const { hash: _h, ...body } = { ...p, changes: [...p.changes, c] }
  return { ...body, hash: contentHash(body) } as Plan
}

describe('the guard apply runs', () => {
  it('passes the plan passage made, and reports no drift against the tenant it was made for', () => {
    expect(reviewPlan(p, relay, snapshot, NOW)).toEqual({ refusals: [], drift: [] })
  })

  it('refuses any change to a surface passage only reads (Safe Attachments)', () => {
    const policy = snapshot.state.safeAttachments?.policies[0] as unknown as JsonObject
    const base = p.changes[0]!
    const forged = withChange({
      ...base,
      id: 'c90',
      surface: 'safe-attachments',
      op: 'update',
      target: surfaceOf('safe-attachments').key(policy),
      before: policy,
      after: policy,
      dependsOn: [],
    })
    const found = guardPlan(forged, relay, snapshot, NOW).map((d) => d.message)
    expect(found.some((m) => m.includes('passage does not update a safe attachments policy'))).toBe(
      true,
    )
  })

  it('refuses an update of a mail flow rule passage did not create (owned surfaces)', () => {
    const tenant = makeDefenderSnapshot({
      state: { transportRules: [{ Name: 'Mail team rule', Priority: 0, SetSCL: 5 }] },
    })
    const rule = tenant.state.transportRules[0] as unknown as JsonObject
    const base = p.changes[0]!
    const forged = withChange({
      ...base,
      id: 'c91',
      surface: 'transport-rule',
      op: 'update',
      target: 'mail team rule',
      before: rule,
      after: { ...rule, SetSCL: -1 },
      set: { SetSCL: -1 },
      dependsOn: [],
    })
    const found = guardPlan(forged, relay, tenant, NOW).map((d) => d.message)
    expect(found.some((m) => m.includes('it changes an object passage did not create'))).toBe(true)
  })

  it('reports the rule count behind a new rule’s priority as drift when it changed', () => {
    expect(p.changes.some((c) => c.surface === 'transport-rule' && c.op === 'create')).toBe(true)
    const more = makeDefenderSnapshot({
      state: { transportRules: [{ Name: 'Added since the plan', Priority: 0 }] },
    })
    const { drift } = reviewPlan(p, relay, more, NOW)
    expect(drift.map((d) => d.field)).toContain('(mail flow rules per organisation)')
    // A change an interrupted run had begun is not judged again.
    const begun = new Set(p.changes.map((c) => c.id))
    expect(reviewPlan(p, relay, more, NOW, begun).drift).toEqual([])
  })
})

describe('client.tabl-allow-renewal: the guard lets a renewal through only for an allow passage created', () => {
  const comms = vendor(COMMS, { dedicatedIp: '167.89.10.20' })
  const base = plan(comms, { mode: 'recommended' }, snapshot, { now: NOW })
  const created = base.changes.find((c) => c.surface === 'tabl-item' && c.op === 'create')
  const entry = { ...created!.after!, Identity: 'RgAAAAAI', LastUsedDate: null } as JsonObject
  /** The tenant with the entry, and a plan holding one renewal of `before` with `set`. */
  const renewalOf = (before: JsonObject, set: JsonObject = RENEWAL_SET) => {
    const tenant = makeDefenderSnapshot({
      state: { tabl: { items: [before as never] } },
    })
    const c: Change = {
      ...created!,
      id: 'r01',
      op: 'update',
      target: surfaceOf('tabl-item').key(before),
      before,
      after: applyUpdate(before, { set }),
      set,
      calls: [],
      dependsOn: [],
    }
    let calls: Change['calls'] = []
    try {
      calls = surfaceOf('tabl-item').calls(c)
    } catch {
      // A forged edit has no calls of its own: the guard says why.
    }
    const { hash: _h, ...body } = { ...base, changes: [{ ...c, calls }] }
    const p = { ...body, hash: contentHash(body) } as Plan
    return reviewPlan(p, comms, tenant, NOW).refusals.map((r) => r.message)
  }

  it('passes the renewal of an allow passage created, kept until 45 days after last use', () => {
    expect(created).toBeDefined()
    expect(renewalOf(entry)).toEqual([])
  })

  it('refuses the renewal of an entry without passage’s marker', () => {
    expect(renewalOf({ ...entry, Notes: 'added by the mail team' }).join('\n')).toContain(
      'it renews an entry passage did not create',
    )
  })

  it('refuses an edit that sets a date instead of renewing', () => {
    expect(renewalOf(entry, { ExpirationDate: '2027-01-01T00:00:00Z' }).join('\n')).toContain(
      'passage only renews',
    )
  })

  it('refuses the renewal of a dated entry', () => {
    const dated = { ...entry, RemoveAfter: null, ExpirationDate: '2027-01-01T00:00:00Z' }
    expect(renewalOf(dated).join('\n')).toContain('not an allow kept until 45 days after last use')
  })
})
