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
    return {
      code: e.code,
      title: e.title,
      message: e.message,
      hint: e.hint,
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
