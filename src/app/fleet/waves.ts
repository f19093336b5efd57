/**
 * The fleet's waves: apply a fleet plan in a canary wave first (the first N tenants by name that
 * have changes: apply, then check each), then, when the canary is all green, the rest in one wave
 * (apply, then check). A failure threshold stops the run: when the failed share of the tenants
 * finished so far passes --max-failures, the jobs still queued are cancelled and their items
 * marked `cancelled` (running ones finish). Check and rollback are single waves over the tenants
 * the fleet plan applied. Workers (in this process or elsewhere) do the jobs; this module only
 * queues, waits and counts.
 */
import { PassageError } from '../../core/errors/index.js'
import { settleDeadLettered } from './dead-letters.js'
import type {
  FleetAction,
  FleetItem,
  FleetItemState,
  FleetTenant,
  FleetTenantState,
  JobQueue,
  Store,
} from '../../store/index.js'
import {
  countOf,
  eachLimited,
  emptyItem,
  type ItemCounts,
  PENDING_STATES,
  pollThroughLoss,
  requireFleetPlan,
  SEND_CHUNK,
  sleep,
  STORE_PARALLEL,
} from './orchestrate.js'

/** States that mean "this tenant did not get there". */
/** How often a wave looks for items whose job was dead-lettered (dead-letters.ts), in ms. */
const SETTLE_EVERY_MS = 5000

export const BAD_STATES: readonly FleetItemState[] = ['failed', 'refused', 'no-access']

/** A tenant's outcome in a wave. */
export interface WaveTenant {
  tenantId: string
  name: string
  apply: FleetItemState | null
  check: 'green' | 'red' | 'unknown'
  error: string | null
}

/** One wave of an apply. */
export interface FleetWave {
  kind: 'canary' | 'rest'
  tenants: WaveTenant[]
  applied: number
  green: number
  failed: number
}

/** What an apply did. */
export interface FleetApplyResult {
  fleetPlanId: string
  waves: FleetWave[]
  /** Why it stopped before the end; null when every wave ran. */
  stopped: string | null
  /** Tenants applied and green before this run: not applied twice. */
  alreadyDone: number
  /** Tenants not applied because they were enrolled read only. */
  readOnly: string[]
  /** Tenants whose jobs were cancelled by the stop. */
  cancelled: number
}

/** Progress callbacks shared by the waves. */
export interface WaveOptions {
  onWave?: (wave: {
    kind: 'canary' | 'rest' | 'check' | 'rollback'
    action: FleetAction
    tenants: number
  }) => void
  onProgress?: (action: FleetAction, counts: ItemCounts, total: number) => void
  pollMs?: number
  signal?: AbortSignal
}

/** Parses `--max-failures` (`10%`, `10` or `0.5%`): a percentage from 0 to 100. */
export function parseMaxFailures(text: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*%?\s*$/.exec(text)
  const pct = m ? Number(m[1]) : NaN
  if (!Number.isFinite(pct) || pct < 0 || pct > 100)
    throw new PassageError(
      'PASSAGE_E_INPUT',
      `--max-failures takes a percentage from 0% to 100%, got '${text.slice(0, 40)}'.`,
    )
  return pct
}

/**
 * True when the failed share of the finished tenants passes `maxFailuresPct`: `failed` tenants
 * out of `finished` (done and failed). Nothing finished: false.
 */
export function thresholdPassed(failed: number, finished: number, maxFailuresPct: number): boolean {
  return finished > 0 && (failed / finished) * 100 > maxFailuresPct
}

/** The canary wave: the first `n` tenants by name, and the rest. */
export function splitCanary<T extends { name: string }>(
  tenants: readonly T[],
  n: number,
): [T[], T[]] {
  const sorted = [...tenants].sort((a, b) => a.name.localeCompare(b.name))
  return [sorted.slice(0, Math.max(0, n)), sorted.slice(Math.max(0, n))]
}

/** A check item's verdict: green only when the check ran and said so. */
export function checkVerdict(item: FleetItem | undefined): 'green' | 'red' | 'unknown' {
  if (!item || item.state === 'queued' || item.state === 'running' || item.state === 'cancelled')
    return 'unknown'
  if (item.state === 'done') return item.detail?.green === false ? 'red' : 'green'
  return item.state === 'failed' ? 'red' : 'unknown'
}

/** True when the tenant's apply was rolled back since (a rollback done after the apply). */
export function rolledBack(apply: FleetItem | undefined, rollback: FleetItem | undefined): boolean {
  return Boolean(apply && rollback?.state === 'done' && rollback.updatedAt >= apply.updatedAt)
}

/** Counts of items by state (as countFleetItems gives them). */
function countStates(items: Map<string, FleetItem>): ItemCounts {
  const out: ItemCounts = {}
  for (const i of items.values()) out[i.state] = (out[i.state] ?? 0) + 1
  return out
}

/** The fleet plan's items of one action, by tenant. */
async function itemsBy(
  store: Store,
  id: string,
  action: FleetAction,
): Promise<Map<string, FleetItem>> {
  return new Map((await store.listFleetItems(id, action)).map((i) => [i.tenantId, i]))
}

/**
 * Queues one job per tenant for `action` (their items `queued` first, carrying the tenant's plan
 * hash and change key), then waits for them; `stopWhen` is asked after each poll and, when it
 * says so, the jobs still queued are cancelled and their items marked `cancelled`.
 */
async function phase(
  store: Store,
  queue: JobQueue,
  fleetPlanId: string,
  action: FleetAction,
  tenants: readonly { tenantId: string; planHash: string | null; changeKey: string | null }[],
  opts: WaveOptions & { stopWhen?: () => Promise<string | null> },
): Promise<{ stopped: string | null; cancelled: number }> {
  if (!tenants.length) return { stopped: null, cancelled: 0 }
  const jobOf = new Map<string, string>()
  await queueJobs(store, queue, fleetPlanId, action, tenants, jobOf)
  let stopped: string | null = null
  let cancelled = 0
  let settledAt = Date.now()
  const loss = { since: null as number | null }
  for (;;) {
    // A database lost for a moment (restarted) is read again; the workers carry on meanwhile.
    const polled = await pollThroughLoss(loss, async () => {
      const counts = await store.countFleetItems(fleetPlanId, action)
      opts.onProgress?.(action, counts, countOf(counts, Object.keys(counts) as FleetItemState[]))
      if (!stopped && opts.stopWhen) {
        stopped = await opts.stopWhen()
        if (stopped) cancelled = await cancelQueued(store, queue, fleetPlanId, action, jobOf)
      }
      return counts
    })
    if (polled === null) {
      await sleep(Math.max(opts.pollMs ?? 300, 1000), opts.signal)
      continue
    }
    const counts = polled
    if (countOf(counts, PENDING_STATES) === 0 || opts.signal?.aborted) break
    // An item whose job died with its worker on the last attempt would be waited for for ever.
    if (Date.now() - settledAt >= SETTLE_EVERY_MS) {
      settledAt = Date.now()
      await pollThroughLoss(loss, () => settleDeadLettered(store, queue, fleetPlanId, action))
    }
    await sleep(opts.pollMs ?? 300, opts.signal)
  }
  return { stopped, cancelled }
}

/** A tenant to queue a job for, with what its item carries. */
type ToQueue = { tenantId: string; planHash: string | null; changeKey: string | null }

/**
 * Queues one job per tenant for `action`: each item is written `queued` (carrying the tenant's
 * plan hash and change key) before its job is sent, in chunks, so that the first jobs are sent
 * (and workers start) while the later items are still being written. `jobOf` gets each tenant's
 * job id.
 */
async function queueJobs(
  store: Store,
  queue: JobQueue,
  fleetPlanId: string,
  action: FleetAction,
  tenants: readonly ToQueue[],
  jobOf: Map<string, string>,
): Promise<void> {
  for (let at = 0; at < tenants.length; at += SEND_CHUNK) {
    const chunk = tenants.slice(at, at + SEND_CHUNK)
    // One statement per chunk.
    await store.putFleetItems(
      chunk.map((t) => ({
        ...emptyItem(fleetPlanId, t.tenantId, action),
        planHash: t.planHash,
        changeKey: t.changeKey,
      })),
    )
    const ids = await queue.send(
      action,
      chunk.map((t) => ({ fleetPlanId, tenantId: t.tenantId })),
    )
    chunk.forEach((t, i) => jobOf.set(t.tenantId, ids[i]!))
  }
}

/**
 * An apply wave's applies, each tenant's check sent as soon as its apply is done (rather than
 * once every apply of the wave is: the checks run on the workers' check loops while the last
 * applies finish). Tenants of the wave whose apply was done before (`wave` minus `needApply`)
 * are checked at once. `stopWhen` is asked after each poll: when it says so, the apply and check
 * jobs still queued are cancelled, and no more checks are sent. The progress reports the applies
 * until they are all done, then (after `onWave` announces the wave's checks) the checks.
 */
async function applyThenCheck(
  store: Store,
  queue: JobQueue,
  fleetPlanId: string,
  kind: FleetWave['kind'],
  wave: readonly ToQueue[],
  needApply: readonly ToQueue[],
  checkRun: Set<string>,
  opts: WaveOptions & {
    stopWhen?: (applied: Map<string, FleetItem>, checked: Map<string, FleetItem>) => string | null
  },
): Promise<{ stopped: string | null; cancelled: number }> {
  const applyJobs = new Map<string, string>()
  const checkJobs = new Map<string, string>()
  await queueJobs(store, queue, fleetPlanId, 'apply', needApply, applyJobs)
  const reapplied = new Set(needApply.map((t) => t.tenantId))
  const checkSent = new Set<string>()
  let announced = false
  let stopped: string | null = null
  let cancelled = 0
  let settledAt = Date.now()
  const loss = { since: null as number | null }
  for (;;) {
    const polled = await pollThroughLoss(loss, async () => {
      const applied = await itemsBy(store, fleetPlanId, 'apply')
      const applyPending = needApply.some((t) => {
        const st = applied.get(t.tenantId)?.state
        return st === undefined || PENDING_STATES.includes(st)
      })
      if (!stopped) {
        const ready = wave.filter(
          (t) =>
            !checkSent.has(t.tenantId) &&
            applied.get(t.tenantId)?.state === 'done' &&
            (!reapplied.has(t.tenantId) || applyJobs.has(t.tenantId)),
        )
        if (ready.length) {
          try {
            await queueJobs(store, queue, fleetPlanId, 'check', ready, checkJobs)
          } finally {
            // A chunk sent before the database was lost counts as sent: the next poll sends only
            // the rest.
            for (const t of ready)
              if (checkJobs.has(t.tenantId)) {
                checkSent.add(t.tenantId)
                checkRun.add(t.tenantId)
              }
          }
        }
      }
      if (!applyPending && !announced) {
        announced = true
        if (!stopped && checkSent.size)
          opts.onWave?.({ kind, action: 'check', tenants: checkSent.size })
      }
      // One read of each action's items per poll serves the progress, the threshold and the end.
      const checked = await itemsBy(store, fleetPlanId, 'check')
      const shown: FleetAction = announced && checkSent.size ? 'check' : 'apply'
      const counts = countStates(shown === 'check' ? checked : applied)
      opts.onProgress?.(shown, counts, countOf(counts, Object.keys(counts) as FleetItemState[]))
      if (!stopped && opts.stopWhen) {
        stopped = opts.stopWhen(applied, checked)
        if (stopped) {
          cancelled += await cancelQueued(store, queue, fleetPlanId, 'apply', applyJobs)
          cancelled += await cancelQueued(store, queue, fleetPlanId, 'check', checkJobs)
        }
      }
      if (applyPending) return false
      return ![...checkSent].some((id) => {
        const st = checked.get(id)?.state
        return st === undefined || PENDING_STATES.includes(st)
      })
    })
    if (polled === true || opts.signal?.aborted) break
    if (polled === null) {
      await sleep(Math.max(opts.pollMs ?? 300, 1000), opts.signal)
      continue
    }
    // An item whose job died with its worker on the last attempt would be waited for for ever.
    if (Date.now() - settledAt >= SETTLE_EVERY_MS) {
      settledAt = Date.now()
      await pollThroughLoss(loss, async () => {
        await settleDeadLettered(store, queue, fleetPlanId, 'apply')
        if (checkSent.size) await settleDeadLettered(store, queue, fleetPlanId, 'check')
      })
    }
    await sleep(opts.pollMs ?? 300, opts.signal)
  }
  return { stopped, cancelled }
}

/** Cancels the jobs whose items are still queued and marks those items `cancelled`. */
async function cancelQueued(
  store: Store,
  queue: JobQueue,
  fleetPlanId: string,
  action: FleetAction,
  jobOf: Map<string, string>,
): Promise<number> {
  const queued = (await store.listFleetItems(fleetPlanId, action)).filter(
    (i) => i.state === 'queued' && jobOf.has(i.tenantId),
  )
  if (!queued.length) return 0
  await queue.cancel(
    action,
    queued.map((i) => jobOf.get(i.tenantId)!),
  )
  await eachLimited(queued, STORE_PARALLEL, async (i) => {
    // A worker may have taken the job between the list and the cancel: its state wins.
    const now = await store.getFleetItem(fleetPlanId, i.tenantId, action)
    if (now?.state !== 'queued') return
    const { updatedAt: _updatedAt, ...rest } = now
    await store.putFleetItem({
      ...rest,
      state: 'cancelled',
      errorCode: 'PASSAGE_E_FLEET_STOPPED',
      errorMessage: 'cancelled: the fleet run stopped itself (--max-failures)',
    })
  })
  return queued.length
}

/** Up to this many tenants are read one by one; more, with one list of the fleet. */
const TENANTS_ONE_BY_ONE = 20

/** Every state a fleet tenant may be in (the list then includes removed tenants). */
const FLEET_TENANT_STATES: readonly FleetTenantState[] = [
  'consent-pending',
  'enrolled',
  'no-access',
  'removed',
]

/** The fleet's tenants by id. */
async function tenantsById(
  store: Store,
  ids: readonly string[],
): Promise<Map<string, FleetTenant>> {
  const out = new Map<string, FleetTenant>()
  if (ids.length > TENANTS_ONE_BY_ONE) {
    // One query for the whole fleet (removed tenants included) rather than one per tenant.
    const wanted = new Set(ids)
    const all = await store.listFleetTenants({ states: [...FLEET_TENANT_STATES] })
    for (const t of all) if (wanted.has(t.tenantId)) out.set(t.tenantId, t)
    return out
  }
  await eachLimited(ids, STORE_PARALLEL, async (id) => {
    const t = await store.getFleetTenant(id)
    if (t) out.set(id, t)
  })
  return out
}

/**
 * Applies a fleet plan: a canary wave of `canary` tenants (0: none), then the rest, each wave
 * applied then checked; stops at the end of a canary that is not all green, or as soon as the
 * failed share passes `maxFailuresPct`. Tenants already applied and green are skipped (running it
 * again after a stop continues where it stopped).
 */
export async function applyFleet(
  store: Store,
  queue: JobQueue,
  fleetPlanId: string,
  opts: WaveOptions & { canary: number; maxFailuresPct: number },
): Promise<FleetApplyResult> {
  const fp = await requireFleetPlan(store, fleetPlanId)
  const planItems = await store.listFleetItems(fp.id, 'plan')
  const pending = planItems.filter((i) => PENDING_STATES.includes(i.state)).length
  if (pending)
    throw new PassageError(
      'PASSAGE_E_INPUT',
      `Fleet plan ${fp.id} is still planning (${pending} tenants to go): nothing was applied.`,
      { hint: 'Wait for it (`passage fleet status`), or run workers (`passage worker`).' },
    )
  const withChanges = planItems.filter((i) => i.state === 'done' && i.planHash)
  const tenants = await tenantsById(
    store,
    withChanges.map((i) => i.tenantId),
  )
  const applied0 = await itemsBy(store, fp.id, 'apply')
  const checked0 = await itemsBy(store, fp.id, 'check')
  const rolled0 = await itemsBy(store, fp.id, 'rollback')
  const isRolledBack = (id: string) => rolledBack(applied0.get(id), rolled0.get(id))
  const isDone = (id: string) =>
    applied0.get(id)?.state === 'done' &&
    !isRolledBack(id) &&
    checkVerdict(checked0.get(id)) === 'green'
  const alreadyDone = withChanges.filter((i) => isDone(i.tenantId)).length
  const readOnly: string[] = []
  const todo: (FleetItem & { name: string })[] = []
  for (const i of withChanges) {
    const t = tenants.get(i.tenantId)
    if (!t || t.state === 'removed' || isDone(i.tenantId)) continue
    if (t.access === 'read') {
      readOnly.push(t.name)
      await store.putFleetItem({
        ...emptyItem(fp.id, i.tenantId, 'apply'),
        planHash: i.planHash,
        changeKey: i.changeKey,
        state: 'refused',
        errorCode: 'PASSAGE_E_EXO_ROLE_MISSING',
        errorMessage:
          'enrolled read only (View-Only Organization Management): enrol it again without --read-only to change it',
      })
      continue
    }
    todo.push({ ...i, name: t.name })
  }
  const [canary, rest] = splitCanary(todo, opts.canary)
  const waves: [FleetWave['kind'], typeof todo][] = [
    ['canary', canary],
    ['rest', rest],
  ]
  // The threshold counts this run's outcomes only: tenants sent an apply or a check now (their
  // items were queued afresh) and the read-only refusals above; older items do not count.
  const applyRun = new Set<string>()
  const checkRun = new Set<string>()
  for (const i of withChanges)
    if (tenants.get(i.tenantId)?.access === 'read' && !isDone(i.tenantId)) applyRun.add(i.tenantId)
  const stopWhen = (a: Map<string, FleetItem>, c: Map<string, FleetItem>): string | null => {
    const finished = new Set<string>()
    const bad = new Set<string>()
    for (const id of applyRun) {
      const st = a.get(id)?.state
      if (st === 'done' || (st && BAD_STATES.includes(st))) finished.add(id)
      if (st && BAD_STATES.includes(st)) bad.add(id)
    }
    for (const id of checkRun) {
      const st = c.get(id)?.state
      if (st && !PENDING_STATES.includes(st)) finished.add(id)
      if (st && BAD_STATES.includes(st)) bad.add(id)
    }
    return thresholdPassed(bad.size, finished.size, opts.maxFailuresPct)
      ? `${bad.size} of ${finished.size} tenants failed, more than --max-failures ${opts.maxFailuresPct}%`
      : null
  }
  const result: FleetApplyResult = {
    fleetPlanId: fp.id,
    waves: [],
    stopped: null,
    alreadyDone,
    readOnly,
    cancelled: 0,
  }
  for (const [kind, wave] of waves) {
    if (!wave.length) continue
    opts.onWave?.({ kind, action: 'apply', tenants: wave.length })
    const needApply = wave.filter(
      (i) => applied0.get(i.tenantId)?.state !== 'done' || isRolledBack(i.tenantId),
    )
    for (const i of needApply) applyRun.add(i.tenantId)
    const r = await applyThenCheck(store, queue, fp.id, kind, wave, needApply, checkRun, {
      ...opts,
      stopWhen,
    })
    result.cancelled += r.cancelled
    const stopped = r.stopped
    const w = await waveOutcome(store, fp.id, kind, wave, checkRun)
    result.waves.push(w)
    if (stopped) {
      result.stopped = stopped
      break
    }
    if (kind === 'canary' && w.green < w.tenants.length && rest.length) {
      result.stopped = `the canary wave is not all green (${w.green} of ${w.tenants.length}): the other ${rest.length} tenants were not applied`
      break
    }
  }
  return result
}

/** A wave's tenants with their apply and check outcomes. */
async function waveOutcome(
  store: Store,
  id: string,
  kind: FleetWave['kind'],
  wave: readonly (FleetItem & { name: string })[],
  checkedNow: ReadonlySet<string>,
): Promise<FleetWave> {
  const applied = await itemsBy(store, id, 'apply')
  const checked = await itemsBy(store, id, 'check')
  const tenants: WaveTenant[] = wave.map((i) => {
    const a = applied.get(i.tenantId)
    // A check from before this run says nothing about this apply.
    const c = checkedNow.has(i.tenantId) ? checked.get(i.tenantId) : undefined
    const bad = [a, c].find((x) => x && x.errorMessage && x.state !== 'done')
    return {
      tenantId: i.tenantId,
      name: i.name,
      apply: a?.state ?? null,
      check: checkVerdict(c),
      error: bad ? `${bad.errorCode ?? ''} ${bad.errorMessage ?? ''}`.trim() : null,
    }
  })
  return {
    kind,
    tenants,
    applied: tenants.filter((t) => t.apply === 'done').length,
    green: tenants.filter((t) => t.check === 'green').length,
    failed: tenants.filter((t) => (t.apply && BAD_STATES.includes(t.apply)) || t.check === 'red')
      .length,
  }
}

/** What a check or rollback wave did. */
export interface FleetWaveResult {
  fleetPlanId: string
  action: 'check' | 'rollback'
  tenants: {
    tenantId: string
    name: string
    state: FleetItemState
    verdict: 'green' | 'red' | 'unknown' | null
    error: string | null
  }[]
  done: number
  failed: number
}

/** Runs one action over tenants and reports each one's item. */
async function singleWave(
  store: Store,
  queue: JobQueue,
  fleetPlanId: string,
  action: 'check' | 'rollback',
  chosen: readonly FleetItem[],
  opts: WaveOptions,
): Promise<FleetWaveResult> {
  const tenants = await tenantsById(
    store,
    chosen.map((i) => i.tenantId),
  )
  opts.onWave?.({ kind: action, action, tenants: chosen.length })
  await phase(store, queue, fleetPlanId, action, chosen, opts)
  const after = await itemsBy(store, fleetPlanId, action)
  const rows = chosen
    .map((i) => {
      const it = after.get(i.tenantId)
      return {
        tenantId: i.tenantId,
        name: tenants.get(i.tenantId)?.name ?? i.tenantId,
        state: it?.state ?? ('queued' as FleetItemState),
        verdict: action === 'check' ? checkVerdict(it) : null,
        error:
          it && it.state !== 'done' && (it.errorCode || it.errorMessage)
            ? `${it.errorCode ?? ''} ${it.errorMessage ?? ''}`.trim()
            : null,
      }
    })
    .sort((a, b) => a.name.localeCompare(b.name))
  return {
    fleetPlanId,
    action,
    tenants: rows,
    done: rows.filter((r) => r.state === 'done' && r.verdict !== 'red').length,
    failed: rows.filter((r) => r.state !== 'done' || r.verdict === 'red').length,
  }
}

/** Checks every tenant the fleet plan applied. */
export async function checkFleet(
  store: Store,
  queue: JobQueue,
  fleetPlanId: string,
  opts: WaveOptions = {},
): Promise<FleetWaveResult> {
  const fp = await requireFleetPlan(store, fleetPlanId)
  const rolled = await itemsBy(store, fp.id, 'rollback')
  const applied = (await store.listFleetItems(fp.id, 'apply')).filter(
    (i) => i.state === 'done' && !rolledBack(i, rolled.get(i.tenantId)),
  )
  return singleWave(store, queue, fp.id, 'check', applied, opts)
}

/**
 * Rolls back every tenant with an applied run of this fleet plan (a failed apply included: undo
 * reverses what it did), and nothing else.
 */
export async function rollbackFleet(
  store: Store,
  queue: JobQueue,
  fleetPlanId: string,
  opts: WaveOptions = {},
): Promise<FleetWaveResult> {
  const fp = await requireFleetPlan(store, fleetPlanId)
  const rolled = await itemsBy(store, fp.id, 'rollback')
  const applied = (await store.listFleetItems(fp.id, 'apply')).filter(
    (i) => i.runId !== null && !rolledBack(i, rolled.get(i.tenantId)),
  )
  return singleWave(store, queue, fp.id, 'rollback', applied, opts)
}
