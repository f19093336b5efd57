/** Shared set-up for the engine's tests: the seeded world and a caller per seeded admin. */
import type { Caller, CmdletOutcome, SandboxTenant, SandboxWorld } from '../contracts.js'
import { seedWorld } from '../seed/index.js'
import { createEngine } from './engine.js'

/** The fixed "now" of the tests (after the example snapshots were captured). */
export const NOW = new Date('2026-11-21T12:00:00Z')

/** Seeded admins by the local part of their UPN. */
export type Who = 'admin' | 'exchange' | 'security' | 'reader' | 'user' | 'blocked'

/** A fresh world and helpers to call cmdlets in it. */
export function sandbox() {
  const world: SandboxWorld = seedWorld()
  const engine = createEngine()
  const [eop, p2, gateway] = world.tenants as [SandboxTenant, SandboxTenant, SandboxTenant]
  const caller = (tenant: SandboxTenant, who: Who = 'admin'): Caller => {
    const a = tenant.admins.find((x) => x.upn.startsWith(`${who}@`))
    if (!a) throw new Error(`no admin ${who}`)
    return {
      tenantId: tenant.snapshot.tenant.id,
      kind: 'user',
      name: a.upn,
      objectId: a.objectId,
      roles: a.roles,
      exchangeApiEnabled: a.exchangeApiEnabled,
      scopes: [],
    }
  }
  const call = (
    tenant: SandboxTenant,
    cmdlet: string,
    params: Record<string, unknown> = {},
    who: Who = 'admin',
    now: Date = NOW,
  ): CmdletOutcome => engine.invoke(tenant, caller(tenant, who), cmdlet, params, now)
  return { world, engine, eop, p2, gateway, caller, call }
}

/** The value of a successful outcome; fails the test with the error text otherwise. */
export function ok(o: CmdletOutcome): Record<string, unknown>[] {
  if (!o.ok) throw new Error(`expected success, got ${o.status} ${o.exceptionType}: ${o.text}`)
  return o.value
}

/** The failure of an outcome; fails the test when it succeeded. */
export function fail(o: CmdletOutcome): Extract<CmdletOutcome, { ok: false }> {
  if (o.ok) throw new Error(`expected a failure, got ${JSON.stringify(o.value).slice(0, 200)}`)
  return o
}
