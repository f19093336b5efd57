/**
 * Where an alert channel's secret comes from: an environment variable or a file, named in the
 * options; never the store, never a log. The value is read when needed and only returned.
 */
import { readFileSync } from 'node:fs'
import { PassageError } from '../../core/errors/index.js'

/** Names where a secret is: an environment variable, or a file (its content, trimmed). */
export interface SecretSource {
  env?: string
  file?: string
}

/** Reads a secret from its source; throws PASSAGE_E_INPUT naming the source (never the value). */
export function readSecret(
  source: SecretSource,
  what: string,
  environ: NodeJS.ProcessEnv = process.env,
): string {
  if (source.env) {
    const v = environ[source.env]
    if (v) return v
    throw new PassageError(
      'PASSAGE_E_INPUT',
      `${what}: the environment variable ${source.env} is not set.`,
    )
  }
  if (source.file) {
    let v: string
    try {
      v = readFileSync(source.file, 'utf8').trim()
    } catch (e) {
      throw new PassageError('PASSAGE_E_INPUT', `${what}: cannot read ${source.file}.`, {
        cause: e,
      })
    }
    if (v) return v
    throw new PassageError('PASSAGE_E_INPUT', `${what}: ${source.file} is empty.`)
  }
  throw new PassageError('PASSAGE_E_INPUT', `${what}: name an environment variable or a file.`)
}
