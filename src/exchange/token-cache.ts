/**
 * The opt-in token cache: an msal ICachePlugin that keeps msal's serialized cache (accounts,
 * refresh and access tokens) in one file, encrypted at rest with AES-256-GCM under a key derived
 * with scrypt from a passphrase. The file is written atomically (temp file + rename) with mode
 * 0600 in a 0700 folder. A wrong passphrase or a changed file is a PassageError that names the
 * file, never its contents or the passphrase.
 *
 * File layout (version 1); the whole header is authenticated as GCM's additional data:
 *
 *   0  magic 'PSGTOKEN' (8)   8  version (1)   9  kdf id, 1 = scrypt (1)
 *  10  log2 N (1)  11  r (1)  12  p (1)        13  salt (16)
 *  29  key check (8): the first 8 bytes of HMAC-SHA256(key, KEY_CHECK_LABEL)
 *  37  IV (12, random on every write)          49  ciphertext ...  then the GCM tag (16)
 */
import {
  createCipheriv,
  createDecipheriv,
  createHmac,
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
/** The format version this code writes (and the only one it reads). */
export const TOKEN_CACHE_VERSION = 1
const KDF_SCRYPT = 1
const SALT_LEN = 16
const CHECK_LEN = 8
const IV_LEN = 12
const TAG_LEN = 16
const HEADER_LEN = MAGIC.length + 5 + SALT_LEN + CHECK_LEN + IV_LEN
const KEY_CHECK_LABEL = 'passage token cache: key check'
/** Shortest passphrase accepted. */
export const MIN_PASSPHRASE_LENGTH = 8

/** scrypt's cost parameters (N = 2^logN). */
export interface ScryptCost {
  logN: number
  r: number
  p: number
}

/** The default cost: N = 2^15, r = 8, p = 1 (32 MiB, about 0.1 s once per process). */
export const DEFAULT_SCRYPT_COST: ScryptCost = { logN: 15, r: 8, p: 1 }

/** Bounds accepted when reading a file, so a changed header cannot ask for hours of work. */
function costInBounds(c: ScryptCost): boolean {
  return c.logN >= 10 && c.logN <= 20 && c.r >= 1 && c.r <= 32 && c.p >= 1 && c.p <= 4
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
  salt: Buffer
  cost: ScryptCost
  key: Buffer
}

/** The header fields of a cache file. */
interface Header {
  version: number
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
  if (version !== TOKEN_CACHE_VERSION)
    throw corrupt(
      where,
      version > TOKEN_CACHE_VERSION
        ? `it was written by a newer passage (format ${version})`
        : `unknown format ${version}`,
    )
  if (data.length < HEADER_LEN + TAG_LEN) throw corrupt(where, 'it is truncated')
  let at = MAGIC.length + 1
  const kdf = data[at++]!
  const cost = { logN: data[at++]!, r: data[at++]!, p: data[at++]! }
  if (kdf !== KDF_SCRYPT || !costInBounds(cost))
    throw corrupt(where, 'its key derivation parameters are not valid')
  const salt = data.subarray(at, (at += SALT_LEN))
  const check = data.subarray(at, (at += CHECK_LEN))
  const iv = data.subarray(at, (at += IV_LEN))
  return { version, cost, salt, check, iv }
}

function encrypt(plain: string, k: DerivedKey): Buffer {
  const iv = randomBytes(IV_LEN)
  const header = Buffer.concat([
    MAGIC,
    Buffer.from([TOKEN_CACHE_VERSION, KDF_SCRYPT, k.cost.logN, k.cost.r, k.cost.p]),
    k.salt,
    keyCheck(k.key),
    iv,
  ])
  const cipher = createCipheriv('aes-256-gcm', k.key, iv, { authTagLength: TAG_LEN })
  cipher.setAAD(header)
  const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()])
  return Buffer.concat([header, body, cipher.getAuthTag()])
}

/** Derives (or reuses) the key for a header, and checks it before decrypting. */
function decrypt(data: Buffer, h: Header, key: Buffer, where: string): string {
  const expected = keyCheck(key)
  if (!timingSafeEqual(expected, h.check))
    throw new PassageError(
      'PASSAGE_E_TOKEN_CACHE_LOCKED',
      `The token cache ${where} was written with another passphrase than PASSAGE_TOKEN_CACHE_KEY.`,
      { details: { file: where } },
    )
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, h.iv, { authTagLength: TAG_LEN })
    decipher.setAAD(data.subarray(0, HEADER_LEN))
    decipher.setAuthTag(data.subarray(data.length - TAG_LEN))
    const plain = Buffer.concat([
      decipher.update(data.subarray(HEADER_LEN, data.length - TAG_LEN)),
      decipher.final(),
    ])
    return plain.toString('utf8')
  } catch {
    // No cause: it carries nothing useful, and nothing of the file may reach an error.
    throw corrupt(where, 'it was changed after passage wrote it (authentication failed)')
  }
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
  return encrypt(plain, { salt, cost, key: await deriveKey(passphrase, salt, cost) })
}

/** Decrypts a cache file's bytes; `where` names the file in errors. */
export async function openTokenCache(
  data: Buffer,
  passphrase: string,
  where = 'file',
): Promise<string> {
  const h = readHeader(data, where)
  return decrypt(data, h, await deriveKey(passphrase, h.salt, h.cost), where)
}

/** Options of the file token cache. */
export interface FileTokenCacheOptions {
  /** The cache file (its folder is created with mode 0700 when missing). */
  path: string
  /** The passphrase the key is derived from (checked with `checkPassphrase`). */
  passphrase: string
  /** scrypt's cost for new files (tests lower it). */
  cost?: ScryptCost
}

/** The msal cache plugin over an encrypted file; also deletes the file. */
export interface FileTokenCache extends ICachePlugin {
  readonly path: string
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
  const passphrase = checkPassphrase(opts.passphrase)
  const cost = opts.cost ?? DEFAULT_SCRYPT_COST
  const path = opts.path
  const keys = new Map<string, Promise<Buffer>>()
  let current: DerivedKey | null = null
  /** True while the last read failed (wrong passphrase, changed file). */
  let unreadable = false

  const keyFor = (salt: Buffer, c: ScryptCost): Promise<Buffer> => {
    const id = `${salt.toString('hex')}:${c.logN}:${c.r}:${c.p}`
    let k = keys.get(id)
    if (!k) {
      k = deriveKey(passphrase, salt, c)
      keys.set(id, k)
    }
    return k
  }

  /** The file's content (null when there is none), with its key remembered for writes. */
  const load = async (): Promise<string | null> => {
    const data = readIfPresent(path)
    if (!data) return null
    const h = readHeader(data, path)
    const key = await keyFor(h.salt, h.cost)
    const plain = decrypt(data, h, key, path)
    try {
      JSON.parse(plain)
    } catch {
      throw corrupt(path, 'its content is not a token cache')
    }
    current = { salt: Buffer.from(h.salt), cost: h.cost, key }
    return plain
  }

  return {
    path,
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
      if (!ctx.cacheHasChanged || unreadable) return
      if (!current) {
        const salt = randomBytes(SALT_LEN)
        current = { salt, cost, key: await keyFor(salt, cost) }
      }
      writeAtomic(path, encrypt(ctx.tokenCache.serialize(), current))
    },
    delete(): boolean {
      current = null
      return deleteTokenCacheFile(path)
    },
  }
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
