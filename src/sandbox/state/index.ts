/**
 * Persistence of the sandbox world. A state file is JSON (`*.json`, written to a temporary file
 * then renamed) or SQLite (`*.db`/`*.sqlite`, one row holding the world JSON, written in a
 * transaction). A missing file is created from the seeded world. Certificates and the identity
 * signing key live in `<state>.d/` beside it, so a restart keeps the CA the user trusted.
 */
import {
  closeSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  unlinkSync,
  writeSync,
} from 'node:fs'
import { dirname, extname, resolve } from 'node:path'
import Database from 'better-sqlite3'
import { PassageError } from '../../core/errors/index.js'
import type { SandboxWorld } from '../contracts.js'
import { parseWorld, seedWorld } from '../seed/index.js'

/** An opened state store. */
export interface StateStore {
  /** Absolute path of the state file, or null when the world lives in memory only. */
  path: string | null
  kind: 'json' | 'sqlite' | 'memory'
  /** Folder for certificates and signing keys (`<state>.d`), or null in memory. */
  dir: string | null
  /** True when the file did not exist and was created from the initial world. */
  created: boolean
  load(): SandboxWorld
  /** Saves the world atomically. */
  save(world: SandboxWorld): void
  close(): void
}

/** Which kind of store a path names, from its extension. */
export function stateKind(path: string): 'json' | 'sqlite' {
  const ext = extname(path).toLowerCase()
  if (ext === '.json') return 'json'
  if (ext === '.db' || ext === '.sqlite' || ext === '.sqlite3') return 'sqlite'
  throw new PassageError(
    'PASSAGE_E_SANDBOX_STATE',
    `State file '${path}' must end in .json (JSON) or .db (SQLite).`,
  )
}

/** Writes text to a file atomically: a temporary file in the same folder, fsync, rename. */
export function writeFileAtomic(path: string, text: string): void {
  const tmp = `${path}.tmp-${process.pid}-${Math.random().toString(36).slice(2, 8)}`
  const fd = openSync(tmp, 'w', 0o600)
  try {
    writeSync(fd, text)
    fsyncSync(fd)
  } finally {
    closeSync(fd)
  }
  try {
    renameSync(tmp, path)
  } catch (e) {
    try {
      unlinkSync(tmp)
    } catch {
      // ignore
    }
    throw e
  }
}

const parse = (json: unknown, path: string): SandboxWorld => {
  try {
    return parseWorld(json)
  } catch (e) {
    throw new PassageError(
      'PASSAGE_E_SANDBOX_STATE',
      `State file '${path}' does not hold a sandbox world: ${e instanceof Error ? e.message : String(e)}`,
      { cause: e },
    )
  }
}

const serialize = (world: SandboxWorld): string => `${JSON.stringify(world, null, 1)}\n`

/**
 * Opens the state at `path` (null: memory only). When the file is missing, it is created from
 * `initial()` (default: the seeded demo tenants).
 */
export function openState(
  path: string | null | undefined,
  initial: () => SandboxWorld = seedWorld,
): StateStore {
  if (!path) {
    let world: SandboxWorld | null = null
    return {
      path: null,
      kind: 'memory',
      dir: null,
      created: true,
      load: () => (world ??= initial()),
      save: (w) => {
        world = w
      },
      close: () => {},
    }
  }
  const file = resolve(path)
  const kind = stateKind(file)
  const dir = `${file}.d`
  try {
    mkdirSync(dirname(file), { recursive: true })
    mkdirSync(dir, { recursive: true, mode: 0o700 })
  } catch (e) {
    throw new PassageError('PASSAGE_E_SANDBOX_STATE', `Cannot create the folder for '${file}'.`, {
      cause: e,
    })
  }
  if (kind === 'json') {
    const created = !existsSync(file)
    const store: StateStore = {
      path: file,
      kind,
      dir,
      created,
      load() {
        if (!existsSync(file)) {
          const w = initial()
          writeFileAtomic(file, serialize(w))
          return w
        }
        let json: unknown
        try {
          json = JSON.parse(readFileSync(file, 'utf8'))
        } catch (e) {
          throw new PassageError(
            'PASSAGE_E_SANDBOX_STATE',
            `State file '${file}' is not valid JSON.`,
            { cause: e },
          )
        }
        return parse(json, file)
      },
      save: (w) => writeFileAtomic(file, serialize(w)),
      close: () => {},
    }
    return store
  }
  const created = !existsSync(file)
  let db: Database.Database
  try {
    db = new Database(file)
    db.pragma('journal_mode = WAL')
    db.exec(
      'CREATE TABLE IF NOT EXISTS sandbox_world (id INTEGER PRIMARY KEY CHECK (id = 1), json TEXT NOT NULL, saved_at TEXT NOT NULL)',
    )
  } catch (e) {
    throw new PassageError('PASSAGE_E_SANDBOX_STATE', `'${file}' is not a usable SQLite file.`, {
      cause: e,
    })
  }
  const put = db.prepare(
    'INSERT INTO sandbox_world (id, json, saved_at) VALUES (1, ?, ?) ON CONFLICT(id) DO UPDATE SET json = excluded.json, saved_at = excluded.saved_at',
  )
  const get = db.prepare<[], { json: string }>('SELECT json FROM sandbox_world WHERE id = 1')
  const write = db.transaction((json: string) => {
    put.run(json, new Date().toISOString())
  })
  return {
    path: file,
    kind,
    dir,
    created,
    load() {
      const row = get.get()
      if (!row) {
        const w = initial()
        write(JSON.stringify(w))
        return w
      }
      let json: unknown
      try {
        json = JSON.parse(row.json)
      } catch (e) {
        throw new PassageError('PASSAGE_E_SANDBOX_STATE', `'${file}' holds invalid JSON.`, {
          cause: e,
        })
      }
      return parse(json, file)
    },
    save: (w) => write(JSON.stringify(w)),
    close: () => db.close(),
  }
}
