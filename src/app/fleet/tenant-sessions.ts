/**
 * App-only sessions for the fleet's tenants, kept by a worker across jobs: one sign-in (one
 * token) per tenant per worker process, not per job, in a small LRU closed on eviction and at
 * stop. The app's private key stays in memory: openSession (session.ts) reads a certificate
 * profile's key from a file, so a fleet session is assembled here from the same parts
 * (signInWithCertificate with the PEM text, the Exchange and Graph clients) instead of writing
 * the key to disk.
 *
 * Every request of every tenant's clients goes through one per-app request budget (a token
 * bucket): the worker's own pace, on top of the clients' per-tenant concurrency cap and their
 * 429/Retry-After handling. Microsoft documents no request numbers for the Exchange admin API
 * (design.md, "Throttling"), so the default rate is passage's own choice.
 */
import { PassageError } from '../../core/errors/index.js'
import {
  createHttpClient,
  ExchangeClient,
  GraphClient,
  MICROSOFT_ENDPOINTS,
  resolveEndpoints,
  signInWithCertificate,
  type HttpClient,
  type TransportEvent,
} from '../../exchange/index.js'
import type { FleetApp } from '../../store/fleet.js'
import { readText } from '../files.js'
import { newProfile, type ConnectionProfile, type Session } from '../session.js'

/** Default requests per second of one worker, over all its tenants. */
export const DEFAULT_REQUESTS_PER_SECOND = 20

/** Default sessions kept by one worker. */
export const DEFAULT_MAX_SESSIONS = 64

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

/** An HTTP client whose every request first takes a token of `budget`. */
export function budgetedHttp(inner: HttpClient, budget: RequestBudget): HttpClient {
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
  budget?: RequestBudget
  onEvent?: (e: TransportEvent) => void
  /** Client tuning (tests use quick retries). */
  retry?: ConstructorParameters<typeof ExchangeClient>[0]['retry']
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
  })
  if (signedIn.tenantId.toLowerCase() !== tenantId.toLowerCase())
    throw new PassageError(
      'PASSAGE_E_SIGNIN',
      `The app's token is for tenant ${signedIn.tenantId}, not ${tenantId}.`,
    )
  const raw = createHttpClient(endpoints.ca ? { ca: endpoints.ca } : {})
  const http = opts.budget ? budgetedHttp(raw, opts.budget) : raw
  const common = {
    tokens: signedIn,
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
export interface TenantSessionsOptions extends Omit<AppSessionOptions, 'tenantName'> {
  /** Sessions kept (least recently used closed first); default 64. */
  max?: number
  /** Opens a session (default openAppSession). */
  open?: (app: FleetApp, tenantId: string, opts: AppSessionOptions) => Promise<Session>
}

interface Entry {
  key: string
  session: Promise<Session>
  /** Jobs using it now: an evicted session is closed when the last one is done. */
  users: number
  evicted: boolean
}

/** A session handed to a job; `release` when the job is done with it. */
export interface LeasedSession {
  session: Session
  release(): void
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

  /** The tenant's session (opened on first use, then reused). */
  async get(app: FleetApp, tenantId: string, tenantName?: string): Promise<LeasedSession> {
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
      const made: Entry = {
        key,
        users: 0,
        evicted: false,
        session: open(app, tenantId, {
          keyPem: this.opts.keyPem,
          ...(this.opts.caPem ? { caPem: this.opts.caPem } : {}),
          ...(tenantName ? { tenantName } : {}),
          ...(this.opts.budget ? { budget: this.opts.budget } : {}),
          ...(this.opts.onEvent ? { onEvent: this.opts.onEvent } : {}),
          ...(this.opts.retry ? { retry: this.opts.retry } : {}),
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
