// Shared by the store's tests: the same suite runs on every target below. PostgreSQL runs when
// PASSAGE_TEST_PG_URL is set (scripts/pg-test-server.sh prints one); each store opened on it gets
// a schema of its own, dropped afterwards.
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'
import { afterEach, beforeEach, describe } from 'vitest'
import { plan } from '../core/planner/plan.js'
import { makeSnapshot, NOW, RELAY, vendor } from '../core/planner/test-fixtures.js'
import type { Plan } from '../core/planner/types.js'
import { openStore } from './open.js'
import type { Store } from './store.js'

/** The PostgreSQL URL of the test server, when one is given. */
export const PG_URL = process.env.PASSAGE_TEST_PG_URL?.trim() || undefined

/** Somewhere a fresh store can be opened, and how to clean it up. */
export interface Target {
  name: string
  enabled: boolean
  /** Whether a store reopened at the same location sees the same data. */
  persistent: boolean
  /** A new, empty location. */
  fresh(): Promise<string>
  /** Removes every location fresh() made. */
  cleanup(): Promise<void>
}

function memoryTarget(): Target {
  return {
    name: 'sqlite :memory:',
    enabled: true,
    persistent: false,
    fresh: async () => ':memory:',
    cleanup: async () => {},
  }
}

function fileTarget(): Target {
  const dirs: string[] = []
  return {
    name: 'sqlite file',
    enabled: true,
    persistent: true,
    async fresh() {
      const dir = mkdtempSync(join(tmpdir(), 'passage-store-'))
      dirs.push(dir)
      return join(dir, 'passage.db')
    },
    async cleanup() {
      for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
    },
  }
}

function postgresTarget(): Target {
  const schemas: string[] = []
  const admin = async <T>(fn: (c: pg.Client) => Promise<T>): Promise<T> => {
    const client = new pg.Client({ connectionString: PG_URL })
    await client.connect()
    try {
      return await fn(client)
    } finally {
      await client.end()
    }
  }
  return {
    name: 'postgres',
    enabled: PG_URL !== undefined,
    persistent: true,
    async fresh() {
      const schema = `passage_t_${randomBytes(6).toString('hex')}`
      await admin((c) => c.query(`create schema ${schema}`))
      schemas.push(schema)
      const url = new URL(PG_URL ?? '')
      url.searchParams.set('options', `-c search_path=${schema}`)
      return url.toString()
    },
    async cleanup() {
      const drop = schemas.splice(0)
      if (drop.length > 0)
        await admin(async (c) => {
          for (const s of drop) await c.query(`drop schema if exists ${s} cascade`)
        })
    },
  }
}

/** Every target the suite runs on (PostgreSQL skipped when PASSAGE_TEST_PG_URL is unset). */
export const TARGETS: Target[] = [memoryTarget(), fileTarget(), postgresTarget()]

/** A clock the tests move by hand. */
export function fakeClock(start = '2026-11-20T09:00:00.000Z') {
  let t = Date.parse(start)
  return {
    now: () => new Date(t),
    reset() {
      t = Date.parse(start)
    },
    advance(ms: number) {
      t += ms
    },
  }
}

/** A test's store on one target, with its clock; reopened stores are closed after the test. */
export interface StoreFixture {
  target: Target
  clock: ReturnType<typeof fakeClock>
  store(): Store
  /** The location of the test's store. */
  location(): string
  /** Opens another store at the same location (closed after the test). */
  reopen(): Promise<Store>
}

/** Runs `body` once per enabled target, with a fresh store for each test. */
export function describeStores(title: string, body: (f: StoreFixture) => void): void {
  for (const target of TARGETS) {
    describe.skipIf(!target.enabled)(`${title} [${target.name}]`, () => {
      let current: Store | undefined
      let where = ''
      const extra: Store[] = []
      const clock = fakeClock()
      beforeEach(async () => {
        clock.reset()
        where = await target.fresh()
        current = await openStore(where, { now: clock.now })
      })
      afterEach(async () => {
        for (const s of extra.splice(0)) await s.close()
        await current?.close()
        current = undefined
        await target.cleanup()
      })
      body({
        target,
        clock,
        store: () => {
          if (!current) throw new Error('no store open')
          return current
        },
        location: () => where,
        async reopen() {
          const s = await openStore(where, { now: clock.now })
          extra.push(s)
          return s
        },
      })
    })
  }
}

/** A real plan from the planner (Trustifi-like recipe on the fixture tenant). */
export function samplePlan(): Plan {
  return plan(vendor(RELAY), { mode: 'recipe' }, makeSnapshot(), { now: NOW })
}

/** The fixture tenant's snapshot. */
export const sampleSnapshot = makeSnapshot

/** The fixture tenant's id. */
export const TENANT_ID = makeSnapshot().tenant.id

/**
 * A database of the caller's own on the test server (PG_URL), named `<prefix>_<random hex>`:
 * its URL and name, `admin(sql)` on the server, and `drop()` (forced: connections left open do
 * not keep it).
 */
export async function ownDatabase(prefix: string): Promise<{
  url: string
  name: string
  /** Runs a statement as the test server's admin (outside the database). */
  admin(sql: string): Promise<void>
  drop(): Promise<void>
}> {
  if (!PG_URL) throw new Error('ownDatabase needs PASSAGE_TEST_PG_URL')
  const name = `${prefix}_${randomBytes(5).toString('hex')}`
  const admin = async (sql: string) => {
    const c = new pg.Client({ connectionString: PG_URL })
    await c.connect()
    try {
      await c.query(sql)
    } finally {
      await c.end()
    }
  }
  await admin(`create database ${name}`)
  const u = new URL(PG_URL)
  u.pathname = `/${name}`
  return {
    url: u.toString(),
    name,
    admin,
    drop: () => admin(`drop database if exists ${name} with (force)`),
  }
}
