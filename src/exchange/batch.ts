/**
 * `$batch` (reference §1.2): independent calls sent together, at most 10 per batch (CIPP's size;
 * the real limit is unconfirmed), batches in parallel under the tenant's concurrency cap: the
 * reads of a round, and the writes of one of apply's waves (app/write-wave.ts). Items that are
 * throttled or fail transiently are sent again in a later batch (one that may have run only
 * when running it twice is harmless); items with further pages are followed with InvokeCommand,
 * side by side.
 */
import type { CmdletCall } from '../core/cmdlet.js'
import { PassageError } from '../core/errors/index.js'
import { invokeBody } from './encode.js'
import { mapExchangeError } from './errors.js'
import {
  collectPages,
  isIdempotent,
  pageOf,
  post,
  type AdminApi,
  type CmdletResult,
  type ExoObject,
  type InvokeOptions,
} from './invoke.js'
import { backoffMs, classifyStatus, retryAfterMs } from './retry.js'

/** The most requests one `$batch` carries. */
export const MAX_BATCH_SIZE = 10

/**
 * Independent calls that fit in one round of requests when `requestsInFlight` may be in flight
 * at once (the tenant's cap): that many `$batch`es, each full.
 */
export function callsPerRound(requestsInFlight: number): number {
  return Math.max(1, requestsInFlight) * MAX_BATCH_SIZE
}

/** One call's outcome in a batch: its result, or its own error (the others are unaffected). */
export type BatchOutcome = ({ ok: true } & CmdletResult) | { ok: false; error: PassageError }

/** Options of a batch. */
export interface BatchOptions extends Omit<InvokeOptions, 'idempotent'> {
  /** Requests per batch, 1..10 (default 10). */
  batchSize?: number
  /**
   * Told each call's first answer as soon as it comes, before any further pages are followed:
   * its first page's objects, or null when it failed for good. Lets a caller start what depends
   * on one read (discover's group members) while the other reads' further pages are fetched.
   */
  onFirstAnswer?: (index: number, objects: ExoObject[] | null) => void
  /**
   * Leave the objects' OData annotations (`Prop@odata.type`) in place, for a caller that walks
   * every object anyway and drops them in that walk (readTenant): one walk over each object
   * rather than two. Default false: annotations removed, as invoke does.
   */
  keepAnnotations?: boolean
}

/** One sub-response of a `$batch`. */
interface BatchItemResponse {
  id: string
  status: number
  headers: Record<string, string>
  body: unknown
}

/**
 * The outer and per-item `Prefer` of a `$batch`: the page size and continue-on-error joined with
 * `;`, as CIPP's bulk client sends them to the real service (ms-rule: client.batch-shape).
 */
export function batchPrefer(pageSize: number): string {
  return `odata.maxpagesize=${pageSize};odata.continue-on-error`
}

/**
 * The headers of one `$batch` sub-request, as CIPP's New-ExoBulkRequest sends them: the routing
 * flag, the anchor mailbox, the cmdlet's name, Prefer, Accept and Accept-Encoding
 * (ms-rule: client.batch-shape). Authorization is left out on purpose: CIPP copies its whole
 * header set, token included, into every item, but the outer request already carries the token
 * and a copy inside the body would be one more place a secret could be logged or recorded.
 * `parameter-based-routing` goes as the string `true` (CIPP's JSON has a boolean) because
 * sub-request headers are strings in the OData JSON batch format.
 */
export function subRequestHeaders(
  cmdlet: string,
  pageSize: number,
  anchor: string | undefined,
): Record<string, string> {
  return {
    'Content-Type': 'application/json',
    Prefer: batchPrefer(pageSize),
    'parameter-based-routing': 'true',
    ...(anchor ? { 'X-AnchorMailbox': anchor } : {}),
    'X-CmdletName': cmdlet,
    Accept: 'application/json; odata.metadata=minimal',
    'Accept-Encoding': 'gzip',
  }
}

/** Runs calls in batches; outcomes come back in the order of `calls`. */
export async function batch(
  api: AdminApi,
  calls: CmdletCall[],
  opts: BatchOptions = {},
): Promise<BatchOutcome[]> {
  if (calls.length === 0) return []
  const size = Math.min(MAX_BATCH_SIZE, Math.max(1, opts.batchSize ?? MAX_BATCH_SIZE))
  const tenant = await api.tenant(opts.signal)
  const outcomes: BatchOutcome[] = new Array<BatchOutcome>(calls.length)
  const chunks: number[][] = []
  for (let i = 0; i < calls.length; i += size)
    chunks.push(calls.slice(i, i + size).map((_, j) => i + j))
  await Promise.all(
    chunks.map(async (chunk) => {
      await runChunk(api, tenant, calls, chunk, outcomes, opts)
      // Failures are told once the chunk is done with them (successes as their page came).
      if (opts.onFirstAnswer)
        for (const i of chunk) if (!outcomes[i]?.ok) opts.onFirstAnswer(i, null)
    }),
  )
  return outcomes
}

async function runChunk(
  api: AdminApi,
  tenant: string,
  calls: CmdletCall[],
  indexes: number[],
  outcomes: BatchOutcome[],
  opts: BatchOptions,
): Promise<void> {
  const policy = api.deps.retry
  let pending = indexes
  for (let round = 1; pending.length > 0; round++) {
    const url = api.url('InvokeCommand', tenant, opts.select)
    const anchor = (await api.headers(null, tenant))['x-anchormailbox']
    const requests = pending.map((i) => ({
      id: String(i),
      method: 'POST',
      url,
      body: invokeBody(calls[i]!),
      headers: subRequestHeaders(calls[i]!.cmdlet, api.pageSize, anchor),
    }))
    let responses: BatchItemResponse[]
    const again: number[] = []
    let waitMs = 0
    try {
      const res = await post(api, {
        cmdlet: null,
        what: `$batch (${[...new Set(pending.map((i) => calls[i]!.cmdlet))].join(', ')})`,
        tenant,
        url: () => api.url('$batch', tenant),
        body: JSON.stringify({ requests }),
        idempotent: pending.every((i) => isIdempotent(calls[i]!.cmdlet)),
        signal: opts.signal,
        // Without continue-on-error the service stops at the first failing item (§1.4).
        // ms-rule: client.batch-shape
        headers: { prefer: batchPrefer(api.pageSize), 'parameter-based-routing': 'true' },
      })
      responses = parseBatch(res.text)
    } catch (e) {
      // The batch itself failed for good (after the transport's own retries): so does each item,
      // except that when it may have run (a batch with a write is not sent twice by the
      // transport), the items that can run twice without harm are sent again in a later batch,
      // as the transport would repeat each of them sent on its own.
      const error =
        e instanceof PassageError ? e : new PassageError('PASSAGE_E_INTERNAL', String(e))
      const repeat = error.details?.mayHaveRun === true && round < policy.maxAttempts
      for (const i of pending)
        if (repeat && isIdempotent(calls[i]!.cmdlet)) again.push(i)
        else outcomes[i] = { ok: false, error }
      if (!again.length) return
      responses = []
    }
    const byId = new Map(responses.map((r) => [r.id, r]))
    // Items whose answer has more pages: their follow-up pages are fetched side by side (the
    // tenant's concurrency cap still bounds the requests in flight), not one item after another.
    const follows: Promise<void>[] = []
    for (const i of pending) {
      if (again.includes(i) || outcomes[i]) continue
      const call = calls[i]!
      const r = byId.get(String(i))
      // No answer: the service stopped at an earlier failure; the call did not run.
      if (!r) {
        again.push(i)
        continue
      }
      if (r.status >= 200 && r.status < 300) {
        follows.push(
          itemResult(api, tenant, call, r.body, opts, (objects) =>
            opts.onFirstAnswer?.(i, objects),
          ).then((o) => {
            outcomes[i] = o
          }),
        )
        continue
      }
      // The body as text only for a failure (a success's objects are never turned back into text).
      const text = typeof r.body === 'string' ? r.body : JSON.stringify(r.body ?? '')
      const cls = classifyStatus(r.status, text)
      const retryable =
        cls === 'throttled' ||
        cls === 'unavailable' ||
        (cls === 'ambiguous' && isIdempotent(call.cmdlet))
      if (retryable && round < policy.maxAttempts) {
        again.push(i)
        const asked = retryAfterMs(lower(r.headers), policy, api.deps.now())
        waitMs = Math.max(waitMs, asked ?? backoffMs(round, policy, api.deps.random))
        continue
      }
      outcomes[i] = {
        ok: false,
        error: mapExchangeError({
          status: r.status,
          text,
          headers: lower(r.headers),
          cmdlet: call.cmdlet,
          mayHaveRun: cls === 'ambiguous' && !isIdempotent(call.cmdlet),
        }),
      }
    }
    await Promise.all(follows)
    if (again.length && round >= policy.maxAttempts) {
      for (const i of again)
        outcomes[i] ??= {
          ok: false,
          error: new PassageError(
            'PASSAGE_E_THROTTLED',
            `Exchange Online did not run ${calls[i]!.cmdlet} in a batch after ${round} tries.`,
            { details: { cmdlet: calls[i]!.cmdlet, attempts: round } },
          ),
        }
      return
    }
    if (again.length) {
      if (waitMs === 0) waitMs = backoffMs(round, policy, api.deps.random)
      api.deps.onEvent?.({
        type: 'retry',
        what: `$batch items (${again.length})`,
        attempt: round,
        waitMs,
        reason: 'batch-items',
      })
      try {
        await api.deps.sleep(waitMs, opts.signal)
      } catch {
        // cancelled: the next post reports it
      }
    }
    pending = again
  }
}

async function itemResult(
  api: AdminApi,
  tenant: string,
  call: CmdletCall,
  body: unknown,
  opts: BatchOptions,
  onFirstPage: (objects: ExoObject[]) => void,
): Promise<BatchOutcome> {
  const keep = opts.keepAnnotations === true
  try {
    let parsed = body
    if (typeof body === 'string') {
      try {
        parsed = JSON.parse(body) as unknown
      } catch {
        onFirstPage([])
        return { ok: true, objects: [], warnings: body.trim() ? [body.trim()] : [] }
      }
    }
    const page = pageOf(parsed, call.cmdlet, keep)
    onFirstPage(page.objects)
    const result = await collectPages(
      api,
      call.cmdlet,
      tenant,
      JSON.stringify(invokeBody(call)),
      page,
      opts.signal,
      keep,
    )
    return { ok: true, ...result }
  } catch (e) {
    return {
      ok: false,
      error: e instanceof PassageError ? e : new PassageError('PASSAGE_E_INTERNAL', String(e)),
    }
  }
}

function parseBatch(text: string): BatchItemResponse[] {
  let body: unknown
  try {
    body = JSON.parse(text)
  } catch {
    throw new PassageError(
      'PASSAGE_E_EXO_FAILED',
      'Exchange Online answered a $batch with a body that is not JSON.',
    )
  }
  const list = (body as { responses?: unknown } | null)?.responses
  if (!Array.isArray(list))
    throw new PassageError(
      'PASSAGE_E_EXO_FAILED',
      'Exchange Online answered a $batch without responses.',
    )
  return list
    .filter((r): r is Record<string, unknown> => typeof r === 'object' && r !== null)
    .map((r) => ({
      id: String(r.id),
      status: typeof r.status === 'number' ? r.status : Number(r.status) || 0,
      headers:
        typeof r.headers === 'object' && r.headers !== null
          ? (r.headers as Record<string, string>)
          : {},
      body: r.body,
    }))
}

function lower(h: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [k, v] of Object.entries(h)) if (typeof v === 'string') out[k.toLowerCase()] = v
  return out
}
