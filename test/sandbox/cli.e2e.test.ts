import { execFile, spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs'
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
  throttling: { concurrency: number; count: number; perMs: number; note: string }
  fleet: {
    appId: string
    appDir: string
    certificateFile: string
    keyFile: string
    tenantsCsv: string
    tenants: number
    seed: number
    preEnrolled: boolean
    counts: Record<string, unknown>
    listed: boolean
  } | null
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

  it('generates a fleet with --tenants N: the operator app written 0600, tenants.csv, the ready line extended', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'passage-cli-fleet-'))
    const appDir = join(dir, 'app')
    await runSandbox(
      ['--tenants', '60', '--seed', '4', '--pre-enrolled', '--app-dir', appDir],
      async (s) => {
        // The existing fields keep their meaning: the seeded tenants are listed (the fleet is
        // counted once there are more than 50 tenants).
        expect(s.tenants.map((t) => t.name)).toContain('contoso.onmicrosoft.com')
        expect(s.tenants).toHaveLength(3)
        expect(s.throttling.note).toBe("sandbox's own choice; Microsoft publishes none")
        expect(s.fleet).toMatchObject({ tenants: 60, seed: 4, preEnrolled: true, listed: false })
        expect(s.fleet!.appId).toMatch(/^[0-9a-f-]{36}$/)
        expect(statSync(s.fleet!.keyFile).mode & 0o777).toBe(0o600)
        expect(readFileSync(s.fleet!.keyFile, 'utf8')).toMatch(/^-----BEGIN PRIVATE KEY-----/)
        const csv = readFileSync(s.fleet!.tenantsCsv, 'utf8').trim().split('\n')
        expect(csv[0]).toBe('tenant,name,tags')
        expect(csv).toHaveLength(61)
        expect(csv[1]).toMatch(/^[0-9a-f-]{36},fleet-0001\.onmicrosoft\.com,sandbox;/)
        const caPem = readFileSync(s.caPath, 'utf8')
        const root = await call({ url: s.url, caPem }, '/')
        expect(root.json.fleet).toMatchObject({ tenants: 60, clientId: s.fleet!.appId })
      },
    )
    // A folder the user gave is kept.
    expect(existsSync(join(appDir, 'app-key.pem'))).toBe(true)
  })

  it('refuses a fleet in a state file over 50 tenants, and fleet options without --tenants N', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'passage-cli-fleet-'))
    const run = (...args: string[]) =>
      new Promise<{ code: number | null; stderr: string }>((resolve) => {
        execFile(
          process.execPath,
          [CLI, 'sandbox', ...args],
          { encoding: 'utf8', env: cliEnv() },
          (error, _stdout, stderr) =>
            resolve({ code: error ? (error.code as unknown as number) : 0, stderr }),
        )
      })
    const [big, lone] = await Promise.all([
      run('--tenants', '60', '--state', join(dir, 'fleet.json')),
      run('--pre-enrolled'),
    ])
    expect(big.code).toBe(2)
    expect(big.stderr).toMatch(/^error PASSAGE_E_INPUT: .*\nA state file holds at most 50 tenants/)
    expect(big.stderr).toMatch(/\nhint: Drop --state/)
    expect(existsSync(join(dir, 'fleet.json'))).toBe(false)
    expect(lone.code).toBe(2)
    expect(lone.stderr).toMatch(/--pre-enrolled goes with a generated fleet/)
  })
})
