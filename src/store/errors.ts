import { isPassageError, PassageError } from '../core/errors/index.js'

/** SQLite and PostgreSQL error codes that mean "someone else holds a lock". */
const BUSY = new Set([
  'SQLITE_BUSY',
  'SQLITE_BUSY_SNAPSHOT',
  'SQLITE_BUSY_RECOVERY',
  'SQLITE_LOCKED',
  '55P03', // lock_not_available
  '40P01', // deadlock_detected
  '40001', // serialization_failure
])

/** Error codes of a lost or refused connection (Node's and PostgreSQL's classes 08, 57P, 53). */
const CONNECTION = /^(ECONN|ENOTFOUND|ETIMEDOUT|EPIPE|EHOSTUNREACH|08|57P|53)/

function codeOf(e: unknown): string {
  const code = (e as { code?: unknown } | null)?.code
  return typeof code === 'string' ? code : ''
}

/** Removes the password from a database URL, so that it can be shown. */
export function redactUrl(location: string): string {
  try {
    const u = new URL(location)
    if (u.password !== '') u.password = '***'
    return u.toString()
  } catch {
    return location
  }
}

/**
 * Maps an error thrown by the database driver into the catalogue: busy -> STORE_LOCKED, a lost
 * connection -> STORE_IO, a violated constraint (a caller's bug, e.g. an unknown run id) ->
 * INTERNAL, anything else -> STORE_IO with the driver's message. PassageErrors pass unchanged.
 */
export function storeError(e: unknown, what: string): PassageError {
  if (isPassageError(e)) return e
  const code = codeOf(e)
  const message = e instanceof Error ? e.message : String(e)
  if (BUSY.has(code))
    return new PassageError('PASSAGE_E_STORE_LOCKED', `${what}: the database is busy (${code}).`, {
      cause: e,
    })
  if (code.startsWith('SQLITE_CONSTRAINT') || code.startsWith('23'))
    return new PassageError('PASSAGE_E_INTERNAL', `${what}: ${message}`, { cause: e })
  if (CONNECTION.test(code))
    return new PassageError('PASSAGE_E_STORE_IO', `${what}: lost the database (${message}).`, {
      cause: e,
    })
  return new PassageError('PASSAGE_E_STORE_IO', `${what}: ${message}`, { cause: e })
}

/** Wraps every async method of an object so that driver errors leave as PassageErrors. */
export function guardMethods<T extends object>(target: T): T {
  const out: Record<string, unknown> = {}
  for (const [name, fn] of Object.entries(target)) {
    out[name] =
      typeof fn === 'function'
        ? async (...args: unknown[]) => {
            try {
              return await (fn as (...a: unknown[]) => Promise<unknown>).apply(target, args)
            } catch (e) {
              throw storeError(e, `store.${name}`)
            }
          }
        : fn
  }
  return out as T
}
