/** Whole-number options, checked the same way by every command that takes one. */
import { PassageError } from '../core/errors/index.js'

/** A whole number in [min, max] given to `flag`, or PASSAGE_E_INPUT naming the flag. */
export function wholeNumber(flag: string, value: string, min: number, max: number): number {
  const n = /^\s*\d+\s*$/.test(value) ? Number(value) : NaN
  if (!Number.isInteger(n) || n < min || n > max)
    throw new PassageError(
      'PASSAGE_E_INPUT',
      `${flag} takes a whole number from ${min} to ${max}, got '${value.slice(0, 40)}'.`,
    )
  return n
}
