/**
 * The sandbox at fleet scale: generated tenants (generate.ts) and the operator's multi-tenant app
 * registration that admin consent turns into a service principal in each of them
 * (identity/consent.ts).
 */
import type { SandboxRegistration } from '../contracts.js'
import { createAppCredentials } from '../identity/app-cert.js'
import { deterministicGuid } from '../seed/guid.js'

export {
  fleetMeta,
  fleetTenantName,
  generateFleet,
  MAX_FLEET,
  type FleetOptions,
} from './generate.js'

/** The operator's app: its registration (public) and the key only the operator keeps. */
export interface FleetRegistration {
  registration: SandboxRegistration
  certificatePem: string
  /** PKCS#8 PEM. Written to a 0600 file by `passage sandbox`; never in the world or a log. */
  privateKeyPem: string
  /** SHA-256 thumbprint of the certificate, upper-case hex. */
  thumbprintSha256: string
}

/**
 * A multi-tenant app registration for the fleet operator with a new certificate (RSA 2048, one
 * year) and the application permission Exchange app-only access needs, Exchange.ManageAsApp
 * (office-docs-powershell app-only-auth-powershell-v2.md, Step 2), plus Graph's
 * Organization.Read.All. Its client id follows from the seed (the certificate does not).
 */
export function fleetRegistration(opts: {
  seed: number
  displayName?: string
  now?: Date
}): FleetRegistration {
  const creds = createAppCredentials({
    displayName: opts.displayName ?? 'passage fleet operator',
    clientId: deterministicGuid('sandbox-fleet-app', opts.seed),
    appRoles: ['Exchange.ManageAsApp', 'Organization.Read.All'],
    roles: [],
    ...(opts.now ? { now: opts.now } : {}),
  })
  return {
    registration: {
      clientId: creds.app.clientId,
      displayName: creds.app.displayName,
      certificatePem: creds.certificatePem,
      appRoles: [...creds.app.appRoles],
      redirectUris: ['http://localhost'],
    },
    certificatePem: creds.certificatePem,
    privateKeyPem: creds.privateKeyPem,
    thumbprintSha256: creds.sha256Hex,
  }
}
