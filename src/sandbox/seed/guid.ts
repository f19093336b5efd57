import { contentHash } from './hash.js'

/**
 * A GUID derived from the given parts (SHA-256 of their canonical JSON), formatted as an RFC 4122
 * version 5 style UUID. The sandbox never uses randomness for ids, so a seeded world and a replayed
 * session always produce the same identities.
 */
export function deterministicGuid(...parts: readonly (string | number)[]): string {
  const h = contentHash(parts)
  const variant = ((parseInt(h.slice(16, 17), 16) & 0x3) | 0x8).toString(16)
  return [
    h.slice(0, 8),
    h.slice(8, 12),
    `5${h.slice(13, 16)}`,
    `${variant}${h.slice(17, 20)}`,
    h.slice(20, 32),
  ].join('-')
}
