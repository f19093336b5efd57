import { isPassageError, type ValidationIssue } from '../../core/errors/index.js'

/** A test message that does not validate: `issues` lists each problem with its field path. */
export class MessageInputError extends Error {
  override readonly name = 'MessageInputError'
  readonly issues: ValidationIssue[]

  constructor(message: string, issues: ValidationIssue[]) {
    super(message)
    this.issues = issues
  }
}

/** Turns core's PASSAGE_E_INPUT validation failure into a MessageInputError; rethrows others. */
export function asMessageInputError(e: unknown): never {
  if (isPassageError(e, 'PASSAGE_E_INPUT')) {
    const raw = e.details?.issues
    const issues = Array.isArray(raw) ? (raw as ValidationIssue[]) : []
    throw new MessageInputError(e.message, issues)
  }
  throw e
}
