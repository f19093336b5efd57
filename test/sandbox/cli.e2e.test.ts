import { execFile, spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { describe, expect, it } from 'vitest'
import { call } from './helpers.js'
import { cliEnv } from '../helpers/cli-env.js'

// End-to-end: the built CLI (npm test builds dist/ first) runs the sandbox until SIGTERM.
const CLI = join(import.meta.dirname, '..', '..', 'dist', 'cli', 'main.js')

interface Started {
  url: string
  caPath: string
  certDir: string
  state: string | null
  tenants: {
    id: string
    name: string
    licence: string
    admins: { upn: string; roles: string[] }[]
  }[]
}

async function runSandbox(args: string[], check: (s: Started) => Promise<void>) {
  const child = spawn(process.execPath, [CLI, 'sandbox', '--port', '0', '--json', ...args], {
    env: cliEnv(),
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stderr = ''
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
  try {
    const lines = createInterface({ input: child.stdout })
    const first = await new Promise<string>((resolve, reject) => {
      lines.once('line', resolve)
      void exited.then((code) => reject(new Error(`sandbox exited ${code}: ${stderr}`)))
    })
    const started = JSON.parse(first) as Started
    await check(started)
    return started
  } finally {
    child.kill('SIGTERM')
    expect(await exited).toBe(0)
  }
}

describe('passage sandbox (CLI)', () => {
  it('starts, prints its URL, CA and tenants as JSON, serves GET / and stops on SIGTERM', async () => {
    const s = await runSandbox([], async (s) => {
      expect(s.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/)
      expect(existsSync(s.caPath)).toBe(true)
      expect(s.tenants.map((t) => t.licence).sort()).toEqual(['eop', 'mdo-p1', 'mdo-p2'])
      expect(s.tenants[0]?.admins.some((a) => a.roles.includes('Global Administrator'))).toBe(true)
      const caPem = readFileSync(s.caPath, 'utf8')
      const root = await call({ url: s.url, caPem }, '/')
      expect(root.status).toBe(200)
      expect(root.json.name).toBe('passage sandbox')
      expect(root.json.tenants).toHaveLength(3)
    })
    // Without --state the certificates lived in a temporary folder, removed on exit.
    expect(existsSync(s.certDir)).toBe(false)
  })

  it('keeps its CA beside a state file across restarts, and seeds from --tenants', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'passage-cli-sandbox-'))
    const state = join(dir, 'sandbox.db')
    const tenants = join(import.meta.dirname, '..', '..', 'examples', 'eop-only.json')
    const file = join(dir, 'tenants.json')
    writeFileSync(file, `[${readFileSync(tenants, 'utf8')}]`)
    const a = await runSandbox(['--state', state, '--tenants', file], async (s) => {
      expect(s.tenants.map((t) => t.name)).toEqual(['fabrikam.onmicrosoft.com'])
    })
    const ca1 = readFileSync(a.caPath, 'utf8')
    const b = await runSandbox(['--state', state], async (s) => {
      expect(s.tenants).toHaveLength(1)
    })
    expect(b.caPath).toBe(a.caPath)
    expect(readFileSync(b.caPath, 'utf8')).toBe(ca1)
  })

  it('refuses a non-loopback host and a bad fault spec with catalogue errors', async () => {
    const run = (...args: string[]) =>
      new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
        execFile(
          process.execPath,
          [CLI, 'sandbox', ...args],
          { encoding: 'utf8', env: cliEnv() },
          (error, stdout, stderr) =>
            resolve({ code: error ? (error.code as unknown as number) : 0, stdout, stderr }),
        )
      })
    const [host, faults] = await Promise.all([
      run('--host', '0.0.0.0'),
      run('--faults', 'rate429=7', '--json'),
    ])
    expect(host.code).toBe(2)
    expect(host.stderr).toMatch(/^error PASSAGE_E_SANDBOX_HOST: /)
    expect(host.stderr).toMatch(/\nhint: /)
    expect(faults.code).toBe(2)
    expect(JSON.parse(faults.stdout)).toMatchObject({
      ok: false,
      error: { code: 'PASSAGE_E_SANDBOX_FAULTS' },
    })
  })
})
