import { mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { sql } from 'kysely'
import { describe, expect, it } from 'vitest'
import { isPassageError } from '../core/errors/index.js'
import { migrateToLatest, migrations, MIGRATION_TABLE } from './migrations.js'
import { connect, openStore } from './open.js'
import {
  describeStores,
  ownDatabase,
  PG_URL,
  samplePlan,
  sampleSnapshot,
  TENANT_ID,
} from './test-fixtures.js'
import SqliteDatabase from 'better-sqlite3'

describeStores('migrations', (f) => {
  it.skipIf(!f.target.persistent)('are idempotent: migrating again does nothing', async () => {
    await f.store().upsertTenant({
      id: TENANT_ID,
      name: 'fabrikam.onmicrosoft.com',
      displayName: 'Fabrikam',
      licence: 'eop',
    })
    const { db, dialect } = connect(f.location())
    try {
      expect(await migrateToLatest(db, dialect)).toEqual([])
      expect(await migrateToLatest(db, dialect)).toEqual([])
      const { rows } = await sql<{
        n: number | string
      }>`select count(*) as n from ${sql.table(MIGRATION_TABLE)}`.execute(db)
      expect(Number(rows[0]?.n)).toBe(Object.keys(migrations(dialect)).length)
    } finally {
      await db.destroy()
    }
    const third = await f.reopen()
    expect(await third.getTenant(TENANT_ID)).toBeDefined()
  })

  it('a second store beside the first (another file, another schema) is independent', async () => {
    const other = await openStore(await f.target.fresh(), { now: f.clock.now })
    try {
      await other.upsertTenant({
        id: TENANT_ID,
        name: 'fabrikam.onmicrosoft.com',
        displayName: 'Fabrikam',
        licence: 'eop',
      })
      expect(await f.store().getTenant(TENANT_ID)).toBeUndefined()
      expect(await other.getTenant(TENANT_ID)).toBeDefined()
    } finally {
      await other.close()
    }
  })

  it.skipIf(!f.target.persistent)('a reopened store keeps its data', async () => {
    const s = f.store()
    const p = samplePlan()
    await s.upsertTenant({
      id: TENANT_ID,
      name: 'fabrikam.onmicrosoft.com',
      displayName: 'Fabrikam',
      licence: 'eop',
      snapshot: sampleSnapshot(),
    })
    await s.savePlan(p)
    const run = await s.createRun({
      tenantId: TENANT_ID,
      planHash: p.hash,
      kind: 'apply',
      actor: 'a',
    })
    await s.journalPrior(run.id, 'c01', 'transport-rule', 'x', null)
    await s.close()

    const again = await f.reopen()
    expect((await again.getTenant(TENANT_ID))?.snapshot).toEqual(sampleSnapshot())
    expect(await again.getPlan(p.hash)).toEqual(p)
    expect((await again.getRun(run.id))?.status).toBe('running')
    expect(await again.getJournal(run.id)).toHaveLength(1)
  })
})

describe.skipIf(!PG_URL)('migrations [postgres], beside other schemas', () => {
  it('are not disturbed by another schema of the database dropped meanwhile (3F000 naming it)', async () => {
    const own = await ownDatabase('passage_mig_race')
    const admin = connect(own.url)
    let dropping = true
    try {
      // Others' schemas come and go while ours are migrated: Kysely's migrator scans every schema.
      const churn = (async () => {
        for (let i = 0; dropping; i++) {
          await sql
            .raw(`create schema other_${i}; create table other_${i}.t (id int)`)
            .execute(admin.db)
          await sql.raw(`drop schema other_${i} cascade`).execute(admin.db)
          await new Promise((r) => setTimeout(r, 5))
        }
      })()
      for (let i = 0; i < 12; i++) {
        await sql.raw(`create schema ours_${i}`).execute(admin.db)
        const u = new URL(own.url)
        u.searchParams.set('options', `-c search_path=ours_${i}`)
        const { db, dialect } = connect(u.toString())
        try {
          expect(await migrateToLatest(db, dialect)).toHaveLength(
            Object.keys(migrations(dialect)).length,
          )
        } finally {
          await db.destroy()
        }
      }
      dropping = false
      await churn
    } finally {
      dropping = false
      await admin.db.destroy()
      await own.drop()
    }
  })
})

describe('migrations on one database', () => {
  it('a fresh database gets every migration once, then none', async () => {
    const { db, dialect } = connect(':memory:')
    try {
      expect(await migrateToLatest(db, dialect)).toEqual(Object.keys(migrations(dialect)))
      expect(await migrateToLatest(db, dialect)).toEqual([])
    } finally {
      await db.destroy()
    }
  })

  it('refuses a database migrated by a newer passage', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'passage-store-'))
    try {
      const file = join(dir, 'p.db')
      await (await openStore(file)).close()
      const raw = new SqliteDatabase(file)
      raw
        .prepare(`insert into ${MIGRATION_TABLE} (name, timestamp) values (?, ?)`)
        .run('9999_future', new Date().toISOString())
      raw.close()
      const err = await openStore(file).catch((e: unknown) => e)
      expect(isPassageError(err, 'PASSAGE_E_STORE_CORRUPT')).toBe(true)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('a new store file is readable by its owner only, in WAL mode', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'passage-store-'))
    try {
      const file = join(dir, 'p.db')
      await (await openStore(file)).close()
      expect(statSync(file).mode & 0o777).toBe(0o600)
      const raw = new SqliteDatabase(file)
      expect(raw.pragma('journal_mode', { simple: true })).toBe('wal')
      raw.close()
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('a file in a missing folder is a clear STORE_OPEN error', async () => {
    const err = await openStore('/nonexistent-passage-dir/x/passage.db').catch((e: unknown) => e)
    expect(isPassageError(err, 'PASSAGE_E_STORE_OPEN')).toBe(true)
    expect((err as Error).message).toContain('/nonexistent-passage-dir/x/passage.db')
  })

  it('an unreachable PostgreSQL is STORE_OPEN, without the password in the message', async () => {
    const err = await openStore('postgres://u:s3cret@127.0.0.1:1/none').catch((e: unknown) => e)
    expect(isPassageError(err, 'PASSAGE_E_STORE_OPEN')).toBe(true)
    expect((err as Error).message).not.toContain('s3cret')
  })
})

describe('unreadable rows', () => {
  it('a snapshot or plan edited outside passage is STORE_CORRUPT, not a crash', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'passage-store-'))
    try {
      const file = join(dir, 'p.db')
      const s = await openStore(file)
      const p = samplePlan()
      await s.savePlan(p)
      await s.upsertTenant({
        id: TENANT_ID,
        name: 'fabrikam.onmicrosoft.com',
        displayName: 'Fabrikam',
        licence: 'eop',
        snapshot: sampleSnapshot(),
      })
      const raw = new SqliteDatabase(file)
      raw.prepare(`update tenants set snapshot_json = '{"version": 2}'`).run()
      raw.prepare(`update plans set plan_json = replace(plan_json, 'passage:', 'evil:')`).run()
      raw.close()
      const t = await s.getTenant(TENANT_ID).catch((e: unknown) => e)
      expect(isPassageError(t, 'PASSAGE_E_STORE_CORRUPT')).toBe(true)
      const q = await s.getPlan(p.hash).catch((e: unknown) => e)
      expect(isPassageError(q, 'PASSAGE_E_STORE_CORRUPT')).toBe(true)
      await s.close()
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
