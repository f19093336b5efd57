import { sha256 } from '@noble/hashes/sha2.js'
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js'

/** JSON with object keys sorted at every level, so equal values always serialise alike. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value))
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys)
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {}
    for (const key of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[key]
      if (v !== undefined) out[key] = sortKeys(v)
    }
    return out
  }
  return value
}

/** How many digests contentHash remembers, and the longest text it remembers one for. */
const REMEMBERED = 4
const REMEMBERED_MAX_CHARS = 256 * 1024

/** The digests of the last texts contentHash hashed, by text (oldest first). */
const remembered = new Map<string, string>()

/**
 * Hex SHA-256 of the canonical JSON of a value. A plan's hash is checked again and again in one
 * command (when it is read, when apply or check starts, when the store saves it): the digests of
 * the last few texts are remembered, so that the same content is serialised each time but digested
 * once (SHA-256 in JavaScript costs more than the serialising; the text is the key, so a
 * remembered digest is always the digest of exactly that text).
 */
export function contentHash(value: unknown): string {
  const text = canonicalJson(value)
  const known = remembered.get(text)
  if (known !== undefined) return known
  const digest = bytesToHex(sha256(utf8ToBytes(text)))
  if (text.length <= REMEMBERED_MAX_CHARS) {
    if (remembered.size >= REMEMBERED) remembered.delete(remembered.keys().next().value!)
    remembered.set(text, digest)
  }
  return digest
}
