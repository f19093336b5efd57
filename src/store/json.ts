import type { z } from 'zod'
import { JsonObjectSchema } from '../core/json-schema.js'
import { PassageError, zodIssues } from '../core/errors/index.js'
import { assertNoSecrets, mayHoldSecret } from './secrets.js'

/** Any JSON object (one Exchange object's state, audit details). */
export { JsonObjectSchema }

/**
 * Serialises a value for a JSON text column, refusing secrets. The text being written is scanned
 * once (secret-named keys, token- and key-looking strings); only when that scan finds something is
 * the value walked for the path the refusal names (assertNoSecrets decides, as before).
 */
export function toJsonText(
  value: unknown,
  what: string,
  /** `JSON.stringify(value)` when the caller has it already (savePlan's check of its hash). */
  text: string = JSON.stringify(value),
): string {
  if (mayHoldSecret(text)) assertNoSecrets(value, what)
  return text
}

/** The PassageError for a row that cannot be read back. */
export function corrupt(what: string, problem: string, cause?: unknown): PassageError {
  return new PassageError(
    'PASSAGE_E_STORE_CORRUPT',
    `${what} in the store is unreadable: ${problem}`,
    {
      cause,
    },
  )
}

/** Parses a JSON text column and validates it with a schema; throws STORE_CORRUPT otherwise. */
export function fromJsonText<S extends z.ZodTypeAny>(
  schema: S,
  text: string,
  what: string,
): z.output<S> {
  let data: unknown
  try {
    data = JSON.parse(text)
  } catch (e) {
    throw corrupt(what, 'not JSON', e)
  }
  const r = schema.safeParse(data)
  if (!r.success) {
    const first = zodIssues(r.error)[0]
    throw corrupt(what, first ? `${first.path}: ${first.message}` : 'invalid', r.error)
  }
  return r.data as z.output<S>
}

/** Checks that a column holds one of the allowed values; throws STORE_CORRUPT otherwise. */
export function oneOf<T extends string>(allowed: readonly T[], value: string, what: string): T {
  if ((allowed as readonly string[]).includes(value)) return value as T
  throw corrupt(what, `unexpected value '${value}'`)
}
