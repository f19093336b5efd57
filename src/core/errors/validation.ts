import type { z } from 'zod'
import type { ErrorCode } from './catalogue.js'
import { PassageError } from './passage-error.js'

/** One validation problem, with the path of the offending field. */
export interface ValidationIssue {
  path: string
  message: string
}

/** Flattens zod issues into `path: message` pairs. */
export function zodIssues(error: z.ZodError): ValidationIssue[] {
  return error.issues.map((i) => ({
    path:
      i.path
        .map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`))
        .join('')
        .replace(/^\./, '') || '(root)',
    message: i.message,
  }))
}

/**
 * Parses data with a schema, or throws a PassageError of the given code whose message lists the
 * first problems (`what` names the thing being read, e.g. "snapshot examples/x.json").
 */
export function parseWith<S extends z.ZodTypeAny>(
  schema: S,
  data: unknown,
  code: ErrorCode,
  what: string,
): z.output<S> {
  const r = schema.safeParse(data)
  if (r.success) return r.data as z.output<S>
  const issues = zodIssues(r.error)
  const shown = issues.slice(0, 8).map((i) => `  ${i.path}: ${i.message}`)
  if (issues.length > 8) shown.push(`  ... and ${issues.length - 8} more`)
  throw new PassageError(code, `${what} is invalid:\n${shown.join('\n')}`, { details: { issues } })
}
