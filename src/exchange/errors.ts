/**
 * Exchange's, Graph's and Entra's failures mapped into passage's error catalogue, with an
 * admin-facing diagnosis. Exchange's own text is kept in `details`. No token, header or request
 * body ever goes into an error.
 */
import { PassageError, type ErrorCode, type ErrorDetails } from '../core/errors/index.js'
import type { HttpFailure } from './http.js'
import { isDefenderOnlyCmdlet, rolesNeededFor } from './roles.js'

/** What an admin API error body says (reference §1.8). */
export interface ExchangeErrorInfo {
  /** `error.code` (InternalServerError, Unauthorized, ...). */
  code: string | null
  /** The best message: details' text, else innererror's, else `error.message`, else the body. */
  message: string
  /** Exchange's error id from `details[].message` (`Ex6F9304`), when there is one. */
  exId: string | null
  /** The .NET exception type, when known. */
  exceptionType: string | null
}

/** Exchange's "not found" error ids seen in real code (reference §1.8 (1)). */
const NOT_FOUND_IDS = new Set(['EX6F9304', 'EXBDDC58'])

const str = (v: unknown): string | null => (typeof v === 'string' && v.trim() ? v : null)
const obj = (v: unknown): Record<string, unknown> | null =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : null

/**
 * Reads an error body the way CIPP, ExoHelper and jflieben do: `details[].message` split on `|`
 * into ErrorId, exception type and text first, then `innererror` (its `internalException` before
 * its own message), then `error.message`; a body that is not JSON is its own message.
 */
export function parseExchangeError(text: string): ExchangeErrorInfo {
  let body: unknown
  try {
    body = JSON.parse(text)
  } catch {
    return {
      code: null,
      message: text.trim() || '(empty response)',
      exId: null,
      exceptionType: null,
    }
  }
  const error = obj(obj(body)?.error)
  if (!error) return { code: null, message: text.trim(), exId: null, exceptionType: null }
  const code = str(error.code)
  const details = Array.isArray(error.details) ? error.details : []
  for (const d of details) {
    const m = str(obj(d)?.message)
    if (!m) continue
    const parts = m.split('|')
    if (parts.length >= 3 && /^Ex[0-9A-F]{6}$/i.test(parts[0] ?? ''))
      return {
        code,
        exId: parts[0] ?? null,
        exceptionType: parts[1] || null,
        message: parts.slice(2).join('|'),
      }
    return { code, exId: null, exceptionType: null, message: m }
  }
  const inner = obj(error.innererror)
  const internal = obj(inner?.internalException)
  const internalMessage = str(internal?.message)
  if (internalMessage)
    return { code, exId: null, exceptionType: str(internal?.type), message: internalMessage }
  const innerMessage = str(inner?.message)
  if (innerMessage)
    return { code, exId: null, exceptionType: str(inner?.type), message: innerMessage }
  return {
    code,
    exId: null,
    exceptionType: str(inner?.type),
    message: str(error.message) ?? text.trim(),
  }
}

/** What the transport knows about a failed admin API response. */
export interface ExchangeFailure {
  status: number
  text: string
  headers: Record<string, string>
  /** The cmdlet that was called. */
  cmdlet: string
  /** The client-request-id sent with it, for Microsoft support. */
  requestId?: string
  /** A write whose outcome is unknown (a 5xx after it may have run): read back before retrying. */
  mayHaveRun?: boolean
}

const API_DISABLED =
  /EXOModuleEnabled|RemotePowerShellEnabled|isn't allowed to use the Exchange Online admin API|(PowerShell|admin API)[^.]*\b(disabled|not enabled)/i
const ROLE_DENIED = /User is not allowed to call\s+([A-Za-z]+-[A-Za-z0-9]+)/i
const APP_ROLE =
  /isn't assigned to any management roles|role assigned to application .* isn't supported/i
const NOT_RECOGNIZED = /is not recognized as the name of a cmdlet|CommandNotFoundException/i
const VALIDATION_TYPES =
  /ParameterBinding|Validation|ArgumentException|AlreadyExists|LimitExceeded|InvalidOperation|FormatException|TaskException|ArgumentOutOfRange/i

/** Maps a failed admin API response (after retries) to a PassageError. */
export function mapExchangeError(f: ExchangeFailure): PassageError {
  const info = parseExchangeError(f.text)
  const details: ErrorDetails = {
    status: f.status,
    cmdlet: f.cmdlet,
    exchangeMessage: info.message,
    ...(info.code ? { exchangeCode: info.code } : {}),
    ...(info.exId ? { exId: info.exId } : {}),
    ...(info.exceptionType ? { exceptionType: info.exceptionType } : {}),
    ...(f.requestId ? { requestId: f.requestId } : {}),
    ...(f.headers['x-ms-diagnostics'] ? { diagnostics: f.headers['x-ms-diagnostics'] } : {}),
    ...(f.mayHaveRun ? { mayHaveRun: true } : {}),
  }
  const err = (code: ErrorCode, message: string, hint?: string) =>
    new PassageError(code, message, { details, ...(hint ? { hint } : {}) })
  const all = `${info.message} ${f.text}`

  if (f.status === 429 || /maximum number of concurrent requests per tenant/i.test(all))
    return err(
      'PASSAGE_E_THROTTLED',
      `Exchange Online is throttling this tenant and still refused ${f.cmdlet} after several retries.`,
    )
  if (API_DISABLED.test(all))
    return err(
      'PASSAGE_E_EXO_API_DISABLED',
      `Exchange Online refused ${f.cmdlet}: API access (EXOModuleEnabled) is disabled for the signed-in admin. Exchange said: ${info.message}`,
    )
  const denied = ROLE_DENIED.exec(all)
  if (denied || APP_ROLE.test(all) || f.status === 403) {
    const cmdlet = denied?.[1] ?? f.cmdlet
    const roles = rolesNeededFor(cmdlet)
    return err(
      'PASSAGE_E_EXO_ROLE_MISSING',
      `The signed-in admin may not run ${cmdlet}: it needs ${roles}. Exchange said: ${info.message}`,
      `Sign in as an admin with ${roles}, or have a Global Administrator assign it (it can take up to an hour to reach Exchange). For app-only sign-in, assign the role to the app's service principal and grant Exchange.ManageAsApp.`,
    )
  }
  if (f.status === 401)
    return err(
      'PASSAGE_E_SIGNIN',
      `Exchange Online did not accept the sign-in token: ${info.message}`,
      'Sign in again with `passage connect`; if it persists, check that the token is for this tenant and for https://outlook.office365.com.',
    )
  if (NOT_RECOGNIZED.test(all) || /CommandNotFound/i.test(info.exceptionType ?? '')) {
    if (isDefenderOnlyCmdlet(f.cmdlet))
      return err(
        'PASSAGE_E_LICENCE_MISSING',
        `${f.cmdlet} is not available in this tenant: it needs Microsoft Defender for Office 365 (Plan 1 or 2).`,
      )
    return err(
      'PASSAGE_E_EXO_FAILED',
      `${f.cmdlet} is not available to the signed-in admin in this tenant. Exchange said: ${info.message}`,
      `Exchange offers only the cmdlets the admin's roles and the tenant's licences allow; sign in with ${rolesNeededFor(f.cmdlet)}.`,
    )
  }
  if (
    (info.exId && NOT_FOUND_IDS.has(info.exId.toUpperCase())) ||
    /ManagementObjectNotFound/i.test(info.exceptionType ?? '') ||
    /couldn't be found|could not be found/i.test(info.message)
  )
    return err('PASSAGE_E_EXO_NOT_FOUND', `${f.cmdlet}: ${info.message}`)
  if (f.status >= 500 && !info.exId)
    return err(
      'PASSAGE_E_EXO_FAILED',
      `Exchange Online failed to run ${f.cmdlet} (HTTP ${f.status}): ${info.message}${f.mayHaveRun ? ' The change may have been made: read the object back before trying again.' : ''}`,
    )
  if (
    (f.status >= 400 && f.status < 500) ||
    info.exId !== null ||
    VALIDATION_TYPES.test(info.exceptionType ?? '')
  )
    return err('PASSAGE_E_EXO_VALIDATION', `Exchange Online refused ${f.cmdlet}: ${info.message}`)
  return err(
    'PASSAGE_E_EXO_FAILED',
    `Exchange Online failed to run ${f.cmdlet} (HTTP ${f.status}): ${info.message}`,
  )
}

/** Maps a request that got no response to PASSAGE_E_NETWORK. */
export function networkError(
  e: HttpFailure,
  what: string,
  extra: { mayHaveRun?: boolean; attempts?: number } = {},
): PassageError {
  const mayHaveRun = extra.mayHaveRun === true
  return new PassageError(
    'PASSAGE_E_NETWORK',
    `${what}: ${e.message}${mayHaveRun ? ' The change may have been made: read the object back before trying again.' : ''}`,
    {
      cause: e,
      details: {
        failure: e.kind,
        ...(e.code ? { errno: e.code } : {}),
        ...(extra.attempts ? { attempts: extra.attempts } : {}),
        ...(mayHaveRun ? { mayHaveRun } : {}),
      },
      ...(e.kind === 'tls'
        ? {
            hint: 'The server certificate is not trusted: for the sandbox, pass its CA (the sandbox prints its path); never disable certificate checks.',
          }
        : {}),
    },
  )
}

/** Maps a failed Graph response to a PassageError. */
export function mapGraphError(status: number, text: string, what: string): PassageError {
  let code: string | null = null
  let message = text.trim()
  try {
    const e = obj(obj(JSON.parse(text))?.error)
    code = str(e?.code)
    message = str(e?.message) ?? message
  } catch {
    // not JSON: the text is the message
  }
  const details: ErrorDetails = {
    status,
    ...(code ? { graphCode: code } : {}),
    graphMessage: message,
  }
  if (status === 429)
    return new PassageError('PASSAGE_E_THROTTLED', `Microsoft Graph is throttling ${what}.`, {
      details,
    })
  if (status === 401)
    return new PassageError(
      'PASSAGE_E_SIGNIN',
      `Microsoft Graph did not accept the token for ${what}: ${message}`,
      {
        details,
      },
    )
  if (status === 403)
    return new PassageError(
      'PASSAGE_E_GRAPH_DENIED',
      `Microsoft Graph refused ${what}: ${message}`,
      {
        details,
      },
    )
  return new PassageError(
    'PASSAGE_E_GRAPH_FAILED',
    `Microsoft Graph failed ${what} (HTTP ${status}): ${message}`,
    { details },
  )
}
