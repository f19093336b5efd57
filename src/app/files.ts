import { readFileSync, renameSync, writeFileSync } from 'node:fs'
import { PassageError } from '../core/errors/index.js'

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
  const text = readText(path)
  try {
    return JSON.parse(text) as unknown
  } catch (e) {
    throw new PassageError(invalid, `${path} is not valid JSON: ${(e as Error).message}.`)
  }
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
