/**
 * Sign-in with @azure/msal-node (reference §1.5, §1.6): device code for an admin, or app-only
 * with a certificate. Tokens stay in msal's in-memory cache and are refreshed silently, unless an
 * (encrypted) cache plugin is given: then a later process can sign in silently from it
 * (`signInFromCache`). The result is a TokenProvider for the Exchange and Graph clients.
 */
import { createPrivateKey, X509Certificate } from 'node:crypto'
import {
  ConfidentialClientApplication,
  LogLevel,
  PublicClientApplication,
  type AccountInfo,
  type Configuration,
  type ICachePlugin,
} from '@azure/msal-node'
import { PassageError } from '../core/errors/index.js'
import {
  defaultScope,
  EXO_POWERSHELL_CLIENT_ID,
  graphClientIdFor,
  isMicrosoftAuthority,
  resolveEndpoints,
  type Audience,
  type ExchangeEndpoints,
} from './config.js'
import { readClaims } from './claims.js'
import { createHttpClient, type HttpClient } from './http.js'
import { knownAuthorityMetadata, msalNetworkModule, type DiscoveryRefusal } from './msal-network.js'
import { signInError, staleReason, tenantRefusal } from './signin-errors.js'
import type { TokenProvider, TokenRequestOptions } from './tokens.js'

/** Options common to both sign-ins. */
export interface SignInOptions {
  /** Base URLs (the authority is used here) and the CA to trust. */
  endpoints?: Partial<ExchangeEndpoints>
  /** Tenant GUID or domain; device code also takes `organizations` (the default there). */
  tenant?: string
  /** App (client) id. Default for device code: the Exchange Online PowerShell module's. */
  clientId?: string
  /**
   * The public client Graph tokens are asked of, for a delegated sign-in (see graphClientIdFor):
   * by default Microsoft's Graph command-line client, or the sign-in's own client when that is
   * the admin's own app registration. App-only sign-in always uses its own app.
   */
  graphClientId?: string
  /**
   * The opt-in encrypted token cache (msal's ICachePlugin: beforeCacheAccess / afterCacheAccess;
   * see token-cache.ts). Absent, the default, tokens live in memory only.
   */
  cachePlugin?: ICachePlugin
  /** The HTTP client (default: node:https trusting `endpoints.ca`). */
  http?: HttpClient
}

/** What the admin must be shown to complete a device-code sign-in. */
export interface DeviceCodePrompt {
  /** The code to enter (the CLI prints it and copies it to the clipboard). */
  userCode: string
  /** The page to open (https://microsoft.com/devicelogin, or the sandbox's). */
  verificationUri: string
  /** Entra's own sentence with both. */
  message: string
  /** Seconds until the code expires. */
  expiresIn: number
}

/** A signed-in session: a token provider plus who signed in. */
export interface SignedIn extends TokenProvider {
  kind: 'user' | 'app'
  /** Tenant GUID. */
  tenantId: string
  /** UPN of the signed-in admin (null for app-only). */
  username: string | null
  clientId: string
  /** The client Graph tokens come from (the same as `clientId` for one app registration). */
  graphClientId: string
  /** Forgets every token (in memory). */
  signOut(): Promise<void>
}

/** Options of the device-code sign-in. */
export interface DeviceCodeOptions extends SignInOptions {
  /** Called once with the code to show; may be async (copying to the clipboard). */
  onCode: (prompt: DeviceCodePrompt) => void | Promise<void>
  /** Cancels the wait for the admin. */
  signal?: AbortSignal
  /** Stop waiting after this many seconds (default: until the code expires). */
  timeoutSeconds?: number
  /**
   * Shows the second device code, for Microsoft Graph, when Graph has its own client (the
   * default). Absent: Graph is never signed in interactively, and Graph calls fail with
   * PASSAGE_E_GRAPH_DENIED, which discovery reports as "licence unknown" (a front end that cannot
   * show a second code must not hang waiting for one).
   */
  onGraphCode?: (prompt: DeviceCodePrompt) => void | Promise<void>
}

/** Options of the app-only sign-in with a certificate. */
export interface CertificateOptions extends SignInOptions {
  tenant: string
  clientId: string
  /** The certificate registered on the app (PEM); sent as x5c, and gives the thumbprint. */
  certificatePem: string
  /** Its private key (PEM, PKCS#8 or PKCS#1, optionally encrypted with `passphrase`). */
  privateKeyPem: string
  passphrase?: string
  /** SHA-256 thumbprint (hex); computed from the certificate when absent. */
  thumbprintSha256?: string
  /**
   * Audiences besides Exchange's whose tokens are asked for at sign-in, side by side with
   * Exchange's (a fleet plan job reads Graph at once: its token then costs no round trip of its
   * own on the job's path). The sign-in does not wait for them, and their failure is not the
   * sign-in's: the first call for that audience asks again and meets it there, as before.
   */
  warm?: readonly Audience[]
}

const signInClients = new Map<string, HttpClient>()

/**
 * Sign-in's HTTP client when none is given: one per CA for the process (it was one per sign-in,
 * never closed), so that the network module's OpenID discovery answers (msal-network.ts), kept
 * per client, serve every sign-in of the process: a fleet worker signs in to hundreds of tenants.
 */
function signInHttp(ca: string | undefined): HttpClient {
  const id = ca ?? ''
  let http = signInClients.get(id)
  if (!http) {
    http = createHttpClient({ ...(ca ? { ca } : {}), maxSockets: Infinity })
    signInClients.set(id, http)
  }
  return http
}

/** msal configuration shared by both flows. */
function msalConfig(
  opts: SignInOptions,
  clientId: string,
  tenant: string,
  discovery?: DiscoveryRefusal,
  /** Derive the tenant's OpenID metadata from another tenant's (app-only sign-in). */
  deriveMetadata = false,
): Configuration {
  const endpoints = resolveEndpoints(opts.endpoints)
  const http = opts.http ?? signInHttp(endpoints.ca)
  const authority = `${endpoints.authority}/${tenant}`
  const known = isMicrosoftAuthority(endpoints.authority)
  // msal has the endpoints of Microsoft's own authorities built in (a template per host), so it
  // fetches no tenant's document there; for another authority (the sandbox) a tenant's metadata
  // is derived from a document of the same authority this process already fetched, when it is
  // of the shape Microsoft documents (authority-metadata.ts), instead of one fetch per tenant.
  // ms-rule: client.signin-tenant-metadata
  const metadata =
    deriveMetadata && !known ? knownAuthorityMetadata(http, endpoints.authority, tenant) : undefined
  return {
    auth: {
      clientId,
      authority,
      // A non-Microsoft authority (the sandbox) is trusted by name, so msal skips Microsoft's
      // instance discovery and reads the authority's own openid-configuration through the
      // network module below (which trusts the given CA).
      ...(known ? {} : { knownAuthorities: [new URL(endpoints.authority).host] }),
      ...(metadata ? { authorityMetadata: metadata } : {}),
    },
    ...(opts.cachePlugin ? { cache: { cachePlugin: opts.cachePlugin } } : {}),
    system: {
      networkClient: msalNetworkModule(http, discovery ? { discovery } : {}),
      loggerOptions: {
        logLevel: LogLevel.Error,
        piiLoggingEnabled: false,
        // msal's messages may name accounts; passage logs its own events instead.
        loggerCallback: () => {},
      },
    },
  }
}

/** Signs an admin in with a device code (§1.6); resolves once the admin has approved. */
export async function signInWithDeviceCode(opts: DeviceCodeOptions): Promise<SignedIn> {
  const endpoints = resolveEndpoints(opts.endpoints)
  const clientId = opts.clientId ?? EXO_POWERSHELL_CLIENT_ID
  const discovery: DiscoveryRefusal = {}
  const pca = new PublicClientApplication(
    msalConfig({ ...opts, endpoints }, clientId, opts.tenant ?? 'organizations', discovery),
  )
  const request = {
    scopes: [defaultScope('exchange', endpoints)],
    deviceCodeCallback: (r: {
      userCode: string
      verificationUri: string
      message: string
      expiresIn: number
    }) => {
      // msal does not await the callback; a failing callback must not break the sign-in.
      Promise.resolve(
        opts.onCode({
          userCode: r.userCode,
          verificationUri: r.verificationUri,
          message: r.message,
          expiresIn: r.expiresIn,
        }),
      ).catch(() => {})
    },
    ...(opts.timeoutSeconds ? { timeout: opts.timeoutSeconds } : {}),
    cancel: false,
  }
  // msal polls until `cancel` is set on the request object it was given.
  const onAbort = () => {
    request.cancel = true
  }
  opts.signal?.addEventListener('abort', onAbort, { once: true })
  let account: AccountInfo
  let tenantId: string
  try {
    const result = await pca.acquireTokenByDeviceCode(request)
    if (!result?.account) throw new Error('sign-in returned no account')
    account = result.account
    tenantId = result.tenantId || account.tenantId
  } catch (e) {
    throw signInError(e, discovery)
  } finally {
    opts.signal?.removeEventListener('abort', onAbort)
  }
  return userSession(
    pca,
    account,
    tenantId,
    clientId,
    endpoints,
    graphSignIn(opts, clientId, tenantId),
  )
}

/** How a delegated session gets Graph tokens when Graph has its own public client. */
interface GraphSignIn {
  clientId: string
  pca: PublicClientApplication | null
  onCode: ((prompt: DeviceCodePrompt) => void | Promise<void>) | undefined
  signal: AbortSignal | undefined
}

function graphSignIn(
  opts: SignInOptions & {
    onGraphCode?: DeviceCodeOptions['onGraphCode']
    signal?: AbortSignal
  },
  clientId: string,
  tenantId: string,
): GraphSignIn {
  const endpoints = resolveEndpoints(opts.endpoints)
  const graphClientId = graphClientIdFor(clientId, opts.graphClientId)
  const same = graphClientId.toLowerCase() === clientId.toLowerCase()
  return {
    clientId: graphClientId,
    // Its own msal application (and so its own cache entries, under its own client id).
    pca: same
      ? null
      : new PublicClientApplication(msalConfig({ ...opts, endpoints }, graphClientId, tenantId)),
    onCode: opts.onGraphCode,
    signal: opts.signal,
  }
}

/**
 * The SignedIn of an admin's account in a public client's cache (tokens refreshed silently).
 * Graph tokens come from `graph`'s client: the same application, or, when Graph has its own
 * client, that client's cached account for the same admin, else (once, shared by concurrent
 * callers) its own device-code sign-in through `graph.onCode`. A refusal is remembered, so that
 * the admin is not asked again and again.
 * ms-rule: client.graph-client
 */
function userSession(
  pca: PublicClientApplication,
  account: AccountInfo,
  tenantId: string,
  clientId: string,
  endpoints: ExchangeEndpoints,
  graph: GraphSignIn,
): SignedIn {
  let graphAccount: Promise<AccountInfo> | null = null
  const graphPca = graph.pca
  const graphAccountOnce = (): Promise<AccountInfo> => {
    graphAccount ??= (async () => {
      if (!graphPca) return account
      const cached = (await graphPca.getTokenCache().getAllAccounts()).find(
        (a) =>
          a.tenantId.toLowerCase() === tenantId.toLowerCase() &&
          a.username.toLowerCase() === account.username.toLowerCase(),
      )
      // msal shares accounts between clients: the account is usable for Graph only when the Graph
      // client itself holds a token or refresh token for it.
      if (cached && (await silentWorks(graphPca, cached, defaultScope('graph', endpoints))))
        return cached
      const onCode = graph.onCode
      if (!onCode)
        throw new PassageError(
          'PASSAGE_E_GRAPH_DENIED',
          `Microsoft Graph needs its own sign-in with the Graph client ${graph.clientId}, and this session cannot show a second code.`,
          { details: { graphClientId: graph.clientId } },
        )
      const got = await deviceCodeToken(
        graphPca,
        defaultScope('graph', endpoints),
        onCode,
        graph.signal,
      )
      if (got.tenantId.toLowerCase() !== tenantId.toLowerCase())
        throw new PassageError(
          'PASSAGE_E_GRAPH_DENIED',
          'The Microsoft Graph sign-in was of another tenant than the Exchange Online one.',
        )
      return got.account
    })()
    return graphAccount
  }
  return {
    kind: 'user',
    tenantId,
    username: account.username || null,
    clientId,
    graphClientId: graph.clientId,
    async getToken(audience: Audience, o: TokenRequestOptions = {}) {
      const app = audience === 'graph' && graphPca ? graphPca : pca
      const who = audience === 'graph' ? await graphAccountOnce() : account
      try {
        const r = await app.acquireTokenSilent({
          account: who,
          scopes: [defaultScope(audience, endpoints)],
          ...(o.forceRefresh ? { forceRefresh: true } : {}),
        })
        return r.accessToken
      } catch (e) {
        throw signInError(e)
      }
    },
    async signOut() {
      for (const app of graphPca ? [pca, graphPca] : [pca]) {
        const cache = app.getTokenCache()
        for (const a of await cache.getAllAccounts()) await cache.removeAccount(a)
      }
    },
  }
}

/** True when a client can get a token for the account silently (from its cache). */
async function silentWorks(
  pca: PublicClientApplication,
  account: AccountInfo,
  scope: string,
): Promise<boolean> {
  try {
    await pca.acquireTokenSilent({ account, scopes: [scope] })
    return true
  } catch (e) {
    // Unreachable is reported; anything else means "ask for a code".
    const mapped = signInError(e)
    if (mapped.code === 'PASSAGE_E_NETWORK') throw mapped
    return false
  }
}

/** One device-code sign-in of a public client for a scope; the account and its tenant. */
async function deviceCodeToken(
  pca: PublicClientApplication,
  scope: string,
  onCode: (prompt: DeviceCodePrompt) => void | Promise<void>,
  signal: AbortSignal | undefined,
): Promise<{ account: AccountInfo; tenantId: string }> {
  const request = {
    scopes: [scope],
    deviceCodeCallback: (r: {
      userCode: string
      verificationUri: string
      message: string
      expiresIn: number
    }) => {
      Promise.resolve(
        onCode({
          userCode: r.userCode,
          verificationUri: r.verificationUri,
          message: r.message,
          expiresIn: r.expiresIn,
        }),
      ).catch(() => {})
    },
    cancel: false,
  }
  const onAbort = () => {
    request.cancel = true
  }
  signal?.addEventListener('abort', onAbort, { once: true })
  try {
    const result = await pca.acquireTokenByDeviceCode(request)
    if (!result?.account) throw new Error('sign-in returned no account')
    return { account: result.account, tenantId: result.tenantId || result.account.tenantId }
  } catch (e) {
    throw signInError(e)
  } finally {
    signal?.removeEventListener('abort', onAbort)
  }
}

/** Options of the silent sign-in from a persistent cache. */
export interface CachedSignInOptions extends SignInOptions {
  cachePlugin: ICachePlugin
  /** Tenant GUID: only an account of this tenant is used. */
  tenant: string
  /** Prefer this account (UPN) when the cache holds several for the tenant. */
  username?: string
  /** Shows a device code for Graph's own client when its account is not in the cache. */
  onGraphCode?: DeviceCodeOptions['onGraphCode']
}

/** A silent sign-in from the cache, or why there is none (said before a new code is shown). */
export type CachedSignIn = { signedIn: SignedIn; reason: null } | { signedIn: null; reason: string }

/**
 * Signs an admin in silently from the persistent cache (acquireTokenSilent with the cached
 * account, refreshing with its refresh token when needed). Without a usable account for the
 * tenant (none, another admin's, or its refresh token expired or was revoked) it returns why, and
 * the caller signs in with a device code. A cache that cannot be read (wrong key, changed file)
 * throws; so does an unreachable sign-in service.
 */
export async function signInFromCache(opts: CachedSignInOptions): Promise<CachedSignIn> {
  const endpoints = resolveEndpoints(opts.endpoints)
  const clientId = opts.clientId ?? EXO_POWERSHELL_CLIENT_ID
  const pca = new PublicClientApplication(msalConfig({ ...opts, endpoints }, clientId, opts.tenant))
  const tenant = opts.tenant.toLowerCase()
  const all = await pca.getTokenCache().getAllAccounts()
  const accounts = all.filter((a) => a.tenantId.toLowerCase() === tenant)
  const wanted = opts.username?.toLowerCase()
  const account =
    accounts.find((a) => wanted !== undefined && a.username.toLowerCase() === wanted) ??
    (wanted === undefined && accounts.length === 1 ? accounts[0] : undefined)
  if (!account) {
    if (all.length === 0) return { signedIn: null, reason: 'no saved sign-in on this machine yet' }
    const others = [...new Set(accounts.map((a) => a.username))].slice(0, 3)
    return {
      signedIn: null,
      reason:
        others.length > 0
          ? `the saved sign-in is of another account (${others.join(', ')}), not ${opts.username ?? 'the one connected'}`
          : 'the saved sign-ins are of other tenants',
    }
  }
  try {
    const r = await pca.acquireTokenSilent({
      account,
      scopes: [defaultScope('exchange', endpoints)],
    })
    const tid = r.tenantId || account.tenantId
    return {
      signedIn: userSession(
        pca,
        account,
        tid,
        clientId,
        endpoints,
        graphSignIn(opts, clientId, tid),
      ),
      reason: null,
    }
  } catch (e) {
    if (e instanceof PassageError) throw e
    // Only a network failure is worth failing for; anything else means "sign in again".
    const mapped = signInError(e)
    if (mapped.code === 'PASSAGE_E_NETWORK') throw mapped
    return { signedIn: null, reason: staleReason(e) }
  }
}

/** The last key converted: its PEM and passphrase as given, and its PKCS#8 PEM. */
let lastKey: { pem: string; passphrase: string | undefined; pkcs8: string } | undefined

/**
 * The key as unencrypted PKCS#8 PEM, the only form msal takes (PKCS#1 and encrypted keys are
 * accepted too). The last conversion is kept, in memory only: a fleet worker signs in to every
 * tenant with the same key, and parsing it again was a twentieth of its CPU in bench/fleet.ts.
 */
export function pkcs8Pem(pem: string, passphrase?: string): string {
  if (lastKey && lastKey.pem === pem && lastKey.passphrase === passphrase) return lastKey.pkcs8
  const pkcs8 = createPrivateKey({ key: pem, ...(passphrase ? { passphrase } : {}) })
    .export({ type: 'pkcs8', format: 'pem' })
    .toString()
  lastKey = { pem, passphrase, pkcs8 }
  return pkcs8
}

/** Signs an app in with its certificate (app-only, client credentials). */
export async function signInWithCertificate(opts: CertificateOptions): Promise<SignedIn> {
  const endpoints = resolveEndpoints(opts.endpoints)
  let privateKey: string
  let thumbprintSha256: string
  try {
    privateKey = pkcs8Pem(opts.privateKeyPem, opts.passphrase)
    thumbprintSha256 =
      opts.thumbprintSha256?.replace(/[:\s]/g, '') ??
      new X509Certificate(opts.certificatePem).fingerprint256.replace(/:/g, '')
  } catch (e) {
    throw new PassageError(
      'PASSAGE_E_INPUT',
      `The certificate or its private key cannot be read: ${e instanceof Error ? e.message : String(e)}`,
      {
        hint: 'Give the certificate and its private key as PEM files (and the passphrase if the key is encrypted).',
      },
    )
  }
  const discovery: DiscoveryRefusal = {}
  const base = msalConfig({ ...opts, endpoints }, opts.clientId, opts.tenant, discovery, true)
  const cca = new ConfidentialClientApplication({
    ...base,
    auth: {
      ...base.auth,
      clientCertificate: { thumbprintSha256, privateKey, x5c: opts.certificatePem },
    },
  })
  /** Tokens asked for at sign-in (`warm`), each handed to the first call for its audience. */
  const warming = new Map<Audience, Promise<string>>()
  const provider = {
    kind: 'app' as const,
    tenantId: opts.tenant,
    username: null,
    clientId: opts.clientId,
    // App-only: the admin's own app registration carries both APIs' application permissions.
    graphClientId: opts.clientId,
    async getToken(audience: Audience, o: TokenRequestOptions = {}) {
      const warmed = warming.get(audience)
      if (warmed) {
        warming.delete(audience)
        if (!o.forceRefresh)
          try {
            return await warmed
          } catch {
            // Asked again below: the failure is met (and said) where the token is needed.
          }
      }
      try {
        const r = await cca.acquireTokenByClientCredential({
          scopes: [defaultScope(audience, endpoints)],
          ...(o.forceRefresh ? { skipCache: true } : {}),
        })
        if (!r) throw new Error('sign-in returned no token')
        return r.accessToken
      } catch (e) {
        // With derived metadata no document was fetched: an unknown tenant is refused by the
        // token endpoint instead, and is said as the document's refusal would have said it.
        if (base.auth.authorityMetadata && !discovery.refused) {
          const refused = tenantRefusal(e)
          if (refused) discovery.refused = refused
        }
        throw signInError(e, discovery)
      }
    },
    async signOut() {
      cca.clearCache()
    },
  }
  // Sign in now, so that a refused certificate fails here rather than at the first call; the
  // other audiences' tokens are asked for at the same time (not waited for).
  const signingIn = provider.getToken('exchange')
  for (const audience of new Set(opts.warm ?? []))
    if (audience !== 'exchange') {
      const asked = provider.getToken(audience)
      asked.catch(() => {})
      warming.set(audience, asked)
    }
  const token = await signingIn
  return { ...provider, tenantId: readClaims(token)?.tenantId ?? opts.tenant }
}
