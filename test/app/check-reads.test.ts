/**
 * Check reads back only the surfaces the plan changes (and the tenant context: presets decide
 * whether a policy change reaches its recipients): a plan that adds no allow/block entry does
 * not page through the Tenant Allow/Block List, and its verdict is the one a read of everything
 * gives.
 */
import { afterAll, describe, expect, it } from 'vitest'
import { apply } from '../../src/app/apply.js'
import { check, checkFindings } from '../../src/app/check.js'
import { discover } from '../../src/app/discover.js'
import { readTenant, snapshotAround } from '../../src/app/read-state.js'
import { chooseVendor } from '../../src/app/vendor-choice.js'
import type { CmdletCall } from '../../src/core/cmdlet.js'
import { surfaceOf } from '../../src/core/surfaces/registry.js'
import { plan } from '../../src/core/planner/plan.js'
import { contentHash } from '../../src/core/hash.js'
import { appSession, cleanupFiles, memoryStore, sandbox, tenantNamed } from './helpers.js'

const open: { close(): unknown }[] = []
afterAll(async () => {
  for (const x of open.splice(0).reverse()) await x.close()
  cleanupFiles()
})

describe('check reads', () => {
  it("reads the plan's surfaces and the context only, with the verdict of a full read", async () => {
    const s = await sandbox('')
    open.push(s)
    const store = await memoryStore()
    open.push(store)
    const x = await appSession(s, tenantNamed(s, 'northwind'))
    open.push({ close: () => x.close() })
    const p = plan(
      chooseVendor('trustifi', {}),
      { mode: 'recipe' },
      (await discover(x, store)).snapshot,
      {
        now: new Date().toISOString(),
      },
    )
    expect(p.changes.some((c) => c.surface === 'tabl-item')).toBe(false)
    expect((await apply(x, store, p)).status).toBe('done')

    const read: string[] = []
    const exo = x.exo as unknown as {
      batch: (calls: CmdletCall[], ...rest: unknown[]) => Promise<unknown>
    }
    const batch = exo.batch.bind(exo)
    exo.batch = (calls, ...rest) => {
      read.push(...calls.map((c) => c.cmdlet))
      return batch(calls, ...rest)
    }
    const c = await check(x, store, p)
    expect(c.green).toBe(true)
    // Every read belongs to a surface the plan changes, or is tenant context.
    const planned = new Set(
      p.changes.flatMap((ch) => surfaceOf(ch.surface).reads.map((r) => r.call.cmdlet)),
    )
    const context = [
      'Get-AcceptedDomain',
      'Get-EOPProtectionPolicyRule',
      'Get-AtpPolicyForO365',
      'Get-ATPProtectionPolicyRule',
    ]
    expect(read.filter((r) => !planned.has(r) && !context.includes(r))).toEqual([])
    expect(read).not.toContain('Get-TenantAllowBlockListItems')
    expect(read).toContain('Get-EOPProtectionPolicyRule')

    // The same findings as against the whole tenant read.
    exo.batch = batch
    const all = snapshotAround(p.tenant, await readTenant(x.exo, {}))
    expect(checkFindings(all, p, Date.now())).toEqual(c.findings)
  })

  it('a plan that changes nothing is refused with nothing to check, and nothing is read', async () => {
    const s = await sandbox('')
    open.push(s)
    const store = await memoryStore()
    open.push(store)
    const x = await appSession(s, tenantNamed(s, 'northwind'))
    open.push({ close: () => x.close() })
    const p = plan(
      chooseVendor('trustifi', {}),
      { mode: 'recipe' },
      (await discover(x, store)).snapshot,
      { now: new Date().toISOString() },
    )
    // The hash covers the changes: an emptied plan is re-hashed as the planner hashes a plan.
    const { hash: _old, ...body } = { ...p, changes: [] }
    const e = await check(x, store, { ...body, hash: contentHash(body) }).catch(
      (err: unknown) => err,
    )
    expect(e).toMatchObject({ code: 'PASSAGE_E_NOTHING_TO_CHECK' })
    expect((e as Error).message).toMatch(/makes no change, so there is nothing to check/)
  })
})
