/**
 * Vitest global setup: one temporary folder for the whole test run, in which the test helpers
 * make theirs (temp-dir.ts), removed when the run ends, so that runs do not leave folders behind
 * in /tmp. Only the helpers use it (PASSAGE_TEST_TMP): TMPDIR stays as it is, since unix socket
 * paths under it (PostgreSQL's, the key agent's) have a length limit.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export default function setup(): () => void {
  const root = mkdtempSync(join(tmpdir(), 'passage-tests-'))
  process.env.PASSAGE_TEST_TMP = root
  return () => rmSync(root, { recursive: true, force: true })
}
