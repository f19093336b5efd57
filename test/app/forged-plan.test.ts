/**
 * Calls are derived, never trusted: a plan whose hash an attacker recomputed (a changed call, an
 * added change outside the vendor's scope, an unknown cmdlet, a customer object removed) is
 * refused by apply with a coded error naming the change, and nothing is written. And the one
 * undo: a field an admin changed after apply is left as they set it and reported as a conflict,
 * until `force`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { apply } from '../../src/app/apply.js'
import { discover } from '../../src/app/discover.js'
import { rollback } from '../../src/app/rollback.js'
import type { Session } from '../../src/app/session.js'
import { chooseVendor } from '../../src/app/vendor-choice.js'
import type { Change, JsonObject } from '../../src/core/change.js'
import type { PassageError } from '../../src/core/errors/index.js'
import { contentHash } from '../../src/core/hash.js'
import type { TenantSnapshot } from '../../src/core/model/snapshot.js'
import { plan, planHashValid } from '../../src/core/planner/plan.js'
import type { Plan } from '../../src/core/planner/types.js'
import { applyUpdate, surfaceOf } from '../../src/core/surfaces/index.js'
import type { SandboxTenant } from '../../src/sandbox/contracts.js'
import type { Store } from '../../src/store/index.js'
import {
  appSession,
  cleanupFiles,
  failure,
  memoryStore,
  sandbox,
  tenantNamed,
  worldState,
  type Sandbox,
} from './helpers.js'

let s: Sandbox
let store: Store
const sessions: Session[] = []
const CM = { region: 'us', dedicatedIp: '167.89.10.20' }

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

async function session(t: SandboxTenant): Promise<Session> {
  const x = await appSession(s, t)
  sessions.push(x)
  return x
}

/** What an attacker does after editing a plan: recompute its (unkeyed) content hash. */
function rehash(p: Plan, changes: Change[]): Plan {
  const { hash: _old, ...body } = { ...p, changes }
  const forged = { ...body, hash: contentHash(body) } as Plan
  expect(planHashValid(forged)).toBe(true)
  return forged
}

/** A well-formed update of one object, with the calls its surface derives (a careful forgery). */
function forgedUpdate(
  template: Change,
  surface: Change['surface'],
  before: JsonObject,
  edit: Pick<Change, 'set' | 'add'>,
): Change {
  const c: Change = {
    ...template,
    id: 'c99',
    surface,
    op: 'update',
    target: surfaceOf(surface).key(before),
    summary: 'Tidy up a policy',
    before,
    after: applyUpdate(before, edit),
    dependsOn: [],
    calls: [],
    ...edit,
  }
  return { ...c, calls: surfaceOf(surface).calls(c) }
}

describe('a forged plan is refused, with nothing written', () => {
  let t: SandboxTenant
  let x: Session
  let snapshot: TenantSnapshot
  let p: Plan

  beforeAll(async () => {
    t = tenantNamed(s, 'contoso')
    x = await session(t)
    snapshot = (await discover(x, store)).snapshot
    p = plan(chooseVendor('contactmonkey', CM), { mode: 'recommended' }, snapshot, {
      now: new Date().toISOString(),
    })
    expect(p.changes.length).toBeGreaterThan(1)
  })

  async function refused(forged: Plan): Promise<PassageError> {
    const before = worldState(t)
    const e = await failure(apply(x, store, forged))
    expect(worldState(t)).toBe(before)
    expect(e.kind).toBe('user')
    return e
  }

  it('a changed call (the stored calls are never sent)', async () => {
    const [first, ...rest] = p.changes as [Change, ...Change[]]
    const call = first.calls[0]!
    const edited = { ...first, calls: [{ ...call, params: { ...call.params, Priority: 0 } }] }
    const e = await refused(rehash(p, [edited, ...rest]))
    expect(e.code).toBe('PASSAGE_E_PLAN_FORGED')
    expect(e.message).toContain(`${first.id} (`)
    expect(e.message).toContain('differ from the calls passage derives')
  })

  it('an unknown cmdlet', async () => {
    const [first, ...rest] = p.changes as [Change, ...Change[]]
    const edited = {
      ...first,
      calls: [{ cmdlet: 'Remove-Mailbox', params: { Identity: 'ceo@contoso.com' } }],
    }
    const e = await refused(rehash(p, [edited, ...rest]))
    expect(e.code).toBe('PASSAGE_E_PLAN_FORGED')
  })

  it('an added change granting a private range, a shared domain, or someone else’s addresses', async () => {
    const template = p.changes[0]!
    const cf = snapshot.state.connectionFilter as unknown as JsonObject
    const spam = snapshot.state.antiSpam.policies[0] as unknown as JsonObject
    const privateRange = forgedUpdate(template, 'connection-filter', cf, {
      add: { IPAllowList: ['10.0.0.0/24'] },
    })
    let e = await refused(rehash(p, [...p.changes, privateRange]))
    expect(e.code).toBe('PASSAGE_E_REFUSED_ADDRESS')
    expect(e.message).toContain('c99')
    const foreign = forgedUpdate(template, 'connection-filter', cf, {
      add: { IPAllowList: ['8.8.8.0/24'] },
    })
    e = await refused(rehash(p, [...p.changes, foreign]))
    expect(e.code).toBe('PASSAGE_E_PLAN_FORGED')
    expect(e.message).toContain("not one of the vendor's sending addresses")
    const gmail = forgedUpdate(template, 'anti-spam', spam, {
      add: { AllowedSenderDomains: ['gmail.com'] },
    })
    e = await refused(rehash(p, [...p.changes, gmail]))
    expect(e.code).toBe('PASSAGE_E_REFUSED_SHARED_DOMAIN')
    const own = forgedUpdate(template, 'anti-spam', spam, {
      add: { AllowedSenderDomains: [snapshot.acceptedDomains[0]!.DomainName] },
    })
    e = await refused(rehash(p, [...p.changes, own]))
    expect(e.code).toBe('PASSAGE_E_REFUSED_OWN_DOMAIN')
    // Every reason is reported, not only the first.
    e = await refused(rehash(p, [...p.changes, privateRange, gmail]))
    const diagnostics = (e.details?.diagnostics ?? []) as { changeId: string; code: string }[]
    expect(diagnostics.map((d) => d.code)).toEqual(
      expect.arrayContaining(['PASSAGE_E_REFUSED_ADDRESS', 'PASSAGE_E_REFUSED_SHARED_DOMAIN']),
    )
  })

  it('a field passage never sets, and a customer’s mail flow rule removed', async () => {
    const template = p.changes[0]!
    const spam = snapshot.state.antiSpam.policies[0] as unknown as JsonObject
    const threshold = forgedUpdate(template, 'anti-spam', spam, {
      set: { HighConfidencePhishAction: 'MoveToJmf' },
    })
    let e = await refused(rehash(p, [...p.changes, threshold]))
    expect(e.code).toBe('PASSAGE_E_PLAN_FORGED')
    expect(e.message).toContain('HighConfidencePhishAction')
    const customer = snapshot.state.transportRules.find((r) => !r.Comments?.includes('passage'))
    expect(customer).toBeDefined()
    const rule = customer as unknown as JsonObject
    const removal: Change = {
      ...template,
      id: 'c98',
      surface: 'transport-rule',
      op: 'remove',
      target: surfaceOf('transport-rule').key(rule),
      summary: 'Remove an old rule',
      before: rule,
      after: null,
      dependsOn: [],
      calls: [],
    }
    const derived = { ...removal, calls: surfaceOf('transport-rule').calls(removal) }
    e = await refused(rehash(p, [...p.changes, derived]))
    expect(e.code).toBe('PASSAGE_E_PLAN_FORGED')
    expect(e.message).toContain('passage did not create')
  })

  it('a surface passage does not know', async () => {
    const [first, ...rest] = p.changes as [Change, ...Change[]]
    const edited = { ...first, surface: 'mailbox' as Change['surface'] }
    const e = await refused(rehash(p, [edited, ...rest]))
    expect(e.code).toBe('PASSAGE_E_PLAN_FORGED')
    expect(e.message).toContain("unknown surface 'mailbox'")
  })
})

describe('a stale plan is refused whole, before its first write', () => {
  it('a mail flow rule added since the plan: the count behind its priorities changed', async () => {
    const t = tenantNamed(s, 'northwind')
    const x = await session(t)
    const snapshot = (await discover(x, store)).snapshot
    const p = plan(chooseVendor('trustifi', {}), { mode: 'recipe' }, snapshot, {
      now: new Date().toISOString(),
    })
    expect(p.changes.some((c) => c.surface === 'transport-rule' && c.op === 'create')).toBe(true)
    await x.exo.invokeCommand({
      cmdlet: 'New-TransportRule',
      params: { Name: 'Mail team: tag partners', SetHeaderName: 'X-Partner', SetHeaderValue: '1' },
    })
    const before = worldState(t)
    const e = await failure(apply(x, store, p))
    expect(e.code).toBe('PASSAGE_E_PLAN_DRIFT')
    expect(e.message).toContain('(mail flow rules per organisation)')
    expect(worldState(t)).toBe(before)
    await x.exo.invokeCommand({
      cmdlet: 'Remove-TransportRule',
      params: { Identity: 'Mail team: tag partners' },
    })
  })
})

describe('undo after an admin edit', () => {
  it('leaves the admin’s value, reports the conflict, and --force puts the prior back', async () => {
    const t = tenantNamed(s, 'fabrikam')
    const x = await session(t)
    const snapshot = (await discover(x, store)).snapshot
    const original = worldState(t)
    const p = plan(
      chooseVendor('contactmonkey', CM),
      { mode: 'recommended', protections: ['bulk'], mechanisms: { bulk: 'bulk-threshold' } },
      snapshot,
      { now: new Date().toISOString() },
    )
    const bulk = p.changes.find((c) => c.set && 'BulkThreshold' in c.set)
    expect(bulk).toBeDefined()
    const name = String(bulk!.before?.Name)
    const prior = bulk!.before?.BulkThreshold
    expect((await apply(x, store, p)).status).toBe('done')
    // The admin tunes the threshold after apply (neither the prior value nor passage's).
    const admins = [3, 4, 5].find((v) => v !== prior && v !== bulk!.set!.BulkThreshold)!
    await x.exo.invokeCommand({
      cmdlet: 'Set-HostedContentFilterPolicy',
      params: { Identity: name, BulkThreshold: admins },
    })
    const r = await rollback(x, store)
    expect(
      r.steps.filter((st) => st.error),
      JSON.stringify(r.steps),
    ).toEqual([])
    expect(r.status).toBe('conflict')
    const step = r.steps.find((st) => st.changeId === bulk!.id)
    expect(step?.status).toBe('conflict')
    expect(step?.conflicts).toEqual([
      { field: 'BulkThreshold', passage: bulk!.set!.BulkThreshold, current: admins, prior },
    ])
    const policy = () =>
      t.snapshot.state.antiSpam.policies.find((q) => q.Name === name)?.BulkThreshold
    expect(policy()).toBe(admins)
    // Forced, the prior value goes back and the apply run is rolled back.
    const forced = await rollback(x, store, { force: true })
    expect(forced.status).toBe('done')
    expect(policy()).toBe(prior)
    expect(worldState(t)).toBe(original)
  })
})
