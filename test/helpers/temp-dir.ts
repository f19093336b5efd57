/**
 * Temporary folders of the tests: inside the test run's own folder (temp-root.ts, removed when
 * the run ends), or under the system's temporary folder when a test runs without it.
 */
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/** Where the tests' temporary folders go. */
export const testTmp = (): string => process.env.PASSAGE_TEST_TMP ?? tmpdir()

/** A new temporary folder for a test. */
export function tempDir(prefix: string): string {
  return mkdtempSync(join(testTmp(), prefix))
}
