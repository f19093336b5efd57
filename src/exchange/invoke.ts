/**
 * InvokeCommand (reference §1.2–§1.7): one cmdlet call, its pages followed by POSTing the same
 * body to `@odata.nextLink` until there is none, results stripped of OData annotations.
 */
import type { CmdletCall } from '../core/cmdlet.js'
import { PassageError } from '../core/errors/index.js'
import { invokeBody } from './encode.js'
import { mapExchangeError } from './errors.js'
import type { HttpResponse } from './http.js'
import type { Semaphore } from './semaphore.js'
import { send, type TransportDeps } from './transport.js'

/** An Exchange object as the admin API returns it (annotations removed). */
export type ExoObject = Record<string, unknown>

/** A cmdlet's output. */
export interface CmdletResult {
  objects: ExoObject[]
  /** `@adminapi.warnings`: what PowerShell would print as WARNING lines. */
  warnings: string[]
}

/** Options of one call. */
export interface InvokeOptions {
  /** Properties to return (`$select`), when not all are needed. */
  select?: string[]
  signal?: AbortSignal
  /**
   * Whether running the call twice is harmless, so that a failure after the request may have
   * reached Exchange is retried. Default: true for Get/Test/Set/Enable/Disable, false otherwise
   * (a repeated New-* could fail as a duplicate, or create one).
   */
  idempotent?: boolean
}

/** What the invoke and batch functions need from the client (client.ts implements it). */
export interface AdminApi {
  readonly deps: TransportDeps
  readonly semaphore: Semaphore
  readonly pageSize: number
  readonly maxPages: number
  /** The tenant as the URL names it. */
  tenant(signal?: AbortSignal): Promise<string>
  /** Request headers (all but Authorization) for a call. */
  headers(
    cmdlet: string | null,
    tenant: string,
    extra?: Record<string, string>,
  ): Promise<Record<string, string>>
  /** `…/adminapi/beta/{tenant}/{endpoint}` on the current (possibly regional) host. */
  url(endpoint: 'InvokeCommand' | '$batch', tenant: string, select?: string[]): string
  /** Follows a regional redirect (pinning the host), or refuses it (null). */
  redirect(from: string, location: string): string | null
  /** True when a next link may receive the token (same service host). */
  mayFollow(url: string): boolean
}

/** Verbs whose cmdlets can run twice without harm. */
const IDEMPOTENT_VERBS = new Set(['get', 'test', 'set', 'enable', 'disable'])

/** The default of `InvokeOptions.idempotent` for a cmdlet. */
export function isIdempotent(cmdlet: string): boolean {
  return IDEMPOTENT_VERBS.has(cmdlet.split('-')[0]?.toLowerCase() ?? '')
}

/** Runs one cmdlet and reads all its pages. */
export async function invoke(
  api: AdminApi,
  call: CmdletCall,
  opts: InvokeOptions = {},
): Promise<CmdletResult> {
  const tenant = await api.tenant(opts.signal)
  const body = JSON.stringify(invokeBody(call))
  const idempotent = opts.idempotent ?? isIdempotent(call.cmdlet)
  const first = await post(api, {
    cmdlet: call.cmdlet,
    what: call.cmdlet,
    tenant,
    url: () => api.url('InvokeCommand', tenant, opts.select),
    body,
    idempotent,
    signal: opts.signal,
  })
  return collectPages(
    api,
    call.cmdlet,
    tenant,
    body,
    parsePage(first.text, call.cmdlet),
    opts.signal,
  )
}

/** One POST to the admin API. */
export interface PostRequest {
  /** The cmdlet (sent as X-CmdletName), or null for a `$batch`. */
  cmdlet: string | null
  /** Names the request in messages. */
  what: string
  tenant: string
  url: () => string
  body: string
  idempotent: boolean
  signal?: AbortSignal | undefined
  headers?: Record<string, string>
}

/** POSTs a body to the admin API through the retrying transport. */
export async function post(api: AdminApi, p: PostRequest): Promise<HttpResponse> {
  const headers = await api.headers(p.cmdlet, p.tenant, p.headers)
  return send(api.deps, {
    method: 'POST',
    url: p.url,
    headers,
    body: p.body,
    audience: 'exchange',
    what: p.what,
    idempotent: p.idempotent,
    semaphore: api.semaphore,
    ...(p.signal ? { signal: p.signal } : {}),
    redirect: (from, location) => api.redirect(from, location),
    mapError: (res, mayHaveRun) =>
      mapExchangeError({
        status: res.status,
        text: res.text,
        headers: res.headers,
        cmdlet: p.what,
        mayHaveRun,
        ...(headers['client-request-id'] ? { requestId: headers['client-request-id'] } : {}),
      }),
  })
}

/** One page of results. */
export interface Page {
  objects: ExoObject[]
  warnings: string[]
  nextLink: string | null
}

/**
 * Reads a success body (§1.7): `value` (null when a cmdlet only warns), `@adminapi.warnings`,
 * `@odata.nextLink` (jflieben also checks `odata.nextLink`). A body that is not JSON is kept as
 * a warning, as ExoHelper falls back to plain text.
 */
export function parsePage(text: string, cmdlet: string, keepAnnotations = false): Page {
  if (!text.trim()) return { objects: [], warnings: [], nextLink: null }
  let body: unknown
  try {
    body = JSON.parse(text)
  } catch {
    return { objects: [], warnings: [text.trim()], nextLink: null }
  }
  return pageOf(body, cmdlet, keepAnnotations)
}

/**
 * Reads an already parsed success body (a `$batch` item's body). With `keepAnnotations` the
 * objects are left as Exchange sent them, for a caller that removes the annotations itself in a
 * walk it makes over each object anyway (readTenant's readableObject): one walk, not two.
 */
export function pageOf(body: unknown, cmdlet: string, keepAnnotations = false): Page {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw new PassageError(
      'PASSAGE_E_EXO_FAILED',
      `Exchange Online answered ${cmdlet} with an unexpected body.`,
      {
        details: { cmdlet },
      },
    )
  const b = body as Record<string, unknown>
  const value = Array.isArray(b.value) ? b.value : []
  const warnings = Array.isArray(b['@adminapi.warnings'])
    ? b['@adminapi.warnings'].filter((w): w is string => typeof w === 'string')
    : []
  const next = b['@odata.nextLink'] ?? b['odata.nextLink']
  const objects = value.filter(
    (o): o is Record<string, unknown> => typeof o === 'object' && o !== null,
  )
  return {
    objects: keepAnnotations ? objects : objects.map(stripAnnotations),
    warnings,
    nextLink: typeof next === 'string' && next ? next : null,
  }
}

/**
 * Removes `Prop@odata.type` style annotations, as CIPP does (§1.7). In place: the object is a
 * fresh one of JSON.parse's that nothing else holds (pageOf's), and deleting its few annotations
 * costs a third of copying the two hundred properties of, say, a mail flow rule.
 */
export function stripAnnotations(o: Record<string, unknown>): ExoObject {
  for (const k in o) if (isAnnotation(k)) delete o[k]
  return o
}

/** True for a property name that is an OData annotation (`Prop@odata.type`), as CIPP strips them. */
export function isAnnotation(key: string): boolean {
  return key.includes('@odata.')
}

/** Follows next links from a first page, re-POSTing the same body, and gathers everything. */
export async function collectPages(
  api: AdminApi,
  cmdlet: string,
  tenant: string,
  body: string,
  first: Page,
  signal?: AbortSignal,
  /** Leave the further pages' annotations too (see pageOf). */
  keepAnnotations = false,
): Promise<CmdletResult> {
  const objects = [...first.objects]
  const warnings = [...first.warnings]
  const seen = new Set<string>()
  let next = first.nextLink
  for (let pages = 1; next; pages++) {
    const url = next
    if (!api.mayFollow(url))
      throw new PassageError(
        'PASSAGE_E_EXO_FAILED',
        `${cmdlet}: Exchange Online gave a next page on another host; it was not followed.`,
        {
          details: { cmdlet, nextHost: hostOf(url) },
        },
      )
    if (seen.has(url) || pages >= api.maxPages)
      throw new PassageError(
        'PASSAGE_E_EXO_FAILED',
        `${cmdlet}: Exchange Online kept returning more pages (${pages}); stopped.`,
        {
          details: { cmdlet, pages },
        },
      )
    seen.add(url)
    // Reading a further page never changes anything: always safe to retry.
    const res = await post(api, {
      cmdlet,
      what: cmdlet,
      tenant,
      url: () => url,
      body,
      idempotent: true,
      signal,
    })
    const page = parsePage(res.text, cmdlet, keepAnnotations)
    objects.push(...page.objects)
    warnings.push(...page.warnings)
    next = page.nextLink
  }
  return { objects, warnings }
}

function hostOf(url: string): string {
  try {
    return new URL(url).host
  } catch {
    return '(invalid URL)'
  }
}
