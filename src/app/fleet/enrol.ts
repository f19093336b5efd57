/**
 * Enrolment of a customer tenant in the fleet: the customer's Global Administrator consents to
 * the operator's multi-tenant app, and the customer's admin, signed in once with a device code,
 * gives the app's service principal an Exchange role group; passage then proves app-only access
 * and records the tenant `enrolled`.
 *
 * Microsoft's basis (office-docs-powershell exchange/docs-conceptual/app-only-auth-powershell-v2.md):
 * - Step 4b: admin consent at `{authority}/{tenant}/adminconsent?client_id={appId}` grants the
 *   app's application permission Exchange.ManageAsApp (token scope
 *   https://outlook.office365.com/.default) in that tenant and creates its service principal.
 * - Step 5: the app needs a role. The page lists the Entra roles it supports and says only
 *   Exchange Administrator and Global Administrator (not Security Administrator) cover the
 *   anti-spam, anti-malware and anti-phishing tasks; it also documents Exchange RBAC for service
 *   principals: `New-ServicePrincipal -AppId -ObjectId -DisplayName`, then `Add-RoleGroupMember`
 *   (office-docs-powershell exchange/exchange-ps/ExchangePowerShell/New-ServicePrincipal.md).
 *   passage grants through Exchange RBAC (one device code with the Exchange Online PowerShell
 *   client, no Graph, no Privileged Role Administrator): `Organization Management` for fleets that
 *   change things (the Exchange side of Exchange Administrator), `View-Only Organization
 *   Management` for check-only fleets. Microsoft names no narrower Exchange role set for these
 *   cmdlets: a narrower custom role group is UNCONFIRMED, and said so in the status lines.
 */
import { decodeJwt } from 'jose'
import { isPassageError, PassageError } from '../../core/errors/index.js'
import {
  createHttpClient,
  initialDomainOf,
  signInWithCertificate,
  type DeviceCodePrompt,
  type SignedIn,
} from '../../exchange/index.js'
import type { Store } from '../../store/index.js'
import type { FleetAccess, FleetApp, FleetTenant } from '../../store/fleet.js'
import { readText } from '../files.js'
import { openSession, type Session } from '../session.js'
import { normaliseTags } from './import.js'
import { safeMessage } from './item-state.js'
import { fleetProfile, openAppSession } from './tenant-sessions.js'

/** The role group that gives each access (Exchange RBAC, see the module comment). */
export const ROLE_GROUP: Record<FleetAccess, string> = {
  change: 'Organization Management',
  read: 'View-Only Organization Management',
}

/** Said in the status lines and the README: what Microsoft does and does not document. */
export const ROLE_BASIS =
  "Microsoft: Exchange RBAC for service principals (app-only-auth-powershell-v2.md, Step 5); a narrower Exchange role set for passage's cmdlets is UNCONFIRMED (Microsoft names none)."

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/** Default wait for the customer's consent: 15 minutes. */
export const CONSENT_WAIT_MS = 15 * 60 * 1000
/** How often the app's token is tried while waiting for consent. */
export const CONSENT_POLL_MS = 3000

/**
 * The admin consent URL for the fleet app in a tenant (GUID or domain): Microsoft's v1 form
 * (app-only-auth-powershell-v2.md, Step 4b).
 */
export function consentUrl(app: FleetApp, tenant: string): string {
  return `${app.endpoints.authority.replace(/\/+$/, '')}/${encodeURIComponent(tenant)}/adminconsent?client_id=${encodeURIComponent(app.appId)}`
}

export interface EnrolOptions {
  /** The tenant: GUID, or its *.onmicrosoft.com name or a verified domain. */
  tenant: string
  access: FleetAccess
  tags: string[]
  keyPem: string
  caPem?: string
  /** Shows the customer's admin's device code. */
  onCode: (p: DeviceCodePrompt) => void | Promise<void>
  onStatus?: (line: string) => void
  waitForConsentMs?: number
  signal?: AbortSignal
  /** How often the app's token is tried while waiting (default 3 s; tests shorten it). */
  pollMs?: number
}

/** Waits `ms`, or less when aborted. */
function pause(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason as Error)
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', stop)
      resolve()
    }, ms)
    const stop = () => {
      clearTimeout(t)
      reject(signal?.reason as Error)
    }
    signal?.addEventListener('abort', stop, { once: true })
  })
}

/**
 * The tenant's GUID for a domain, from its OpenID configuration's issuer (the authority answers
 * for any tenant, consented or not); null when it cannot tell.
 */
async function tenantGuidOf(app: FleetApp, tenant: string, ca?: string): Promise<string | null> {
  if (GUID.test(tenant)) return tenant.toLowerCase()
  const http = createHttpClient(ca ? { ca } : {})
  try {
    const res = await http.request({
      method: 'GET',
      url: `${app.endpoints.authority.replace(/\/+$/, '')}/${encodeURIComponent(tenant)}/v2.0/.well-known/openid-configuration`,
      timeoutMs: 15_000,
    })
    if (res.status !== 200) return null
    const issuer = (JSON.parse(res.text) as { issuer?: unknown }).issuer
    const m = typeof issuer === 'string' ? /\/([0-9a-f-]{36})\/v2\.0\/?$/i.exec(issuer) : null
    return m?.[1] && GUID.test(m[1]) ? m[1].toLowerCase() : null
  } catch {
    return null
  } finally {
    http.close()
  }
}

/** The app's sign-in to the tenant, once the customer has consented (polls until then). */
async function waitForConsent(
  app: FleetApp,
  tenant: string,
  opts: EnrolOptions,
  ca: string | undefined,
  say: (line: string) => void,
): Promise<SignedIn> {
  const deadline = Date.now() + (opts.waitForConsentMs ?? CONSENT_WAIT_MS)
  const certificatePem = readText(app.certificateFile)
  let lastReason = ''
  for (;;) {
    opts.signal?.throwIfAborted()
    try {
      return await signInWithCertificate({
        endpoints: { ...app.endpoints, ...(ca ? { ca } : {}) },
        tenant,
        clientId: app.appId,
        certificatePem,
        privateKeyPem: opts.keyPem,
        ...(app.thumbprintSha256 ? { thumbprintSha256: app.thumbprintSha256 } : {}),
      })
    } catch (e) {
      // Entra refuses the token until consent (AADSTS7000229 / 65001-like); anything else that is
      // not a sign-in refusal (the network, a bad key) is said at once.
      if (!isPassageError(e, 'PASSAGE_E_SIGNIN')) throw e
      // A disabled service principal is consented already: waiting would never end. Entra
      // answers AADSTS7000112, "UnauthorizedClientApplicationDisabled - The application is
      // disabled" (entra-docs reference-error-codes.md).
      if (/AADSTS7000112\b/.test(e.message))
        throw new PassageError(
          'PASSAGE_E_SIGNIN',
          `The fleet app is disabled in ${tenant} (AADSTS7000112): consent was given, but its service principal is disabled there.`,
          {
            hint: "The tenant's admin enables it again (Entra admin center, Enterprise applications, the app's Properties: Enabled for users to sign in), then run passage fleet enrol again.",
          },
        )
      const reason = safeMessage(e.message)
      if (reason !== lastReason) say(`Not yet: ${reason}`)
      lastReason = reason
      if (Date.now() + (opts.pollMs ?? CONSENT_POLL_MS) > deadline)
        throw new PassageError(
          'PASSAGE_E_FLEET_CONSENT',
          `No consent for the fleet app in ${tenant} after ${Math.round((opts.waitForConsentMs ?? CONSENT_WAIT_MS) / 1000)} s: ${reason}`,
        )
    }
    await pause(opts.pollMs ?? CONSENT_POLL_MS, opts.signal)
  }
}

/** The object id of the app's service principal in the tenant: its app-only token's `oid`. */
async function servicePrincipalId(signedIn: SignedIn): Promise<string> {
  const token = await signedIn.getToken('exchange')
  let oid: unknown
  try {
    oid = decodeJwt(token).oid
  } catch {
    oid = undefined
  }
  if (typeof oid !== 'string' || !GUID.test(oid))
    throw new PassageError(
      'PASSAGE_E_SIGNIN',
      "The app's token names no service principal (no oid claim): the tenant's consent cannot be confirmed.",
    )
  return oid.toLowerCase()
}

/** Gives the service principal its role group through the admin's Exchange session (idempotent). */
async function grantRole(
  admin: Session,
  app: FleetApp,
  spId: string,
  access: FleetAccess,
  say: (line: string) => void,
  signal?: AbortSignal,
): Promise<void> {
  const o = signal ? { signal } : {}
  const displayName = `passage fleet (${app.appId})`
  const existing = await admin.exo
    .invokeCommand({ cmdlet: 'Get-ServicePrincipal', params: { Identity: spId } }, o)
    .catch((e: unknown) => {
      if (isPassageError(e, 'PASSAGE_E_EXO_NOT_FOUND')) return []
      throw e
    })
  if (existing.length === 0) {
    await admin.exo.invokeCommand(
      {
        cmdlet: 'New-ServicePrincipal',
        params: { AppId: app.appId, ObjectId: spId, DisplayName: displayName },
      },
      o,
    )
    say(`Exchange: service principal ${spId} created for app ${app.appId}.`)
  } else say(`Exchange: service principal ${spId} already there.`)
  const group = ROLE_GROUP[access]
  try {
    await admin.exo.invokeCommand(
      { cmdlet: 'Add-RoleGroupMember', params: { Identity: group, Member: spId } },
      o,
    )
    say(`Exchange: added to '${group}'. ${ROLE_BASIS}`)
  } catch (e) {
    // Already a member is what was asked for.
    if (isPassageError(e) && /already a member|MemberAlreadyExists/i.test(e.message))
      say(`Exchange: already in '${group}'. ${ROLE_BASIS}`)
    else throw e
  }
}

/**
 * Proves the app's own access: Get-AcceptedDomain through the admin API with the app's session,
 * and the organisation from Graph (Graph is optional: a refusal is said, not fatal). Returns the
 * tenant's *.onmicrosoft.com name when either says it.
 */
async function proveAccess(
  app: FleetApp,
  tenantId: string,
  keyPem: string,
  ca: string | undefined,
  say: (line: string) => void,
  signal?: AbortSignal,
): Promise<string | null> {
  const session = await openAppSession(app, tenantId, { keyPem, ...(ca ? { caPem: ca } : {}) })
  try {
    const domains = await session.exo.invokeCommand(
      { cmdlet: 'Get-AcceptedDomain', params: {} },
      signal ? { signal } : {},
    )
    let name = initialDomainOf(domains.map((d) => String(d.DomainName ?? d.Name ?? '')))
    say(`App-only access proven: Get-AcceptedDomain answered (${domains.length} domains).`)
    if (session.graphSignedIn) {
      const org = await session.graph.organization(signal).catch((e: unknown) => {
        say(
          `Graph: the app may not read the organisation (optional): ${isPassageError(e) ? safeMessage(e.message) : 'refused'}`,
        )
        return null
      })
      if (org) name = org.initialDomain ?? name
    }
    return name
  } finally {
    session.close()
  }
}

/** Enrols one tenant (see the module comment); returns it as recorded. */
export async function enrolTenant(store: Store, opts: EnrolOptions): Promise<FleetTenant> {
  const app = await store.getFleetApp()
  if (!app)
    throw new PassageError('PASSAGE_E_FLEET_APP', "The fleet's app registration is not set.")
  const say = (line: string) => opts.onStatus?.(line)
  const given = opts.tenant.trim().toLowerCase()
  if (
    !given ||
    (!GUID.test(given) &&
      !/^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$/.test(given))
  )
    throw new PassageError(
      'PASSAGE_E_INPUT',
      `'${opts.tenant.slice(0, 80)}' is no tenant: give its GUID or *.onmicrosoft.com name.`,
    )
  const tags = normaliseTags(opts.tags)
  const ca = opts.caPem ?? (app.caFile ? readText(app.caFile) : undefined)
  const known = await tenantGuidOf(app, given, ca)
  const before = known ? await store.getFleetTenant(known) : null
  const record = async (t: Omit<FleetTenant, 'updatedAt'>) => {
    await store.upsertFleetTenant(t)
    return (await store.getFleetTenant(t.tenantId)) as FleetTenant
  }
  const base = (tenantId: string, name: string): Omit<FleetTenant, 'updatedAt'> => ({
    tenantId,
    name,
    tags,
    state: 'consent-pending',
    access: opts.access,
    enrolledAt: before?.enrolledAt ?? null,
    lastErrorCode: null,
    lastErrorMessage: null,
  })
  const fallbackName =
    before?.name ?? (given.endsWith('.onmicrosoft.com') ? given : (known ?? given))
  if (known && before?.state !== 'enrolled') await record(base(known, fallbackName))

  say(`Consent: the customer's Global Administrator opens ${consentUrl(app, known ?? given)}`)
  say('  and accepts the app (Exchange.ManageAsApp; app-only-auth-powershell-v2.md, Step 4b).')
  say('Waiting for consent (the app tries its token every 3 s)...')
  let signedIn: SignedIn
  try {
    signedIn = await waitForConsent(app, known ?? given, opts, ca, say)
  } catch (e) {
    if (known && isPassageError(e))
      await record({
        ...base(known, fallbackName),
        state: before?.state === 'enrolled' ? 'enrolled' : 'consent-pending',
        lastErrorCode: e.code,
        lastErrorMessage: safeMessage(e.message),
      })
    throw e
  }
  const tenantId = signedIn.tenantId.toLowerCase()
  const spId = await servicePrincipalId(signedIn)
  await signedIn.signOut()
  say(`Consent granted: the app's service principal in ${tenantId} is ${spId}.`)

  // The customer's admin: one device code with the Exchange Online PowerShell client.
  const profile = {
    ...fleetProfile(app, tenantId),
    auth: { kind: 'device' as const },
    lastActor: null,
  }
  say(
    `Role: the customer's admin signs in once (Exchange Online PowerShell client) to give the app '${ROLE_GROUP[opts.access]}'.`,
  )
  const admin = await openSession(profile, {
    onCode: opts.onCode,
    ...(ca ? { caPem: ca } : {}),
    ...(opts.signal ? { signal: opts.signal } : {}),
  })
  try {
    await grantRole(admin, app, spId, opts.access, say, opts.signal)
  } finally {
    admin.close()
  }

  let name: string | null
  try {
    name = await proveAccess(app, tenantId, opts.keyPem, ca, say, opts.signal)
  } catch (e) {
    if (isPassageError(e)) {
      await record({
        ...base(tenantId, before?.name ?? fallbackName),
        state: 'no-access',
        lastErrorCode: e.code,
        lastErrorMessage: safeMessage(e.message),
      })
      throw new PassageError(e.code, `The app still cannot act in ${tenantId}: ${e.message}`, {
        hint: 'A role given in Exchange can take up to an hour to apply; run `passage fleet enrol` again later (it is idempotent).',
      })
    }
    throw e
  }
  const enrolled = await record({
    ...base(tenantId, name ?? before?.name ?? fallbackName),
    state: 'enrolled',
    enrolledAt: before?.enrolledAt ?? new Date().toISOString(),
  })
  say(`Enrolled ${enrolled.name} (${tenantId}) with ${opts.access} access.`)
  return enrolled
}

export { importTenants } from './import.js'
