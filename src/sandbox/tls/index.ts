/**
 * The sandbox's TLS material: a local certificate authority and a loopback server certificate
 * signed by it. Clients trust the sandbox by trusting `ca.pem` (never by turning checks off).
 */
import { randomBytes, sign } from 'node:crypto'
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import forge from 'node-forge'
import { takeKey } from './key-pool.js'

export interface Certificates {
  caPem: string
  certPem: string
  keyPem: string
  /** Where ca.pem was written, or null when the material lives in memory only. */
  caPath: string | null
}

const CA_FILE = 'ca.pem'
const CERT_FILE = 'server.pem'
const KEY_FILE = 'server-key.pem'

/**
 * Returns the CA and server certificate. With a directory, reuses ca.pem / server.pem /
 * server-key.pem found there (if they are still valid) or writes new ones; with null, generates
 * them in memory.
 */
export async function ensureCertificates(dir: string | null): Promise<Certificates> {
  if (dir === null) return { ...(await generateCertificates(new Date())), caPath: null }
  const caPath = join(dir, CA_FILE)
  const existing = await readExisting(dir)
  if (existing !== null) return { ...existing, caPath }
  const made = await generateCertificates(new Date())
  await mkdir(dir, { recursive: true, mode: 0o700 })
  await writeFile(caPath, made.caPem, { mode: 0o644 })
  await writeFile(join(dir, CERT_FILE), made.certPem, { mode: 0o644 })
  const keyPath = join(dir, KEY_FILE)
  await writeFile(keyPath, made.keyPem, { mode: 0o600 })
  await chmod(keyPath, 0o600)
  return { ...made, caPath }
}

async function readExisting(
  dir: string,
): Promise<{ caPem: string; certPem: string; keyPem: string } | null> {
  try {
    const [caPem, certPem, keyPem] = await Promise.all(
      [CA_FILE, CERT_FILE, KEY_FILE].map((f) => readFile(join(dir, f), 'utf8')),
    )
    if (caPem === undefined || certPem === undefined || keyPem === undefined) return null
    const ca = forge.pki.certificateFromPem(caPem)
    const cert = forge.pki.certificateFromPem(certPem)
    forge.pki.privateKeyFromPem(keyPem)
    // Renew a day before the server certificate lapses, or when it was not issued by this CA.
    const soon = new Date(Date.now() + 24 * 3600 * 1000)
    if (cert.validity.notAfter < soon || ca.validity.notAfter < soon) return null
    if (!ca.verify(cert)) return null
    return { caPem, certPem, keyPem }
  } catch {
    return null
  }
}

/**
 * Signs a certificate with an RSA private key (PEM) by node:crypto, as forge's cert.sign(key,
 * sha256) would (RSASSA-PKCS1-v1_5 over the DER of the TBSCertificate), in native code.
 */
function signCertificate(cert: forge.pki.Certificate, privateKeyPem: string): void {
  const pki = forge.pki as typeof forge.pki & {
    getTBSCertificate(c: forge.pki.Certificate): forge.asn1.Asn1
  }
  cert.signatureOid = cert.siginfo.algorithmOid = pki.oids.sha256WithRSAEncryption as string
  cert.tbsCertificate = pki.getTBSCertificate(cert)
  const tbs = Buffer.from(forge.asn1.toDer(cert.tbsCertificate).getBytes(), 'binary')
  cert.signature = sign('sha256', tbs, privateKeyPem).toString('binary')
}

/** A positive serial number (the high bit cleared so it is not read as negative). */
function serial(): string {
  const bytes = randomBytes(16)
  bytes[0] = (bytes[0] ?? 0) & 0x7f
  return bytes.toString('hex')
}

/**
 * A new CA and server certificate. The two key pairs come from the key pool (made off the main
 * thread, in parallel) and both certificates are signed by node:crypto.
 */
async function generateCertificates(
  now: Date,
): Promise<{ caPem: string; certPem: string; keyPem: string }> {
  const notBefore = new Date(now.getTime() - 60 * 60 * 1000)
  const [caKeys, serverKeys] = await Promise.all([takeKey(), takeKey()])
  const ca = forge.pki.createCertificate()
  ca.publicKey = forge.pki.publicKeyFromPem(caKeys.publicKey)
  ca.serialNumber = serial()
  ca.validity.notBefore = notBefore
  ca.validity.notAfter = new Date(now.getTime())
  ca.validity.notAfter.setFullYear(now.getFullYear() + 10)
  const caSubject = [
    { name: 'commonName', value: 'passage sandbox CA' },
    { name: 'organizationName', value: 'passage sandbox' },
  ]
  ca.setSubject(caSubject)
  ca.setIssuer(caSubject)
  ca.setExtensions([
    { name: 'basicConstraints', cA: true, critical: true, pathLenConstraint: 0 },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ])
  signCertificate(ca, caKeys.privateKey)

  const cert = forge.pki.createCertificate()
  cert.publicKey = forge.pki.publicKeyFromPem(serverKeys.publicKey)
  cert.serialNumber = serial()
  cert.validity.notBefore = notBefore
  // Two years: under the lifetime limits TLS clients enforce on server certificates.
  cert.validity.notAfter = new Date(now.getTime() + 2 * 365 * 24 * 3600 * 1000)
  cert.setSubject([{ name: 'commonName', value: 'localhost' }])
  cert.setIssuer(caSubject)
  cert.setExtensions([
    { name: 'basicConstraints', cA: false, critical: true },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    { name: 'extKeyUsage', serverAuth: true },
    {
      name: 'subjectAltName',
      altNames: [
        { type: 2, value: 'localhost' },
        { type: 7, ip: '127.0.0.1' },
        { type: 7, ip: '::1' },
      ],
    },
    { name: 'subjectKeyIdentifier' },
    { name: 'authorityKeyIdentifier', keyIdentifier: ca.generateSubjectKeyIdentifier().getBytes() },
  ])
  signCertificate(cert, caKeys.privateKey)

  return {
    caPem: forge.pki.certificateToPem(ca),
    certPem: forge.pki.certificateToPem(cert),
    keyPem: forge.pki.privateKeyToPem(forge.pki.privateKeyFromPem(serverKeys.privateKey)),
  }
}
