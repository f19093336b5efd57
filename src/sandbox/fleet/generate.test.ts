import { describe, expect, it } from 'vitest'
import { TenantSnapshot } from '../../core/model/snapshot.js'
import type { Caller, SandboxRegistration, SandboxTenant } from '../contracts.js'
import { createEngine } from '../engine/engine.js'
import { fleetMeta, generateFleet } from './index.js'

const REG: SandboxRegistration = {
  clientId: '0a1b2c3d-0000-4000-8000-000000000002',
  displayName: 'fleet operator',
  certificatePem: 'cert',
  appRoles: ['Exchange.ManageAsApp'],
  redirectUris: [],
}
const NOW = new Date('2026-11-21T12:00:00Z')

const admin = (t: SandboxTenant): Caller => ({
  tenantId: t.snapshot.tenant.id,
  kind: 'user',
  name: t.admins[0]!.upn,
  objectId: t.admins[0]!.objectId,
  roles: ['Global Administrator'],
  exchangeApiEnabled: true,
  scopes: [],
})

/** What identifies a generated tenant and its variations. */
const fingerprint = (ts: SandboxTenant[]) =>
  ts.map((t) => ({
    id: t.snapshot.tenant.id,
    name: t.snapshot.tenant.name,
    licence: t.snapshot.licence,
    rules: t.snapshot.state.transportRules.length,
    tabl: t.snapshot.state.tabl.items.length,
    mx: t.snapshot.mx.route,
    flags: t.fleet,
    sp: t.apps[0]?.objectId ?? null,
  }))

describe('generateFleet', () => {
  it('is deterministic: the same seed gives the same tenants, another seed other ids and variations', () => {
    const a = generateFleet({ tenants: 40, seed: 5, registration: REG })
    const b = generateFleet({ tenants: 40, seed: 5, registration: REG })
    const c = generateFleet({ tenants: 40, seed: 6, registration: REG })
    expect(fingerprint(a)).toEqual(fingerprint(b))
    expect(a.map((t) => t.snapshot.tenant.name)).toEqual(c.map((t) => t.snapshot.tenant.name))
    expect(a[0]!.snapshot.tenant.name).toBe('fleet-0001.onmicrosoft.com')
    expect(a[0]!.snapshot.tenant.id).not.toBe(c[0]!.snapshot.tenant.id)
    expect(fingerprint(a)).not.toEqual(fingerprint(c))
  })

  it('makes 1,000 valid tenants quickly, with the variety and shares the design asks for', () => {
    generateFleet({ tenants: 1, seed: 1 }) // the example snapshots are read once per process
    const t0 = performance.now()
    const fleet = generateFleet({ tenants: 1000, seed: 11, registration: REG })
    const ms = performance.now() - t0
    // "Well under a second" on an idle machine (~0.3 s measured); the bound leaves room for a
    // loaded CI runner.
    expect(ms).toBeLessThan(1500)
    const ids = new Set(fleet.map((t) => t.snapshot.tenant.id))
    expect(ids.size).toBe(1000)
    const m = fleetMeta(fleet, { tenants: 1000, seed: 11, registration: REG })
    for (const lic of ['eop', 'mdo-p1', 'mdo-p2'])
      expect(m.counts.licence[lic]).toBeGreaterThan(200)
    expect(m.counts.notConsented).toBeGreaterThan(20)
    expect(m.counts.notConsented).toBeLessThan(90)
    expect(m.counts.spDisabled).toBeGreaterThan(5)
    expect(m.counts.spDisabled).toBeLessThan(40)
    expect(m.counts.coManager).toBeGreaterThan(10)
    expect(m.counts.coManager).toBeLessThan(55)
    expect(m.counts.gateway).toBeGreaterThan(150)
    // Not pre-enrolled: nobody has the role yet; every consented tenant has the service principal.
    expect(m.counts.roleGranted).toBe(0)
    expect(fleet.filter((t) => t.apps.length === 1).length).toBe(1000 - m.counts.notConsented)
    const rules = fleet.map((t) => t.snapshot.state.transportRules.length)
    expect(Math.min(...rules)).toBe(0)
    expect(Math.max(...rules)).toBe(20)
    const tabl = fleet.map((t) => t.snapshot.state.tabl.items.length)
    expect(Math.max(...tabl)).toBeGreaterThanOrEqual(50)
    expect(fleet.some((t) => t.snapshot.presets.some((p) => p.State === 'Enabled'))).toBe(true)
    expect(fleet.some((t) => t.snapshot.presets.some((p) => p.State === 'Disabled'))).toBe(true)
    const gateway = fleet.find((t) => t.fleet?.gateway)!
    expect(gateway.snapshot.mx.route).toBe('gateway')
    expect(gateway.snapshot.state.inboundConnectors.length).toBeGreaterThan(0)
    // Every one the snapshot schema accepts (a sample of each licence and route).
    for (const t of fleet.slice(0, 60))
      expect(TenantSnapshot.safeParse(t.snapshot).success).toBe(true)
  })

  it('pre-enrolled: consented tenants (but ~5%) have the service principal in Organization Management', () => {
    const fleet = generateFleet({ tenants: 200, seed: 3, preEnrolled: true, registration: REG })
    const m = fleetMeta(fleet, { tenants: 200, seed: 3, preEnrolled: true, registration: REG })
    expect(m.counts.roleGranted).toBeGreaterThan(150)
    for (const t of fleet) {
      const members = t.exchangeRbac?.roleGroupMembers['Organization Management'] ?? []
      expect(members.length === 1).toBe(t.fleet!.roleGranted)
      if (t.fleet!.roleGranted) expect(members[0]).toBe(t.apps[0]!.objectId)
      expect(t.apps[0]?.disabled === true).toBe(t.fleet!.consented && t.fleet!.spDisabled)
    }
  })

  it('shares template objects safely: a write in one tenant changes no other', () => {
    const [a, b] = generateFleet({ tenants: 2, seed: 9 }) as [SandboxTenant, SandboxTenant]
    const engine = createEngine()
    const before = JSON.stringify(b.snapshot.state)
    const r = engine.invoke(
      a,
      admin(a),
      'Set-HostedConnectionFilterPolicy',
      { Identity: 'Default', IPAllowList: ['192.0.2.10'] },
      NOW,
    )
    expect(r.ok).toBe(true)
    expect(a.snapshot.state.connectionFilter.IPAllowList).toEqual(['192.0.2.10'])
    expect(JSON.stringify(b.snapshot.state)).toBe(before)
  })

  it('a co-manager reverts an IP allow change on the next call, and WhenChanged moves', () => {
    const fleet = generateFleet({ tenants: 200, seed: 4 })
    const t = fleet.find((x) => x.fleet?.coManager)!
    const other = fleet.find((x) => !x.fleet?.coManager)!
    const engine = createEngine()
    const set = (x: SandboxTenant) =>
      engine.invoke(
        x,
        admin(x),
        'Set-HostedConnectionFilterPolicy',
        { Identity: 'Default', IPAllowList: ['192.0.2.11'] },
        NOW,
      )
    const later = new Date(NOW.getTime() + 60_000)
    const read = (x: SandboxTenant) => {
      const r = engine.invoke(x, admin(x), 'Get-HostedConnectionFilterPolicy', {}, later)
      if (!r.ok) throw new Error(r.text)
      return r.value[0]!
    }
    expect(set(t).ok).toBe(true)
    expect(read(t)).toMatchObject({ IPAllowList: [], WhenChanged: later.toISOString() })
    // Reverted once: the list stays as the co-manager left it until the next write.
    expect(read(t).IPAllowList).toEqual([])
    expect(set(other).ok).toBe(true)
    expect(read(other).IPAllowList).toEqual(['192.0.2.11'])
  })
})
