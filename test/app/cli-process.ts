/** Runs the built CLI (dist/) as a child process, for the end-to-end tests. */
import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { cliEnv } from '../helpers/cli-env.js'

/** The built CLI (npm test builds dist/ first). */
export const CLI = join(import.meta.dirname, '..', '..', 'dist', 'cli', 'main.js')

/** What a CLI run ended with. */
export interface CliRun {
  code: number | null
  stdout: string
  stderr: string
}

/**
 * Runs the CLI asynchronously (a sandbox in the test's process answers meanwhile), without
 * colours, without a default store (tests pass --db), and with a key agent socket and token
 * cache of the test file's own, never the home folder's (../helpers/cli-env.ts ends the agent).
 */
export function passage(...args: string[]): Promise<CliRun> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      env: cliEnv({ PASSAGE_DB: '' }),
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()))
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    child.on('close', (code) => resolve({ code, stdout, stderr }))
  })
}
