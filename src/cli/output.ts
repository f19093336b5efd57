import { styleText } from 'node:util'
import { isPassageError, PassageError } from '../core/errors/index.js'

type Style = Parameters<typeof styleText>[0]

/** Colours text for a terminal; plain when NO_COLOR is set or output is not a TTY. */
export function paint(
  style: Style,
  text: string,
  stream: NodeJS.WriteStream = process.stdout,
): string {
  if (process.env.NO_COLOR !== undefined || !stream.isTTY) return text
  return styleText(style, text)
}

/** Prints a value as pretty JSON on standard output. */
export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`)
}

/** Longest message shown in a terminal; the rest is cut (a file's content may be in it). */
const MAX_MESSAGE = 4000

/**
 * Text safe to print to a terminal: control bytes (escape sequences from a file or a remote
 * answer) are shown as `\xNN` instead of being sent, and long text is cut.
 */
export function printable(text: string): string {
  const safe = text.replace(
    // eslint-disable-next-line no-control-regex
    /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g,
    (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`,
  )
  return safe.length > MAX_MESSAGE
    ? `${safe.slice(0, MAX_MESSAGE)}… (${safe.length - MAX_MESSAGE} more characters)`
    : safe
}

/**
 * Reports an error and returns the exit code: 2 for user mistakes and refusals (message and hint,
 * no stack trace), 3 for remote refusals, 1 for bugs. With `json`, the error goes to stdout as JSON.
 */
export function reportError(e: unknown, json: boolean): number {
  const err = isPassageError(e)
    ? e
    : new PassageError('PASSAGE_E_INTERNAL', e instanceof Error ? e.message : String(e), {
        cause: e,
      })
  const code = err.kind === 'user' ? 2 : err.kind === 'remote' ? 3 : 1
  if (json) {
    printJson({ ok: false, error: err.toJSON() })
    return code
  }
  const lines = [
    `${paint('red', `error ${err.code}`, process.stderr)}: ${err.title}`,
    printable(err.message),
    `${paint('yellow', 'hint', process.stderr)}: ${err.hint}`,
  ]
  if (
    err.kind === 'bug' &&
    process.env.PASSAGE_DEBUG &&
    err.cause instanceof Error &&
    err.cause.stack
  )
    lines.push(err.cause.stack)
  process.stderr.write(`${lines.join('\n')}\n`)
  return code
}
