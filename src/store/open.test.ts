import SqliteDatabase from 'better-sqlite3'
import { Kysely, SqliteDialect, sql } from 'kysely'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { withStatementCache } from './open.js'

interface Db {
  t: { id: number; name: string; n: number | null }
}

const opened: SqliteDatabase.Database[] = []
function raw(): SqliteDatabase.Database {
  const d = new SqliteDatabase(':memory:')
  opened.push(d)
  return d
}
afterEach(() => {
  for (const d of opened.splice(0)) if (d.open) d.close()
})

/** The same queries through kysely, on the database as it comes or with the statement cache. */
async function workload(db: Kysely<Db>): Promise<unknown[]> {
  const out: unknown[] = []
  await sql`create table t (id integer primary key, name text not null, n integer)`.execute(db)
  for (let i = 0; i < 20; i++)
    out.push(
      await db
        .insertInto('t')
        .values({ id: i, name: `row ${i}`, n: i % 3 })
        .execute(),
    )
  for (let i = 0; i < 5; i++) {
    out.push(
      await db
        .selectFrom('t')
        .selectAll()
        .where('n', '=', i % 3)
        .execute(),
    )
    // `in` lists of different lengths: a different text each.
    const ids = Array.from({ length: i + 1 }, (_, k) => k * 2)
    out.push(await db.selectFrom('t').select('name').where('id', 'in', ids).execute())
    out.push(await db.updateTable('t').set({ n: i }).where('id', '=', i).executeTakeFirst())
  }
  await db
    .transaction()
    .execute(async (tx) => {
      await tx.deleteFrom('t').where('id', '<', 3).execute()
      throw new Error('rolled back')
    })
    .catch((e: unknown) => out.push(String(e)))
  out.push(await db.deleteFrom('t').where('id', '>', 15).executeTakeFirst())
  out.push(await db.selectFrom('t').selectAll().orderBy('id').execute())
  return out
}

describe('withStatementCache (SQLite prepared statements kept by their SQL text)', () => {
  it('gives the same results as preparing every query (differential)', async () => {
    const plain = new Kysely<Db>({ dialect: new SqliteDialect({ database: raw() }) })
    const cached = new Kysely<Db>({
      dialect: new SqliteDialect({ database: withStatementCache(raw()) }),
    })
    const a = await workload(plain)
    const b = await workload(cached)
    expect(b).toEqual(a)
    // Not vacuous: the rollback kept the rows it deleted, the last delete removed 16..19.
    expect(a.at(-1)).toHaveLength(16)
    await plain.destroy()
    await cached.destroy()
  })

  it('prepares a query text once and hands the same statement out again', () => {
    const d = raw()
    const prepare = vi.spyOn(d, 'prepare')
    const db = withStatementCache(d)
    const first = db.prepare('select 1 as one')
    const again = db.prepare('select 1 as one')
    expect(again).toBe(first)
    expect(prepare).toHaveBeenCalledTimes(1)
    expect(again.all([])).toEqual([{ one: 1 }])
  })

  it('keeps at most `max` texts, letting the least recently used go', () => {
    const d = raw()
    const prepare = vi.spyOn(d, 'prepare')
    const db = withStatementCache(d, 2)
    const a = db.prepare('select 1')
    db.prepare('select 2')
    expect(db.prepare('select 1')).toBe(a) // now the most recently used
    db.prepare('select 3') // evicts 'select 2'
    expect(prepare).toHaveBeenCalledTimes(3)
    expect(db.prepare('select 1')).toBe(a)
    db.prepare('select 2')
    expect(prepare).toHaveBeenCalledTimes(4)
  })

  it('never hands out a statement that is still iterating', () => {
    const d = raw()
    d.exec('create table t (id integer)')
    d.exec('insert into t values (1), (2), (3)')
    const db = withStatementCache(d)
    const text = 'select id from t order by id'
    const streaming = db.prepare(text)
    const rows = streaming.iterate([])
    expect(rows.next().value).toEqual({ id: 1 })
    const other = db.prepare(text)
    expect(other).not.toBe(streaming)
    expect(other.all([])).toEqual([{ id: 1 }, { id: 2 }, { id: 3 }])
    expect([...rows]).toEqual([{ id: 2 }, { id: 3 }])
    // Drained, the kept statement serves again.
    expect(db.prepare(text)).toBe(streaming)
  })

  it('sees a schema change made after the statement was kept (SQLite prepares it again)', () => {
    const d = raw()
    d.exec('create table t (id integer)')
    d.exec('insert into t values (1)')
    const db = withStatementCache(d)
    expect(db.prepare('select * from t').all([])).toEqual([{ id: 1 }])
    d.exec("alter table t add column name text not null default 'x'")
    expect(db.prepare('select * from t').all([])).toEqual([{ id: 1, name: 'x' }])
  })

  it('closes the database', () => {
    const d = raw()
    withStatementCache(d).close()
    expect(d.open).toBe(false)
  })
})
