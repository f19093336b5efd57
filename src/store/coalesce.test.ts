import { describe, expect, it } from 'vitest'
import { batchedWriter, coalescer } from './coalesce.js'

/** A writer whose flushes are recorded; `bad` rows make a statement fail. */
function recorder(bad = new Set<string>()) {
  const statements: string[][] = []
  const write = coalescer(
    (r: { key: string; v: number }) => r.key,
    async (rows) => {
      statements.push(rows.map((r) => `${r.key}=${r.v}`))
      if (rows.some((r) => bad.has(r.key))) throw new Error(`cannot write ${rows.length} rows`)
      return rows.map((r) => r.v * 10)
    },
  )
  return { statements, write }
}

describe('coalescer', () => {
  it('rows asked for in the same turn go out in one statement; each caller gets its own result', async () => {
    const { statements, write } = recorder()
    const got = await Promise.all([
      write({ key: 'a', v: 1 }),
      write({ key: 'b', v: 2 }),
      write({ key: 'c', v: 3 }),
    ])
    expect(got).toEqual([10, 20, 30])
    expect(statements).toEqual([['a=1', 'b=2', 'c=3']])
  })

  it('a caller settles only once the statement carrying its row is done (write-ahead)', async () => {
    const { statements, write } = recorder()
    const p = write({ key: 'a', v: 1 })
    // Nothing is written before the turn ends, and the caller is still waiting.
    expect(statements).toEqual([])
    await p
    expect(statements).toEqual([['a=1']])
  })

  it('a key asked for twice in one turn is written twice, in order, never in one statement', async () => {
    const { statements, write } = recorder()
    await Promise.all([
      write({ key: 'a', v: 1 }),
      write({ key: 'b', v: 2 }),
      write({ key: 'a', v: 3 }),
    ])
    expect(statements).toEqual([['a=1', 'b=2'], ['a=3']])
  })

  it('when a shared statement fails, each row is written on its own: only the bad row fails its caller', async () => {
    const { statements, write } = recorder(new Set(['bad']))
    const out = await Promise.allSettled([
      write({ key: 'a', v: 1 }),
      write({ key: 'bad', v: 2 }),
      write({ key: 'c', v: 3 }),
    ])
    expect(out.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled'])
    expect(out[0]).toMatchObject({ value: 10 })
    expect(out[1]).toMatchObject({ reason: new Error('cannot write 1 rows') })
    expect(statements[0]).toEqual(['a=1', 'bad=2', 'c=3'])
    expect(statements.slice(1).sort()).toEqual([['a=1'], ['bad=2'], ['c=3']])
  })

  it('a statement carries at most maxRows rows; the rest follow in the next', async () => {
    const statements: number[] = []
    const write = coalescer(
      (n: number) => String(n),
      async (rows) => {
        statements.push(rows.length)
        return rows
      },
      2,
    )
    expect(await Promise.all([1, 2, 3, 4, 5].map(write))).toEqual([1, 2, 3, 4, 5])
    expect(statements).toEqual([2, 2, 1])
  })
})

describe('batchedWriter', () => {
  const flushing = () => {
    const statements: number[][] = []
    const flush = async (rows: number[]) => {
      statements.push(rows)
      return rows
    }
    return { statements, flush }
  }

  it('on PostgreSQL, rows of one turn share a statement', async () => {
    const { statements, flush } = flushing()
    const write = batchedWriter('postgres', String, flush)
    await Promise.all([1, 2, 3].map(write))
    expect(statements).toEqual([[1, 2, 3]])
  })

  it('on SQLite (in-process, no round trip), each row is its own statement, written at once', async () => {
    const { statements, flush } = flushing()
    const write = batchedWriter('sqlite', String, flush)
    const all = Promise.all([1, 2, 3].map(write))
    expect(statements).toEqual([[1], [2], [3]])
    expect(await all).toEqual([1, 2, 3])
  })
})
