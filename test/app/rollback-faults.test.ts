/**
 * Rollback as robust as apply, against a sandbox that fails the undo's own writes (Remove-*
 * cmdlets run only in rollback): a write whose answer is lost is read back instead of guessed; a
 * refused undo of one object does not stop the undo of the others, and the next rollback finishes
 * the work; a rollback killed mid-way is marked interrupted and continued by the next one.
 */
import { afterAll, describe, expect, it } from 'vitest'
import { discover } from '../../src/app/discover.js'
import { rollback } from '../../src/app/rollback.js'
import {
  appSession,
  cleanupFiles,
  memoryStore,
  sandbox,
  tenantNamed,
  worldState,
  contactMonkeyApplied,
} from './helpers.js'

/** Set-HostedContentFilterPolicy calls ContactMonkey's apply makes on contoso (two anti-spam policies). */
const SET_POLICY_CALLS_IN_APPLY = 2

const open: { close(): unknown }[] = []
afterAll(async () => {
  for (const x of open.splice(0).reverse()) await x.close()
  cleanupFiles()
})

/** A sandbox with the given faults, a store, a session on contoso, and ContactMonkey applied. */
const applied = (faults: string) => contactMonkeyApplied(open, faults)

describe('rollback under faults', () => {
  it('a removal whose answer is lost: read back, found undone, not guessed', async () => {
    const { s, x, store, original } = await applied('cmdlet:Remove-TransportRule@1=drop-after')
    const r = await rollback(x, store)
    const rule = r.steps.find((st) => /mail flow rule/i.test(st.summary))
    expect(rule?.status).toBe('done')
    expect(rule?.note).toMatch(/read-back/)
    expect(r.status).toBe('done')
    expect(worldState(tenantNamed(s, 'contoso'))).toBe(original)
  })

  it('a refused undo of one object: the others are undone, the next rollback finishes', async () => {
    const { s, x, store, original } = await applied('cmdlet:Remove-TransportRule@1=ExBDDC58')
    const t = tenantNamed(s, 'contoso')
    const first = await rollback(x, store)
    expect(first.status).toBe('failed')
    const failed = first.steps.filter((st) => st.status === 'failed')
    expect(failed).toHaveLength(1)
    // Every other journaled change was undone, not left not-run behind the failure.
    expect(first.steps.filter((st) => st.status === 'done').length).toBe(first.steps.length - 1)
    const second = await rollback(x, store)
    expect(second.status).toBe('done')
    expect(worldState(t)).toBe(original)
    expect((await rollback(x, store)).status).toBe('noop')
  })

  it('a refused undo of a policy keeps back the removal of the quarantine policy it names, not sent', async () => {
    // The anti-spam policy's undo (Set-HostedContentFilterPolicy back to its old quarantine
    // policies) is refused; while the policy still names the quarantine policy the apply created,
    // Exchange refuses its removal, so rollback does not send it and says why.
    const { s, x, store, original } = await applied(
      `cmdlet:Set-HostedContentFilterPolicy@${SET_POLICY_CALLS_IN_APPLY + 1}=ExBDDC58`,
    )
    const first = await rollback(x, store)
    expect(first.status).toBe('failed')
    const policy = first.steps.find((st) => st.status === 'failed')
    expect(policy?.summary).toMatch(/anti-spam/i)
    const kept = first.steps.find((st) => /quarantine policy/i.test(st.summary))
    expect(kept?.status).toBe('not-run')
    expect(kept?.calls).toBe(0)
    expect(kept?.note).toMatch(/^kept, because undoing what uses it failed \(/)
    const second = await rollback(x, store)
    expect(second.status).toBe('done')
    expect(worldState(tenantNamed(s, 'contoso'))).toBe(original)
  })

  it('an unknown run, or a tenant with nothing applied, is named by the tenant, not its GUID', async () => {
    const s = await sandbox('')
    open.push(s)
    const store = await memoryStore()
    open.push(store)
    const x = await appSession(s, tenantNamed(s, 'contoso'))
    open.push({ close: () => x.close() })
    await discover(x, store)
    const name = x.profile.tenantName
    expect(name).toMatch(/\.onmicrosoft\.com$/)
    await expect(rollback(x, store)).rejects.toThrow(`Nothing has been applied to tenant ${name}.`)
    await expect(rollback(x, store, { runId: 999 })).rejects.toThrow(
      `No run 999 for tenant ${name}.`,
    )
  })

  it('a rollback left running (killed) is marked interrupted by the next one', async () => {
    const { x, store } = await applied('')
    const apply = (await store.listRuns(x.tenantId, 10)).find((r) => r.kind === 'apply')!
    const killed = await store.createRun({
      tenantId: x.tenantId,
      planHash: apply.planHash,
      kind: 'rollback',
      actor: x.actor,
    })
    const r = await rollback(x, store)
    expect(r.status).toBe('done')
    expect((await store.getRun(killed.id))?.status).toBe('interrupted')
  })
})
