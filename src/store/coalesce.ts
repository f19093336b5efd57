/**
 * Rows written at the same moment, sent as one statement: calls made while the current turn of
 * the event loop runs (the steps of one apply wave journal their objects, or record their
 * outcomes, side by side once their `$batch` answers) are gathered and written together by one
 * multi-row statement once that turn's work is done (setImmediate), and each caller's promise
 * settles only when that statement has (so a journal entry is still in the database before its
 * change's write is sent: the write-ahead rule of design.md holds per row). A fleet apply of
 * seven changes in two waves writes its journal in two statements instead of seven: one round
 * trip to PostgreSQL each, and one statement for the server to run.
 *
 * PostgreSQL only (`batchedWriter`): a SQLite store runs in-process, where a statement costs no
 * round trip, and its writes stay one statement each, in the order and at the moment they were
 * made, as before.
 *
 * Rows with the same key (the same run and change) never share a statement: the later one waits
 * for the next, so that they are written in the order they were asked for. The rows of several
 * jobs of one worker may share a statement; when it fails, each of its rows is written again on
 * its own, so that a row that cannot be written fails its own caller only (the others' rows
 * succeed or fail as they would have alone).
 */

/** Rows a statement takes at most (far below SQLite's bound variables, 32766). */
export const COALESCE_MAX_ROWS = 200

interface Waiting<T, R> {
  row: T
  resolve: (r: R) => void
  reject: (e: unknown) => void
}

/**
 * A writer of rows: `write(row)` resolves with what `flush` said for that row, once the
 * statement that carried it is done. `flush` gets rows of distinct keys, in call order, and
 * answers one result per row, in the same order.
 */
export function coalescer<T, R>(
  keyOf: (row: T) => string,
  flush: (rows: T[]) => Promise<R[]>,
  maxRows = COALESCE_MAX_ROWS,
): (row: T) => Promise<R> {
  let queued: Waiting<T, R>[] = []
  let scheduled = false
  /** The statements of one flush run one after another: a repeated key comes after its first. */
  const run = async (batch: Waiting<T, R>[]) => {
    let rest = batch
    while (rest.length) {
      const keys = new Set<string>()
      const now: Waiting<T, R>[] = []
      const later: Waiting<T, R>[] = []
      for (const w of rest) {
        const k = keyOf(w.row)
        if (keys.has(k) || now.length >= maxRows) later.push(w)
        else {
          keys.add(k)
          now.push(w)
        }
      }
      try {
        const results = await flush(now.map((w) => w.row))
        now.forEach((w, i) => w.resolve(results[i]!))
      } catch (e) {
        if (now.length === 1) now[0]!.reject(e)
        else
          await Promise.all(
            now.map((w) =>
              flush([w.row]).then(
                (r) => w.resolve(r[0]!),
                (err: unknown) => w.reject(err),
              ),
            ),
          )
      }
      rest = later
    }
  }
  return (row) =>
    new Promise<R>((resolve, reject) => {
      queued.push({ row, resolve, reject })
      if (scheduled) return
      scheduled = true
      setImmediate(() => {
        const batch = queued
        queued = []
        scheduled = false
        void run(batch)
      })
    })
}

/**
 * The row writer of a store on `dialect`: coalesced on PostgreSQL (see the module comment), one
 * statement per row on SQLite.
 */
export function batchedWriter<T, R>(
  dialect: 'sqlite' | 'postgres',
  keyOf: (row: T) => string,
  flush: (rows: T[]) => Promise<R[]>,
): (row: T) => Promise<R> {
  if (dialect === 'postgres') return coalescer(keyOf, flush)
  return async (row) => (await flush([row]))[0]!
}
