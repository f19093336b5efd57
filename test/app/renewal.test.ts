/**
 * Renewal against the sandbox over HTTPS (issue 16, item 2): a renewal stopped between the
 * removal of an allow and its re-creation (Exchange refuses the New-TenantAllowBlockListItems)
 * ends failed with the allow gone, and rolling that renewal back puts the allow back as it was.
 */
import { afterAll, describe, expect, it } from 'vitest'
import { renewAllows } from '../../src/app/monitor/renew.js'
import { rollback } from '../../src/app/rollback.js'
import { cleanupFiles, contactMonkeyApplied } from './helpers.js'

const DAY = 86_400_000
const open: { close(): unknown }[] = []
afterAll(async () => {
  for (const x of open.splice(0).reverse()) await x.close()
  cleanupFiles()
})

describe('client.tabl-allow-renewal: a renewal that fails half-way is undone', () => {
  it('leaves the allow gone and failed; rolling the renewal back creates it again as it was', async () => {
    // The apply's own New-TenantAllowBlockListItems calls, counted on a first sandbox: the
    // renewal's is the next one, and the second sandbox refuses exactly that one.
    const first = await contactMonkeyApplied(open)
    const news = first.plan.changes
      .flatMap((c) => c.calls)
      .filter((c) => c.cmdlet === 'New-TenantAllowBlockListItems').length
    expect(news).toBeGreaterThan(0)
    const { t, x, store, plan } = await contactMonkeyApplied(
      open,
      `cmdlet:New-TenantAllowBlockListItems@${news + 1}=ExBDDC58`,
    )
    const urls = plan.changes.filter((c) => c.surface === 'tabl-item' && c.op === 'create')
    const value = String(urls[0]!.after!.Value)
    const before = t.snapshot.state.tabl.items.find((i) => i.Value === value)
    expect(before?.RemoveAfter).toBe(45)

    const r = await renewAllows(x, store, { nowMs: Date.now() + 40 * DAY })
    expect(r.applied?.status).toBe('failed')
    expect(t.snapshot.state.tabl.items.some((i) => i.Value === value)).toBe(false)

    const undone = await rollback(x, store, { runId: r.applied!.runId })
    expect(undone.status).toBe('done')
    const back = t.snapshot.state.tabl.items.find((i) => i.Value === value)
    expect(back).toMatchObject({
      ListType: before!.ListType,
      Action: 'Allow',
      RemoveAfter: 45,
      Notes: before!.Notes,
    })
  }, 120_000)
})
