/**
 * The fleet orchestrator's first half: a fleet plan (one frozen plan per selected tenant, made by
 * plan jobs that workers run) and waiting for a fleet plan's items to finish. The waves (apply,
 * check, rollback) are in ./waves.ts, the grouped summary in ./summary.ts, the status in
 * ./status.ts. Job data is `{ fleetPlanId, tenantId }` only: no secret ever goes into a job.
 */
import { randomBytes } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { isPassageError, PassageError } from '../../core/errors/index.js'
import { parsePresetNames } from '../../core/planner/presets.js'
import type {
  FleetAction,
  FleetItem,
  FleetItemState,
  FleetPlanRecord,
  FleetPlanRequest,
  FleetTenant,
  JobQueue,
  Store,
} from '../../store/index.js'
import { isDatabaseLoss } from '../../store/index.js'
import { parseProtections } from '../plan-use-case.js'
import { chooseVendor } from '../vendor-choice.js'
import { settleDeadLettered } from './dead-letters.js'

/** Item states that are not finished yet. */
export const PENDING_STATES: readonly FleetItemState[] = ['queued', 'running']

/** Counts of a fleet plan's items by state, for one action. */
export type ItemCounts = Partial<Record<FleetItemState, number>>

/** Most tenants one selector may name (a bounded load: larger fleets use tags or `all`). */
const MAX_LISTED = 10_000

/** The sum of the counts in `states`. */
export function countOf(counts: ItemCounts, states: readonly FleetItemState[]): number {
  return states.reduce((n, s) => n + (counts[s] ?? 0), 0)
}

/**
 * The names a selector lists: `file:<path>` (one tenant id or name a line; blank lines and `#`
 * comments skipped) or a comma list. `all` and `tag:<t>` list no names (null).
 */
export function listedNames(selector: string, readFile = readText): string[] | null {
  const s = selector.trim()
  if (s === 'all' || s.startsWith('tag:')) return null
  const raw = s.startsWith('file:')
    ? readFile(s.slice(5)).split(/\r?\n/)
    : s.split(',').map((x) => x.trim())
  const names = raw.map((x) => x.replace(/#.*$/, '').trim()).filter(Boolean)
  if (names.length > MAX_LISTED)
    throw new PassageError(
      'PASSAGE_E_INPUT',
      `The selector names ${names.length} tenants; at most ${MAX_LISTED} may be listed.`,
      { hint: 'Tag the tenants (`passage fleet tag`) and select them with --tenants tag:<tag>.' },
    )
  return [...new Set(names.map((n) => n.toLowerCase()))]
}

function readText(path: string): string {
  try {
    return readFileSync(path, 'utf8')
  } catch (e) {
    throw new PassageError(
      'PASSAGE_E_INPUT',
      `The tenant list ${path} cannot be read: ${(e as NodeJS.ErrnoException).code ?? String(e)}.`,
      { hint: 'Give --tenants file:<path> with one tenant id or name a line.' },
    )
  }
}

/**
 * The fleet's tenants a selector names: `all` (every tenant not removed), `tag:<t>`,
 * `file:<path>`, or a comma list of tenant ids or names. Unknown names and an empty selection are
 * user errors, refused before anything is queued.
 */
export async function resolveSelector(store: Store, selector: string): Promise<FleetTenant[]> {
  const s = selector.trim()
  if (!s)
    throw new PassageError(
      'PASSAGE_E_INPUT',
      'Give the tenants: --tenants all|tag:<t>|file:<path>|<a,b>.',
    )
  let chosen: FleetTenant[]
  if (s === 'all') chosen = await store.listFleetTenants()
  else if (s.startsWith('tag:')) {
    const tag = s.slice(4).trim()
    if (!tag) throw new PassageError('PASSAGE_E_INPUT', "'tag:' needs a tag, e.g. tag:pilot.")
    chosen = await store.listFleetTenants({ tag })
  } else {
    const names = listedNames(s) ?? []
    const all = await store.listFleetTenants()
    const byKey = new Map<string, FleetTenant>()
    for (const t of all) {
      byKey.set(t.tenantId.toLowerCase(), t)
      byKey.set(t.name.toLowerCase(), t)
    }
    const unknown = names.filter((n) => !byKey.has(n))
    if (unknown.length)
      throw new PassageError(
        'PASSAGE_E_FLEET_TENANT_UNKNOWN',
        `Not in the fleet: ${unknown.slice(0, 10).join(', ')}${unknown.length > 10 ? ` and ${unknown.length - 10} more` : ''}.`,
      )
    chosen = [...new Map(names.map((n) => [byKey.get(n)!.tenantId, byKey.get(n)!])).values()]
  }
  chosen = chosen.filter((t) => t.state !== 'removed')
  if (!chosen.length)
    throw new PassageError(
      'PASSAGE_E_INPUT',
      `The selector '${s}' selects no tenant of the fleet.`,
      {
        hint: '`passage fleet list` shows the tenants and their tags.',
      },
    )
  return chosen.sort((a, b) => a.name.localeCompare(b.name))
}

/**
 * Checks a plan request before any job: the vendor and its parameters (the catalog's own check,
 * as `passage plan` does), the mode, protections and preset names. A typo fails here, once,
 * instead of in every tenant's job.
 */
export function validatePlanRequest(req: FleetPlanRequest): void {
  if (req.mode !== 'recommended' && req.mode !== 'recipe')
    throw new PassageError(
      'PASSAGE_E_INPUT',
      `--mechanism takes recommended or recipe, got '${String(req.mode)}'.`,
    )
  chooseVendor(req.vendor, req.params)
  if (req.protections) parseProtections(req.protections)
  if (req.presetExceptions?.length) parsePresetNames(req.presetExceptions)
}

/** A new fleet plan id: `fp-` and 8 hex digits. */
export function newFleetPlanId(): string {
  return `fp-${randomBytes(4).toString('hex')}`
}

/** The fleet plan with this id, or PASSAGE_E_FLEET_PLAN_UNKNOWN. */
export async function requireFleetPlan(store: Store, id: string): Promise<FleetPlanRecord> {
  const fp = /^fp-[0-9a-f]{1,32}$/i.test(id.trim()) ? await store.getFleetPlan(id.trim()) : null
  if (!fp)
    throw new PassageError('PASSAGE_E_FLEET_PLAN_UNKNOWN', `No fleet plan '${id.slice(0, 80)}'.`)
  return fp
}

/**
 * How many of a wave's store writes (one item per tenant) are in flight at once: they were one
 * after another, a round trip each before the first job could be sent (seconds for a thousand
 * tenants); the store's PostgreSQL pool holds 10 connections.
 */
export const STORE_PARALLEL = 8

/** Jobs sent at a time, their items written first (one insert statement each in queue.ts). */
export const SEND_CHUNK = 100

/** Runs `fn` on every item, at most `limit` at a time; resolves when all are done. */
export async function eachLimited<T>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<void>,
): Promise<void> {
  let next = 0
  let failed: { e: unknown } | null = null
  const lane = async () => {
    while (!failed && next < items.length) {
      const i = next++
      try {
        await fn(items[i]!, i)
      } catch (e) {
        failed ??= { e }
      }
    }
  }
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, lane))
  if (failed) throw (failed as { e: unknown }).e
}

/** Why a selected tenant that is not enrolled gets no job. */
function notEnrolledReason(t: FleetTenant): string {
  if (t.state === 'consent-pending') return 'consent pending: the admin has not granted consent yet'
  const why = t.lastErrorMessage ?? t.lastErrorCode
  return `no access${why ? `: ${why}` : ''}`
}

/**
 * Creates a fleet plan: resolves the selector, validates the request, records the plan and one
 * `queued` plan item per enrolled tenant and sends one plan job each. Selected tenants that are
 * not enrolled get a `no-access` item with the reason, and no job.
 */
export async function createFleetPlan(
  store: Store,
  queue: JobQueue,
  req: FleetPlanRequest,
  selector: string,
  actor: string,
): Promise<FleetPlanRecord> {
  validatePlanRequest(req)
  const tenants = await resolveSelector(store, selector)
  const record: FleetPlanRecord = {
    id: newFleetPlanId(),
    request: req,
    selector: selector.trim(),
    tenantIds: tenants.map((t) => t.tenantId),
    actor,
    createdAt: new Date().toISOString(),
  }
  await store.createFleetPlan(record)
  // In chunks, each chunk's items written before its jobs are sent: workers start on the first
  // jobs while the later items are written.
  for (let at = 0; at < tenants.length; at += SEND_CHUNK) {
    const chunk = tenants.slice(at, at + SEND_CHUNK)
    // One statement per chunk.
    await store.putFleetItems(
      chunk.map((t) => ({
        ...emptyItem(record.id, t.tenantId, 'plan'),
        ...(t.state === 'enrolled'
          ? { state: 'queued' as const }
          : {
              state: 'no-access' as const,
              errorCode: t.lastErrorCode ?? 'PASSAGE_E_FLEET_CONSENT',
              errorMessage: notEnrolledReason(t),
            }),
      })),
    )
    const enrolled = chunk.filter((t) => t.state === 'enrolled')
    if (enrolled.length)
      await queue.send(
        'plan',
        enrolled.map((t) => ({ fleetPlanId: record.id, tenantId: t.tenantId })),
      )
  }
  return record
}

/** An item with nothing in it yet. */
export function emptyItem(
  fleetPlanId: string,
  tenantId: string,
  action: FleetAction,
): Omit<FleetItem, 'updatedAt'> {
  return {
    fleetPlanId,
    tenantId,
    action,
    state: 'queued',
    planHash: null,
    changeKey: null,
    runId: null,
    errorCode: null,
    errorMessage: null,
    detail: null,
    attempts: 0,
  }
}

/** Resolves after `ms`, or at once when `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve()
    const t = setTimeout(done, ms)
    function done() {
      clearTimeout(t)
      signal?.removeEventListener('abort', done)
      resolve()
    }
    signal?.addEventListener('abort', done, { once: true })
  })
}

/** How long a fleet wait keeps reading while the database is unreachable. */
const STORE_LOSS_MS = 60_000

/**
 * One poll of a fleet wait: the database may go away for a moment (a PostgreSQL restart, a
 * fail-over) while the workers carry on, so a lost database (PASSAGE_E_STORE_IO) gives `null`
 * ("read again later") for up to a minute from the first loss, as does a job the queue could not
 * send for a lost database (PASSAGE_E_FLEET_QUEUE caused by one); then, or for any other error, it
 * throws. `loss` keeps when the loss began between polls.
 */
export async function pollThroughLoss<T>(
  loss: { since: number | null },
  read: () => Promise<T>,
): Promise<T | null> {
  try {
    const value = await read()
    loss.since = null
    return value
  } catch (e) {
    // A job the queue could not send because the database went away is a loss too (a wave sends
    // checks while it polls).
    const lost =
      isPassageError(e, 'PASSAGE_E_STORE_IO') ||
      (isPassageError(e, 'PASSAGE_E_FLEET_QUEUE') && isDatabaseLoss(e.cause))
    if (!lost) throw e
    loss.since ??= Date.now()
    if (Date.now() - loss.since > STORE_LOSS_MS) throw e
    return null
  }
}

/**
 * Waits until no item of `action` is queued or running (polling the counts every `pollMs`,
 * default 300), reporting the counts; returns the items. With `signal` aborted, returns the items
 * as they are.
 */
export async function waitForItems(
  store: Store,
  fleetPlanId: string,
  action: FleetAction,
  opts: {
    onProgress?: (counts: ItemCounts, total: number) => void
    signal?: AbortSignal
    pollMs?: number
    /** The queue: items whose job it failed for good are marked failed (dead-letters.ts). */
    queue?: JobQueue
  } = {},
): Promise<FleetItem[]> {
  const pollMs = opts.pollMs ?? 300
  const loss = { since: null as number | null }
  let settledAt = Date.now()
  for (;;) {
    const counts = await pollThroughLoss(loss, () => store.countFleetItems(fleetPlanId, action))
    if (counts === null) {
      await sleep(Math.max(pollMs, 1000), opts.signal)
      continue
    }
    const total = countOf(counts, Object.keys(counts) as FleetItemState[])
    opts.onProgress?.(counts, total)
    if (countOf(counts, PENDING_STATES) === 0 || opts.signal?.aborted) break
    const queue = opts.queue
    if (queue && Date.now() - settledAt >= 5000) {
      settledAt = Date.now()
      await pollThroughLoss(loss, () => settleDeadLettered(store, queue, fleetPlanId, action))
    }
    await sleep(pollMs, opts.signal)
  }
  return store.listFleetItems(fleetPlanId, action)
}
