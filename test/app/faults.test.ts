/**
 * Faults at every step of a multi-step plan, against the sandbox over HTTPS. For each step k of
 * ContactMonkey's recommended plan on contoso and Trustifi's recipe on northwindtraders:
 *
 * - (a) a 429, (b) a 500, (c) a dropped connection (the write never ran) and (c') a connection
 *   dropped after the write ran (its answer lost) hit exactly the k-th write: the sandbox's
 *   `cmdlet:<Name>@<n>=...` fault, with the plan applied one change at a time so that the n-th
 *   call of that cmdlet is step k. The client retries (429 on every attempt, so that it
 *   outlasts them) or reads back a write that may have run; a failed apply of the same plan is
 *   then run again on the same sandbox (the fault is spent) and must resume;
 * - (d) the built CLI (`node dist/cli/main.js apply <plan> --yes`) is killed with SIGKILL while
 *   step k's write is in flight (its prior is in the journal, the sandbox adds latency), then run
 *   again to resume.
 *
 * After the resume: check is green, the tenant's surfaces equal those after a clean apply on a
 * fresh sandbox (canonical JSON), no allow entry or rule is there twice; after rollback the tenant
 * equals its original state byte for byte (canonical JSON of its surfaces). Every sandbox starts
 * from the same seeded world, with a frozen clock (so that what the sandbox stamps on objects is
 * the same from one sandbox to the next) and a shared CA and signing key (so that it starts fast).
 *
 * Also the diagnoses not covered by flow.test.ts: an expired device code, and an apply by an
 * admin whose Exchange API access is disabled; each ends with its diagnosis and no change.
 */
import { spawn } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import Database from 'better-sqlite3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { apply } from '../../src/app/apply.js'
import { check } from '../../src/app/check.js'
import { discover } from '../../src/app/discover.js'
import { signedPlanText, signPlan } from '../../src/app/plan-signing.js'
import { rollback } from '../../src/app/rollback.js'
import { connect, newProfile, openSession, type Session } from '../../src/app/session.js'
import { chooseVendor } from '../../src/app/vendor-choice.js'
import { isPassageError } from '../../src/core/errors/index.js'
import { canonicalJson } from '../../src/core/hash.js'
import type { TenantSnapshot } from '../../src/core/model/snapshot.js'
import { plan as makePlan } from '../../src/core/planner/plan.js'
import type { Choices, Plan } from '../../src/core/planner/types.js'
import { tablKey } from '../../src/core/surfaces/tabl-item.js'
import { sandboxEndpoints } from '../../src/exchange/index.js'
import { isIdempotent } from '../../src/exchange/invoke.js'
import type { SandboxTenant } from '../../src/sandbox/contracts.js'
import { createAppCredentials } from '../../src/sandbox/identity/index.js'
import { startSandbox, type SandboxOptions } from '../../src/sandbox/index.js'
import { seedWorld } from '../../src/sandbox/seed/index.js'
import { openStore, type Store } from '../../src/store/index.js'
import {
  deviceSession,
  failure,
  memoryStore,
  tenantNamed,
  worldState,
  type Sandbox,
} from './helpers.js'
import { cliEnv } from '../helpers/cli-env.js'

const CLI = join(import.meta.dirname, '..', '..', 'dist', 'cli', 'main.js')
const dir = mkdtempSync(join(tmpdir(), 'passage-faults-'))
const certDir = join(dir, 'certs')
/** The sandboxes' frozen clock (now, so that the tokens they sign are valid for the client). */
const T0 = new Date(Math.floor(Date.now() / 1000) * 1000)
const APP = createAppCredentials({
  displayName: 'passage fault tests',
  appRoles: ['Exchange.ManageAsApp', 'Organization.Read.All', 'Domain.Read.All'],
  roles: ['Exchange Administrator'],
})
const CERT = join(dir, 'cert.pem')
const KEY = join(dir, 'key.pem')
mkdirSync(certDir)
writeFileSync(CERT, APP.certificatePem)
writeFileSync(KEY, APP.privateKeyPem, { mode: 0o600 })

const open: { close(): unknown }[] = []
afterAll(async () => {
  for (const x of open.splice(0).reverse()) await x.close()
  rmSync(dir, { recursive: true, force: true })
})

/** A sandbox on the seeded world, with the frozen clock, the shared CA and the test app. */
async function start(opts: Partial<SandboxOptions> = {}): Promise<Sandbox> {
  const sb = await startSandbox({ port: 0, certDir, now: () => T0, ...opts })
  for (const t of sb.world.tenants) sb.addApp(t.snapshot.tenant.name, APP.app)
  return { sb, endpoints: sandboxEndpoints(sb.url, sb.caPem), close: () => sb.close() }
}

/** An app-only session, with the client's retries made quick. */
async function session(s: Sandbox, t: SandboxTenant): Promise<Session> {
  const profile = newProfile({
    tenant: t.snapshot.tenant.name,
    sandboxUrl: s.sb.url,
    auth: { kind: 'certificate', clientId: APP.app.clientId, certificateFile: CERT, keyFile: KEY },
  })
  return openSession(profile, {
    caPem: s.sb.caPem,
    retry: { maxAttempts: ATTEMPTS, baseDelayMs: 5, maxDelayMs: 20, maxRetryAfterMs: 20 },
  })
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

interface Scenario {
  prefix: string
  vendor: string
  params: Record<string, string>
  mode: Choices['mode']
  /** Filled in by beforeAll: the plan, and the tenant before and after a clean apply. */
  plan: Plan
  original: string
  clean: string
  counts: { tabl: number; rules: number }
}

const SCENARIOS: Scenario[] = [
  {
    prefix: 'contoso',
    vendor: 'contactmonkey',
    params: { region: 'us', dedicatedIp: '167.89.10.20' },
    mode: 'recommended',
  },
  { prefix: 'northwind', vendor: 'trustifi', params: {}, mode: 'recipe' },
] as Scenario[]
/**
 * The plans as the seeded world gives them (pure, at collection time, so that the cases below
 * can be listed); beforeAll checks that the plan read through the sandbox is the same size.
 */
const SEEDED = seedWorld()
const PLANNED = new Map(
  SCENARIOS.map((sc) => {
    const t = SEEDED.tenants.find((x) => x.snapshot.tenant.name.startsWith(sc.prefix))
    if (!t) throw new Error(`no seeded tenant ${sc.prefix}`)
    const p = makePlan(chooseVendor(sc.vendor, { ...sc.params }), { mode: sc.mode }, t.snapshot, {
      now: T0.toISOString(),
    })
    return [sc.prefix, p.changes] as const
  }),
)

/** Changes in a scenario's plan. */
const sizeOf = (sc: Scenario): number => PLANNED.get(sc.prefix)?.length ?? 0

/**
 * The steps the faults hit (1-based): every step of a short plan; of a longer one, the first two
 * (a second write to one object journals the first one's result), the first of each surface (each
 * kind of write) and the last.
 */
function stepsOf(sc: Scenario): number[] {
  const changes = PLANNED.get(sc.prefix) ?? []
  if (changes.length <= 6) return changes.map((_, i) => i + 1)
  const firsts = changes.map((c, i) =>
    changes.findIndex((d) => d.surface === c.surface) === i ? i + 1 : 0,
  )
  return [...new Set([1, 2, ...firsts.filter((k) => k > 0), changes.length])].sort((a, b) => a - b)
}

beforeAll(async () => {
  const s = await start()
  try {
    const store = await memoryStore()
    for (const sc of SCENARIOS) {
      const t = tenantNamed(s, sc.prefix)
      const x = await session(s, t)
      sc.original = worldState(t)
      sc.plan = makePlan(
        chooseVendor(sc.vendor, { ...sc.params }),
        { mode: sc.mode },
        (await discover(x, store, { now: T0.toISOString() })).snapshot,
        { now: T0.toISOString() },
      )
      expect(sc.plan.changes).toHaveLength(sizeOf(sc))
      const r = await apply(x, store, sc.plan)
      expect(r.status).toBe('done')
      sc.clean = comparable(t.snapshot.state)
      sc.counts = {
        tabl: t.snapshot.state.tabl.items.length,
        rules: t.snapshot.state.transportRules.length,
      }
      expect((await rollback(x, store)).status).toBe('done')
      expect(worldState(t)).toBe(sc.original)
      x.close()
    }
    await store.close()
  } finally {
    await s.close()
  }
}, 30_000)

/** The tenant is as a clean apply leaves it, nothing twice, and check says green. */
async function expectDesired(sc: Scenario, t: SandboxTenant, x: Session, store: Store) {
  const state = t.snapshot.state
  const entries = state.tabl.items.map(tablKey)
  expect(new Set(entries).size).toBe(entries.length)
  const rules = state.transportRules.map((r) => r.Name)
  expect(new Set(rules).size).toBe(rules.length)
  expect({ tabl: entries.length, rules: rules.length }).toEqual(sc.counts)
  expect(comparable(state)).toBe(sc.clean)
  const c = await check(x, store, sc.plan)
  expect(c.findings).toEqual([])
  expect(c.green).toBe(true)
}

/** Rollback restores the original byte for byte; a second one is a no-op. */
async function expectRolledBack(sc: Scenario, t: SandboxTenant, x: Session, store: Store) {
  expect((await rollback(x, store)).status).toBe('done')
  expect(worldState(t)).toBe(sc.original)
  expect((await rollback(x, store)).status).toBe('noop')
}

type Kind = '429' | '5xx' | 'drop' | 'drop-after'
/** What step k's write gets, and the code of the step's failure (none: the write was made). */
const FAULT: Record<Kind, { value: string; code: string | null }> = {
  '429': { value: '429', code: 'PASSAGE_E_THROTTLED' },
  '5xx': { value: '500', code: 'PASSAGE_E_EXO_FAILED' },
  drop: { value: 'drop', code: 'PASSAGE_E_NETWORK' },
  'drop-after': { value: 'drop-after', code: null },
}
/** The client's attempts per request in these tests (see session). */
const ATTEMPTS = 3

/**
 * True when the client sends step k's write again after a 429, a 500 or a dropped connection
 * (Set-* and the like); otherwise (New-*) only after a 429, and reads back when it may have run.
 */
const repeated = (p: Plan, k: number, kind: Kind) =>
  kind === '429' || isIdempotent(p.changes[k - 1]!.calls[0]!.cmdlet)

/**
 * The fault spec that fails the k-th step's write (1-based), when changes run one at a time: on
 * every attempt the client makes, so that the fault outlasts its retries.
 */
function faultAt(p: Plan, k: number, kind: Kind): string {
  const call = p.changes[k - 1]!.calls[0]!
  const n = p.changes
    .slice(0, k - 1)
    .flatMap((c) => c.calls)
    .filter((c) => c.cmdlet === call.cmdlet).length
  const times = repeated(p, k, kind) ? ATTEMPTS : 1
  return Array.from(
    { length: times },
    (_, i) => `cmdlet:${call.cmdlet}@${n + 1 + i}=${FAULT[kind].value}`,
  ).join(',')
}

describe.each(SCENARIOS.map((sc) => [`${sc.vendor} on ${sc.prefix}`, sc] as const))(
  'a fault at step k, %s: resume, then rollback',
  (_name, sc) => {
    const cases = stepsOf(sc).flatMap((k) =>
      (['429', '5xx', 'drop', 'drop-after'] as const).map((kind) => [k, kind] as const),
    )
    it.each(cases)('step %i, %s', async (k, kind) => {
      const s = await start({ faults: faultAt(sc.plan, k, kind) })
      const store = await memoryStore()
      try {
        const t = tenantNamed(s, sc.prefix)
        expect(worldState(t)).toBe(sc.original)
        const id = sc.plan.changes[k - 1]!.id
        const x = await session(s, t)
        try {
          const first = await apply(x, store, sc.plan, { concurrency: 1 })
          const before = first.steps.slice(0, k - 1)
          expect(before.every((st) => st.status === 'done' && !st.note)).toBe(true)
          const hit = first.steps[k - 1]!
          expect(hit.changeId).toBe(id)
          // A dropped answer of a repeatable write: every attempt ran it, then lost the answer.
          const code = FAULT[kind].code ?? (repeated(sc.plan, k, kind) ? 'PASSAGE_E_NETWORK' : null)
          if (code === null) {
            // The write was made, its answer lost: read back, found in effect, not sent again.
            expect(hit).toMatchObject({ status: 'done', note: expect.stringMatching(/read-back/) })
            expect(first.status).toBe('done')
            expect((await apply(x, store, sc.plan)).alreadyApplied).toBe(true)
          } else {
            expect(hit.status).toBe('failed')
            expect(hit.error?.code).toBe(code)
            expect(first.steps.slice(k).every((st) => st.status === 'not-run')).toBe(true)
            expect(first.status).toBe('failed')
            const second = await apply(x, store, sc.plan)
            expect(second).toMatchObject({ status: 'done', resumed: true, runId: first.runId })
            // Step k ran again (unless its write had been made: then it is in effect already),
            // and those after it; the ones before are not repeated.
            const landed = kind === 'drop-after'
            expect(second.steps[k - 1]!.note).toBe(
              landed ? 'already in effect (resumed)' : undefined,
            )
            expect(second.steps.filter((st) => !st.note).map((st) => st.changeId)).toEqual(
              sc.plan.changes.slice(landed ? k : k - 1).map((c) => c.id),
            )
          }
          expect(await store.getJournal(first.runId)).toHaveLength(sizeOf(sc))
          await expectDesired(sc, t, x, store)
          await expectRolledBack(sc, t, x, store)
        } finally {
          x.close()
        }
      } finally {
        await store.close()
        await s.close()
      }
    })
  },
)

/** Runs the CLI; `kill` gets the child to end it early. */
function passage(
  args: string[],
  kill?: (child: ReturnType<typeof spawn>) => void,
): Promise<{ code: number | null; signal: string | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      env: cliEnv({ PASSAGE_DB: '' }),
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()))
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }))
    kill?.(child)
  })
}

/** Kills `child` once the store's journal holds `k` priors: step k's write is then in flight. */
function killAtStep(db: string, k: number, killed: { at: number | null }) {
  return (child: ReturnType<typeof spawn>) => {
    void (async () => {
      // Generous: on a loaded 2-core machine the CLI alone can take many seconds to reach step k.
      const deadline = Date.now() + 60_000
      while (child.exitCode === null && Date.now() < deadline) {
        let n = 0
        try {
          const d = new Database(db, { readonly: true, fileMustExist: true })
          try {
            n = (d.prepare('select count(*) as n from journal').get() as { n: number }).n
          } finally {
            d.close()
          }
        } catch {
          // Not there yet, or busy: look again.
        }
        if (n >= k) {
          killed.at = n
          child.kill('SIGKILL')
          return
        }
        await sleep(5)
      }
    })()
  }
}

describe('the CLI killed at step k, then run again', () => {
  /** Latency per admin API request: a write is in flight this long after its prior is journaled. */
  const LATENCY = 150
  const cases = SCENARIOS.flatMap((sc) =>
    stepsOf(sc).map((k) => [`${sc.vendor} on ${sc.prefix}`, k, sc] as const),
  )
  it.concurrent.each(cases)(
    '%s, step %i',
    async (_name, k, sc) => {
      const s = await start({ latencyMs: LATENCY })
      const where = mkdtempSync(join(dir, 'cli-'))
      const db = join(where, 'passage.db')
      const planFile = join(where, 'plan.json')
      const ca = join(where, 'ca.pem')
      writeFileSync(ca, s.sb.caPem)
      const t = tenantNamed(s, sc.prefix)
      const tenantId = t.snapshot.tenant.id
      try {
        let store = await openStore(db)
        // Apply runs only plans this installation signed.
        writeFileSync(planFile, signedPlanText(sc.plan, await signPlan(store, sc.plan)))
        ;(
          await connect(
            store,
            newProfile({
              tenant: t.snapshot.tenant.name,
              sandboxUrl: s.sb.url,
              caFile: ca,
              auth: {
                kind: 'certificate',
                clientId: APP.app.clientId,
                certificateFile: CERT,
                keyFile: KEY,
              },
            }),
          )
        ).close()
        await store.close()

        const killed = { at: null as number | null }
        const args = ['--db', db, 'apply', planFile, '--yes', '--concurrency', '1']
        const first = await passage(args, killAtStep(db, k, killed))
        expect(first.signal, first.stderr).toBe('SIGKILL')
        expect(killed.at).toBe(k)

        // The dead process still holds the tenant's lease; the next run on this machine sees that
        // its holder is gone and takes the tenant over at once.
        store = await openStore(db)
        expect((await store.getLease(tenantId))?.holder).toMatch(/ on \S+ pid \d+ /)
        await store.close()

        const second = await passage(args)
        expect(second.code, second.stderr).toBe(0)
        const n = sizeOf(sc)
        expect(second.stdout).toContain(`(resumed): done, ${n}/${n} changes`)

        store = await openStore(db)
        const x = await session(s, t)
        try {
          const runs = await store.listRuns(tenantId, 10)
          expect(runs.filter((r) => r.kind === 'apply')).toHaveLength(1)
          expect(await store.getJournal(runs[0]!.id)).toHaveLength(sizeOf(sc))
          await expectDesired(sc, t, x, store)
          await expectRolledBack(sc, t, x, store)
        } finally {
          x.close()
          await store.close()
        }
      } finally {
        await s.close()
      }
    },
    90_000,
  )
})

describe('diagnoses with no change to the tenant', () => {
  let s: Sandbox
  beforeAll(async () => {
    // A real clock here: the device code must run out.
    s = await start({ now: () => new Date(), deviceCodeLifetimeSeconds: 2, pollIntervalSeconds: 1 })
    open.push(s)
  })

  it('an expired device code: the sign-in says so and how to retry; nothing is saved', async () => {
    const t = tenantNamed(s, 'contoso')
    const before = worldState(t)
    const store = await memoryStore()
    open.push(store)
    const shown: string[] = []
    const e = await failure(
      connect(
        store,
        newProfile({
          tenant: t.snapshot.tenant.name,
          sandboxUrl: s.sb.url,
          auth: { kind: 'device' },
        }),
        { caPem: s.sb.caPem, onCode: (p) => void shown.push(p.userCode) },
      ),
    )
    expect(shown).toHaveLength(1)
    expect(e.code).toBe('PASSAGE_E_SIGNIN')
    expect(e.message).toMatch(/code expired/)
    expect(e.hint).toMatch(/passage connect/)
    expect(await store.getConnection()).toBeUndefined()
    expect(worldState(t)).toBe(before)
  }, 20_000)

  it('an admin with Exchange API access disabled: apply refused, named, nothing journaled', async () => {
    const t = tenantNamed(s, 'contoso')
    const sc = SCENARIOS[0]!
    const before = worldState(t)
    const store = await memoryStore()
    open.push(store)
    // Approved on the sandbox's sign-in page by the blocked admin.
    const blocked = await deviceSession(s, t, `blocked@${t.snapshot.tenant.name}`)
    open.push(blocked)
    const e = await failure(apply(blocked, store, sc.plan))
    expect(isPassageError(e, 'PASSAGE_E_EXO_API_DISABLED')).toBe(true)
    expect(e.hint).toBeTruthy()
    expect(worldState(t)).toBe(before)
    const runs = await store.listRuns(t.snapshot.tenant.id, 10)
    for (const r of runs) expect(await store.getJournal(r.id)).toEqual([])
  })
})
