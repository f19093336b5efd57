/**
 * Hashing for the sandbox's stable ids: SHA-256 (node:crypto) of a value's canonical JSON. The
 * sandbox keeps this small copy instead of importing core's hash module, so that it depends on
 * core only for the evaluator, the model and the errors (design.md, layers).
 */
import { createHash } from 'node:crypto'

/** JSON with object keys sorted at every level, so equal values always serialise alike. */
function canonicalJson(value: unknown): string {
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

/** Hex SHA-256 of the canonical JSON of a value (the same digest as core's contentHash). */
export function contentHash(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value), 'utf8').digest('hex')
}
