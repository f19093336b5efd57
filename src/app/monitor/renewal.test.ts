import { describe, expect, it } from 'vitest'
import type { JsonObject } from '../../core/change.js'
import { planHashValid } from '../../core/plan-format.js'
import { plan } from '../../core/planner/plan.js'
import { COMMS, makeDefenderSnapshot, NOW, vendor } from '../../core/planner/test-fixtures.js'
import { proposeRenewal } from './renewal.js'
import type { PassageTablEntry } from './tabl-expiry.js'

const DAY = 86_400_000
const comms = vendor(COMMS, { dedicatedIp: '167.89.10.20' })
const applied = plan(comms, { mode: 'recommended' }, makeDefenderSnapshot(), { now: NOW })
const created = applied.changes.filter((c) => c.surface === 'tabl-item' && c.op === 'create')

/** The tenant holding the plan's entries as `edit` leaves each. */
function tenantWith(edit: (o: JsonObject, i: number) => JsonObject = (o) => o) {
  const items = created.map((c, i) => edit({ ...c.after!, Identity: `id-${i}` }, i))
  return makeDefenderSnapshot({ state: { tabl: { items: items as never } } })
}

/** The entries as the monitor reads them, created `daysAgo` days before `now`. */
function entriesOf(snapshot: ReturnType<typeof tenantWith>, now: number, daysAgo: number) {
  return created.map((c): PassageTablEntry => {
    const o = snapshot.state.tabl.items.find((i) => i.Value === c.after!.Value)
    return {
      changeId: c.id,
      listType: String(c.after!.ListType),
      action: 'Allow',
      value: String(c.after!.Value),
      createdAt: new Date(now - daysAgo * DAY).toISOString(),
      read: o
        ? {
            ExpirationDate: o.ExpirationDate ?? null,
            RemoveAfter: o.RemoveAfter ?? null,
            LastUsedDate: o.LastUsedDate ?? null,
          }
        : null,
    }
  })
}

const now = Date.parse(NOW)
const at = (ms: number) => new Date(ms).toISOString()

describe('client.tabl-allow-renewal: which allows passage renews', () => {
  it('has allows to renew (the plan creates them)', () => {
    expect(created.length).toBeGreaterThan(0)
  })

  it('renews nothing that lapses later than the window', () => {
    const t = tenantWith()
    const r = proposeRenewal(applied, t, entriesOf(t, now, 30), at(now), 7)
    expect(r).toEqual({ plan: null, decisions: [] })
  })

  it('renews every never-used allow within 7 days of its 45th day, in one plan that names the plan it renews', () => {
    const t = tenantWith()
    const r = proposeRenewal(applied, t, entriesOf(t, now, 40), at(now), 7)
    expect(r.decisions.map((d) => d.action)).toEqual(created.map(() => 'renew'))
    expect(r.decisions[0]!.lapses).toBe(at(now + 5 * DAY).slice(0, 10))
    const p = r.plan!
    expect(p.renews).toEqual({ planHash: applied.hash })
    expect(planHashValid(p)).toBe(true)
    expect(p.changes.map((c) => [c.op, c.target])).toEqual(created.map((c) => ['update', c.target]))
    expect(p.changes[0]!.calls.map((c) => c.cmdlet)).toEqual([
      'Remove-TenantAllowBlockListItems',
      'New-TenantAllowBlockListItems',
    ])
    // Only the protections of the renewed entries' mechanisms.
    expect(new Set(p.protections.map((x) => x.mechanism))).toEqual(
      new Set(created.map((c) => c.mechanism)),
    )
  })

  it('leaves an allow whose expiry someone changed to a date, naming Microsoft’s two readings of the 30 days', () => {
    const t = tenantWith((o) => ({
      ...o,
      RemoveAfter: null,
      ExpirationDate: at(now + 3 * DAY),
    }))
    const r = proposeRenewal(applied, t, entriesOf(t, now, 10), at(now), 7)
    expect(r.plan).toBeNull()
    expect(r.decisions[0]).toMatchObject({ action: 'leave' })
    expect(r.decisions[0]!.why).toMatch(
      /from today on one of its pages and from the entry’s creation/,
    )
  })

  it('leaves an allow that no longer carries passage’s marker', () => {
    const t = tenantWith((o, i) => (i === 0 ? { ...o, Notes: 'the mail team' } : o))
    const r = proposeRenewal(applied, t, entriesOf(t, now, 40), at(now), 7)
    expect(r.decisions[0]).toMatchObject({ action: 'leave' })
    expect(r.decisions[0]!.why).toContain('someone else owns it now')
    expect(r.plan?.changes.map((c) => c.target) ?? []).not.toContain(created[0]!.target)
  })

  it('counts 45 days from the last use when the allow was used', () => {
    const t = tenantWith((o) => ({ ...o, LastUsedDate: at(now - 2 * DAY) }))
    // Created 60 days ago but used 2 days ago: it lapses in 43 days, nothing to renew.
    expect(proposeRenewal(applied, t, entriesOf(t, now, 60), at(now), 7).plan).toBeNull()
  })
})
