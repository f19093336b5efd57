import { CATALOGUE, type ErrorCode, type ErrorKind } from './catalogue.js'

/** Structured detail attached to an error (never secrets). */
export type ErrorDetails = Record<string, unknown>

/** The one error class of passage: a catalogue code, a message, a hint and an optional cause. */
export class PassageError extends Error {
  override readonly name = 'PassageError'
  readonly code: ErrorCode
  readonly hint: string
  readonly details: ErrorDetails | undefined

  constructor(
    code: ErrorCode,
    message: string,
    options: { hint?: string; cause?: unknown; details?: ErrorDetails } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause })
    this.code = code
    this.hint = options.hint ?? CATALOGUE[code].hint
    this.details = options.details
  }

  /** Who is at fault: the user, the remote side, or passage itself. */
  get kind(): ErrorKind {
    return CATALOGUE[this.code].kind
  }

  /** The catalogue title of this error's code. */
  get title(): string {
    return CATALOGUE[this.code].title
  }

  /** A JSON-safe view for `--json` output and the API. */
  toJSON(): {
    code: ErrorCode
    title: string
    message: string
    hint: string
    details?: ErrorDetails
  } {
    return {
      code: this.code,
      title: this.title,
      message: this.message,
      hint: this.hint,
      ...(this.details ? { details: this.details } : {}),
    }
  }
}

/** True when the value is a PassageError (optionally of the given code). */
export function isPassageError(e: unknown, code?: ErrorCode): e is PassageError {
  return e instanceof PassageError && (code === undefined || e.code === code)
}
