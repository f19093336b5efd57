import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { isPassageError } from '../../core/errors/index.js'
import { plan } from '../../core/planner/plan.js'
import type { Plan } from '../../core/plan-format.js'
import { openStore, type Store } from '../../store/index.js'
import { loadSnapshot } from '../snapshot-file.js'
import { chooseVendor } from '../vendor-choice.js'
import { collectReport } from './collect.js'

const NOW = new Date('2026-12-01T10:00:00Z')
const snapshot = loadSnapshot('examples/defender-p2-standard-preset.json')
const T = snapshot.tenant

function planFor(
  vendorId: string,
  params: Record<string, string>,
  mode: 'recommended' | 'recipe',
): Plan {
  return plan(chooseVendor(vendorId, params), { mode }, snapshot, { now: '2026-11-20T09:00:00Z' })
}

/** Records an apply of a plan as apply does: the run, then a step per change. */
async function recordApply(
  store: Store,
  p: Plan,
  steps: Record<string, 'done' | 'failed' | 'not-run'> = {},
) {
  await store.savePlan(p)
  const run = await store.createRun({
    tenantId: p.tenant.id,
    planHash: p.hash,
    kind: 'apply',
    actor: 'admin@contoso.com',
  })
  for (const c of p.changes)
    await store.recordStep(run.id, { changeId: c.id, status: steps[c.id] ?? 'done' })
  await store.finishRun(run.id, Object.values(steps).some((s) => s !== 'done') ? 'failed' : 'done')
  return run.id
}

async function refusal(p: Promise<unknown>) {
  const e = await p.then(
    () => undefined,
    (x: unknown) => x,
  )
  if (!isPassageError(e)) throw new Error(`expected a PassageError, got ${String(e)}`)
  return e
}

describe('collectReport', () => {
  let store: Store
  beforeEach(async () => {
    store = await openStore(':memory:', { now: () => NOW })
    await store.upsertTenant({
      id: T.id,
      name: T.name,
      displayName: T.displayName,
      licence: snapshot.licence,
    })
  })
  afterEach(() => store.close())

  it('reports the done changes of applies not undone, per vendor, with their risk and checks', async () => {
    const cm = planFor('contactmonkey', { region: 'us', dedicatedIp: '167.89.10.20' }, 'recipe')
    const beta = planFor('custom', { name: 'Beta <script>', ips: '167.89.10.21' }, 'recommended')
    const undone = planFor('custom', { name: 'Undone Mailer', ips: '167.89.10.22' }, 'recommended')
    // ContactMonkey's apply stopped at c03: c03 failed, the rest did not run.
    const partial = Object.fromEntries(
      cm.changes.map((c, i) => [c.id, i < 2 ? 'done' : i === 2 ? 'failed' : 'not-run'] as const),
    )
    await recordApply(store, cm, partial)
    await recordApply(store, beta)
    const undoneRun = await recordApply(store, undone)
    await store.finishRun(undoneRun, 'rolled-back')

    const r = await collectReport(store, { tenant: T.name.toUpperCase(), now: NOW })
    expect(r.scope).toBe('tenant')
    const [t] = r.tenants
    expect(t).toMatchObject({ id: T.id, name: T.name })
    expect(t!.vendors.map((v) => [v.name, v.changes.map((c) => c.changeId)])).toEqual([
      ['Beta <script>', ['c01']],
      ['ContactMonkey', ['c01', 'c02']],
    ])
    const ipAllow = t!.vendors[1]!.changes[1]!
    expect(ipAllow).toMatchObject({
      surface: 'connection-filter',
      risk: { level: 'high' },
      planHash: cm.hash,
      actor: 'admin@contoso.com',
    })
    expect(ipAllow.baselines.map((b) => b.check)).toContain('MS.SECURITYSUITE.8.1')
    expect(t!.acceptances.map((a) => `${a.scanner} ${a.check}`)).toContain(
      'CISA MS.SECURITYSUITE.8.1',
    )
  })

  it('leaves out a change a partial rollback undid (its step is rolled-back)', async () => {
    const cm = planFor('contactmonkey', { region: 'us', dedicatedIp: '167.89.10.20' }, 'recipe')
    const run = await recordApply(store, cm)
    await store.recordStep(run, { changeId: 'c02', status: 'rolled-back' })
    const r = await collectReport(store, { tenant: T.id, now: NOW })
    expect(r.tenants[0]!.vendors[0]!.changes.map((c) => c.changeId)).not.toContain('c02')
    expect(r.tenants[0]!.acceptances.map((a) => a.check)).not.toContain('MS.SECURITYSUITE.8.1')
  })

  it('reports on the fleet’s enrolled tenants, with their state and tags', async () => {
    await store.upsertFleetTenant({
      tenantId: T.id,
      name: T.name,
      tags: ['emea'],
      state: 'enrolled',
      access: 'change',
      enrolledAt: NOW.toISOString(),
      lastErrorCode: null,
      lastErrorMessage: null,
    })
    await store.upsertFleetTenant({
      tenantId: '11111111-1111-1111-1111-111111111111',
      name: 'gone.onmicrosoft.com',
      tags: [],
      state: 'removed',
      access: 'change',
      enrolledAt: null,
      lastErrorCode: null,
      lastErrorMessage: null,
    })
    await recordApply(
      store,
      planFor('custom', { name: 'Beta', ips: '167.89.10.21' }, 'recommended'),
    )
    const r = await collectReport(store, { fleet: true, now: NOW })
    expect(r.scope).toBe('fleet')
    expect(r.tenants.map((t) => [t.name, t.fleet])).toEqual([
      [T.name, { state: 'enrolled', tags: ['emea'] }],
    ])
    expect(r.totals).toMatchObject({ tenants: 1, vendors: 1, changes: 1 })
  })

  it('refuses an unknown tenant (PASSAGE_E_TENANT_UNKNOWN), and neither or both of --tenant and --fleet (PASSAGE_E_INPUT)', async () => {
    const unknown = await refusal(
      collectReport(store, { tenant: 'nobody.onmicrosoft.com', now: NOW }),
    )
    expect(unknown.code).toBe('PASSAGE_E_TENANT_UNKNOWN')
    expect(unknown.message).toContain('nobody.onmicrosoft.com')
    const neither = await refusal(collectReport(store, { now: NOW }))
    expect([neither.code, neither.message]).toEqual([
      'PASSAGE_E_INPUT',
      'Say what to report on: --tenant <name|guid> or --fleet.',
    ])
    const both = await refusal(collectReport(store, { tenant: T.name, fleet: true, now: NOW }))
    expect([both.code, both.message]).toEqual([
      'PASSAGE_E_INPUT',
      'Give --tenant or --fleet, not both.',
    ])
    const late = await refusal(
      collectReport(store, { tenant: T.name, acceptUntil: '2026-11-30', now: NOW }),
    )
    expect(late.code).toBe('PASSAGE_E_INPUT')
    expect(late.message).toBe('--accept-until: 2026-11-30 is not after today (2026-12-01).')
  })
})
