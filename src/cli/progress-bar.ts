/**
 * The fleet's progress display on standard error while jobs run. On a terminal: one bar line
 * redrawn in place (carriage return, erase line), ended with a newline. Elsewhere (a pipe, a CI
 * log): a plain counts line, written only when the counts changed and at most every 2 seconds,
 * except the last one (everything finished), which is always written, so a log is short but
 * always ends with the final counts.
 */
import type { FleetItemState } from '../store/index.js'

/** Where the display writes, and the clock it paces plain lines by (tests pass their own). */
export interface ProgressSink {
  isTTY: boolean
  write(text: string): void
  now(): number
}

/** Item counts by state, as the fleet's status reads them. */
export type ProgressCounts = Partial<Record<FleetItemState, number>>

/** A progress display: `update` on every poll, `end` once the jobs are done. */
export interface ProgressDisplay {
  update(counts: ProgressCounts, total: number, what?: string): void
  end(): void
}

/** Width of the bar in characters. */
const BAR_WIDTH = 24

/** Least time between two plain lines, in ms. */
const PLAIN_INTERVAL_MS = 2000

/** The words of one update: `apply: 3/10 finished (queued 5, running 2, done 3)`. */
export function progressWords(counts: ProgressCounts, total: number, what: string): string {
  const finished = finishedOf(counts, total)
  const parts = (Object.entries(counts) as [FleetItemState, number][])
    .filter(([, n]) => n > 0)
    .map(([s, n]) => `${s} ${n}`)
  return `${what}: ${finished}/${total} finished (${parts.join(', ')})`
}

/** Items no longer queued or running. */
function finishedOf(counts: ProgressCounts, total: number): number {
  return Math.max(0, total - (counts.queued ?? 0) - (counts.running ?? 0))
}

/** The bar: `[######..........]`, full when there is nothing to do. */
export function progressBar(finished: number, total: number, width = BAR_WIDTH): string {
  const share = total > 0 ? Math.min(1, finished / total) : 1
  const filled = Math.round(share * width)
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}]`
}

/** Standard error as a progress sink. */
export function stderrSink(): ProgressSink {
  return {
    isTTY: Boolean(process.stderr.isTTY),
    write: (text) => process.stderr.write(text),
    now: () => Date.now(),
  }
}

/** A display labelled `label` (see the module comment). */
export function progressDisplay(label: string, sink: ProgressSink = stderrSink()): ProgressDisplay {
  let lastAt = Number.NEGATIVE_INFINITY
  let lastLine = ''
  let shown = false
  return {
    update(counts, total, what = label) {
      const words = progressWords(counts, total, what)
      const finished = finishedOf(counts, total)
      if (sink.isTTY) {
        sink.write(`\r\x1b[2K${progressBar(finished, total)} ${words}`)
        shown = true
        return
      }
      const now = sink.now()
      if (words === lastLine) return
      if (now - lastAt < PLAIN_INTERVAL_MS && finished < total) return
      lastAt = now
      lastLine = words
      sink.write(`${words}\n`)
    },
    end() {
      if (sink.isTTY && shown) sink.write('\n')
      shown = false
    },
  }
}
