/** Client assertions (RFC 7523) signed with an app's registered certificate. */
import { createHash } from 'node:crypto'
import { decodeProtectedHeader, errors as joseErrors, importX509, jwtVerify } from 'jose'
import type { SandboxApp, SandboxTenant } from '../contracts.js'
import { thumbprints } from './app-cert.js'
import type { IdentityContext } from './context.js'
import { Errors } from './errors.js'

const ALGORITHMS = ['RS256', 'PS256']
/** Clock skew Entra tolerates on assertion times. */
const SKEW_SECONDS = 300

/**
 * Verification keys of registered certificates, by algorithm and PEM: one import per certificate
 * and algorithm instead of one per token request (the fleet's app has one certificate for every
 * tenant). Bounded like app-cert.ts's thumbprints. A PEM that fails to import is not kept.
 */
const keysByCertificate = new Map<string, Promise<Awaited<ReturnType<typeof importX509>>>>()
const MAX_CACHED_KEYS = 256

function verificationKey(certificatePem: string, alg: string) {
  const id = `${alg}\n${certificatePem}`
  let key = keysByCertificate.get(id)
  if (!key) {
    if (keysByCertificate.size >= MAX_CACHED_KEYS) keysByCertificate.clear()
    key = importX509(certificatePem, alg)
    keysByCertificate.set(id, key)
    key.catch(() => keysByCertificate.delete(id))
  }
  return key
}

/** Used assertion ids, per client: the jti and a hash of the assertion that carried it. */
export class JtiCache {
  private readonly seen = new Map<string, { digest: string; exp: number }>()

  /**
   * Records a jti. A jti seen before with a different assertion is a replay; the very same
   * assertion may be presented again until it expires (msal-node caches and reuses its signed
   * assertion for up to 10 minutes, across resources).
   */
  use(clientId: string, jti: string, assertion: string, exp: number, nowSeconds: number): boolean {
    for (const [k, v] of this.seen) if (v.exp + SKEW_SECONDS < nowSeconds) this.seen.delete(k)
    const key = `${clientId.toLowerCase()}|${jti}`
    const digest = createHash('sha256').update(assertion).digest('hex')
    const prior = this.seen.get(key)
    if (prior !== undefined) return prior.digest === digest
    this.seen.set(key, { digest, exp })
    return true
  }
}

/** The audiences Entra accepts for an assertion sent to this tenant's token endpoint. */
function acceptedAudiences(ctx: IdentityContext, tenant: SandboxTenant, segment: string): string[] {
  const base = ctx.baseUrl().toLowerCase()
  const names = new Set([
    segment.toLowerCase(),
    tenant.snapshot.tenant.id.toLowerCase(),
    tenant.snapshot.tenant.name.toLowerCase(),
    ...tenant.snapshot.acceptedDomains.map((d) => d.DomainName.toLowerCase()),
  ])
  return [...names].flatMap((n) => [
    `${base}/${n}/oauth2/v2.0/token`,
    `${base}/${n}/oauth2/token`,
    `${base}/${n}/v2.0`,
  ])
}

/** Verifies a client assertion for `app`; throws EntraError when it does not hold. */
export async function verifyClientAssertion(
  ctx: IdentityContext,
  jtis: JtiCache,
  assertion: string,
  app: SandboxApp,
  tenant: SandboxTenant,
  segment: string,
): Promise<void> {
  let header: ReturnType<typeof decodeProtectedHeader>
  try {
    header = decodeProtectedHeader(assertion)
  } catch {
    throw Errors.assertionMalformed('The client assertion is not a JWS.')
  }
  const alg = typeof header.alg === 'string' ? header.alg : ''
  if (!ALGORITHMS.includes(alg))
    throw Errors.assertionMalformed(`The signing algorithm '${alg}' is not supported.`)
  const registered = thumbprints(app.certificatePem)
  const s256 = header['x5t#S256']
  if (typeof s256 === 'string') {
    if (s256 !== registered.x5tS256) throw Errors.assertionKeyUnknown(s256, app.clientId)
  } else if (typeof header.x5t === 'string') {
    if (header.x5t !== registered.x5t) throw Errors.assertionKeyUnknown(header.x5t, app.clientId)
  } else {
    throw Errors.assertionMalformed("The client assertion header has neither 'x5t' nor 'x5t#S256'.")
  }
  const now = ctx.now()
  let payload: Record<string, unknown>
  try {
    const key = await verificationKey(app.certificatePem, alg)
    payload = (
      await jwtVerify(assertion, key, {
        algorithms: [alg],
        currentDate: now,
        clockTolerance: SKEW_SECONDS,
        requiredClaims: ['aud', 'exp', 'iss', 'sub', 'jti'],
      })
    ).payload
  } catch (e) {
    if (e instanceof joseErrors.JWTExpired) throw Errors.assertionTime(now)
    if (e instanceof joseErrors.JWTClaimValidationFailed) {
      if (e.claim === 'nbf' || e.claim === 'iat') throw Errors.assertionTime(now)
      throw Errors.assertionMalformed(`Claim '${e.claim}' is ${e.reason}.`)
    }
    if (e instanceof joseErrors.JWSSignatureVerificationFailed) throw Errors.assertionSignature()
    throw Errors.assertionMalformed('The client assertion could not be read.')
  }
  if (payload['iss'] !== app.clientId || payload['sub'] !== app.clientId)
    throw Errors.assertionIssuer()
  const auds = Array.isArray(payload['aud']) ? payload['aud'].map(String) : [String(payload['aud'])]
  const accepted = acceptedAudiences(ctx, tenant, segment)
  if (!auds.some((a) => accepted.includes(a.toLowerCase().replace(/\/+$/, ''))))
    throw Errors.assertionAudience(auds.join(' '))
  const exp = Number(payload['exp'])
  if (
    !jtis.use(
      app.clientId,
      String(payload['jti']),
      assertion,
      exp,
      Math.floor(now.getTime() / 1000),
    )
  )
    throw Errors.assertionReplay()
}
