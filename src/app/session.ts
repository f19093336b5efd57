/**
 * Connect: a connection profile per tenant (where its services are and how to sign in, with file
 * paths but never secrets), saved in the store, and `openSession`, which signs in and returns
 * the Exchange and Graph clients. Where the CLI's device-code tokens are kept between commands is
 * chosen by token-keeping.ts (the system's secret store by default); a device-code profile signs
 * in silently from that cache when it can, and says why when it cannot.
 */
import { z } from 'zod'
import type { JsonObject } from '../core/change.js'
import { PassageError, parseWith } from '../core/errors/index.js'
import {
  memoTokens,
  exchangeOrganization,
  ExchangeClient,
  GraphClient,
  initialDomainOf,
  MICROSOFT_ENDPOINTS,
  readClaims,
  resolveEndpoints,
  roleName,
  ROLE_TEMPLATES,
  signInFromCache,
  signInWithCertificate,
  signInWithDeviceCode,
  type DeviceCodePrompt,
  type ExchangeEndpoints,
  type ScryptCost,
  type SecretStoreProbe,
  type SignedIn,
  type TransportEvent,
} from '../exchange/index.js'
import type { Store } from '../store/index.js'
import { checkAccess, readOnlyRefusal, type Access } from './access.js'
import { readText } from './files.js'
import { chooseTokenKeeping, staleCacheReason, type TokenKeeping } from './token-keeping.js'

export {
  deleteTokenCache,
  tokenCachePath,
  tokenCacheWanted,
  tokenKeepingLine,
  type TokenKeeping,
} from './token-keeping.js'

/** How to sign in: a device code for an admin, or an app's certificate (files, not their content). */
export const AuthProfile = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('device'),
    /** App (client) id; absent: the Exchange Online PowerShell module's. */
    clientId: z.string().optional(),
    /**
     * The public client Graph is asked of; absent: the sign-in's own client when it is the
     * admin's own app registration, else Microsoft's Graph command-line client (never the
     * Exchange Online PowerShell one; ms-rule: client.graph-client).
     */
    graphClientId: z.string().optional(),
  }),
  z.object({
    kind: z.literal('certificate'),
    clientId: z.string().min(1),
    /** Path of the app's certificate (PEM). */
    certificateFile: z.string().min(1),
    /** Path of its private key (PEM); the key itself is never stored. */
    keyFile: z.string().min(1),
  }),
])
export type AuthProfile = z.infer<typeof AuthProfile>

/** A tenant's connection profile, as `passage connect` saves it. */
export const ConnectionProfile = z.object({
  /** Tenant GUID (null until the first sign-in tells it). */
  tenantId: z.string().nullable(),
  /** What the admin typed: GUID or `*.onmicrosoft.com` name (or `organizations`). */
  tenant: z.string().min(1),
  /** The `*.onmicrosoft.com` name, once known. */
  tenantName: z.string().nullable(),
  endpoints: z.object({
    exchangeBase: z.string(),
    graphBase: z.string(),
    authority: z.string(),
  }),
  /** The sandbox's CA certificate file, when the profile points at a sandbox. */
  caFile: z.string().nullable().default(null),
  auth: AuthProfile,
  /** Who signed in last (UPN or app id), for the audit trail and runs. */
  lastActor: z.string().nullable().default(null),
  /** Keep tokens in the encrypted token cache (`connect --token-cache`); never the key itself. */
  tokenCache: z.boolean().default(false),
  /**
   * Where tokens may be kept between commands: `auto` (default: the system's secret store, else
   * passage's key agent, else memory), `memory` (`connect --no-token-cache`). `tokenCache: true`
   * (older profiles, `--token-cache`) insists on a cache and refuses when none can be had.
   */
  tokenStore: z.enum(['auto', 'memory']).default('auto'),
  /**
   * The cmdlets passage changes things with that this admin may run (from EXOModuleFile at
   * connect): `all`, `some`, `none` (a read-only role such as Security Reader). Null: not checked.
   */
  canChange: z.enum(['all', 'some', 'none']).nullable().default(null),
})
export type ConnectionProfile = z.infer<typeof ConnectionProfile>

/** A signed-in session: the clients, who signed in, and the profile it came from. */
export interface Session {
  profile: ConnectionProfile
  signedIn: SignedIn
  exo: ExchangeClient
  graph: GraphClient
  /** Tenant GUID. */
  tenantId: string
  /** The signed-in admin's UPN, or `app:<client id>`. */
  actor: string
  /** True when the endpoints are not Microsoft's (a sandbox). */
  sandbox: boolean
  /** The token cache file in use, or null when tokens live in memory only. */
  tokenCache: string | null
  /** Where tokens are kept between commands, and why. */
  tokenKeeping: TokenKeeping
  /** True when the sign-in came silently from the token cache (no device code). */
  fromCache: boolean
  /**
   * True when Microsoft Graph is signed in for this session without a second device code: an
   * app's certificate, the admin's own app registration (one `--client-id` for both APIs), or a
   * Graph client the admin named with `--graph-client-id` (whose code is then shown). False with
   * Microsoft's default public clients: Graph would need a second code for its own client, so it
   * is never asked, and discovery learns what it needs from the Exchange admin API alone
   * (issue 14: one sign-in).
   */
  graphSignedIn: boolean
  /** Why a saved sign-in could not be used (said before the new code), or null. */
  reprompted: string | null
  close(): void
}

/** Options of openSession. */
export interface OpenSessionOptions {
  /** Shows the device code (required for device-code profiles). */
  onCode?: (prompt: DeviceCodePrompt) => void | Promise<void>
  /**
   * Shows the second device code, for the Graph client the admin named (`--graph-client-id`),
   * when Graph is first needed. Used only for such a profile: with Microsoft's default apps
   * Graph is not signed in at all (one device code; see Session.graphSignedIn). Absent: Graph's
   * own client is never signed in interactively and discovery says so instead of waiting for a
   * code nobody is shown.
   */
  onGraphCode?: (prompt: DeviceCodePrompt) => void | Promise<void>
  /** The CA PEM to trust, instead of reading `profile.caFile` (an in-memory sandbox). */
  caPem?: string
  /** Passphrase of an encrypted certificate key (never stored). */
  passphrase?: string
  signal?: AbortSignal
  /** Retries, redirects and token refreshes (progress lines). */
  onEvent?: (e: TransportEvent) => void
  /** Client tuning (tests use quick retries). */
  retry?: ConstructorParameters<typeof ExchangeClient>[0]['retry']
  /**
   * Where PASSAGE_TOKEN_CACHE, PASSAGE_TOKEN_CACHE_KEY, PASSAGE_TOKEN_CACHE_FILE and the key
   * agent's settings are read: the CLI passes process.env. Absent (the demo, the wizard), tokens
   * stay in memory for the life of the process (see token-keeping.ts).
   */
  env?: Record<string, string | undefined>
  /** scrypt's cost for a new token cache file (tests lower it). */
  tokenCacheCost?: ScryptCost
  /** Opens the system's secret store (tests give a fake or none; default: the real one). */
  secretStore?: () => Promise<SecretStoreProbe>
  /** Told why a saved sign-in cannot be used, before a new device code is shown. */
  onStale?: (reason: string) => void
}

/** The endpoints (with the CA) a profile points at. */
export function profileEndpoints(profile: ConnectionProfile, caPem?: string): ExchangeEndpoints {
  const ca = caPem ?? (profile.caFile ? readText(profile.caFile) : undefined)
  return resolveEndpoints({ ...profile.endpoints, ...(ca ? { ca } : {}) })
}

/** True when a profile talks to Microsoft's own services. */
export function isMicrosoft(profile: ConnectionProfile): boolean {
  return profile.endpoints.exchangeBase === MICROSOFT_ENDPOINTS.exchangeBase
}

/** Builds a profile from what `passage connect` was given. */
export function newProfile(input: {
  tenant?: string
  sandboxUrl?: string
  caFile?: string
  auth: AuthProfile
  /** Insist on the encrypted token cache (`--token-cache`)... */
  tokenCache?: boolean
  /** ...or keep tokens in memory only (`--no-token-cache`). */
  memoryOnly?: boolean
}): ConnectionProfile {
  if (input.sandboxUrl && !input.tenant)
    throw new PassageError('PASSAGE_E_INPUT', 'Connecting to a sandbox needs --tenant.', {
      hint: 'Give one of its tenants, e.g. --tenant contoso.onmicrosoft.com (`passage sandbox` lists them).',
    })
  if (input.auth.kind === 'certificate' && !input.tenant)
    throw new PassageError('PASSAGE_E_INPUT', 'App-only sign-in needs --tenant.')
  const base = input.sandboxUrl
    ? resolveEndpoints({
        exchangeBase: input.sandboxUrl,
        graphBase: input.sandboxUrl,
        authority: input.sandboxUrl,
      })
    : MICROSOFT_ENDPOINTS
  const tenant = (input.tenant ?? 'organizations').trim().toLowerCase()
  // A tenant is named by a domain (contoso.onmicrosoft.com, a verified domain) or its GUID.
  if (
    input.tenant !== undefined &&
    !/^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$/.test(tenant) &&
    !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(tenant)
  )
    throw new PassageError(
      'PASSAGE_E_INPUT',
      `'${input.tenant.slice(0, 80)}' is no tenant name: give its *.onmicrosoft.com name, a verified domain or its GUID.`,
    )
  const guid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(tenant)
  return {
    tenantId: guid ? tenant : null,
    tenant,
    tenantName: tenant.endsWith('.onmicrosoft.com') ? tenant : null,
    endpoints: {
      exchangeBase: base.exchangeBase,
      graphBase: base.graphBase,
      authority: base.authority,
    },
    caFile: input.caFile ?? null,
    auth: input.auth,
    lastActor: null,
    tokenCache: input.tokenCache ?? false,
    tokenStore: input.memoryOnly ? 'memory' : 'auto',
    canChange: null,
  }
}

/**
 * Signs in per the profile and returns the clients. A device-code profile keeps its tokens where
 * chooseTokenKeeping says; with a cache it first tries a silent sign-in from the cached account,
 * and asks for a device code only when it cannot, telling `onStale` why (another account, an
 * expired or revoked sign-in, a cache written with another key, a damaged file).
 */
export async function openSession(
  profile: ConnectionProfile,
  opts: OpenSessionOptions = {},
): Promise<Session> {
  const endpoints = profileEndpoints(profile, opts.caPem)
  const { cache, keeping } = await chooseTokenKeeping(profile, opts.env, {
    ...(opts.tokenCacheCost ? { cost: opts.tokenCacheCost } : {}),
    ...(opts.secretStore ? { secretStore: opts.secretStore } : {}),
  })
  let signedIn: SignedIn | null = null
  let fromCache = false
  let reprompted: string | null = null
  // A second code is shown only for a Graph client the admin named; Microsoft's default apps
  // sign in once, to Exchange (issue 14).
  const graphCode =
    profile.auth.kind === 'device' && profile.auth.graphClientId ? opts.onGraphCode : undefined
  if (profile.auth.kind === 'device') {
    const clientId = {
      ...(profile.auth.clientId ? { clientId: profile.auth.clientId } : {}),
      ...(profile.auth.graphClientId ? { graphClientId: profile.auth.graphClientId } : {}),
      ...(graphCode ? { onGraphCode: graphCode } : {}),
    }
    if (cache) {
      // A cache that cannot be opened is said and replaced, before any code is shown.
      try {
        await cache.check()
      } catch (e) {
        const why = staleCacheReason(e, keeping)
        if (why === null) throw e
        cache.delete()
        reprompted = why
      }
    }
    if (!cache && keeping.kind === 'memory' && keeping.unusable && profile.lastActor)
      reprompted = keeping.unusable
    if (cache && profile.tenantId && reprompted === null) {
      const got = await signInFromCache({
        endpoints,
        tenant: profile.tenantId,
        ...clientId,
        ...(profile.lastActor ? { username: profile.lastActor } : {}),
        cachePlugin: cache,
      })
      signedIn = got.signedIn
      fromCache = signedIn !== null
      if (got.reason !== null && profile.lastActor) reprompted = got.reason
    }
    if (!signedIn) {
      const onCode = opts.onCode
      if (!onCode)
        throw new PassageError(
          'PASSAGE_E_INTERNAL',
          'A device-code sign-in needs somewhere to show the code.',
        )
      if (reprompted !== null) opts.onStale?.(reprompted)
      signedIn = await signInWithDeviceCode({
        endpoints,
        tenant: profile.tenantId ?? profile.tenant,
        ...clientId,
        onCode,
        ...(opts.signal ? { signal: opts.signal } : {}),
        ...(cache ? { cachePlugin: cache } : {}),
      })
    }
  } else {
    signedIn = await signInWithCertificate({
      endpoints,
      tenant: profile.tenantId ?? profile.tenant,
      clientId: profile.auth.clientId,
      certificatePem: readText(profile.auth.certificateFile),
      privateKeyPem: readText(profile.auth.keyFile),
      ...(opts.passphrase ? { passphrase: opts.passphrase } : {}),
    })
  }
  const tenantId = signedIn.tenantId
  const common = {
    // A token msal just handed out is handed out again for a few seconds (token-memo.ts): msal
    // walks its whole cache on every call, once per request on the apply path.
    tokens: memoTokens(signedIn),
    endpoints,
    ...(opts.onEvent ? { onEvent: opts.onEvent } : {}),
    ...(opts.retry ? { retry: opts.retry } : {}),
  }
  const exo = new ExchangeClient({ ...common, tenant: tenantId })
  const graph = new GraphClient(common)
  const graphSignedIn =
    signedIn.kind === 'app' ||
    signedIn.graphClientId.toLowerCase() === signedIn.clientId.toLowerCase() ||
    graphCode !== undefined
  return {
    profile,
    signedIn,
    exo,
    graph,
    tenantId,
    actor: signedIn.username ?? `app:${signedIn.clientId}`,
    sandbox: !isMicrosoft(profile),
    tokenCache: cache?.path ?? null,
    tokenKeeping: keeping,
    fromCache,
    reprompted,
    graphSignedIn,
    close() {
      exo.close()
      graph.close()
    },
  }
}

/** Options of the `connect` use case. */
export interface ConnectOptions extends OpenSessionOptions {
  /** Accept an admin who may change nothing (Security Reader): discover and check only. */
  readOnly?: boolean
}

/**
 * The `connect` use case: signs in, proves the Exchange Online admin API answers and what this
 * admin may change (an admin whose API access is disabled, or who may change nothing without
 * `readOnly`, is refused here, not at apply, and nothing is saved), learns the tenant's GUID and
 * name from Graph, and saves the profile (and the tenant) in the store. Returns the open session
 * with what the admin may do.
 */
export async function connect(
  store: Store,
  profile: ConnectionProfile,
  opts: ConnectOptions = {},
): Promise<Session & { access: Access }> {
  const session = await openSession(profile, opts)
  try {
    const access = await checkAccess(session, opts.signal)
    if (access.canChange === 'none' && !opts.readOnly)
      throw readOnlyRefusal(session.actor, await tokenRolesOf(session))
    // The tenant's name: from Graph when it is signed in, else from Exchange (Get-AcceptedDomain's
    // *.onmicrosoft.com domain, Get-OrganizationConfig's DisplayName). A refusal leaves the name
    // typed, and discovery says what it could not learn.
    const org = await organizationOf(session, opts.signal)
    const name = org.initialDomain ?? profile.tenantName ?? session.tenantId
    const saved: ConnectionProfile = {
      ...profile,
      tenantId: session.tenantId,
      tenantName: name,
      lastActor: session.actor,
      canChange: access.canChange,
    }
    const existing = await store.getTenant(session.tenantId)
    await store.upsertTenant({
      id: session.tenantId,
      name,
      displayName: org.displayName ?? existing?.displayName ?? name,
      licence: existing?.licence ?? 'eop',
    })
    await store.saveConnection(session.tenantId, name, saved as unknown as JsonObject)
    await store.audit({
      actor: session.actor,
      action: 'connect',
      tenantId: session.tenantId,
      details: {
        exchangeBase: saved.endpoints.exchangeBase,
        auth: saved.auth.kind,
        tokenCache: saved.tokenCache,
      },
    })
    session.profile = saved
    return Object.assign(session, { access })
  } catch (e) {
    session.close()
    throw e
  }
}

/**
 * The organisation's `*.onmicrosoft.com` name and display name: from Graph when it is signed in
 * for this session, else from the Exchange admin API (exchange/directory.ts); nulls when neither
 * answers (the caller falls back to the name typed).
 */
export async function organizationOf(
  session: Session,
  signal?: AbortSignal,
): Promise<{ initialDomain: string | null; displayName: string | null }> {
  const none = { initialDomain: null, displayName: null }
  if (session.graphSignedIn) {
    const got = await session.graph.organization(signal).catch(() => null)
    if (got) return { initialDomain: got.initialDomain, displayName: got.displayName }
  }
  const opts = signal ? { signal } : {}
  const [org, domains] = await Promise.all([
    exchangeOrganization(session.exo, signal).catch(() => null),
    session.exo.invokeCommand({ cmdlet: 'Get-AcceptedDomain', params: {} }, opts).catch(() => null),
  ])
  if (!org && !domains) return none
  return {
    initialDomain: initialDomainOf(
      (domains ?? []).map((d) => String(d.DomainName ?? d.Name ?? '')),
    ),
    displayName: org?.displayName ?? null,
  }
}

/** The directory roles the Exchange token names (its `wids`), for messages; null if unknown. */
async function tokenRolesOf(session: Session): Promise<string[] | null> {
  try {
    const claims = readClaims(await session.signedIn.getToken('exchange'))
    const known = (claims?.roleTemplateIds ?? []).filter((id) => ROLE_TEMPLATES[id.toLowerCase()])
    return known.length > 0 ? known.map(roleName) : null
  } catch {
    return null
  }
}

/** The saved profile of a tenant (GUID or name), or of the last one connected. */
export async function loadProfile(store: Store, tenant?: string): Promise<ConnectionProfile> {
  const rec = await store.getConnection(tenant)
  if (!rec)
    throw new PassageError(
      'PASSAGE_E_NOT_CONNECTED',
      tenant ? `No connection to ${tenant} is saved.` : 'No tenant is connected yet.',
    )
  await store.touchConnection(rec.tenantId)
  return parseWith(ConnectionProfile, rec.profile, 'PASSAGE_E_STORE_CORRUPT', 'Connection profile')
}
