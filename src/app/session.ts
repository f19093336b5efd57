/**
 * Connect: a connection profile per tenant (where its services are and how to sign in, with file
 * paths but never secrets), saved in the store, and `openSession`, which signs in and returns
 * the Exchange and Graph clients. Tokens live in memory only, for the life of the session.
 */
import { z } from 'zod'
import type { JsonObject } from '../core/change.js'
import { PassageError, parseWith } from '../core/errors/index.js'
import {
  ExchangeClient,
  GraphClient,
  MICROSOFT_ENDPOINTS,
  resolveEndpoints,
  signInWithCertificate,
  signInWithDeviceCode,
  type DeviceCodePrompt,
  type ExchangeEndpoints,
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
  close(): void
}

/** Options of openSession. */
export interface OpenSessionOptions {
  /** Shows the device code (required for device-code profiles). */
  onCode?: (prompt: DeviceCodePrompt) => void | Promise<void>
  /** The CA PEM to trust, instead of reading `profile.caFile` (an in-memory sandbox). */
  caPem?: string
  /** Passphrase of an encrypted certificate key (never stored). */
  passphrase?: string
  signal?: AbortSignal
  /** Retries, redirects and token refreshes (progress lines). */
  onEvent?: (e: TransportEvent) => void
  /** Client tuning (tests use quick retries). */
  retry?: ConstructorParameters<typeof ExchangeClient>[0]['retry']
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
  }
}

/** Signs in per the profile and returns the clients. Tokens stay in memory. */
export async function openSession(
  profile: ConnectionProfile,
  opts: OpenSessionOptions = {},
): Promise<Session> {
  const endpoints = profileEndpoints(profile, opts.caPem)
  let signedIn: SignedIn
  if (profile.auth.kind === 'device') {
    const onCode = opts.onCode
    if (!onCode)
      throw new PassageError(
        'PASSAGE_E_INTERNAL',
        'A device-code sign-in needs somewhere to show the code.',
      )
    signedIn = await signInWithDeviceCode({
      endpoints,
      tenant: profile.tenantId ?? profile.tenant,
      ...(profile.auth.clientId ? { clientId: profile.auth.clientId } : {}),
      onCode,
      ...(opts.signal ? { signal: opts.signal } : {}),
    })
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
    const org = await session.graph.organization()
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
      displayName: org.displayName,
      licence: existing?.licence ?? 'eop',
    })
    await store.saveConnection(session.tenantId, name, saved as unknown as JsonObject)
    await store.audit({
      actor: session.actor,
      action: 'connect',
      tenantId: session.tenantId,
      details: { exchangeBase: saved.endpoints.exchangeBase, auth: saved.auth.kind },
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
