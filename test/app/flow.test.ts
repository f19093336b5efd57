/**
 * The whole flow through the real client against the sandbox over HTTPS: discover equals what the
 * sandbox holds, apply then check is green, rollback restores the tenant byte for byte, and the
 * refusals (tampered plan, drift, lease held, missing role, API disabled, no Defender) end with
 * their diagnosis and no change.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { apply } from '../../src/app/apply.js'
import { check } from '../../src/app/check.js'
import { discover } from '../../src/app/discover.js'
import { readTenant } from '../../src/app/read-state.js'
import { rollback } from '../../src/app/rollback.js'
import type { Session } from '../../src/app/session.js'
import { testDelivery } from '../../src/app/test-delivery.js'
import { chooseVendor } from '../../src/app/vendor-choice.js'
import { canonicalJson } from '../../src/core/hash.js'
import type { TenantSnapshot } from '../../src/core/model/snapshot.js'
import { plan } from '../../src/core/planner/plan.js'
import type { Choices, Plan } from '../../src/core/planner/types.js'
import { tablKey } from '../../src/core/surfaces/tabl-item.js'
import type { SandboxTenant } from '../../src/sandbox/contracts.js'
import type { Store } from '../../src/store/index.js'
import {
  appSession,
  cleanupFiles,
  failure,
  deviceSession,
  memoryStore,
  sandbox,
  tenantNamed,
  worldState,
  type Sandbox,
} from './helpers.js'

let s: Sandbox
let store: Store
const sessions: Session[] = []

/** Trustifi's whole recipe (what the planner cannot do safely, it leaves out and says so). */
export const TRUSTIFI = {
  vendor: 'trustifi',
  params: {},
  choices: { mode: 'recipe' as Choices['mode'] },
}
export const CONTACTMONKEY = {
  vendor: 'contactmonkey',
  params: { region: 'us', dedicatedIp: '167.89.10.20' },
  choices: { mode: 'recommended' as const },
}

function planFor(snapshot: TenantSnapshot, which: typeof TRUSTIFI | typeof CONTACTMONKEY): Plan {
  return plan(chooseVendor(which.vendor, { ...which.params }), which.choices, snapshot, {
    now: new Date().toISOString(),
  })
}

async function session(t: SandboxTenant): Promise<Session> {
  const x = await appSession(s, t)
  sessions.push(x)
  return x
}

/** Surfaces as Exchange lists them: allow/block entries come per list type, so order by key. */
function comparable(state: TenantSnapshot['state']): string {
  return canonicalJson({
    ...state,
    tabl: {
      ...state.tabl,
      items: [...state.tabl.items].sort((a, b) => (tablKey(a) < tablKey(b) ? -1 : 1)),
    },
  })
}

beforeAll(async () => {
  s = await sandbox()
  store = await memoryStore()
})

afterAll(async () => {
  for (const x of sessions) x.close()
  await store?.close()
  await s?.close()
  cleanupFiles()
})

describe('discover', () => {
  it('reads each seeded tenant as the sandbox holds it, in one batch round', async () => {
    for (const prefix of ['contoso', 'northwind', 'fabrikam']) {
      const t = tenantNamed(s, prefix)
      const d = await discover(await session(t), store)
      expect(comparable(d.snapshot.state)).toBe(comparable(t.snapshot.state))
      expect(d.snapshot.licence).toBe(t.snapshot.licence)
      expect(canonicalJson(d.snapshot.presets)).toBe(canonicalJson(t.snapshot.presets))
      expect(d.snapshot.mx.route).toBe(t.snapshot.mx.route)
      if (t.snapshot.mx.route === 'gateway' && d.snapshot.mx.route === 'gateway') {
        expect(d.snapshot.mx.gateway).toBe(t.snapshot.mx.gateway)
        expect(d.snapshot.mx.ips).toEqual(t.snapshot.mx.ips)
      }
      expect((await store.getTenant(t.snapshot.tenant.id))?.snapshot?.state).toEqual(
        d.snapshot.state,
      )
    }
  })

  it('lists co-managers by their markers', async () => {
    const d = await discover(await session(tenantNamed(s, 'northwind')), null)
    expect(d.coManagers.map((c) => c.tool)).toEqual(
      expect.arrayContaining(['Mimecast', 'Trustifi']),
    )
  })
})

describe('apply, check, rollback', () => {
  for (const [prefix, which] of [
    ['northwind', TRUSTIFI],
    ['contoso', CONTACTMONKEY],
  ] as const) {
    it(`${which.vendor} on ${prefix}: green, then back to the original byte for byte`, async () => {
      const t = tenantNamed(s, prefix)
      const original = worldState(t)
      const x = await session(t)
      const p = planFor((await discover(x, store)).snapshot, which)
      const events: string[] = []
      const r = await apply(x, store, p, {
        onStep: (e) => events.push(`${e.type}:${e.change.id}`),
      })
      expect(r.status).toBe('done')
      expect(r.steps.every((st) => st.status === 'done')).toBe(true)
      expect(events.filter((e) => e.startsWith('end'))).toHaveLength(p.changes.length)
      expect(await store.getJournal(r.runId)).toHaveLength(p.changes.length)
      expect(worldState(t)).not.toBe(original)

      const c = await check(x, store)
      expect(c.findings).toEqual([])
      expect(c.green).toBe(true)

      // Applying the same plan again changes nothing.
      expect((await apply(x, store, p)).alreadyApplied).toBe(true)

      const rb = await rollback(x, store)
      expect(rb.status).toBe('done')
      expect(worldState(t)).toBe(original)
      expect((await store.getRun(r.runId))?.status).toBe('rolled-back')
      expect((await rollback(x, store, { runId: r.runId })).status).toBe('noop')
      expect(worldState(t)).toBe(original)
    })
  }

  it('check reports a rule disabled after apply, with the fix', async () => {
    const t = tenantNamed(s, 'contoso')
    const original = worldState(t)
    const x = await session(t)
    const p = planFor((await discover(x, store)).snapshot, CONTACTMONKEY)
    await apply(x, store, p)
    const rule = p.changes.find((c) => c.surface === 'transport-rule')!
    await x.exo.invokeCommand({
      cmdlet: 'Disable-TransportRule',
      params: { Identity: String(rule.after?.Name) },
    })
    const c = await check(x, store)
    expect(c.green).toBe(false)
    expect(c.findings.map((f) => f.fix).join('\n')).toContain('Enable-TransportRule')
    await rollback(x, store)
    expect(worldState(t)).toBe(original)
  })

  it('test delivery: the vendor’s messages junked before, delivered after', async () => {
    const t = tenantNamed(s, 'contoso')
    const x = await session(t)
    const vendor = chooseVendor(CONTACTMONKEY.vendor, CONTACTMONKEY.params)
    const snap = (await discover(x, store)).snapshot
    const before = await testDelivery(x, vendor, snap, { send: true, since: new Date() })
    expect(before.sent).toBeGreaterThan(0)
    expect(before.messages.map((m) => m.fate)).toContain('junk')
    expect(before.messages[0]?.reason).toContain('send it to Junk Email')
    const p = planFor(snap, CONTACTMONKEY)
    await apply(x, store, p)
    const after = await testDelivery(x, vendor, (await discover(x, store)).snapshot, {
      send: true,
      since: new Date(),
    })
    expect(after.messages.map((m) => m.fate)).toEqual(after.messages.map(() => 'inbox'))
    await rollback(x, store)
  })
})

describe('refusals, with their diagnosis and no change', () => {
  it('a tampered plan', async () => {
    const t = tenantNamed(s, 'contoso')
    const x = await session(t)
    const p = planFor((await discover(x, store)).snapshot, CONTACTMONKEY)
    const tampered = { ...p, changes: p.changes.slice(1) }
    const before = worldState(t)
    expect((await failure(apply(x, store, tampered))).code).toBe('PASSAGE_E_PLAN_TAMPERED')
    expect(worldState(t)).toBe(before)
  })

  it('drift since the plan: the differing fields, and re-plan', async () => {
    const t = tenantNamed(s, 'northwind')
    const x = await session(t)
    const p = planFor((await discover(x, store)).snapshot, TRUSTIFI)
    await x.exo.invokeCommand({
      cmdlet: 'Set-HostedContentFilterPolicy',
      params: { Identity: 'Default', SpamZapEnabled: false },
    })
    const before = worldState(t)
    const e = await failure(apply(x, store, p))
    expect(e.code).toBe('PASSAGE_E_PLAN_DRIFT')
    expect(e.message).toContain('SpamZapEnabled')
    expect(e.message).toContain('re-plan')
    expect(worldState(t)).toBe(before)
    await x.exo.invokeCommand({
      cmdlet: 'Set-HostedContentFilterPolicy',
      params: { Identity: 'Default', SpamZapEnabled: true },
    })
  })

  it('the tenant’s lease held by another run', async () => {
    const t = tenantNamed(s, 'contoso')
    const x = await session(t)
    const p = planFor((await discover(x, store)).snapshot, CONTACTMONKEY)
    const id = t.snapshot.tenant.id
    expect((await store.acquireLease(id, 'someone else', 42, 60_000)).ok).toBe(true)
    const before = worldState(t)
    try {
      const e = await failure(apply(x, store, p))
      expect(e.code).toBe('PASSAGE_E_LEASE_HELD')
      expect(e.message).toContain('someone else')
      expect(worldState(t)).toBe(before)
    } finally {
      await store.releaseLease(id, 'someone else')
    }
  })

  it('a Security Reader: role missing, named; an admin with API access disabled', async () => {
    const t = tenantNamed(s, 'contoso')
    const name = t.snapshot.tenant.name
    const [reader, blocked] = await Promise.all([
      deviceSession(s, t, `reader@${name}`),
      deviceSession(s, t, `blocked@${name}`),
    ])
    sessions.push(reader, blocked)
    const before = worldState(t)
    const p = planFor((await discover(reader, null)).snapshot, CONTACTMONKEY)
    const r = await apply(reader, store, p)
    expect(r.status).toBe('failed')
    const failed = r.steps.filter((st) => st.status === 'failed')
    expect(failed.length).toBeGreaterThan(0)
    expect(failed.every((st) => st.error?.code === 'PASSAGE_E_EXO_ROLE_MISSING')).toBe(true)
    expect(failed[0]?.error?.message).toContain('Exchange Administrator')
    expect(worldState(t)).toBe(before)
    const e = await failure(discover(blocked, null))
    expect(e.code).toBe('PASSAGE_E_EXO_API_DISABLED')
  })

  it('Safe Links on an EOP-only tenant: the licence named, no change', async () => {
    const t = tenantNamed(s, 'fabrikam')
    const x = await session(t)
    const before = worldState(t)
    const e = await failure(readTenant(x.exo, { surfaces: ['safe-links'], defender: true }))
    expect(e.code).toBe('PASSAGE_E_LICENCE_MISSING')
    const snap = (await discover(x, null)).snapshot
    expect(snap.state.safeLinks).toBeNull()
    expect(worldState(t)).toBe(before)
  })
})
