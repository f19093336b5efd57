import { PassageError } from '../core/errors/index.js'

/** Key names (lower case, without `_`, `-` or `.`) that hold credentials. */
const SECRET_KEYS = new Set([
  'accesstoken',
  'refreshtoken',
  'idtoken',
  'token',
  'bearer',
  'authorization',
  'password',
  'passwd',
  'secret',
  'clientsecret',
  'clientassertion',
  'privatekey',
  'apikey',
  'certificatepassword',
  'passphrase',
  'devicecode',
  'usercode',
  'credential',
  'credentials',
  'assertion',
  'cookie',
])

/** A JWT (what bearer tokens look like) or an `Authorization: Bearer` value, anywhere in a string. */
const SECRET_VALUE = /(\bbearer\s+\S{20,}|eyJ[\w-]{8,}\.eyJ[\w-]{8,}\.[\w-]*)/i
const PEM_KEY = /-----BEGIN [A-Z ]*PRIVATE KEY-----/

const normalise = (key: string) => key.toLowerCase().replace(/[-_.\s]/g, '')

/**
 * Between the letters of a secret key name in a JSON text: what `normalise` removes (`-`, `_`,
 * `.`, whitespace), as JSON.stringify writes it (tab, line feed, carriage return and form feed as
 * `\t`, `\n`, `\r`, `\f`, the vertical tab as `\u000b`, the other spaces as they are).
 */
const SEP = String.raw`(?:[-_.\s]|\\[tnrf]|\\u000b)*`

/**
 * A key of a JSON.stringify text (after `{` or `,`, before `:`) that normalises to a secret key
 * name: every key findSecret would look at, whatever its case and separators (the `u` flag folds
 * the Kelvin sign, which lower-cases to `k`, as `normalise` does). It may match more (a string that
 * looks like a key); never less.
 */
const SECRET_KEY_TEXT = new RegExp(
  `[{,]"${SEP}(?:${[...SECRET_KEYS].map((n) => [...n].join(SEP)).join('|')})${SEP}":`,
  'iu',
)

/**
 * A superset of findSecret's value patterns inside any string of a JSON text: JSON escapes none of
 * the characters they need, and `bearer` is looked for without the whitespace JSON may escape.
 */
const SECRET_TEXT = /bearer|eyJ[\w-]{8,}\.eyJ|-----BEGIN [A-Z ]*PRIVATE KEY-----/i

/**
 * True when the JSON.stringify text of a value may hold a secret: never false when findSecret
 * would find one in the value, so that a value whose text passes needs no walk.
 */
export function mayHoldSecret(text: string): boolean {
  return SECRET_KEY_TEXT.test(text) || SECRET_TEXT.test(text)
}

/** The path of the first secret-looking key or value in a JSON value, or undefined. */
export function findSecret(value: unknown, path = '$'): string | undefined {
  if (typeof value === 'string')
    return SECRET_VALUE.test(value) || PEM_KEY.test(value) ? path : undefined
  if (Array.isArray(value)) {
    for (const [i, v] of value.entries()) {
      const hit = findSecret(v, `${path}[${i}]`)
      if (hit !== undefined) return hit
    }
    return undefined
  }
  if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (SECRET_KEYS.has(normalise(k)) && v !== null && v !== undefined && v !== '')
        return `${path}.${k}`
      const hit = findSecret(v, `${path}.${k}`)
      if (hit !== undefined) return hit
    }
  }
  return undefined
}

/**
 * Refuses to let a secret reach the store: throws a bug-kind PassageError naming where in `what`
 * the token, password or key was found (never the value itself).
 */
export function assertNoSecrets(value: unknown, what: string): void {
  const at = findSecret(value)
  if (at !== undefined)
    throw new PassageError(
      'PASSAGE_E_STORE_SECRET',
      `Refused to store ${what}: ${at} looks like a token, password or key.`,
      { details: { what, path: at } },
    )
}

/** Free text (an error message) with token- and key-looking parts replaced, for storing. */
export function redactSecrets(text: string | null | undefined): string | null {
  if (text === null || text === undefined) return null
  return text
    .replace(new RegExp(SECRET_VALUE.source, 'gi'), '[redacted]')
    .replace(
      /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(-----END [A-Z ]*PRIVATE KEY-----|$)/g,
      '[redacted key]',
    )
}
