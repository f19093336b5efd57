/**
 * plan.preset.exception through the real client against the sandbox over HTTPS: taking the
 * Standard preset's recipients out of it, when the admin asks, is applied with
 * Set-EOPProtectionPolicyRule / Set-ATPProtectionPolicyRule, checked green, refused on drift, and
 * undone to the preset's previous exceptions byte for byte.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { apply } from '../../src/app/apply.js'
import { check } from '../../src/app/check.js'
import { discover } from '../../src/app/discover.js'
import { rollback } from '../../src/app/rollback.js'
import type { Session } from '../../src/app/session.js'
import { chooseVendor } from '../../src/app/vendor-choice.js'
import type { TenantSnapshot } from '../../src/core/model/snapshot.js'
import { plan } from '../../src/core/planner/plan.js'
import type { Plan } from '../../src/core/planner/types.js'
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

const contactMonkey = () =>
  chooseVendor('contactmonkey', { region: 'us', dedicatedIp: '167.89.10.20' })

function planWithException(snapshot: TenantSnapshot): Plan {
  return plan(contactMonkey(), { mode: 'recommended', presetExceptions: ['Standard'] }, snapshot, {
    now: new Date().toISOString(),
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

async function session(): Promise<Session> {
  const x = await appSession(s, tenantNamed(s, 'contoso'))
  sessions.push(x)
  return x
}

describe('plan.preset.exception against the sandbox', () => {
  it('applies the exception, checks green, and undo restores the preset rules byte for byte', async () => {
    const t = tenantNamed(s, 'contoso')
    const original = worldState(t)
    const x = await session()
    const p = planWithException((await discover(x, store)).snapshot)
    const exceptions = p.changes.filter((c) => c.surface === 'preset-rule')
    expect(exceptions.map((c) => c.calls[0]?.cmdlet).sort()).toEqual([
      'Set-ATPProtectionPolicyRule',
      'Set-EOPProtectionPolicyRule',
    ])
    const r = await apply(x, store, p)
    expect(r.status).toBe('done')
    expect(t.snapshot.presets.map((rule) => rule.ExceptIfSentToMemberOf)).toEqual([
      ['finance@contoso.com'],
      ['finance@contoso.com'],
    ])
    const c = await check(x, store)
    expect(c.findings).toEqual([])
    expect(c.green).toBe(true)
    const rb = await rollback(x, store)
    expect(rb.status).toBe('done')
    // Rollback says what it put back, in words: each rule of the preset by its kind and name.
    expect(rb.steps.map((st) => st.summary)).toEqual(
      expect.arrayContaining([
        "Restore the settings the Exchange Online Protection preset security policy rule 'Standard Preset Security Policy' had before the apply",
        "Restore the settings the Defender for Office 365 preset security policy rule 'Standard Preset Security Policy' had before the apply",
      ]),
    )
    expect(worldState(t)).toBe(original)
    expect(t.snapshot.presets.map((rule) => rule.ExceptIfSentToMemberOf)).toEqual([[], []])
  })

  it('refuses to apply when the preset’s scope changed since the plan, and changes nothing', async () => {
    const t = tenantNamed(s, 'contoso')
    const x = await session()
    const p = planWithException((await discover(x, store)).snapshot)
    await x.exo.invokeCommand({
      cmdlet: 'Set-EOPProtectionPolicyRule',
      params: { Identity: 'Standard Preset Security Policy', ExceptIfSentTo: ['ceo@contoso.com'] },
    })
    const before = worldState(t)
    const e = await failure(apply(x, store, p))
    expect(e.code).toBe('PASSAGE_E_PLAN_DRIFT')
    expect(e.message).toMatch(/ExceptIfSentTo/)
    expect(worldState(t)).toBe(before)
    await x.exo.invokeCommand({
      cmdlet: 'Set-EOPProtectionPolicyRule',
      params: { Identity: 'Standard Preset Security Policy', ExceptIfSentTo: null },
    })
  })
})
