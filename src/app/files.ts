import { readFileSync, renameSync, statSync, writeFileSync } from 'node:fs'
import { PassageError } from '../core/errors/index.js'

/**
 * The largest JSON file passage reads (plans, snapshots, vendor profiles): a snapshot of a tenant
 * with 5,000 allow entries and 300 rules is a few MB; anything past this is refused, not parsed.
 */
export const MAX_JSON_BYTES = 32 * 1024 * 1024

/** The deepest nesting passage accepts in those files (theirs is under 10). */
export const MAX_JSON_DEPTH = 64

/** Reads a text file, or standard input for `-`; a missing or unreadable file is a PASSAGE_E_FILE. */
export function readText(path: string): string {
  try {
    return readFileSync(path === '-' ? 0 : path, 'utf8')
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code
    const why =
      code === 'ENOENT'
        ? 'no such file'
        : code === 'EISDIR'
          ? 'it is a folder'
          : code === 'EACCES'
            ? 'permission denied'
            : (code ?? 'unreadable')
    throw new PassageError('PASSAGE_E_FILE', `Cannot read ${path}: ${why}.`, { cause: e })
  }
}

/** Reads and parses a JSON file; bad JSON is reported with the given error code. */
export function readJson(
  path: string,
  invalid: 'PASSAGE_E_SNAPSHOT_INVALID' | 'PASSAGE_E_PLAN_INVALID' | 'PASSAGE_E_INPUT',
): unknown {
  if (path !== '-') {
    let size = 0
    try {
      size = statSync(path).size
    } catch {
      // readText reports a missing or unreadable file with its reason.
    }
    if (size > MAX_JSON_BYTES) throw tooLarge(path, invalid, size)
  }
  const text = readText(path)
  if (text.length > MAX_JSON_BYTES) throw tooLarge(path, invalid, text.length)
  // Measured before parsing: the schemas recurse, and a deeply nested file must not crash them.
  const depth = jsonDepth(text)
  if (depth > MAX_JSON_DEPTH)
    throw new PassageError(
      invalid,
      `${path} nests ${depth} levels deep; passage reads at most ${MAX_JSON_DEPTH}.`,
    )
  try {
    return JSON.parse(text) as unknown
  } catch (e) {
    throw new PassageError(invalid, `${path} is not valid JSON: ${(e as Error).message}.`)
  }
}

function tooLarge(path: string, code: Parameters<typeof readJson>[1], size: number) {
  return new PassageError(
    code,
    `${path} is ${Math.round(size / 1024 / 1024)} MB; passage reads JSON files up to ${MAX_JSON_BYTES / 1024 / 1024} MB.`,
  )
}

/** The deepest nesting of brackets in a JSON text (outside strings), in one linear pass. */
export function jsonDepth(text: string): number {
  let depth = 0
  let max = 0
  let inString = false
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (inString) {
      if (c === 92 /* \\ */) i++
      else if (c === 34 /* " */) inString = false
    } else if (c === 34) inString = true
    else if (c === 123 || c === 91 /* { [ */) {
      depth++
      if (depth > max) max = depth
    } else if (c === 125 || c === 93 /* } ] */) depth--
  }
  return max
}

/** Writes a file atomically (write beside, then rename), so a crash never leaves half a file. */
export function writeTextAtomic(path: string, text: string): void {
  const tmp = `${path}.${process.pid}.tmp`
  try {
    writeFileSync(tmp, text, { mode: 0o644 })
    renameSync(tmp, path)
  } catch (e) {
    throw new PassageError(
      'PASSAGE_E_FILE',
      `Cannot write ${path}: ${(e as NodeJS.ErrnoException).code ?? 'error'}.`,
      { cause: e },
    )
  }
}
