/** Certificates for app-only sign-in: what a registered app holds and the sandbox checks. */
import { X509Certificate, createHash, generateKeyPairSync, randomBytes } from 'node:crypto'
import forge from 'node-forge'
import type { DirectoryRoleName, SandboxApp } from '../contracts.js'
import { newGuid } from './ids.js'

export interface Thumbprints {
  /** SHA-1 of the DER certificate, upper-case hex (what the portal shows, msal's `thumbprint`). */
  sha1Hex: string
  /** SHA-256 of the DER certificate, upper-case hex (msal's `thumbprintSha256`). */
  sha256Hex: string
  /** The same, base64url: the `x5t` and `x5t#S256` JWT header values. */
  x5t: string
  x5tS256: string
}

/**
 * Thumbprints already worked out, by certificate PEM: the token endpoint checks every client
 * assertion against its app's registered certificate, the same one for every tenant of a fleet,
 * and parsing it each time was a tenth of the sandbox's CPU in bench/fleet.ts. Bounded; a full
 * cache is emptied (the next calls fill it again).
 */
const thumbprintsByPem = new Map<string, Readonly<Thumbprints>>()
const MAX_CACHED_CERTIFICATES = 256

export function thumbprints(certificatePem: string): Thumbprints {
  const known = thumbprintsByPem.get(certificatePem)
  if (known) return { ...known }
  const made = computeThumbprints(certificatePem)
  if (thumbprintsByPem.size >= MAX_CACHED_CERTIFICATES) thumbprintsByPem.clear()
  thumbprintsByPem.set(certificatePem, Object.freeze({ ...made }))
  return made
}

function computeThumbprints(certificatePem: string): Thumbprints {
  const der = new X509Certificate(certificatePem).raw
  const sha1 = createHash('sha1').update(der).digest()
  const sha256 = createHash('sha256').update(der).digest()
  return {
    sha1Hex: sha1.toString('hex').toUpperCase(),
    sha256Hex: sha256.toString('hex').toUpperCase(),
    x5t: sha1.toString('base64url'),
    x5tS256: sha256.toString('base64url'),
  }
}

export interface AppCredentials extends Thumbprints {
  app: SandboxApp
  /** PKCS#8 PEM of the private key: the caller keeps it, the sandbox never stores it. */
  privateKeyPem: string
  certificatePem: string
}

/**
 * A new app registration with a self-signed certificate (RSA 2048, 1 year), as
 * `New-SelfSignedCertificate` + "Upload certificate" would make it.
 */
export function createAppCredentials(opts: {
  displayName: string
  clientId?: string
  appRoles?: string[]
  roles?: DirectoryRoleName[]
  now?: Date
}): AppCredentials {
  const now = opts.now ?? new Date()
  const { privateKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  })
  const key = forge.pki.privateKeyFromPem(privateKey) as forge.pki.rsa.PrivateKey
  const cert = forge.pki.createCertificate()
  cert.publicKey = forge.pki.setRsaPublicKey(key.n, key.e)
  const serial = randomBytes(16)
  serial[0] = (serial[0] ?? 0) & 0x7f
  cert.serialNumber = serial.toString('hex')
  cert.validity.notBefore = new Date(now.getTime() - 60_000)
  cert.validity.notAfter = new Date(now.getTime() + 365 * 24 * 3600 * 1000)
  const subject = [{ name: 'commonName', value: opts.displayName }]
  cert.setSubject(subject)
  cert.setIssuer(subject)
  cert.setExtensions([
    { name: 'basicConstraints', cA: false },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
    { name: 'extKeyUsage', clientAuth: true },
  ])
  cert.sign(key, forge.md.sha256.create())
  const certificatePem = forge.pki.certificateToPem(cert)
  return {
    app: {
      clientId: opts.clientId ?? newGuid(),
      displayName: opts.displayName,
      certificatePem,
      appRoles: opts.appRoles ?? ['Exchange.ManageAsApp', 'Organization.Read.All'],
      roles: opts.roles ?? ['Exchange Administrator'],
    },
    privateKeyPem: privateKey,
    certificatePem,
    ...thumbprints(certificatePem),
  }
}
