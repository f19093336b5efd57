/**
 * `passage test --release` through the built CLI (run `npx tsc -p tsconfig.build.json` first):
 * like apply, it never releases without a confirmation, and without a terminal it needs --yes.
 */
import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { cliEnv } from '../helpers/cli-env.js'

const CLI = join(import.meta.dirname, '..', '..', 'dist', 'cli', 'main.js')

function passage(
  ...args: string[]
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    // stdin is a pipe, not a terminal.
    const child = spawn(process.execPath, [CLI, ...args], {
      env: cliEnv({ PASSAGE_DB: '' }),
      stdio: ['pipe', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()))
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    child.on('close', (code) => resolve({ code, stdout, stderr }))
    child.stdin.end()
  })
}

describe('passage test --release', () => {
  it('client.quarantine-release: exits 2 without a terminal and without --yes, before reading anything', async () => {
    const r = await passage(
      'test',
      'knowbe4',
      '--param',
      'simulationDomains=securitytests.example.net',
      '--tenant',
      'nowhere.onmicrosoft.com',
      '--release',
    )
    expect(r.code).toBe(2)
    expect(r.stderr).toContain('PASSAGE_E_CONFIRM')
    expect(r.stdout).toBe('')
  }, 30_000)

  it('documents --yes and what is never released', async () => {
    const r = await passage('test', '--help')
    expect(r.stdout).toContain('--yes')
    expect(r.stdout).toMatch(/never malware or high-confidence phish/)
  }, 30_000)
})
