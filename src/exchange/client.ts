/**
 * The Exchange Online admin API client: the same code for Microsoft and the sandbox, differing
 * only in base URLs and the CA it trusts.
 */
import { randomUUID } from 'node:crypto'
import type { CmdletCall } from '../core/cmdlet.js'
import { PassageError } from '../core/errors/index.js'
import { batch, callsPerRound, type BatchOptions, type BatchOutcome } from './batch.js'
import { readClaims } from './claims.js'
import { normaliseTenant, resolveEndpoints, type ExchangeEndpoints } from './config.js'
import { mapExchangeError } from './errors.js'
import {
  invoke,
  type AdminApi,
  type CmdletResult,
  type ExoObject,
  type InvokeOptions,
} from './invoke.js'
import { DEFAULT_TENANT_CONCURRENCY, Semaphore, tenantSemaphore } from './semaphore.js'
import {
  clientTransport,
  send,
  type ClientTransportOptions,
  type TransportDeps,
} from './transport.js'

/** The system mailbox app-only clients anchor on (reference §1.4, CIPP and ScubaGear). */
export const APP_ANCHOR_MAILBOX = 'SystemMailbox{bb558c35-97f1-4cb9-8ff7-d53741dc928c}'

/** How to build a client. Only `tokens` is required. */
export interface ExchangeClientOptions extends ClientTransportOptions {
  /** Base URLs (Microsoft's by default) and the CA to trust. */
  endpoints?: Partial<ExchangeEndpoints>
  /** Tenant GUID or domain for the URL; default: the token's `tid`. */
  tenant?: string
  /**
   * X-AnchorMailbox. Default: `UPN:<upn>` for a delegated token, `APP:SystemMailbox{…}@<tenant>`
   * for an app-only one; null leaves the header out (as ScubaGear does).
   */
  anchor?: string | null
  /** Concurrent requests to this tenant (default 3), or a semaphore to share. */
  concurrency?: number | Semaphore
  /** Objects per page (Prefer odata.maxpagesize; at most 1000, the default). */
  pageSize?: number
  /** Pages one call may read before giving up (default 1000). */
  maxPages?: number
  /** For tests: request ids. */
  newId?: () => string
}

/** The Exchange admin API: cmdlets one by one or in batches. */
export class ExchangeClient implements AdminApi {
  readonly endpoints: ExchangeEndpoints
  readonly deps: TransportDeps
  readonly semaphore: Semaphore
  readonly pageSize: number
  readonly maxPages: number
  private readonly ownsHttp: boolean
  private readonly fixedTenant: string | null
  private readonly anchorOverride: string | null | undefined
  private readonly newId: () => string
  /** A session id for all calls of this client (the module's connection-id). */
  private readonly connectionId: string
  /** The regional host after a redirect (§1.2), pinned for later calls. */
  private pinnedOrigin: string | null = null

  constructor(opts: ExchangeClientOptions) {
    this.endpoints = resolveEndpoints(opts.endpoints)
    const t = clientTransport(opts, this.endpoints)
    this.deps = t.deps
    this.ownsHttp = t.ownsHttp
    this.fixedTenant = opts.tenant ? normaliseTenant(opts.tenant) : null
    this.anchorOverride = opts.anchor
    this.pageSize = Math.min(1000, Math.max(1, opts.pageSize ?? 1000))
    this.maxPages = opts.maxPages ?? 1000
    this.newId = opts.newId ?? randomUUID
    this.connectionId = this.newId()
    const host = new URL(this.endpoints.exchangeBase).host
    this.semaphore =
      opts.concurrency instanceof Semaphore
        ? opts.concurrency
        : // Without a fixed tenant the key is the host alone: still one cap per process.
          tenantSemaphore(
            host,
            this.fixedTenant ?? '*',
            opts.concurrency ?? DEFAULT_TENANT_CONCURRENCY,
          )
  }

  /** Runs a cmdlet; its output objects (all pages). */
  async invokeCommand(call: CmdletCall, opts: InvokeOptions = {}): Promise<ExoObject[]> {
    return (await invoke(this, call, opts)).objects
  }

  /** Runs a cmdlet; its output objects and warnings. */
  invoke(call: CmdletCall, opts: InvokeOptions = {}): Promise<CmdletResult> {
    return invoke(this, call, opts)
  }

  /**
   * Independent calls one round of requests carries: the tenant's concurrency cap times the calls
   * one `$batch` holds. Apply's default of changes in flight, so that the cap is the one limit.
   */
  get callsPerRound(): number {
    return callsPerRound(this.semaphore.limit)
  }

  /** Runs independent calls in `$batch`es of up to 10; each call succeeds or fails on its own. */
  batch(calls: CmdletCall[], opts: BatchOptions = {}): Promise<BatchOutcome[]> {
    return batch(this, calls, opts)
  }

  /**
   * The cmdlets this admin may run here, from EXOModuleFile (§1.2): a Graph-free way to see
   * whether Safe Links exists in the tenant (§2.1).
   */
  async availableCmdlets(signal?: AbortSignal): Promise<string[]> {
    const tenant = await this.tenant(signal)
    const headers = await this.headers(null, tenant, { commandname: '*' })
    delete headers['content-type']
    const res = await send(this.deps, {
      method: 'GET',
      url: () =>
        `${this.origin()}${this.basePath()}/adminapi/v1.0/${encodeURIComponent(tenant)}/EXOModuleFile?Version=3.7.1`,
      headers,
      audience: 'exchange',
      what: 'EXOModuleFile',
      idempotent: true,
      semaphore: this.semaphore,
      ...(signal ? { signal } : {}),
      redirect: (from, location) => this.redirect(from, location),
      mapError: (r) =>
        mapExchangeError({
          status: r.status,
          text: r.text,
          headers: r.headers,
          cmdlet: 'EXOModuleFile',
        }),
    })
    const value = (JSON.parse(res.text) as { value?: { exportedCmdlets?: unknown }[] }).value ?? []
    return value.flatMap((v) =>
      typeof v.exportedCmdlets === 'string'
        ? v.exportedCmdlets
            .split(',')
            .map((c) => c.trim())
            .filter(Boolean)
        : [],
    )
  }

  /** Closes idle connections (only those of a client this one created). */
  close(): void {
    if (this.ownsHttp) this.deps.http.close()
  }

  // ---- AdminApi ------------------------------------------------------------------------------

  async tenant(signal?: AbortSignal): Promise<string> {
    if (this.fixedTenant) return this.fixedTenant
    const claims = readClaims(await this.deps.tokens.getToken('exchange', signal ? { signal } : {}))
    if (!claims?.tenantId)
      throw new PassageError(
        'PASSAGE_E_INPUT',
        'No tenant given, and the sign-in token names none.',
        {
          hint: 'Pass the tenant (its GUID or contoso.onmicrosoft.com).',
        },
      )
    return normaliseTenant(claims.tenantId)
  }

  async headers(
    cmdlet: string | null,
    tenant: string,
    extra: Record<string, string> = {},
  ): Promise<Record<string, string>> {
    const anchor = await this.anchor(tenant)
    return {
      'content-type': 'application/json',
      accept: 'application/json',
      'x-responseformat': 'json',
      prefer: `odata.maxpagesize=${this.pageSize}`,
      'client-request-id': this.newId(),
      'connection-id': this.connectionId,
      'x-clientapplication': 'passage',
      ...(cmdlet ? { 'x-cmdletname': cmdlet } : {}),
      ...(anchor ? { 'x-anchormailbox': anchor } : {}),
      ...extra,
    }
  }

  url(endpoint: 'InvokeCommand' | '$batch', tenant: string, select?: string[]): string {
    const q = select?.length ? `?$select=${select.map(encodeURIComponent).join(',')}` : ''
    return `${this.origin()}${this.basePath()}/adminapi/beta/${encodeURIComponent(tenant)}/${endpoint}${q}`
  }

  /**
   * Follows a regional redirect (§1.2) only to the configured host or one of its subdomains, over
   * the same scheme, so that the token never goes elsewhere; `:446` becomes `:443` as the Go
   * client does. The new host is pinned for later calls. The reference names no other redirect
   * signal (x-ms-diagnostics only goes into error details).
   */
  redirect(from: string, location: string): string | null {
    let target: URL
    try {
      target = new URL(location, from)
    } catch {
      return null
    }
    if (target.port === '446') target.port = ''
    if (!this.sameService(target)) return null
    this.pinnedOrigin = target.origin
    return target.toString()
  }

  mayFollow(url: string): boolean {
    try {
      return this.sameService(new URL(url))
    } catch {
      return false
    }
  }

  private sameService(target: URL): boolean {
    const base = new URL(this.endpoints.exchangeBase)
    if (target.protocol !== base.protocol) return false
    const h = target.hostname.toLowerCase()
    const b = base.hostname.toLowerCase()
    return h === b || h.endsWith(`.${b}`)
  }

  private origin(): string {
    return this.pinnedOrigin ?? new URL(this.endpoints.exchangeBase).origin
  }

  /** A path prefix of the configured base URL (empty for Microsoft's). */
  private basePath(): string {
    return new URL(this.endpoints.exchangeBase).pathname.replace(/\/+$/, '')
  }

  private async anchor(tenant: string): Promise<string | null> {
    if (this.anchorOverride !== undefined) return this.anchorOverride
    const claims = readClaims(await this.deps.tokens.getToken('exchange'))
    if (!claims) return null
    if (claims.upn) return `UPN:${claims.upn}`
    if (claims.appOnly) return `APP:${APP_ANCHOR_MAILBOX}@${tenant}`
    return null
  }
}
