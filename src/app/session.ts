/**
 * Connect: a connection profile per tenant (where its services are and how to sign in, with file
 * paths but never secrets), saved in the store, and `openSession`, which signs in and returns
 * the Exchange and Graph clients. Tokens live in memory only, for the life of the session, unless
 * the profile (`connect --token-cache`) or PASSAGE_TOKEN_CACHE=1 opts into the token cache: then
 * msal's cache is kept in a file encrypted with a key derived from PASSAGE_TOKEN_CACHE_KEY, and a
 * device-code profile signs in silently from it when it can.
 */
import { homedir } from 'node:os'
import { join } from 'node:path'
import { z } from 'zod'
import type { JsonObject } from '../core/change.js'
import { PassageError, parseWith } from '../core/errors/index.js'
import {
  ExchangeClient,
  GraphClient,
  MICROSOFT_ENDPOINTS,
  resolveEndpoints,
  checkPassphrase,
  deleteTokenCacheFile,
  fileTokenCache,
  signInFromCache,
  signInWithCertificate,
  signInWithDeviceCode,
  type DeviceCodePrompt,
  type ExchangeEndpoints,
  type FileTokenCache,
  type ScryptCost,
  type SignedIn,
  type TransportEvent,
} from '../exchange/index.js'
import type { Store } from '../store/index.js'
import { readText } from './files.js'

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
  /** True when the sign-in came silently from the token cache (no device code). */
  fromCache: boolean
  close(): void
}

/** Options of openSession. */
export interface OpenSessionOptions {
  /** Shows the device code (required for device-code profiles). */
  onCode?: (prompt: DeviceCodePrompt) => void | Promise<void>
  /**
   * Shows the second device code, for Microsoft Graph's own client, when Graph is first needed.
   * Absent: Graph is not signed in interactively and discovery says "licence unknown" instead of
   * waiting for a code nobody is shown.
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
   * Where PASSAGE_TOKEN_CACHE, PASSAGE_TOKEN_CACHE_KEY and PASSAGE_TOKEN_CACHE_FILE are read: the
   * CLI passes process.env. Absent (the demo, the wizard), none is set: the cache is off unless
   * the profile asks for it, and then refused for want of a passphrase.
   */
  env?: Env
  /** scrypt's cost for a new token cache file (tests lower it). */
  tokenCacheCost?: ScryptCost
}

type Env = Record<string, string | undefined>

/**
 * The token cache file: PASSAGE_TOKEN_CACHE_FILE (a leading `~/` is the home folder), else
 * ~/.passage/tokens.cache.
 */
export function tokenCachePath(env: Env = process.env, home: string = homedir()): string {
  const fromEnv = env.PASSAGE_TOKEN_CACHE_FILE?.trim()
  if (fromEnv) return fromEnv.startsWith('~/') ? join(home, fromEnv.slice(2)) : fromEnv
  return join(home, '.passage', 'tokens.cache')
}

/**
 * Whether a profile uses the token cache: PASSAGE_TOKEN_CACHE=1 (or true, yes, on) turns it on
 * for every profile, =0 (or false, no, off) off; otherwise the profile's `tokenCache` decides.
 */
export function tokenCacheWanted(profile: ConnectionProfile, env: Env = process.env): boolean {
  const v = env.PASSAGE_TOKEN_CACHE?.trim().toLowerCase()
  if (v && ['1', 'true', 'yes', 'on'].includes(v)) return true
  if (v && ['0', 'false', 'no', 'off'].includes(v)) return false
  return profile.tokenCache
}

/**
 * The token cache plugin for a profile, or null when it keeps tokens in memory. Refuses (a
 * PASSAGE_E_TOKEN_CACHE_KEY with its hint) when the cache is wanted without a passphrase.
 */
export function tokenCacheFor(
  profile: ConnectionProfile,
  env: Env = process.env,
  cost?: ScryptCost,
): FileTokenCache | null {
  if (!tokenCacheWanted(profile, env)) return null
  return fileTokenCache({
    path: tokenCachePath(env),
    passphrase: checkPassphrase(env.PASSAGE_TOKEN_CACHE_KEY),
    ...(cost ? { cost } : {}),
  })
}

/** Signs out of the token cache: deletes its file. Needs no passphrase. */
export function deleteTokenCache(env: Env = process.env): { file: string; deleted: boolean } {
  const file = tokenCachePath(env)
  return { file, deleted: deleteTokenCacheFile(file) }
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
  /** Opt into the encrypted token cache. */
  tokenCache?: boolean
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
  }
}

/**
 * Signs in per the profile and returns the clients. Tokens stay in memory, unless the token cache
 * is on: then a device-code profile first tries a silent sign-in from the cached account, and
 * asks for a device code only when the cache has none (or its refresh token expired).
 */
export async function openSession(
  profile: ConnectionProfile,
  opts: OpenSessionOptions = {},
): Promise<Session> {
  const endpoints = profileEndpoints(profile, opts.caPem)
  const cache = tokenCacheFor(profile, opts.env ?? {}, opts.tokenCacheCost)
  const cachePlugin = cache ? { cachePlugin: cache } : {}
  let signedIn: SignedIn | null = null
  let fromCache = false
  if (profile.auth.kind === 'device') {
    const clientId = {
      ...(profile.auth.clientId ? { clientId: profile.auth.clientId } : {}),
      ...(profile.auth.graphClientId ? { graphClientId: profile.auth.graphClientId } : {}),
      ...(opts.onGraphCode ? { onGraphCode: opts.onGraphCode } : {}),
    }
    if (cache && profile.tenantId) {
      signedIn = await signInFromCache({
        endpoints,
        tenant: profile.tenantId,
        ...clientId,
        ...(profile.lastActor ? { username: profile.lastActor } : {}),
        cachePlugin: cache,
      })
      fromCache = signedIn !== null
    } else if (cache) {
      // A cache that cannot be read fails now, not after the admin has entered a code.
      await cache.check()
    }
    if (!signedIn) {
      const onCode = opts.onCode
      if (!onCode)
        throw new PassageError(
          'PASSAGE_E_INTERNAL',
          'A device-code sign-in needs somewhere to show the code.',
        )
      signedIn = await signInWithDeviceCode({
        endpoints,
        tenant: profile.tenantId ?? profile.tenant,
        ...clientId,
        onCode,
        ...(opts.signal ? { signal: opts.signal } : {}),
        ...cachePlugin,
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
      ...cachePlugin,
    })
  }
  const tenantId = signedIn.tenantId
  const common = {
    tokens: signedIn,
    endpoints,
    ...(opts.onEvent ? { onEvent: opts.onEvent } : {}),
    ...(opts.retry ? { retry: opts.retry } : {}),
  }
  const exo = new ExchangeClient({ ...common, tenant: tenantId })
  const graph = new GraphClient(common)
  return {
    profile,
    signedIn,
    exo,
    graph,
    tenantId,
    actor: signedIn.username ?? `app:${signedIn.clientId}`,
    sandbox: !isMicrosoft(profile),
    tokenCache: cache?.path ?? null,
    fromCache,
    close() {
      exo.close()
      graph.close()
    },
  }
}

/**
 * The `connect` use case: signs in, learns the tenant's GUID and name from Graph, and saves the
 * profile (and the tenant) in the store. Returns the open session.
 */
export async function connect(
  store: Store,
  profile: ConnectionProfile,
  opts: OpenSessionOptions = {},
): Promise<Session> {
  const session = await openSession(profile, opts)
  try {
    // Graph may be refused (no consent, no second sign-in): the tenant is still connected, under
    // the name typed, and discovery says what Graph would not tell.
    const org = await session.graph
      .organization()
      .catch(() => ({ initialDomain: null, displayName: null as string | null }))
    const name = org.initialDomain ?? profile.tenantName ?? session.tenantId
    const saved: ConnectionProfile = {
      ...profile,
      tenantId: session.tenantId,
      tenantName: name,
      lastActor: session.actor,
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
    return session
  } catch (e) {
    session.close()
    throw e
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
