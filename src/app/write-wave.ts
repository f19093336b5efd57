/**
 * The writes of an apply run's steps in flight, sent together: each step hands its cmdlet call to
 * the wave and waits; once every step in flight is waiting on a write (or has ended), the calls
 * go out as one round: a `$batch` (several `$batch`es side by side past ten calls, under the
 * tenant's concurrency cap), or a plain InvokeCommand for a lone call. The scheduler only starts
 * changes whose prerequisites are done, so the calls of one wave are independent.
 *
 * Each call still gets its own outcome: an item that fails fails only its own step, and an error
 * that says the write may have run (`mayHaveRun`) reaches the step as it would from a single call,
 * which reads the object back. Sending cmdlets that change state in `$batch` is what CIPP does
 * (CIPP-API's standards send e.g. Set-Mailbox through New-ExoBulkRequest). Several changes are
 * never merged into one cmdlet call (say, one New-TenantAllowBlockListItems with several
 * -Entries): a merged call succeeds or fails as a whole, and each step must keep its own outcome.
 */
import type { CmdletCall } from '../core/cmdlet.js'
import type { BatchOutcome, CmdletResult } from '../exchange/index.js'

/** What a wave needs of the Exchange client. */
export interface WaveClient {
  invoke(call: CmdletCall): Promise<CmdletResult>
  batch(calls: CmdletCall[]): Promise<BatchOutcome[]>
}

interface Parked {
  call: CmdletCall
  resolve: (r: CmdletResult) => void
  reject: (e: unknown) => void
}

/** Gathers the writes of the steps in flight into rounds. See the module comment. */
export class WriteWave {
  private active = 0
  private parked: Parked[] = []
  private pending = false

  constructor(private readonly exo: WaveClient) {}

  /** Steps in flight (begun, not ended). */
  get inFlight(): number {
    return this.active
  }

  /** A step begins: the next round waits for its write (or its end). */
  begin(): void {
    this.active++
  }

  /** A step ended: it writes nothing more. Call it once per `begin`. */
  end(): void {
    this.active = Math.max(0, this.active - 1)
    this.maybeSend()
  }

  /** Sends `call` in the current round; resolves or rejects with its own outcome. */
  invoke(call: CmdletCall): Promise<CmdletResult> {
    return new Promise<CmdletResult>((resolve, reject) => {
      this.parked.push({ call, resolve, reject })
      this.maybeSend()
    })
  }

  /**
   * Sends the round once every step in flight waits on a write. Checked again after the current
   * turn of the event loop: a step that ends lets the scheduler start the changes that depended on
   * it (promise callbacks), and those belong in the same round.
   */
  private maybeSend(): void {
    if (this.pending || this.parked.length === 0 || this.parked.length < this.active) return
    this.pending = true
    setImmediate(() => {
      this.pending = false
      if (this.parked.length === 0 || this.parked.length < this.active) return
      void this.send(this.parked.splice(0))
    })
  }

  private async send(round: Parked[]): Promise<void> {
    if (round.length === 1) {
      const [only] = round as [Parked]
      await this.exo.invoke(only.call).then(only.resolve, only.reject)
      return
    }
    let outcomes: BatchOutcome[]
    try {
      outcomes = await this.exo.batch(round.map((p) => p.call))
    } catch (e) {
      for (const p of round) p.reject(e)
      return
    }
    // One error for several items: the answer of their `$batch` was lost as a whole.
    const seen = new Set<unknown>()
    for (const o of outcomes)
      if (o && !o.ok) {
        if (seen.has(o.error)) sharedLosses.add(o.error)
        seen.add(o.error)
      }
    round.forEach((p, i) => {
      const o = outcomes[i]
      if (!o) p.reject(new Error(`no outcome for ${p.call.cmdlet} in its $batch`))
      else if (o.ok) p.resolve({ objects: o.objects, warnings: o.warnings })
      else p.reject(o.error)
    })
  }
}

const sharedLosses = new WeakSet<object>()

/**
 * True when a write failed with the other writes of its `$batch`, one error for them all (the
 * batch's answer was lost): the service may have stopped at another item before this one ran.
 * Read the object back; if the write is not in effect, it can be sent again on its own.
 */
export function lostWithItsBatch(e: unknown): boolean {
  return typeof e === 'object' && e !== null && sharedLosses.has(e)
}
