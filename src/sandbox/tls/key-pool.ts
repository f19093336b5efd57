/**
 * RSA-2048 key pairs for the sandbox (its certificate authority, its server certificate and its
 * token-signing key), made by node:crypto's asynchronous generateKeyPair on libuv's thread pool,
 * never on the main thread. `warmKeys` starts making them early (the demo does, before it loads the
 * rest of passage), so that starting the sandbox finds them made; `takeKey` hands each out once,
 * making one when none is waiting.
 */
import { generateKeyPair } from 'node:crypto'

/** A key pair as PEM: SPKI public key, PKCS #8 private key. */
export interface PemKeyPair {
  publicKey: string
  privateKey: string
}

const waiting: Promise<PemKeyPair>[] = []

function make(): Promise<PemKeyPair> {
  return new Promise((resolve, reject) =>
    generateKeyPair(
      'rsa',
      {
        modulusLength: 2048,
        publicKeyEncoding: { type: 'spki', format: 'pem' },
        privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
      },
      (err, publicKey, privateKey) => (err ? reject(err) : resolve({ publicKey, privateKey })),
    ),
  )
}

/** Starts making key pairs in the background until `count` are waiting. */
export function warmKeys(count: number): void {
  while (waiting.length < count) {
    const key = make()
    // A failure surfaces when the key is taken.
    key.catch(() => undefined)
    waiting.push(key)
  }
}

/** A key pair no one else has been given: one made in advance, or a new one. */
export function takeKey(): Promise<PemKeyPair> {
  return waiting.shift() ?? make()
}
