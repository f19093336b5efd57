import { createHash, createPrivateKey, createPublicKey } from 'node:crypto'
import type { KeyObject } from 'node:crypto'
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { takeKey } from '../tls/key-pool.js'

/** The identity's token-signing key. */
export interface SigningKey {
  privateKey: KeyObject
  publicKey: KeyObject
  /** Key id: the RFC 7638 JWK thumbprint, base64url. */
  kid: string
  /** The public key as a JWKS entry. */
  jwk: Record<string, unknown>
}

const KEY_FILE = 'token-signing-key.pem'

/** Loads the signing key from `dir` (creating it there, mode 0600), or makes one in memory. */
export async function loadSigningKey(dir: string | null): Promise<SigningKey> {
  if (dir === null) return fromPrivateKey(await generate())
  const path = join(dir, KEY_FILE)
  let pem: string | null = null
  try {
    pem = await readFile(path, 'utf8')
    createPrivateKey(pem)
  } catch {
    pem = null
  }
  if (pem === null) {
    pem = await generate()
    await mkdir(dir, { recursive: true, mode: 0o700 })
    await writeFile(path, pem, { mode: 0o600 })
    await chmod(path, 0o600)
  }
  return fromPrivateKey(pem)
}

/** A new RSA-2048 private key (PKCS #8 PEM), made off the main thread (see ../tls/key-pool.ts). */
async function generate(): Promise<string> {
  return (await takeKey()).privateKey
}

function fromPrivateKey(pem: string): SigningKey {
  const privateKey = createPrivateKey(pem)
  const publicKey = createPublicKey(privateKey)
  const exported = publicKey.export({ format: 'jwk' })
  const n = String(exported.n)
  const e = String(exported.e)
  const kid = createHash('sha256')
    .update(JSON.stringify({ e, kty: 'RSA', n }))
    .digest('base64url')
  return { privateKey, publicKey, kid, jwk: { kty: 'RSA', use: 'sig', kid, alg: 'RS256', n, e } }
}
