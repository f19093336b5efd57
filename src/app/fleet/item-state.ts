/**
 * What a failed fleet job means for its item: a PassageError's code and kind decide whether the
 * tenant refused (the user's input or the plan), cannot be reached by the app (sign-in, consent,
 * role), the failure may pass (retry the job), or it is a failure for good. Messages are made safe
 * to store: token- and key-looking parts are redacted and the length is bounded.
 */
import { isPassageError, type ErrorCode } from '../../core/errors/index.js'
import { redactSecrets } from '../../store/secrets.js'

/** What to do with an item after an error. */
export type FailureOutcome = 'refused' | 'no-access' | 'retry' | 'failed'

/** An error, classified, with a code and a message safe to store. */
export interface ClassifiedFailure {
  outcome: FailureOutcome
  code: ErrorCode
  message: string
}

/**
 * The app cannot act in the tenant: the sign-in was refused (consent missing or withdrawn, the
 * service principal disabled, the certificate not accepted), or Exchange refuses the app's calls
 * (no role for the service principal, API access disabled). These need the customer's admin, so
 * they are not retried; the fleet tenant is marked no-access with the reason.
 * Microsoft: Exchange.ManageAsApp must be consented and a role assigned to the app's service
 * principal (office-docs-powershell exchange/docs-conceptual/app-only-auth-powershell-v2.md,
 * Steps 2, 4 and 5).
 */
const NO_ACCESS = new Set<ErrorCode>([
  'PASSAGE_E_SIGNIN',
  'PASSAGE_E_EXO_ROLE_MISSING',
  'PASSAGE_E_EXO_API_DISABLED',
  'PASSAGE_E_FLEET_CONSENT',
  'PASSAGE_E_TENANT_UNKNOWN',
])

/**
 * Failures that may pass: throttling (Microsoft documents no numbers for the admin API, so the
 * clients' own retries end and the queue's backoff takes over), a service that did not answer or
 * failed (5xx), the network, a busy store, and another run holding the tenant's lease.
 */
const TRANSIENT = new Set<ErrorCode>([
  'PASSAGE_E_THROTTLED',
  'PASSAGE_E_NETWORK',
  'PASSAGE_E_EXO_FAILED',
  'PASSAGE_E_GRAPH_FAILED',
  'PASSAGE_E_LEASE_HELD',
  'PASSAGE_E_STORE_IO',
  'PASSAGE_E_STORE_LOCKED',
  'PASSAGE_E_FLEET_QUEUE',
])

/** The longest error message stored on an item. */
export const MAX_ITEM_MESSAGE = 1000

/** A message safe to store: secrets redacted, one bounded text. */
export function safeMessage(text: string): string {
  const clean = redactSecrets(text) ?? ''
  return clean.length > MAX_ITEM_MESSAGE ? `${clean.slice(0, MAX_ITEM_MESSAGE - 1)}…` : clean
}

/** Classifies an error thrown by a fleet job (see the module comment). */
export function classifyFailure(e: unknown): ClassifiedFailure {
  if (!isPassageError(e)) {
    // Not passage's own error: a bug. Its name and message only, never a stack trace.
    const what = e instanceof Error ? `${e.name}: ${e.message}` : String(e)
    return { outcome: 'failed', code: 'PASSAGE_E_INTERNAL', message: safeMessage(what) }
  }
  const message = safeMessage(e.message)
  const outcome: FailureOutcome = NO_ACCESS.has(e.code)
    ? 'no-access'
    : TRANSIENT.has(e.code)
      ? 'retry'
      : e.kind === 'user'
        ? 'refused'
        : 'failed'
  return { outcome, code: e.code, message }
}
