import { describe, expect, it } from 'vitest'
import type { SandboxWorld } from '../contracts.js'
import { withFleet } from '../http/index.js'
import { parseWorld, seedWorld } from './index.js'

describe('the state file schema', () => {
  it('keeps the fleet, the registrations, service principals and Exchange RBAC across a save', () => {
    const world = withFleet(seedWorld(), {
      tenants: 8,
      seed: 2,
      preEnrolled: true,
      registration: {
        clientId: '0a1b2c3d-0000-4000-8000-0000000000d1',
        displayName: 'fleet operator',
        certificatePem: 'cert',
        appRoles: ['Exchange.ManageAsApp'],
        redirectUris: ['http://localhost'],
      },
    })
    const t = world.tenants.find((x) => x.fleet?.roleGranted)!
    t.fleet!.coManagerState = { revertedAt: '2026-11-21T12:00:00.000Z' }
    const saved = JSON.parse(JSON.stringify(world)) as unknown
    const loaded = parseWorld(saved)
    expect(loaded.registrations).toEqual(world.registrations)
    expect(loaded.fleet).toEqual(world.fleet)
    expect(loaded.tenants.map((x) => [x.apps, x.exchangeRbac, x.fleet])).toEqual(
      world.tenants.map((x) => [x.apps, x.exchangeRbac, x.fleet]),
    )
  })

  it('loads a state file written before fleets (none of the new fields)', () => {
    const old = JSON.parse(JSON.stringify(seedWorld())) as SandboxWorld
    const loaded = parseWorld(old)
    expect(loaded.registrations).toBeUndefined()
    expect(loaded.fleet).toBeUndefined()
    expect(loaded.tenants.every((t) => t.exchangeRbac === undefined && t.fleet === undefined)).toBe(
      true,
    )
  })
})
