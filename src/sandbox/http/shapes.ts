/**
 * The admin API's response shapes (reference §1.7, §1.8), `$select`, and OData paging tokens.
 * Pure functions: the routes call them.
 */
import { createHash } from 'node:crypto'
import type { CmdletOutcome } from '../contracts.js'

/** The exception type Exchange's REST front end reports for its own failures. */
export const ODATA_EXCEPTION = 'Microsoft.Exchange.Admin.OData.Core.ODataServiceException'

/** An HTTP answer before Fastify sends it. */
export interface HttpAnswer {
  status: number
  headers: Record<string, string>
  body: unknown
  /**
   * The body already as JSON text, exactly `JSON.stringify(body)`, for an answer the sandbox
   * wrote as text (a read's page); then it is sent as it is, and `body` is parsed from it only
   * when asked for.
   */
  json?: string
  /** Destroy the connection instead of answering (a `drop` cmdlet fault). */
  drop?: true
}

/** An answer whose body is JSON text already (see HttpAnswer.json). */
export function jsonAnswer(
  status: number,
  headers: Record<string, string>,
  json: string,
  drop: boolean,
): HttpAnswer {
  let parsed: unknown
  let done = false
  return {
    status,
    headers,
    json,
    get body(): unknown {
      if (!done) [parsed, done] = [JSON.parse(json) as unknown, true]
      return parsed
    },
    ...(drop ? { drop: true as const } : {}),
  }
}

/**
 * `JSON.stringify({ responses })` of a `$batch`'s answers, byte for byte, with the bodies already
 * written as text put in as they are rather than parsed and written again.
 */
export function batchResponsesJson(
  responses: readonly {
    id: string
    status: number
    headers: Record<string, string>
    answer: HttpAnswer
  }[],
): string {
  const items = responses.map((r) => {
    const body = r.answer.json ?? (JSON.stringify(r.answer.body) as string | undefined)
    return `{"id":${JSON.stringify(r.id)},"status":${JSON.stringify(r.status)},"headers":${JSON.stringify(r.headers)}${body === undefined ? '' : `,"body":${body}`}}`
  })
  return `{"responses":[${items.join(',')}]}`
}

export type ErrorBody = {
  error: {
    code: string
    message: string
    details?: { code: string; target: string; message: string }[]
    innererror?: {
      message: string
      type: string
      stacktrace?: string
      internalException?: { message: string; type: string }
    }
  }
}

/** `{"error":{"code","message","innererror"}}` for failures of the front end itself. */
export function frontEndError(code: string, message: string, type = ODATA_EXCEPTION): ErrorBody {
  return { error: { code, message, innererror: { message, type } } }
}

/**
 * The error body for a failed cmdlet (reference §1.8): with an ExId, `details[].message` is
 * `ExId|ExceptionType|text` under "Error executing cmdlet" (shape (1)); without, the text is the
 * message and the exception goes in `innererror` (shapes (2) and (3)).
 */
export function cmdletErrorBody(
  o: Extract<CmdletOutcome, { ok: false }>,
  cmdlet: string,
): ErrorBody {
  if (o.exId)
    return {
      error: {
        code: o.code,
        message: 'Error executing cmdlet',
        details: [
          { code: 'Client', target: '', message: `${o.exId}|${o.exceptionType}|${o.text}` },
        ],
        innererror: {
          message: o.text,
          type: ODATA_EXCEPTION,
          stacktrace: `   at Microsoft.Exchange.Admin.OData.Core.CmdletExecutor.Invoke(${cmdlet})`,
        },
      },
    }
  return {
    error: {
      code: o.code,
      message: o.text,
      innererror:
        o.exceptionType === ODATA_EXCEPTION
          ? { message: o.text, type: o.exceptionType }
          : {
              message: o.text,
              type: ODATA_EXCEPTION,
              internalException: { message: o.text, type: o.exceptionType },
            },
    },
  }
}

/** Parses `$select=A,B` into lower-cased property names, or null for all. */
export function parseSelect(select: unknown): Set<string> | null {
  if (typeof select !== 'string' || !select.trim()) return null
  return new Set(
    select
      .split(',')
      .map((s) => s.trim().toLowerCase())
      .filter(Boolean),
  )
}

/** Keeps only the selected properties (and their `@odata.type` annotations). */
export function applySelect(
  obj: Record<string, unknown>,
  select: Set<string> | null,
): Record<string, unknown> {
  if (!select) return obj
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(obj)) {
    const base = k.split('@')[0]?.toLowerCase() ?? ''
    if (select.has(base)) out[k] = v
  }
  return out
}

/** Reads `odata.maxpagesize=N` (and `odata.continue-on-error`) from a Prefer header. */
export function parsePrefer(prefer: unknown): {
  maxPageSize: number | null
  continueOnError: boolean
} {
  const text = Array.isArray(prefer) ? prefer.join(',') : typeof prefer === 'string' ? prefer : ''
  let maxPageSize: number | null = null
  let continueOnError = false
  for (const part of text.split(/[,;]/)) {
    const [k, v] = part.split('=').map((s) => s.trim().toLowerCase())
    if (k === 'odata.maxpagesize' && v && /^\d+$/.test(v)) maxPageSize = Number(v)
    if (k === 'odata.continue-on-error' && v !== 'false') continueOnError = true
  }
  return { maxPageSize, continueOnError }
}

/** Fingerprint of a cmdlet call, so a next link is only honoured with the same body. */
export function callHash(cmdlet: string, params: Record<string, unknown>): string {
  return createHash('sha256')
    .update(JSON.stringify([cmdlet.toLowerCase(), params]))
    .digest('hex')
    .slice(0, 16)
}

/** Encodes where the next page starts. */
export function encodeSkipToken(skip: number, hash: string): string {
  return Buffer.from(JSON.stringify({ s: skip, h: hash })).toString('base64url')
}

/** Decodes a skip token; null when it is not one of ours. */
export function decodeSkipToken(token: string): { skip: number; hash: string } | null {
  try {
    const v = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as unknown
    if (
      typeof v === 'object' &&
      v !== null &&
      typeof (v as { s?: unknown }).s === 'number' &&
      typeof (v as { h?: unknown }).h === 'string'
    ) {
      const { s, h } = v as { s: number; h: string }
      if (Number.isInteger(s) && s >= 0) return { skip: s, hash: h }
    }
    return null
  } catch {
    return null
  }
}
