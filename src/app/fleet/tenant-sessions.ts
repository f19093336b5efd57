/**
 * App-only sessions for the fleet's tenants, kept by a worker across jobs: one sign-in (one
 * token) per tenant per worker process, not per job, in a small LRU closed on eviction and at
 * stop. The app's private key stays in memory: openSession (session.ts) reads a certificate
 * profile's key from a file, so a fleet session is assembled here from the same parts
 * (signInWithCertificate with the PEM text, the Exchange and Graph clients) instead of writing
 * the key to disk.
 *
 * Every request of every tenant's clients goes through the worker's request budget (a token
 * bucket, RequestBudget) and, when given, the app's budget shared by all workers on PostgreSQL
 * (SharedRequestBudget): on top of the clients' per-tenant concurrency cap and their
 * 429/Retry-After handling. Microsoft documents no request numbers for the Exchange admin API
 * (design.md, "Throttling"; office-docs-powershell exchange/docs-conceptual/
 * exchange-online-powershell-v2.md says only that the REST-backed cmdlets retry transient
 * failures themselves), so the default rates are passage's own choice.
 *
 * Each session also remembers the longest Retry-After its tenant's throttled answers asked for
 * (ThrottleMemo): when a job fails on throttling, the worker has the job run again no sooner
 * (worker.ts), even though the error the clients throw does not carry the header.
 */
import { PassageError } from '../../core/errors/index.js'
import {
  memoTokens,
  createHttpClient,
  ExchangeClient,
  GraphClient,
  MICROSOFT_ENDPOINTS,
  resolveEndpoints,
  signInWithCertificate,
  type Audience,
  type HttpClient,
  type TransportEvent,
} from '../../exchange/index.js'
import { isThrottleText, retryAfterMs } from '../../exchange/retry.js'
import { DEFAULT_RETRY } from '../../exchange/index.js'
import type { FleetApp } from '../../store/fleet.js'
import type { BudgetLeases } from '../../store/request-budget.js'
import { readText } from '../files.js'
import { newProfile, type ConnectionProfile, type Session } from '../session.js'

/** Default requests per second of one worker, over all its tenants. */
export const DEFAULT_REQUESTS_PER_SECOND = 20

/**
 * Default requests per second of one app registration over all workers on all machines (the
 * shared budget). Passage's own number, as the worker's: Microsoft publishes none for the
 * Exchange admin API.
 */
export const DEFAULT_APP_REQUESTS_PER_SECOND = 20

/** Tokens a worker leases from the shared budget at a time (fewer when the bucket has fewer). */
export const DEFAULT_LEASE_SIZE = 10

/** What paces requests: take() resolves when one request may go (or rejects on abort). */
export interface RequestTaker {
  take(signal?: AbortSignal): Promise<void>
}

/** Default sessions kept by one worker. */
// Enough for every tenant a worker meets in a fleet of a thousand: bench/fleet.ts counted 8,207
// sign-ins for 3,593 jobs with 64 (nearly every job signed in again, one or two token round trips
// each). A kept session holds no connection of its own (the process's pool serves every client),
// only its clients and the app's token cache for that tenant.
export const DEFAULT_MAX_SESSIONS = 1024

/**
 * A token bucket: `ratePerSecond` requests a second on average, up to `burst` at once. `take`
 * waits for a token (in arrival order) or until the signal aborts.
 */
export class RequestBudget {
  private tokens: number
  private last: number
  private tail: Promise<void> = Promise.resolve()

  constructor(
    readonly ratePerSecond: number,
    readonly burst: number = Math.max(1, Math.ceil(ratePerSecond)),
    private readonly now: () => number = Date.now,
    private readonly sleep: (ms: number) => Promise<void> = (ms) =>
      new Promise((r) => setTimeout(r, ms)),
  ) {
    if (!(ratePerSecond > 0))
      throw new PassageError('PASSAGE_E_INPUT', 'The request budget must be above 0 per second.')
    this.tokens = this.burst
    this.last = now()
  }

  /** Waits for one request's token. */
  take(signal?: AbortSignal): Promise<void> {
    const turn = this.tail.then(async () => {
      for (;;) {
        signal?.throwIfAborted()
        const t = this.now()
        this.tokens = Math.min(
          this.burst,
          this.tokens + ((t - this.last) / 1000) * this.ratePerSecond,
        )
        this.last = t
        if (this.tokens >= 1) {
          this.tokens -= 1
          return
        }
        await this.sleep(Math.ceil(((1 - this.tokens) / this.ratePerSecond) * 1000))
      }
    })
    // A waiter that gave up does not stop the ones behind it.
    this.tail = turn.catch(() => {})
    return turn
  }
}

/** A sleep that ends early (rejecting) when the signal aborts. */
function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason as Error)
    const onAbort = () => {
      clearTimeout(timer)
      reject(signal?.reason as Error)
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort)
      resolve()
    }, ms)
    signal?.addEventListener('abort', onAbort, { once: true })
  })
}

/** A change of the shared budget's state: lost (pacing with the local bucket) or back. */
export interface SharedBudgetEvent {
  shared: boolean
  message: string
}

/** Options of SharedRequestBudget. */
export interface SharedRequestBudgetOptions {
  /** The app's requests per second over all workers (default 20: passage's own choice). */
  ratePerSecond?: number
  /** The most the shared bucket holds (default: one second's worth). */
  burst?: number
  /** Tokens leased at a time (default 10, at most the burst). */
  leaseSize?: number
  /** Leased tokens not used within this time are dropped (default 1000 ms). */
  leaseTtlMs?: number
  /** How soon the database is tried again after it was lost (default 2000 ms). */
  reconnectMs?: number
  /** Said once when the database is lost, and once when it is back. */
  onEvent?: (e: SharedBudgetEvent) => void
  now?: () => number
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>
  /** A number in [0, 1): spreads the waits of workers that found the bucket empty. */
  random?: () => number
}

/**
 * The app's request budget shared by every worker (store/request-budget.ts holds the bucket, a
 * row in PostgreSQL refilled by the database's clock). A worker leases tokens in chunks (up to
 * `leaseSize`) and hands them out locally, so it reaches the database about once per chunk, not
 * per request; when the bucket is empty the database says how long to wait. Tokens unused after
 * `leaseTtlMs` are dropped: a worker cannot save up a chunk for a later burst. A worker that found
 * the bucket empty waits between half and one and a half times the refill the database named,
 * drawn at random: two workers told the same wait would otherwise come back in the same order
 * every time, and the one that always asked second could get nothing (seen in CI: 0 of 50).
 *
 * If the database cannot be reached, the worker keeps going with an in-process bucket of the
 * same rate (`fallback`), says so once (onEvent), and tries the database again every
 * `reconnectMs`. While it is lost, each worker paces itself alone: N workers may send up to N
 * times the rate together for those seconds (Exchange's own 429s and Retry-After still hold).
 */
export class SharedRequestBudget implements RequestTaker {
  readonly ratePerSecond: number
  readonly burst: number
  /** The in-process bucket used while the database is lost. */
  readonly fallback: RequestBudget
  private readonly leaseSize: number
  private readonly leaseTtlMs: number
  private readonly reconnectMs: number
  private readonly now: () => number
  private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>
  private readonly random: () => number
  private inHand = 0
  private inHandUntil = 0
  private lost = false
  private retryAt = 0
  private tail: Promise<void> = Promise.resolve()
  /** Round trips to the database (leases asked), for tests and figures. */
  leases = 0

  constructor(
    private readonly store: Pick<BudgetLeases, 'lease'>,
    readonly appId: string,
    private readonly opts: SharedRequestBudgetOptions = {},
  ) {
    this.ratePerSecond = opts.ratePerSecond ?? DEFAULT_APP_REQUESTS_PER_SECOND
    if (!(this.ratePerSecond > 0))
      throw new PassageError('PASSAGE_E_INPUT', 'The request budget must be above 0 per second.')
    this.burst = Math.max(1, opts.burst ?? Math.ceil(this.ratePerSecond))
    this.leaseSize = Math.max(
      1,
      Math.min(Math.floor(this.burst), opts.leaseSize ?? DEFAULT_LEASE_SIZE),
    )
    this.leaseTtlMs = Math.max(1, opts.leaseTtlMs ?? 1000)
    this.reconnectMs = Math.max(1, opts.reconnectMs ?? 2000)
    this.now = opts.now ?? Date.now
    this.sleep = opts.sleep ?? abortableSleep
    this.random = opts.random ?? Math.random
    this.fallback = new RequestBudget(this.ratePerSecond, this.burst, this.now)
  }

  /** True while the database is lost (requests are paced by the fallback bucket). */
  get degraded(): boolean {
    return this.lost
  }

  /** Waits for one request's token (in arrival order), or until the signal aborts. */
  take(signal?: AbortSignal): Promise<void> {
    const turn = this.tail.then(() => this.takeOne(signal))
    // A waiter that gave up does not stop the ones behind it.
    this.tail = turn.catch(() => {})
    return turn
  }

  private tell(e: SharedBudgetEvent): void {
    try {
      this.opts.onEvent?.(e)
    } catch {
      // A printer's failure never stops a request.
    }
  }

  private async takeOne(signal?: AbortSignal): Promise<void> {
    for (;;) {
      signal?.throwIfAborted()
      const t = this.now()
      if (this.inHand > 0 && t < this.inHandUntil) {
        this.inHand--
        return
      }
      this.inHand = 0
      if (this.lost && t < this.retryAt) return this.fallback.take(signal)
      let got: { granted: number; waitMs: number }
      try {
        this.leases++
        got = await this.store.lease(this.appId, this.leaseSize, {
          ratePerSecond: this.ratePerSecond,
          burst: this.burst,
        })
      } catch (e) {
        this.retryAt = this.now() + this.reconnectMs
        if (!this.lost) {
          this.lost = true
          const why = e instanceof Error ? e.message : String(e)
          this.tell({
            shared: false,
            message: `the shared request budget of app ${this.appId} is unreachable; this worker paces itself alone at ${this.ratePerSecond} requests/s until it is back (${why})`,
          })
        }
        return this.fallback.take(signal)
      }
      if (this.lost) {
        this.lost = false
        this.tell({
          shared: true,
          message: `the shared request budget of app ${this.appId} is back (${this.ratePerSecond} requests/s over all workers)`,
        })
      }
      if (got.granted > 0) {
        this.inHand = got.granted - 1
        this.inHandUntil = this.now() + this.leaseTtlMs
        return
      }
      await this.sleep(Math.max(1, Math.round(got.waitMs * (0.5 + this.random()))), signal)
    }
  }
}

/** Both budgets in turn: the app's (shared) first, then the worker's own. */
export function bothBudgets(first: RequestTaker, second: RequestTaker): RequestTaker {
  return {
    async take(signal) {
      await first.take(signal)
      await second.take(signal)
    },
  }
}

/**
 * The longest Retry-After a tenant's throttled answers asked for, as a time: the worker has a job
 * that failed on throttling run again no sooner than that.
 */
export class ThrottleMemo {
  private until = 0

  constructor(private readonly now: () => number = Date.now) {}

  /** Notes that the tenant asked to wait `ms` from now. */
  note(ms: number): void {
    this.until = Math.max(this.until, this.now() + Math.max(0, ms))
  }

  /** What is left of the wait asked for, in ms; null when none is left. */
  remainingMs(): number | null {
    const left = this.until - this.now()
    return left > 0 ? left : null
  }
}

/**
 * An HTTP client that notes the Retry-After of throttled answers (429, 503, or Exchange's
 * "maximum number of concurrent requests per tenant" text) in `memo`; the answers pass unchanged.
 */
export function throttleWatchingHttp(inner: HttpClient, memo: ThrottleMemo): HttpClient {
  return {
    async request(req) {
      const res = await inner.request(req)
      if (
        res.status === 429 ||
        res.status === 503 ||
        (res.status >= 400 && isThrottleText(res.text))
      ) {
        const ms = retryAfterMs(res.headers, DEFAULT_RETRY)
        if (ms !== null) memo.note(ms)
      }
      return res
    },
    close: () => inner.close(),
  }
}

/** An HTTP client whose every request first takes a token of `budget`. */
export function budgetedHttp(inner: HttpClient, budget: RequestTaker): HttpClient {
  return {
    async request(req) {
      await budget.take(req.signal)
      return inner.request(req)
    },
    close: () => inner.close(),
  }
}

/** How one app-only session is opened. */
export interface AppSessionOptions {
  /** The app certificate's private key (PEM), in memory. */
  keyPem: string
  /** The CA to trust (a sandbox's); default: the fleet app's caFile, if any. */
  caPem?: string
  /** The tenant's name, for messages (rollback names the tenant). */
  tenantName?: string
  budget?: RequestTaker
  /** Where the tenant's throttled answers' Retry-After is noted (TenantSessions makes one). */
  throttle?: ThrottleMemo
  /** Wraps the raw HTTP client (tests: a stand-in for Exchange's answers). */
  wrapHttp?: (http: HttpClient) => HttpClient
  onEvent?: (e: TransportEvent) => void
  /** Client tuning (tests use quick retries). */
  retry?: ConstructorParameters<typeof ExchangeClient>[0]['retry']
  /** Audiences besides Exchange's whose tokens the sign-in asks for at once (auth.ts `warm`). */
  warm?: readonly Audience[]
}

/** The profile of a fleet tenant: the app's endpoints and certificate; the key is not in it. */
export function fleetProfile(
  app: FleetApp,
  tenantId: string,
  tenantName?: string,
): ConnectionProfile {
  const base = newProfile({
    tenant: tenantId,
    auth: {
      kind: 'certificate',
      clientId: app.appId,
      certificateFile: app.certificateFile,
      // Never a path to the key: the worker holds it in memory (PASSAGE_FLEET_KEY[_FILE], --key).
      keyFile: '(in memory)',
    },
    memoryOnly: true,
  })
  return {
    ...base,
    tenantName: tenantName ?? null,
    endpoints: { ...app.endpoints },
    caFile: app.caFile,
    lastActor: `app:${app.appId}`,
  }
}

/**
 * Signs the fleet app in to one tenant with its certificate (key in memory) and returns a
 * Session like openSession's, whose clients send through the budget. Sign-in failures are
 * PassageErrors (PASSAGE_E_SIGNIN when consent is missing or the app is disabled there).
 */
export async function openAppSession(
  app: FleetApp,
  tenantId: string,
  opts: AppSessionOptions,
): Promise<Session> {
  const profile = fleetProfile(app, tenantId, opts.tenantName)
  const ca = opts.caPem ?? (app.caFile ? readText(app.caFile) : undefined)
  const endpoints = resolveEndpoints({ ...app.endpoints, ...(ca ? { ca } : {}) })
  const signedIn = await signInWithCertificate({
    endpoints,
    tenant: tenantId,
    clientId: app.appId,
    certificatePem: readText(app.certificateFile),
    privateKeyPem: opts.keyPem,
    ...(app.thumbprintSha256 ? { thumbprintSha256: app.thumbprintSha256 } : {}),
    ...(opts.warm?.length ? { warm: opts.warm } : {}),
  })
  if (signedIn.tenantId.toLowerCase() !== tenantId.toLowerCase())
    throw new PassageError(
      'PASSAGE_E_SIGNIN',
      `The app's token is for tenant ${signedIn.tenantId}, not ${tenantId}.`,
    )
  const made = createHttpClient(endpoints.ca ? { ca: endpoints.ca } : {})
  const wrapped = opts.wrapHttp ? opts.wrapHttp(made) : made
  const raw = opts.throttle ? throttleWatchingHttp(wrapped, opts.throttle) : wrapped
  const http = opts.budget ? budgetedHttp(raw, opts.budget) : raw
  const common = {
    // A token msal just handed out is handed out again for a few seconds (token-memo.ts): msal
    // walks its whole cache on every call, once per request on the apply path.
    tokens: memoTokens(signedIn),
    endpoints,
    http,
    ...(opts.onEvent ? { onEvent: opts.onEvent } : {}),
    ...(opts.retry ? { retry: opts.retry } : {}),
  }
  const exo = new ExchangeClient({ ...common, tenant: signedIn.tenantId })
  const graph = new GraphClient(common)
  return {
    profile,
    signedIn,
    exo,
    graph,
    tenantId: signedIn.tenantId,
    actor: `app:${app.appId}`,
    sandbox: app.endpoints.exchangeBase !== MICROSOFT_ENDPOINTS.exchangeBase,
    tokenCache: null,
    tokenKeeping: { kind: 'memory', why: 'a fleet worker keeps app-only tokens in memory' },
    fromCache: false,
    // App-only: the app's own registration carries both APIs' application permissions.
    graphSignedIn: true,
    reprompted: null,
    close() {
      exo.close()
      graph.close()
      http.close()
      void signedIn.signOut()
    },
  }
}

/** Options of TenantSessions. */
export interface TenantSessionsOptions extends Omit<AppSessionOptions, 'tenantName' | 'throttle'> {
  /** Sessions kept (least recently used closed first); default 64. */
  max?: number
  /** The budget of the app's sessions (instead of `budget`): the worker's, per app id. */
  budgetFor?: (app: FleetApp) => RequestTaker
  /** Opens a session (default openAppSession). */
  open?: (app: FleetApp, tenantId: string, opts: AppSessionOptions) => Promise<Session>
}

interface Entry {
  key: string
  session: Promise<Session>
  throttle: ThrottleMemo
  /** Jobs using it now: an evicted session is closed when the last one is done. */
  users: number
  evicted: boolean
}

/** What a job will use its session for first (what the sign-in may fetch at once). */
export interface SessionNeeds {
  /** The job reads Graph (discover). */
  graph?: boolean
}

/** A session handed to a job; `release` when the job is done with it. */
export interface LeasedSession {
  session: Session
  release(): void
  /** What is left of the longest Retry-After the tenant asked for (ms), or null. */
  retryAfterMs?(): number | null
}

/**
 * The worker's sessions, one per tenant, least recently used closed first (max 64). A session is
 * reopened when the fleet app changes (another app id or certificate) and can be dropped after a
 * sign-in failure (`evict`), so that the next job signs in again.
 */
export class TenantSessions {
  private readonly entries = new Map<string, Entry>()
  private readonly max: number
  private closed = false

  constructor(private readonly opts: TenantSessionsOptions) {
    this.max = Math.max(1, opts.max ?? DEFAULT_MAX_SESSIONS)
  }

  /** Sessions kept now. */
  get size(): number {
    return this.entries.size
  }

  /**
   * The tenant's session (opened on first use, then reused). `needs.graph`: the job reads Graph
   * at once, so a session opened for it asks for Graph's token with Exchange's.
   */
  async get(
    app: FleetApp,
    tenantId: string,
    tenantName?: string,
    needs: SessionNeeds = {},
  ): Promise<LeasedSession> {
    if (this.closed)
      throw new PassageError('PASSAGE_E_FLEET_STOPPED', 'The worker is stopping: no new session.')
    const id = tenantId.toLowerCase()
    const key = `${app.appId}|${app.thumbprintSha256}|${app.certificateFile}`
    let entry = this.entries.get(id)
    if (entry && entry.key !== key) {
      this.drop(id, entry)
      entry = undefined
    }
    if (entry) {
      // Most recently used last.
      this.entries.delete(id)
      this.entries.set(id, entry)
    } else {
      const open = this.opts.open ?? openAppSession
      // One per tenant: a Retry-After is the tenant's.
      const throttle = new ThrottleMemo()
      const made: Entry = {
        key,
        users: 0,
        evicted: false,
        throttle,
        session: open(app, tenantId, {
          keyPem: this.opts.keyPem,
          ...(this.opts.caPem ? { caPem: this.opts.caPem } : {}),
          ...(tenantName ? { tenantName } : {}),
          ...(this.opts.budgetFor
            ? { budget: this.opts.budgetFor(app) }
            : this.opts.budget
              ? { budget: this.opts.budget }
              : {}),
          ...(this.opts.wrapHttp ? { wrapHttp: this.opts.wrapHttp } : {}),
          throttle,
          ...(this.opts.onEvent ? { onEvent: this.opts.onEvent } : {}),
          ...(this.opts.retry ? { retry: this.opts.retry } : {}),
          ...(needs.graph ? { warm: ['graph' as const] } : {}),
        }),
      }
      // A failed sign-in is not kept: the next job tries again.
      made.session.catch(() => {
        if (this.entries.get(id) === made) this.entries.delete(id)
      })
      this.entries.set(id, made)
      entry = made
      this.trim()
    }
    const held = entry
    held.users++
    let session: Session
    try {
      session = await held.session
    } catch (e) {
      held.users--
      throw e
    }
    let released = false
    return {
      session,
      retryAfterMs: () => held.throttle.remainingMs(),
      release: () => {
        if (released) return
        released = true
        held.users--
        if (held.evicted && held.users === 0) session.close()
      },
    }
  }

  /** Drops a tenant's session (after a sign-in or access failure). */
  evict(tenantId: string): void {
    const id = tenantId.toLowerCase()
    const entry = this.entries.get(id)
    if (entry) this.drop(id, entry)
  }

  /** Closes every session; no new one is opened after. */
  async closeAll(): Promise<void> {
    this.closed = true
    const all = [...this.entries.entries()]
    for (const [id, entry] of all) this.drop(id, entry, true)
    await Promise.allSettled(all.map(([, e]) => e.session))
  }

  private trim(): void {
    for (const [id, entry] of this.entries) {
      if (this.entries.size <= this.max) break
      this.drop(id, entry)
    }
  }

  private drop(id: string, entry: Entry, now = false): void {
    if (this.entries.get(id) === entry) this.entries.delete(id)
    entry.evicted = true
    entry.session.then(
      (s) => {
        if (now || entry.users === 0) s.close()
      },
      () => {},
    )
  }
}
