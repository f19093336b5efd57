import { isPassageError, PassageError, type ErrorCode } from '../errors/index.js'
import { MechanismId, ProtectionId } from '../protections/ids.js'

/** One refusal the planner found, for people and tools (`details.diagnostics` of its error). */
export interface Diagnostic {
  code: ErrorCode
  message: string
  /** The protection it concerns, when it concerns one. */
  protection?: ProtectionId
  /** The mechanism it concerns, when it concerns one. */
  mechanism?: MechanismId
}

/** Where a refusal arose, when the code that meets it knows better than the error says. */
export interface Where {
  protection?: ProtectionId
  mechanism?: MechanismId
}

/** Where a mechanism's refusal arose: the mechanism, and its protection when it serves just one. */
export function whereOf(mechanism: MechanismId, protections: readonly ProtectionId[]): Where {
  const [only, ...more] = protections
  return only && !more.length ? { mechanism, protection: only } : { mechanism }
}

/** The diagnostic of a refusal: what it says, and where (from `where`, else its details). */
export function diagnosticOf(e: PassageError, where: Where = {}): Diagnostic {
  const protection = where.protection ?? ProtectionId.safeParse(e.details?.protection).data
  const mechanism = where.mechanism ?? MechanismId.safeParse(e.details?.mechanism).data
  return {
    code: e.code,
    message: e.message,
    ...(protection ? { protection } : {}),
    ...(mechanism ? { mechanism } : {}),
  }
}

/**
 * One error for several refusals, so that an admin fixes them all in one go rather than one per
 * attempt. The first refusal's code, hint and details stay the error's (exit codes and callers that
 * test the code hold); the message lists them all and `details.diagnostics` carries each one.
 */
export function aggregate(
  refusals: readonly PassageError[],
  diagnostics?: Diagnostic[],
): PassageError {
  const [first, ...rest] = refusals
  if (!first) throw new Error('aggregate needs at least one refusal')
  const all = diagnostics ?? refusals.map((e) => diagnosticOf(e))
  const message = rest.length
    ? [first.message, ...rest.map((e) => `Also: ${e.message}`)].join('\n')
    : first.message
  return new PassageError(first.code, message, {
    hint: first.hint,
    details: { ...first.details, diagnostics: all },
  })
}

/** Every refusal met while planning, in the order met. */
export class Refusals {
  private readonly errors: PassageError[] = []
  private readonly diagnostics: Diagnostic[] = []

  /** Records a refusal. */
  add(e: PassageError, where: Where = {}): void {
    this.errors.push(e)
    this.diagnostics.push(diagnosticOf(e, where))
  }

  /** Runs `f`, recording the PassageError it throws; anything else is a bug and propagates. */
  attempt<T>(f: () => T, where: Where = {}): T | undefined {
    try {
      return f()
    } catch (e) {
      if (!isPassageError(e)) throw e
      this.add(e, where)
      return undefined
    }
  }

  /** Throws them all as one PassageError, if there is any. */
  throwIfAny(): void {
    if (this.errors.length) throw aggregate(this.errors, this.diagnostics)
  }
}
