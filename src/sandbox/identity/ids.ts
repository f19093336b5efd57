import { createHash, randomBytes, randomUUID } from 'node:crypto'

/** A stable GUID derived from the given parts (name-based, SHA-1, RFC 4122 version 5 layout). */
export function stableGuid(...parts: string[]): string {
  const hash = createHash('sha1').update(parts.join('\u0000')).digest()
  hash[6] = ((hash[6] ?? 0) & 0x0f) | 0x50
  hash[8] = ((hash[8] ?? 0) & 0x3f) | 0x80
  const hex = hash.subarray(0, 16).toString('hex')
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`
}

export function newGuid(): string {
  return randomUUID()
}

/** An opaque, URL-safe random secret. */
export function randomSecret(bytes = 32): string {
  return randomBytes(bytes).toString('base64url')
}

const USER_CODE_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789'

/** A user code like Entra's: 9 upper-case letters and digits, without look-alike characters. */
export function userCode(): string {
  const bytes = randomBytes(9)
  let code = ''
  for (const b of bytes) code += USER_CODE_ALPHABET[b % USER_CODE_ALPHABET.length]
  return code
}

export const GUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
