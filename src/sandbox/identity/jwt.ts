/**
 * Compact RS256 JWTs with Node's crypto, synchronously (verifyAccessToken must not be async).
 * Client assertions, which come in many shapes, are verified with jose instead.
 */
import { sign, verify, type KeyObject } from 'node:crypto'

export type JwtPayload = Record<string, unknown>

export interface DecodedJwt {
  header: Record<string, unknown>
  payload: JwtPayload
  signingInput: string
  signature: Buffer
}

const b64url = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url')

export function signJwt(payload: JwtPayload, key: KeyObject, kid: string, typ = 'JWT'): string {
  const signingInput = `${b64url({ typ, alg: 'RS256', kid })}.${b64url(payload)}`
  const signature = sign('sha256', Buffer.from(signingInput), key).toString('base64url')
  return `${signingInput}.${signature}`
}

/** Splits and parses a compact JWS; null when it is not one. */
export function decodeJwt(token: string): DecodedJwt | null {
  const parts = token.split('.')
  if (parts.length !== 3) return null
  const [h, p, s] = parts as [string, string, string]
  if (!/^[A-Za-z0-9_-]+$/.test(h) || !/^[A-Za-z0-9_-]+$/.test(p) || !/^[A-Za-z0-9_-]*$/.test(s))
    return null
  try {
    const header: unknown = JSON.parse(Buffer.from(h, 'base64url').toString('utf8'))
    const payload: unknown = JSON.parse(Buffer.from(p, 'base64url').toString('utf8'))
    if (!isObject(header) || !isObject(payload)) return null
    return { header, payload, signingInput: `${h}.${p}`, signature: Buffer.from(s, 'base64url') }
  } catch {
    return null
  }
}

/**
 * Signatures already found good, per key: every admin API request carries its access token and a
 * fleet run sends each token tens of times. Only good signatures are kept (a signature checks the
 * same every time); bounded, emptied when full.
 */
const verified = new WeakMap<KeyObject, Set<string>>()
const MAX_VERIFIED = 10_000

export function verifyRs256(jwt: DecodedJwt, key: KeyObject): boolean {
  if (jwt.header['alg'] !== 'RS256') return false
  const id = `${jwt.signingInput}.${jwt.signature.toString('base64url')}`
  let good = verified.get(key)
  if (good?.has(id)) return true
  let ok: boolean
  try {
    ok = verify('sha256', Buffer.from(jwt.signingInput), key, jwt.signature)
  } catch {
    return false
  }
  if (ok) {
    if (!good) verified.set(key, (good = new Set()))
    if (good.size >= MAX_VERIFIED) good.clear()
    good.add(id)
  }
  return ok
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}
