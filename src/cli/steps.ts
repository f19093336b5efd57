/** How step results are shown: one line per step, on standard error while running. */
import type { StepEvent, StepResult } from '../app/apply.js'
import type { RollbackStep } from '../app/rollback.js'
import { paint } from './output.js'

const MARK: Record<string, string> = {
  done: '✓',
  failed: '✗',
  'not-run': '·',
  conflict: '!',
}

/** The line for a finished step. */
export function stepLine(r: StepResult | RollbackStep): string {
  const mark = MARK[r.status] ?? '?'
  const styled =
    r.status === 'done'
      ? paint('green', mark, process.stderr)
      : r.status === 'failed' || r.status === 'conflict'
        ? paint('red', mark, process.stderr)
        : paint('dim', mark, process.stderr)
  const extra = [r.note, r.error ? `${r.error.code}: ${r.error.message}` : undefined]
    .filter(Boolean)
    .join('; ')
  return `  ${styled} ${r.changeId} ${r.summary}${extra ? ` — ${extra}` : ''}`
}

/** A progress callback for apply that prints each step as it ends. */
export function printSteps(write: (line: string) => void): (e: StepEvent) => void {
  return (e) => {
    if (e.type === 'end') write(stepLine(e.result))
  }
}
