/**
 * One step of an apply run: journal the object's prior state, run the cmdlet calls its surface
 * derives from the change (never the calls a plan file lists), and judge an ambiguous failure by
 * reading the object back. Returns the step's result instead of throwing.
 */
import type { Change, JsonObject } from '../core/change.js'
import type { CmdletCall } from '../core/cmdlet.js'
import { isPassageError, PassageError, type ErrorCode } from '../core/errors/index.js'
import { surfaceOf } from '../core/surfaces/registry.js'
import type { Store } from '../store/index.js'
import type { ScheduledStatus } from './schedule.js'

/** One step's result. */
export interface StepResult {
  changeId: string
  summary: string
  status: ScheduledStatus
  /** Why a done step ran no cmdlet (resumed: it was in effect already). */
  note?: string
  error?: { code: ErrorCode; message: string; hint: string }
  ms?: number
}

/** A coded error of a step, from whatever was thrown. */
export function stepError(e: unknown): NonNullable<StepResult['error']> {
  const err = isPassageError(e)
    ? e
    : new PassageError('PASSAGE_E_INTERNAL', e instanceof Error ? e.message : String(e))
  return { code: err.code, message: err.message, hint: err.hint }
}

/** What a step needs from the run around it. */
export interface StepContext {
  store: Store
  /**
   * Sends one of the step's cmdlet calls and settles with its own outcome (apply's write wave
   * sends it together with the other steps' writes).
   */
  write(call: CmdletCall): Promise<unknown>
  runId: number
  /** The object the change targets as the run's working copy has it (the true prior). */
  priorOf(c: Change): JsonObject | null
  /** True when the change was in effect already (resumed after an interruption). */
  alreadyDone(c: Change): boolean
  /** Whether the change is in effect on the tenant now (read back). */
  readBack(c: Change): Promise<boolean>
  /** Counts the cmdlet calls made. */
  counted(): void
}

/** Runs one change. See the module comment. */
export async function runStep(ctx: StepContext, c: Change): Promise<StepResult> {
  const base = { changeId: c.id, summary: c.summary }
  // The prior state goes to the journal before anything is written (insert-or-ignore: a
  // resumed run keeps the first, true prior).
  await ctx.store.journalPrior(ctx.runId, c.id, c.surface, c.target, ctx.priorOf(c))
  if (ctx.alreadyDone(c)) return { ...base, status: 'done', note: 'already in effect (resumed)' }
  try {
    for (const call of surfaceOf(c.surface).calls(c)) {
      ctx.counted()
      await ctx.write(call)
    }
    return { ...base, status: 'done' }
  } catch (e) {
    // A write that may have run before the connection failed: read back before judging.
    if (isPassageError(e) && e.details?.mayHaveRun === true) {
      try {
        if (await ctx.readBack(c))
          return {
            ...base,
            status: 'done',
            note: 'in effect on read-back after an ambiguous failure',
          }
      } catch {
        // The read-back failed too: report the original failure.
      }
    }
    return { ...base, status: 'failed', error: stepError(e) }
  }
}
