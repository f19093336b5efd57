/**
 * Errors as the API returns them: `{ error: { code, title, message, hint } }` from the catalogue,
 * with an HTTP status by who is at fault, and never a stack trace.
 */
import { z } from 'zod'
import {
  CATALOGUE,
  isPassageError,
  PassageError,
  zodIssues,
  type ErrorCode,
} from '../core/errors/index.js'

/** An error in an API answer. */
export interface ApiError {
  code: ErrorCode
  title: string
  message: string
  hint: string
  /** Field problems of a validation error. */
  issues?: { path: string; message: string }[]
}

const STATUS: Partial<Record<ErrorCode, number>> = {
  PASSAGE_E_API_TOKEN: 401,
  PASSAGE_E_API_HOST: 403,
  PASSAGE_E_API_NOT_FOUND: 404,
  PASSAGE_E_NOT_CONNECTED: 409,
  PASSAGE_E_RUN_UNKNOWN: 404,
  PASSAGE_E_VENDOR_UNKNOWN: 404,
  PASSAGE_E_LEASE_HELD: 409,
  PASSAGE_E_PLAN_DRIFT: 409,
  PASSAGE_E_EXO_ROLE_MISSING: 403,
  PASSAGE_E_EXO_API_DISABLED: 403,
  PASSAGE_E_THROTTLED: 429,
}

/**
 * Hints for a web user, where the catalogue's speak of the command line (`passage discover`,
 * --param, --yes): the wizard's user has buttons and fields, not a terminal. A code without an
 * entry keeps the catalogue's hint, which names no command.
 */
export const WEB_HINTS: Partial<Record<ErrorCode, string>> = {
  PASSAGE_E_INPUT: 'Check the value named in the message and try again.',
  PASSAGE_E_SNAPSHOT_INVALID: 'Go back to Discovery to read the tenant again.',
  PASSAGE_E_VENDOR_UNKNOWN:
    'Go back to the first step and pick a service from the catalog, or describe your own.',
  PASSAGE_E_PARAM_MISSING: 'Fill in the field named in the first step (Vendor) and continue.',
  PASSAGE_E_PARAM_INVALID:
    'Correct the field named in the first step (Vendor); each field says what it takes.',
  PASSAGE_E_PROTECTION_UNKNOWN: 'Choose the protections again in the Protections step.',
  PASSAGE_E_REFUSED_UNSAFE:
    'Choose a narrower option in the Protections step; each option shows its risk.',
  PASSAGE_E_PLAN_INVALID: 'Go back to the Summary step to make the plan again.',
  PASSAGE_E_PLAN_TAMPERED: 'Go back to the Summary step to make the plan again.',
  PASSAGE_E_PLAN_UNSIGNED: 'Go back to the Summary step to make the plan again here.',
  PASSAGE_E_PLAN_FORGED: 'Nothing was applied. Go back to the Summary step to make the plan again.',
  PASSAGE_E_STORE_OPEN:
    'The wizard cannot open its database: ask whoever started it to check where it keeps its data.',
  PASSAGE_E_STORE_CORRUPT:
    'The wizard’s database was changed outside passage or by a newer version: ask whoever started the wizard.',
  PASSAGE_E_LEASE_HELD:
    'Wait for it to finish (History lists it) and try again; a run that crashed frees the tenant when its lease expires.',
  PASSAGE_E_EXO_ROLE_MISSING:
    'Sign in as an Exchange Administrator (or Security Administrator for security policy changes), or have a Global Administrator assign that role; role changes can take up to an hour to reach Exchange.',
  PASSAGE_E_EXO_API_DISABLED:
    'An Exchange Administrator can turn your API access back on (Set-User with -EXOModuleEnabled $true in Exchange Online PowerShell); or sign in as another admin.',
  PASSAGE_E_EXO_NOT_FOUND:
    'The object was removed or renamed since it was read: go back to Discovery to read the tenant again, then review the new plan.',
  PASSAGE_E_EXO_VALIDATION:
    'Exchange named the value it refused: go back to Discovery to read the tenant again, then review the new plan.',
  PASSAGE_E_SIGNIN: 'Sign in again; the message says why the sign-in was refused.',
  PASSAGE_E_NOT_CONNECTED: 'Sign in to the tenant first (step 2).',
  PASSAGE_E_TENANT_UNKNOWN:
    'Check the tenant name: its *.onmicrosoft.com name, one of its verified domains, or its GUID (Entra admin center > Overview).',
  PASSAGE_E_PLAN_DRIFT:
    'The tenant changed since the plan was made: go back to Discovery to read it again, then review and apply the new plan.',
  PASSAGE_E_RUN_UNKNOWN: 'Refresh History to see the runs of this tenant.',
  PASSAGE_E_NOTHING_APPLIED: 'History shows what was applied and undone; apply a plan first.',
  PASSAGE_E_NOTHING_TO_CHECK:
    'Go back to Protections and review the changes again: the plan is made from your tenant as it is now.',
  PASSAGE_E_ROLLBACK_INCOMPLETE:
    'Undo it again from History: it continues where it stopped. The run’s details name what is left.',
  PASSAGE_E_ROLLBACK_CONFLICT:
    'Their values were left as they are. Review the conflicts in the run’s details in History.',
  PASSAGE_E_CONFIRM: 'Confirm in the dialog to go on.',
  PASSAGE_E_API_TOKEN:
    'Open the full address the wizard was started with (it carries the access token); whoever started it can give it to you again.',
  PASSAGE_E_API_HOST:
    'Open the wizard at the exact address it was started with; other sites and host names are refused.',
}

/**
 * A message thrown for the command line, reworded for the wizard: flags become the fields and
 * choices the wizard shows them as. Unknown flags are left alone (the test of plain words lists
 * every message the wizard can show).
 */
export function forWeb(text: string): string {
  return text
    .replace(/\s*\(?`?passage [a-z][^`)]*`?\s*lists? [^).;]*\)?/g, '')
    .replace(/(?:explicitly )?with --protect [\w,-]+/g, 'by choosing it explicitly in Protections')
    .replace(/--param (\w+)(?:=\S*)?/g, 'the $1 field')
    .replace(/--vendor-file/g, 'a profile file')
    .replace(/--tenant(?:-snapshot)?/g, 'the tenant')
}

/** The API view of any thrown value; an unknown one becomes an internal error without detail. */
export function toApiError(e: unknown): ApiError {
  if (e instanceof z.ZodError) {
    const issues = zodIssues(e)
    return {
      code: 'PASSAGE_E_INPUT',
      title: CATALOGUE.PASSAGE_E_INPUT.title,
      message: `The request is invalid: ${issues
        .slice(0, 5)
        .map((i) => `${i.path}: ${i.message}`)
        .join('; ')}`,
      hint: 'Correct the fields named and try again.',
      issues,
    }
  }
  if (isPassageError(e)) {
    const issues = e.details?.issues
    // A hint written where the error was raised (not the catalogue's) is reworded like a message.
    const own = e.hint !== CATALOGUE[e.code].hint
    return {
      code: e.code,
      title: e.title,
      message: clip(forWeb(e.message)),
      hint: own ? forWeb(e.hint) : (WEB_HINTS[e.code] ?? e.hint),
      ...(Array.isArray(issues) ? { issues: issues as ApiError['issues'] } : {}),
    }
  }
  return {
    code: 'PASSAGE_E_INTERNAL',
    title: CATALOGUE.PASSAGE_E_INTERNAL.title,
    message: 'Something went wrong on the server.',
    hint: CATALOGUE.PASSAGE_E_INTERNAL.hint,
  }
}

/** Longest message the wizard shows; the rest is cut (a file's or an input's content may be in it). */
const MAX_MESSAGE = 2000

/** A message cut to MAX_MESSAGE characters, saying how much was left out. */
function clip(text: string): string {
  return text.length > MAX_MESSAGE
    ? `${text.slice(0, MAX_MESSAGE)}… (${text.length - MAX_MESSAGE} more characters)`
    : text
}

/** Text safe for a terminal: control bytes shown as `\xNN`, and cut like any message. */
export function terminalSafe(text: string): string {
  return clip(
    // eslint-disable-next-line no-control-regex
    text.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, (c) => {
      return `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`
    }),
  )
}

/** The HTTP status of an API error. */
export function statusOf(err: ApiError): number {
  const s = STATUS[err.code]
  if (s) return s
  switch (CATALOGUE[err.code].kind) {
    case 'user':
      return 400
    case 'remote':
      return 502
    default:
      return 500
  }
}

/** Parses a request body or query with a schema; a mismatch is a 400 with the fields named. */
export function parseBody<S extends z.ZodTypeAny>(schema: S, data: unknown): z.output<S> {
  const r = schema.safeParse(data ?? {})
  if (!r.success) throw r.error
  return r.data as z.output<S>
}

export { PassageError }
