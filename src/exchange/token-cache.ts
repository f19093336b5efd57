/**
 * The token cache: an msal ICachePlugin that keeps msal's serialized cache (accounts, refresh and
 * access tokens) in one file, encrypted at rest with AES-256-GCM under a key derived either with
 * scrypt from a passphrase (PASSAGE_TOKEN_CACHE_KEY), or with HKDF-SHA256 from a random 256-bit
 * key that never leaves the operating system's secret store (see secret-store.ts). The file is written atomically (temp file + rename) with mode
 * 0600 in a 0700 folder. A wrong passphrase or a changed file is a PassageError that names the
 * file, never its contents or the passphrase.
 *
 * File layout (version 2); the whole header is authenticated as GCM's additional data:
 *
 *   0  magic 'PSGTOKEN' (8)   8  version (1)   9  kdf id, 1 = scrypt, 2 = HKDF of a stored key (1)
 *  10  log2 N (1)  11  r (1)  12  p (1)  (all 0 for HKDF)   13  salt (16)
 *  29  header sum (8): the first 8 bytes of SHA-256 of bytes 0-28, so that a damaged salt or
 *      cost reads as a damaged file, not as a wrong passphrase
 *  37  key check (8): the first 8 bytes of HMAC-SHA256(key, KEY_CHECK_LABEL)
 *  45  IV (12, random on every write)          57  ciphertext ...  then the GCM tag (16)
 *
 * Version 1 (no header sum, cost 2^15) is still read; it is written again as version 2 at the
 * current cost the next time the cache is saved or opened.
 */
import {
  createCipheriv,
  createDecipheriv,
  createHash,
  createHmac,
  hkdfSync,
  randomBytes,
  scrypt,
  timingSafeEqual,
} from 'node:crypto'
import {
  chmodSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs'
import { dirname } from 'node:path'
import type { ICachePlugin, TokenCacheContext } from '@azure/msal-node'
import { PassageError } from '../core/errors/index.js'

const MAGIC = Buffer.from('PSGTOKEN', 'ascii')
/** The format version this code writes (it reads version 1 too). */
export const TOKEN_CACHE_VERSION = 2
const KDF_SCRYPT = 1
const KDF_HKDF = 2
const HKDF_INFO = 'passage token cache: file key'
/** Bytes of a key kept in the secret store. */
export const STORED_KEY_LENGTH = 32
const SALT_LEN = 16
const SUM_LEN = 8
const CHECK_LEN = 8
const IV_LEN = 12
const TAG_LEN = 16
/** Bytes before the header sum: magic, version, kdf, cost, salt. */
const PARAMS_LEN = MAGIC.length + 5 + SALT_LEN
const headerLen = (version: number) =>
  PARAMS_LEN + (version >= 2 ? SUM_LEN : 0) + CHECK_LEN + IV_LEN
const KEY_CHECK_LABEL = 'passage token cache: key check'
/** Shortest passphrase accepted (OWASP's current guidance for a passphrase-derived key). */
export const MIN_PASSPHRASE_LENGTH = 12

/** scrypt's cost parameters (N = 2^logN). */
export interface ScryptCost {
  logN: number
  r: number
  p: number
}

/**
 * The default cost: N = 2^17, r = 8, p = 1 (128 MiB, about 0.4 s once per process), OWASP's
 * current minimum for scrypt.
 */
export const DEFAULT_SCRYPT_COST: ScryptCost = { logN: 17, r: 8, p: 1 }

/** Bounds accepted when reading a file, so a changed header cannot ask for hours of work. */
function costInBounds(c: ScryptCost): boolean {
  return c.logN >= 10 && c.logN <= 20 && c.r >= 1 && c.r <= 32 && c.p >= 1 && c.p <= 4
}

/**
 * Where a cache's key comes from: a passphrase (scrypt) or a random key kept in the operating
 * system's secret store (HKDF). Neither is ever written to the file, a log or an error.
 */
export type CacheSecret =
  { kind: 'passphrase'; passphrase: string } | { kind: 'stored-key'; key: Buffer; where: string }

/** The KDF id of a secret. */
const kdfOf = (secret: CacheSecret) => (secret.kind === 'passphrase' ? KDF_SCRYPT : KDF_HKDF)

/** The HKDF cost bytes (none). */
const NO_COST: ScryptCost = { logN: 0, r: 0, p: 0 }

function deriveFrom(secret: CacheSecret, salt: Buffer, cost: ScryptCost): Promise<Buffer> {
  if (secret.kind === 'passphrase') return deriveKey(secret.passphrase, salt, cost)
  return Promise.resolve(
    Buffer.from(hkdfSync('sha256', secret.key, salt, HKDF_INFO, STORED_KEY_LENGTH)),
  )
}

function deriveKey(passphrase: string, salt: Buffer, cost: ScryptCost): Promise<Buffer> {
  const N = 2 ** cost.logN
  return new Promise((resolve, reject) =>
    scrypt(
      passphrase.normalize('NFC'),
      salt,
      32,
      { N, r: cost.r, p: cost.p, maxmem: 256 * N * cost.r + 16 * 1024 * 1024 },
      (err, key) => (err ? reject(err) : resolve(key)),
    ),
  )
}

function keyCheck(key: Buffer): Buffer {
  return createHmac('sha256', key).update(KEY_CHECK_LABEL).digest().subarray(0, CHECK_LEN)
}

/** A derived key with the salt and cost it came from. */
interface DerivedKey {
  kdf: number
  salt: Buffer
  cost: ScryptCost
  key: Buffer
}

/** The header fields of a cache file. */
interface Header {
  version: number
  /** 1 = scrypt (passphrase), 2 = HKDF (a key in the secret store). */
  kdf: number
  /** Bytes of the header (authenticated with the ciphertext). */
  length: number
  cost: ScryptCost
  salt: Buffer
  check: Buffer
  iv: Buffer
}

function corrupt(where: string, why: string): PassageError {
  return new PassageError(
    'PASSAGE_E_TOKEN_CACHE_CORRUPT',
    `The token cache ${where} cannot be read: ${why}.`,
    { details: { file: where } },
  )
}

function readHeader(data: Buffer, where: string): Header {
  if (data.length < MAGIC.length || !data.subarray(0, MAGIC.length).equals(MAGIC))
    throw corrupt(where, 'it is not a passage token cache')
  const version = data[MAGIC.length]!
  if (version !== TOKEN_CACHE_VERSION && version !== 1)
    throw corrupt(
      where,
      version > TOKEN_CACHE_VERSION
        ? `it was written by a newer passage (format ${version})`
        : `unknown format ${version}`,
    )
  const length = headerLen(version)
  if (data.length < length + TAG_LEN) throw corrupt(where, 'it is truncated')
  if (version >= 2 && !headerSum(data).equals(data.subarray(PARAMS_LEN, PARAMS_LEN + SUM_LEN)))
    throw corrupt(where, 'its header was changed (its salt or key derivation parameters)')
  let at = MAGIC.length + 1
  const kdf = data[at++]!
  const cost = { logN: data[at++]!, r: data[at++]!, p: data[at++]! }
  const valid =
    kdf === KDF_SCRYPT
      ? costInBounds(cost)
      : kdf === KDF_HKDF && version >= 2 && cost.logN === 0 && cost.r === 0 && cost.p === 0
  if (!valid) throw corrupt(where, 'its key derivation parameters are not valid')
  const salt = data.subarray(at, (at += SALT_LEN))
  if (version >= 2) at += SUM_LEN
  const check = data.subarray(at, (at += CHECK_LEN))
  const iv = data.subarray(at, (at += IV_LEN))
  return { version, kdf, length, cost, salt, check, iv }
}

/** The sum over a header's parameters (magic to salt). */
function headerSum(data: Buffer): Buffer {
  return createHash('sha256').update(data.subarray(0, PARAMS_LEN)).digest().subarray(0, SUM_LEN)
}

function encrypt(plain: string, k: DerivedKey): Buffer {
  const iv = randomBytes(IV_LEN)
  const params = Buffer.concat([
    MAGIC,
    Buffer.from([TOKEN_CACHE_VERSION, k.kdf, k.cost.logN, k.cost.r, k.cost.p]),
    k.salt,
  ])
  const header = Buffer.concat([params, headerSum(params), keyCheck(k.key), iv])
  const cipher = createCipheriv('aes-256-gcm', k.key, iv, { authTagLength: TAG_LEN })
  cipher.setAAD(header)
  const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()])
  return Buffer.concat([header, body, cipher.getAuthTag()])
}

/** Checks a derived key against a header before decrypting with it. */
function decrypt(
  data: Buffer,
  h: Header,
  key: Buffer,
  where: string,
  secret?: CacheSecret,
): string {
  const expected = keyCheck(key)
  if (!timingSafeEqual(expected, h.check))
    throw new PassageError('PASSAGE_E_TOKEN_CACHE_LOCKED', lockedMessage(h, where, secret), {
      details: { file: where, reason: 'other-key' },
    })
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, h.iv, { authTagLength: TAG_LEN })
    decipher.setAAD(data.subarray(0, h.length))
    decipher.setAuthTag(data.subarray(data.length - TAG_LEN))
    const plain = Buffer.concat([
      decipher.update(data.subarray(h.length, data.length - TAG_LEN)),
      decipher.final(),
    ])
    return plain.toString('utf8')
  } catch {
    // No cause: it carries nothing useful, and nothing of the file may reach an error.
    throw corrupt(where, 'it was changed after passage wrote it (authentication failed)')
  }
}

/** Why a key does not open a file, in words (never the key). */
function lockedMessage(h: Header, where: string, secret?: CacheSecret): string {
  if (secret?.kind === 'stored-key')
    return h.kdf === KDF_SCRYPT
      ? `The token cache ${where} was written with a passphrase (PASSAGE_TOKEN_CACHE_KEY), not with the key in ${secret.where}.`
      : `The token cache ${where} was written with another key than the one in ${secret.where}.`
  if (h.kdf === KDF_HKDF)
    return `The token cache ${where} was written with a key kept in the system's secret store, not with PASSAGE_TOKEN_CACHE_KEY.`
  return `The token cache ${where} was written with another passphrase than PASSAGE_TOKEN_CACHE_KEY.`
}

/** Checks a passphrase; a missing or short one is refused with a hint (never echoed). */
export function checkPassphrase(passphrase: string | undefined): string {
  if (!passphrase)
    throw new PassageError(
      'PASSAGE_E_TOKEN_CACHE_KEY',
      'The token cache is on, but PASSAGE_TOKEN_CACHE_KEY is not set; passage will not write tokens unencrypted.',
    )
  if (passphrase.length < MIN_PASSPHRASE_LENGTH)
    throw new PassageError(
      'PASSAGE_E_TOKEN_CACHE_KEY',
      `PASSAGE_TOKEN_CACHE_KEY is shorter than ${MIN_PASSPHRASE_LENGTH} characters.`,
      {
        hint: `Set PASSAGE_TOKEN_CACHE_KEY to a passphrase of ${MIN_PASSPHRASE_LENGTH} characters or more. A cache written with a shorter one (older passage) cannot be opened: run \`passage connect --sign-out\` and sign in again.`,
      },
    )
  return passphrase
}

/** Encrypts a serialized cache with a passphrase (a new salt and IV); the file's bytes. */
export async function sealTokenCache(
  plain: string,
  passphrase: string,
  cost: ScryptCost = DEFAULT_SCRYPT_COST,
): Promise<Buffer> {
  const salt = randomBytes(SALT_LEN)
  return encrypt(plain, {
    kdf: KDF_SCRYPT,
    salt,
    cost,
    key: await deriveKey(passphrase, salt, cost),
  })
}

/** Decrypts a cache file's bytes; `where` names the file in errors. */
export async function openTokenCache(
  data: Buffer,
  passphrase: string,
  where = 'file',
): Promise<string> {
  const h = readHeader(data, where)
  if (h.kdf !== KDF_SCRYPT)
    throw new PassageError('PASSAGE_E_TOKEN_CACHE_LOCKED', lockedMessage(h, where))
  return decrypt(data, h, await deriveKey(passphrase, h.salt, h.cost), where)
}

/** Options of the file token cache. */
export interface FileTokenCacheOptions {
  /** The cache file (its folder is created with mode 0700 when missing). */
  path: string
  /** The passphrase the key is derived from (checked with `checkPassphrase`)... */
  passphrase?: string
  /** ...or a random key kept in the secret store (STORED_KEY_LENGTH bytes), named by `where`. */
  storedKey?: { key: Buffer; where: string }
  /** scrypt's cost for new files (tests lower it). */
  cost?: ScryptCost
}

/** The msal cache plugin over an encrypted file; also deletes the file. */
export interface FileTokenCache extends ICachePlugin {
  readonly path: string
  /** How its key is kept: 'passphrase' or 'stored-key'. */
  readonly keyKind: CacheSecret['kind']
  /** Reads the file, when there is one, and checks the passphrase and its integrity. */
  check(): Promise<void>
  /** Deletes the file; true when there was one. */
  delete(): boolean
}

/** Writes bytes atomically with mode 0600: a temp file beside, then rename. */
function writeAtomic(path: string, data: Buffer): void {
  const folder = dirname(path)
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`
  try {
    mkdirSync(folder, { recursive: true, mode: 0o700 })
    tighten(folder)
    writeFileSync(tmp, data, { mode: 0o600, flag: 'wx' })
    renameSync(tmp, path)
    chmodSync(path, 0o600)
  } catch (e) {
    rmSync(tmp, { force: true })
    throw new PassageError(
      'PASSAGE_E_FILE',
      `Cannot write the token cache ${path}: ${(e as NodeJS.ErrnoException).code ?? 'error'}.`,
      { hint: 'Check that its folder is writable, or set PASSAGE_TOKEN_CACHE_FILE elsewhere.' },
    )
  }
}

/**
 * Takes group and other access off the cache's folder when it is the user's own (an existing
 * ~/.passage created 0755 by an older passage); a folder of someone else's is left alone.
 */
function tighten(folder: string): void {
  try {
    const st = statSync(folder)
    if ((st.mode & 0o077) !== 0 && st.uid === process.getuid?.()) chmodSync(folder, 0o700)
  } catch {
    // Best effort: the file itself is 0600 whatever its folder.
  }
}

function readIfPresent(path: string): Buffer | null {
  try {
    return readFileSync(path)
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code
    if (code === 'ENOENT') return null
    throw new PassageError(
      'PASSAGE_E_FILE',
      `Cannot read the token cache ${path}: ${code ?? 'error'}.`,
      { hint: 'Check its permissions, or delete it with `passage connect --sign-out`.' },
    )
  }
}

/**
 * The msal cache plugin: before each access it loads the file (when there is one) into msal's
 * cache; after an access that changed the cache it writes the file again. The key is derived once
 * per salt and kept in memory for the life of the plugin.
 */
export function fileTokenCache(opts: FileTokenCacheOptions): FileTokenCache {
  const secret: CacheSecret = opts.storedKey
    ? { kind: 'stored-key', key: checkStoredKey(opts.storedKey.key), where: opts.storedKey.where }
    : { kind: 'passphrase', passphrase: checkPassphrase(opts.passphrase) }
  const kdf = kdfOf(secret)
  const cost = secret.kind === 'passphrase' ? (opts.cost ?? DEFAULT_SCRYPT_COST) : NO_COST
  const path = opts.path
  const keys = new Map<string, Promise<Buffer>>()
  let current: DerivedKey | null = null
  /** True while the last read failed (wrong passphrase, changed file). */
  let unreadable = false
  /** True when the file was read in an older format or at a lower cost: saved again at once. */
  let outdated = false

  const keyFor = (salt: Buffer, c: ScryptCost): Promise<Buffer> => {
    const id = `${salt.toString('hex')}:${c.logN}:${c.r}:${c.p}`
    let k = keys.get(id)
    if (!k) {
      k = deriveFrom(secret, salt, c)
      keys.set(id, k)
    }
    return k
  }

  /** The file's content (null when there is none), with its key remembered for writes. */
  const load = async (): Promise<string | null> => {
    const data = readIfPresent(path)
    if (!data) return null
    const h = readHeader(data, path)
    if (h.kdf !== kdf)
      throw new PassageError('PASSAGE_E_TOKEN_CACHE_LOCKED', lockedMessage(h, path, secret), {
        details: { file: path, reason: 'other-key' },
      })
    const key = await keyFor(h.salt, h.cost)
    const plain = decrypt(data, h, key, path, secret)
    try {
      JSON.parse(plain)
    } catch {
      throw corrupt(path, 'its content is not a token cache')
    }
    outdated = h.version < TOKEN_CACHE_VERSION || h.cost.logN < cost.logN
    // An outdated file is re-keyed with a new salt at the current cost when it is next written.
    current = outdated ? null : { kdf, salt: Buffer.from(h.salt), cost: h.cost, key }
    return plain
  }

  return {
    path,
    keyKind: secret.kind,
    async check(): Promise<void> {
      await load()
    },
    async beforeCacheAccess(ctx: TokenCacheContext): Promise<void> {
      unreadable = true
      const plain = await load()
      if (plain !== null) ctx.tokenCache.deserialize(plain)
      unreadable = false
    },
    async afterCacheAccess(ctx: TokenCacheContext): Promise<void> {
      // msal calls this in a `finally`: a file that could not be read is never overwritten.
      if ((!ctx.cacheHasChanged && !outdated) || unreadable) return
      if (!current) {
        const salt = randomBytes(SALT_LEN)
        current = { kdf, salt, cost, key: await keyFor(salt, cost) }
      }
      writeAtomic(path, encrypt(ctx.tokenCache.serialize(), current))
      outdated = false
    },
    delete(): boolean {
      current = null
      return deleteTokenCacheFile(path)
    },
  }
}

/** Checks a key from the secret store (its length only; it is never shown). */
function checkStoredKey(key: Buffer): Buffer {
  if (key.length !== STORED_KEY_LENGTH)
    throw new PassageError(
      'PASSAGE_E_TOKEN_CACHE_CORRUPT',
      "The token cache's key in the system's secret store is not a key passage wrote.",
    )
  return key
}

/** Deletes a token cache file; true when there was one. */
export function deleteTokenCacheFile(path: string): boolean {
  try {
    statSync(path)
  } catch {
    return false
  }
  try {
    unlinkSync(path)
    return true
  } catch (e) {
    throw new PassageError(
      'PASSAGE_E_FILE',
      `Cannot delete the token cache ${path}: ${(e as NodeJS.ErrnoException).code ?? 'error'}.`,
      { hint: 'Delete the file by hand.' },
    )
  }
}
