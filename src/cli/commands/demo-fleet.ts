/** `passage demo --fleet`: options checked here, the run loaded from ./demo-fleet.run.ts. */
import { PassageError } from '../../core/errors/index.js'
import type { DemoOptions } from './demo.js'

/** A whole number from `min` to `max`, or PASSAGE_E_INPUT naming the option. */
function whole(text: string, name: string, min: number, max: number): number {
  const n = /^\s*\d+\s*$/.test(text) ? Number(text) : NaN
  if (!Number.isInteger(n) || n < min || n > max)
    throw new PassageError(
      'PASSAGE_E_INPUT',
      `${name} takes a whole number from ${min} to ${max}, got '${text.slice(0, 40)}'.`,
    )
  return n
}

/** Checks the options, runs the fleet demo and sets the exit code (0 as designed, 3 otherwise). */
export async function runFleetDemoCommand(opts: DemoOptions): Promise<void> {
  const tenants = whole(opts.tenants ?? '200', '--tenants', 1, 2000)
  const workers = whole(opts.workers ?? '2', '--workers', 1, 8)
  const { runFleetDemo } = await import('./demo-fleet.run.js')
  const code = await runFleetDemo({ tenants, workers, ...(opts.json ? { json: true } : {}) })
  if (code) process.exitCode = code
}
