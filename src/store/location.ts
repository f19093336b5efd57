import { mkdirSync } from 'node:fs'
import { join } from 'node:path'

/** True for a PostgreSQL connection URL (`postgres://` or `postgresql://`). */
export function isPostgresUrl(location: string): boolean {
  return /^postgres(ql)?:\/\//i.test(location)
}

/**
 * Where the store lives when no --db is given: PASSAGE_DB when set (a leading `~/` means the home
 * folder), otherwise `~/.passage/passage.db`.
 */
export function defaultStoreLocation(
  env: Record<string, string | undefined>,
  homedir: string,
): string {
  const fromEnv = env.PASSAGE_DB?.trim()
  if (fromEnv) return fromEnv.startsWith('~/') ? join(homedir, fromEnv.slice(2)) : fromEnv
  return join(homedir, '.passage', 'passage.db')
}

/** Creates `~/.passage` (mode 0700) when the built-in default location is used. */
export function ensureDefaultFolder(location: string, homedir: string): void {
  const folder = join(homedir, '.passage')
  if (location === join(folder, 'passage.db')) mkdirSync(folder, { recursive: true, mode: 0o700 })
}
