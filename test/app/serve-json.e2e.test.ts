/**
 * `passage serve --json` (review first-use-2026-12, item 11): the address as one JSON line a
 * script can read, and a refusal as JSON with exit code 2.
 */
import { spawn, spawnSync } from 'node:child_process'
import { describe, expect, it } from 'vitest'
import { cliEnv } from '../helpers/cli-env.js'

const ROOT = new URL('../../', import.meta.url).pathname

describe('passage serve --json', () => {
  it('prints { ok, url, sandbox, sandboxTenants } on one line, then keeps serving', async () => {
    const child = spawn(
      process.execPath,
      ['dist/cli/main.js', 'serve', '--sandbox', '--port', '0', '--json'],
      { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: cliEnv({ PASSAGE_DB: '' }) },
    )
    try {
      const line = await new Promise<string>((resolve, reject) => {
        let out = ''
        const timer = setTimeout(() => reject(new Error(`no line in 30 s: ${out}`)), 30_000)
        child.stdout.on('data', (d: Buffer) => {
          out += d.toString()
          if (out.includes('\n')) {
            clearTimeout(timer)
            resolve(out.split('\n')[0]!)
          }
        })
      })
      const answer = JSON.parse(line) as Record<string, unknown>
      expect(answer).toMatchObject({ ok: true, sandbox: true })
      expect(String(answer.url)).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/#token=/)
      expect(answer.sandboxTenants).toContain('contoso.onmicrosoft.com')
      expect(child.exitCode).toBeNull()
    } finally {
      child.kill('SIGTERM')
    }
  }, 40_000)

  it('a bad option is a JSON error on standard output, exit 2', () => {
    const r = spawnSync(process.execPath, ['dist/cli/main.js', 'serve', '--port', 'x', '--json'], {
      cwd: ROOT,
      encoding: 'utf8',
    })
    expect(r.status).toBe(2)
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: false, error: { code: 'PASSAGE_E_INPUT' } })
  }, 20_000)
})
