import { PassageError } from '../core/errors/index.js'

/** Key names (lower case, without `_`, `-` or `.`) that hold credentials. */
export const SECRET_KEY_NAMES: readonly string[] = [
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
]
const SECRET_KEYS = new Set(SECRET_KEY_NAMES)

/** A JWT (what bearer tokens look like) or an `Authorization: Bearer` value, anywhere in a string. */
const SECRET_VALUE = /(\bbearer\s+\S{20,}|eyJ[\w-]{8,}\.eyJ[\w-]{8,}\.[\w-]*)/i
const PEM_KEY = /-----BEGIN [A-Z ]*PRIVATE KEY-----/

const normalise = (key: string) => key.toLowerCase().replace(/[-_.\s]/g, '')

/**
 * What `normalise` removes, as JSON.stringify writes it: `-`, `_`, `.` and the spaces it leaves as
 * they are, or the escapes it writes for tab, line feed, carriage return, form feed (`\t`, `\n`,
 * `\r`, `\f`) and vertical tab (`\u000b`).
 */
const SEP = String.raw`(?:[-_.\s]|\\[tnrf]|\\u000b)`
/** The escapes of SEP, removed before a key is normalised. */
const ESCAPED_SEP = /\\(?:[tnrf]|u000b)/gi

/** The secret key names as alternatives letter by letter, any of their prefixes matching. */
function prefixesOf(names: Iterable<string>): string {
  type Trie = Map<string, Trie>
  const root: Trie = new Map()
  for (const name of names) {
    let node = root
    for (const ch of name) {
      const next = node.get(ch) ?? new Map<string, Trie>()
      node.set(ch, next)
      node = next
    }
  }
  const alternatives = (node: Trie): string =>
    [...node].map(([ch, next]) => (next.size ? `${ch}(?:${alternatives(next)})?` : ch)).join('|')
  return alternatives(root)
}

/**
 * Where a key of a JSON.stringify text (after `{` or `,`) may normalise to a secret key name: it
 * starts with a prefix of a name (none at all included) followed by a separator or by its end
 * (`":`). Every key that normalises to a name does: its letters spell the name, so the letters
 * before its first separator, or all of them, are a prefix of it. Each such place is then checked
 * exactly (KEY_AT); few are (a key that is a prefix of a name, like `Id`, or one made of letters
 * and separators).
 */
const KEY_START = new RegExp(String.raw`[{,]"(?:${prefixesOf(SECRET_KEYS)})?(?:[-_.\s\\]|":)`, 'gi')

/** The key at KEY_START's place when it is made of ASCII letters and separators only. */
const KEY_AT = new RegExp(`[{,]"((?:[a-z]|${SEP})*)":`, 'iy')

/**
 * The one character outside ASCII that lower-cases to an ASCII letter: the Kelvin sign, `k`
 * (every other one that `normalise` could turn into letters only is a space it removes).
 */
const KELVIN = '\u212A'

/**
 * A superset of findSecret's value patterns inside any string of a JSON text: JSON escapes none of
 * the characters they need, and `bearer` is looked for without the whitespace JSON may escape.
 */
const SECRET_TEXT = /bearer|eyJ[\w-]{8,}\.eyJ|-----BEGIN [A-Z ]*PRIVATE KEY-----/i

/** Whether a key of a JSON.stringify text normalises to a secret key name. See KEY_START. */
function hasSecretKey(text: string): boolean {
  KEY_START.lastIndex = 0
  for (let m = KEY_START.exec(text); m !== null; m = KEY_START.exec(text)) {
    KEY_AT.lastIndex = m.index
    const key = KEY_AT.exec(text)?.[1]
    if (key !== undefined && SECRET_KEYS.has(normalise(key.replace(ESCAPED_SEP, '')))) return true
  }
  return false
}

/**
 * True when the JSON.stringify text of a value may hold a secret: never false when findSecret
 * would find one in the value, so that a value whose text passes needs no walk. A key that
 * normalises to a secret key name is, in the text, the name's ASCII letters in any case with
 * separators (SEP) anywhere, and a Kelvin sign for a `k` (read as `k` here). Looked for by where
 * such a key starts, then each one found checked, rather than by one pattern with the separators
 * between every letter of every name: V8 took some 20 ms to compile that one, paid once by every
 * process that stores anything, for no faster a scan.
 */
export function mayHoldSecret(text: string): boolean {
  if (SECRET_TEXT.test(text)) return true
  return hasSecretKey(text.includes(KELVIN) ? text.replaceAll(KELVIN, 'k') : text)
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
