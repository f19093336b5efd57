/**
 * The demo: the whole job on an embedded sandbox, start to finish, with nothing left behind. For
 * each scenario: device-code sign-in (approved on the sandbox's sign-in page), discover, plan,
 * simulate, test messages before, apply, check, test messages after, rollback, and proof that the
 * tenant equals its original state. Reports what happens through events; the CLI prints them.
 *
 * The CLI starts and stops the sandbox and hands in what the demo needs of it (`DemoSandbox`):
 * app talks to a tenant only through its URLs, as it does to Microsoft's.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { canonicalJson } from '../core/hash.js'
import type { TenantSnapshot } from '../core/model/snapshot.js'
import type { Choices, Plan } from '../core/plan-format.js'
import { plan as makePlan } from '../core/planner/plan.js'
import type { ProtectionId } from '../core/protections/ids.js'
import { afterChanges, simulate, typicalMessages, type Simulation } from '../core/simulate/index.js'
import type { DeviceCodePrompt } from '../exchange/index.js'
import { openStore } from '../store/index.js'
import { apply, type ApplyResult, type StepEvent } from './apply.js'
import { check, type CheckResult } from './check.js'
import { discover } from './discover.js'
import { rollback, type RollbackResult, type RollbackStep } from './rollback.js'
import { connect, newProfile } from './session.js'
import { testDelivery, type DeliveryReport } from './test-delivery.js'
import { chooseVendor } from './vendor-choice.js'

/** The embedded sandbox the demo runs on (started by the caller, which also stops it). */
export interface DemoSandbox {
  /** Its HTTPS base URL (sign-in, Graph and the Exchange admin API). */
  url: string
  /** Its certificate authority, trusted for the demo's sessions only. */
  caPem: string
  /** Names of its seeded tenants. */
  tenants: string[]
  /** The admin's side of a device-code sign-in: enter `userCode` and continue as `upn`. */
  approve: (userCode: string, upn: string) => Promise<void>
}

/** One vendor on one sandbox tenant. */
export interface DemoScenario {
  /** Prefix of the seeded tenant's name. */
  tenant: string
  vendor: string
  params: Record<string, string>
  mode: Choices['mode']
  protections?: ProtectionId[]
}

/**
 * The demo's scenarios: Trustifi's own recipe on the gateway tenant (the planner says which items
 * it cannot do safely, such as spoofed-sender allows for a relay), ContactMonkey's recommended
 * plan on the Defender tenant with a Standard preset.
 */
export const DEMO_SCENARIOS: DemoScenario[] = [
  {
    tenant: 'northwindtraders',
    vendor: 'trustifi',
    params: {},
    mode: 'recipe',
  },
  {
    tenant: 'contoso',
    vendor: 'contactmonkey',
    params: { region: 'us', dedicatedIp: '167.89.10.20' },
    mode: 'recommended',
  },
]

/** What the demo reports as it goes. */
export type DemoEvent =
  | { type: 'sandbox'; url: string; tenants: string[] }
  | { type: 'scenario'; tenant: string; vendor: string }
  | { type: 'device-code'; prompt: DeviceCodePrompt; upn: string; url: string }
  | { type: 'signed-in'; actor: string; tenantId: string }
  | {
      type: 'discovered'
      snapshot: TenantSnapshot
      calls: number
      ms: number
      coManagers: string[]
    }
  | { type: 'planned'; plan: Plan }
  | { type: 'simulated'; simulation: Simulation }
  | { type: 'delivery'; when: 'before' | 'after'; report: DeliveryReport }
  | { type: 'phase'; name: 'apply' | 'rollback' }
  | { type: 'step'; event: StepEvent }
  | { type: 'applied'; result: ApplyResult }
  | { type: 'checked'; result: CheckResult }
  | { type: 'rollback-step'; step: RollbackStep }
  | { type: 'rolled-back'; result: RollbackResult }
  | { type: 'compared'; tenant: string; equal: boolean; differences: string[] }

/** Where some of the demo's time went: one phase, summed over the scenarios. */
export interface DemoPhase {
  name: string
  ms: number
}

/** The demo's outcome: true when every tenant ended equal to its original state. */
export interface DemoResult {
  equal: boolean
  /** What did not go as it should (an apply not done, a check not green, an undo not done). */
  failures: string[]
  ms: number
  /** Where the time went, phase by phase in the order first met (sign-in, discover, plan...). */
  phases: DemoPhase[]
}

/** Adds up the wall time of each phase (a phase met several times is summed). */
export class PhaseClock {
  private readonly spent = new Map<string, number>()

  /** Runs `fn`, counting its wall time to `name`. */
  async time<T>(name: string, fn: () => Promise<T> | T): Promise<T> {
    const t0 = performance.now()
    try {
      return await fn()
    } finally {
      this.add(name, performance.now() - t0)
    }
  }

  /** Counts `ms` to `name`. */
  add(name: string, ms: number): void {
    this.spent.set(name, (this.spent.get(name) ?? 0) + ms)
  }

  /** Every phase with its milliseconds (rounded), in the order first met. */
  phases(): DemoPhase[] {
    return [...this.spent].map(([name, ms]) => ({ name, ms: Math.round(ms) }))
  }
}

/** Canonical JSON of what passage may change: the surfaces and the presets. */
export function surfaceJson(s: TenantSnapshot): string {
  return canonicalJson({ state: s.state, presets: s.presets })
}

/**
 * surfaceJson of a tenant as the sandbox holds it, its WhenChanged / WhenCreated stamps aside
 * (an undo leaves the object as it was but stamped anew): the fleet demo and bench/fleet.ts
 * compare every tenant with how it started this way.
 */
export function heldStateJson(s: TenantSnapshot): string {
  return canonicalJson(
    JSON.parse(
      JSON.stringify({ state: s.state, presets: s.presets }, (k, v: unknown) =>
        /^When(Changed|Created)/.test(k) ? undefined : v,
      ),
    ),
  )
}

/** The top-level surfaces whose JSON differs (for a readable report when they do). */
function differences(a: TenantSnapshot, b: TenantSnapshot): string[] {
  const keys = Object.keys(a.state) as (keyof TenantSnapshot['state'])[]
  return keys.filter((k) => canonicalJson(a.state[k]) !== canonicalJson(b.state[k]))
}

/** Runs the demo on a running sandbox (see the module comment). */
export async function runDemo(
  sb: DemoSandbox,
  emit: (e: DemoEvent) => void,
  scenarios: DemoScenario[] = DEMO_SCENARIOS,
): Promise<DemoResult> {
  const started = Date.now()
  const clock = new PhaseClock()
  const dir = mkdtempSync(join(tmpdir(), 'passage-demo-'))
  const store = await clock.time('store', () => openStore(join(dir, 'passage.db')))
  let equal = true
  const failures: string[] = []
  try {
    emit({ type: 'sandbox', url: sb.url, tenants: sb.tenants })
    for (const sc of scenarios) {
      const name = sb.tenants.find((t) => t.startsWith(sc.tenant))
      if (!name) throw new Error(`the sandbox has no tenant ${sc.tenant}`)
      emit({ type: 'scenario', tenant: name, vendor: sc.vendor })
      const upn = `exchange@${name}`
      let approval: Promise<void> = Promise.resolve()
      const session = await clock.time('sign-in', async () => {
        const s = await connect(
          store,
          newProfile({ tenant: name, sandboxUrl: sb.url, auth: { kind: 'device' } }),
          {
            caPem: sb.caPem,
            onCode: (prompt) => {
              emit({ type: 'device-code', prompt, upn, url: sb.url })
              approval = sb.approve(prompt.userCode, upn)
            },
          },
        )
        await approval
        return s
      })
      try {
        emit({ type: 'signed-in', actor: session.actor, tenantId: session.tenantId })
        const d = await clock.time('discover', () => discover(session, store))
        const original = d.snapshot
        emit({
          type: 'discovered',
          snapshot: original,
          calls: d.calls,
          ms: d.ms,
          coManagers: d.coManagers.map((c) => c.tool),
        })
        const vendor = chooseVendor(sc.vendor, sc.params)
        const now = new Date().toISOString()
        const p = await clock.time('plan', () =>
          makePlan(
            vendor,
            { mode: sc.mode, ...(sc.protections ? { protections: sc.protections } : {}) },
            original,
            { now },
          ),
        )
        emit({ type: 'planned', plan: p })
        const messages = typicalMessages(vendor, original)
        const simulation = await clock.time('simulate', () =>
          simulate(original, afterChanges(original, p.changes), messages, now),
        )
        emit({ type: 'simulated', simulation })
        const beforeSend = new Date(Date.now() - 1000)
        const before = await clock.time('test messages', () =>
          testDelivery(session, vendor, original, { send: true, since: beforeSend }),
        )
        emit({ type: 'delivery', when: 'before', report: before })
        emit({ type: 'phase', name: 'apply' })
        const applied = await clock.time('apply', () =>
          apply(session, store, p, {
            onStep: (event) => emit({ type: 'step', event }),
          }),
        )
        emit({ type: 'applied', result: applied })
        if (applied.status !== 'done')
          failures.push(`${sc.vendor} on ${name}: apply ${applied.status}`)
        const checked = await clock.time('check', () => check(session, store, p))
        emit({ type: 'checked', result: checked })
        if (!checked.green) failures.push(`${sc.vendor} on ${name}: check not green`)
        const afterApply = (await clock.time('discover', () => discover(session, store))).snapshot
        const afterSend = new Date()
        const after = await clock.time('test messages', () =>
          testDelivery(session, vendor, afterApply, { send: true, since: afterSend }),
        )
        emit({ type: 'delivery', when: 'after', report: after })
        emit({ type: 'phase', name: 'rollback' })
        const rb = await clock.time('rollback', () =>
          rollback(session, store, {
            runId: applied.runId,
            onStep: (step) => emit({ type: 'rollback-step', step }),
          }),
        )
        emit({ type: 'rolled-back', result: rb })
        if (rb.status !== 'done') failures.push(`${sc.vendor} on ${name}: rollback ${rb.status}`)
        const end = (await clock.time('discover', () => discover(session, store))).snapshot
        const same = surfaceJson(end) === surfaceJson(original)
        equal &&= same
        emit({
          type: 'compared',
          tenant: name,
          equal: same,
          differences: differences(original, end),
        })
      } finally {
        session.close()
      }
    }
  } finally {
    await clock.time('store', () => store.close())
    rmSync(dir, { recursive: true, force: true })
  }
  return { equal, failures, ms: Date.now() - started, phases: clock.phases() }
}
