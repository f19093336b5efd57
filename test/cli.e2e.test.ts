import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { cliEnv } from './helpers/cli-env.js'

// End-to-end: the built CLI as a user runs it (npm test builds dist/ first).
const CLI = join(import.meta.dirname, '..', 'dist', 'cli', 'main.js')
const NOW = '2026-11-20T09:00:00Z'

const E2E_DB = join(mkdtempSync(join(tmpdir(), 'passage-e2e-')), 'passage.db')

function passage(...args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], {
    encoding: 'utf8',
    // Plans written with --out are signed with a key from the store: a store of this run's own.
    env: cliEnv({ PASSAGE_DB: E2E_DB }),
  })
  return { code: r.status, stdout: r.stdout, stderr: r.stderr }
}

describe('passage CLI', () => {
  it('lists the catalog', () => {
    const r = passage('vendors', '--json')
    expect(r.code).toBe(0)
    const ids = (JSON.parse(r.stdout) as { id: string }[]).map((v) => v.id)
    expect(ids).toEqual(
      expect.arrayContaining([
        'trustifi',
        'contactmonkey',
        'knowbe4',
        'hoxhunt',
        'mimecast',
        'custom',
      ]),
    )
    expect(passage('vendors').stdout).toMatch(/Trustifi/)
  })

  it('shows a vendor with its parameters and protections', () => {
    const r = passage('vendor', 'show', 'contactmonkey')
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/dedicatedIp/)
    expect(r.stdout).toMatch(/safe-links/)
  })

  it('plans the Trustifi recipe on the gateway tenant, with PowerShell and a plan file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'passage-'))
    const out = join(dir, 'plan.json')
    const ps = join(dir, 'plan.ps1')
    const r = passage(
      'plan',
      'trustifi',
      '--tenant-snapshot',
      'examples/gateway-relay.json',
      '--mechanism',
      'recipe',
      '--out',
      out,
      '--powershell',
      ps,
      '--now',
      NOW,
    )
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/Safe Links scanning and rewriting/)
    expect(r.stdout).toMatch(/plan hash [0-9a-f]{64}/)
    const plan = JSON.parse(readFileSync(out, 'utf8')) as {
      changes: { after: { Name?: string } | null; calls: { cmdlet: string }[] }[]
    }
    expect(plan.changes.map((c) => c.after?.Name)).toContain(
      'passage: Trustifi Inbound Bypass Clutter',
    )
    expect(plan.changes.some((c) => c.calls.some((k) => k.cmdlet === 'New-TransportRule'))).toBe(
      true,
    )
    expect(readFileSync(ps, 'utf8')).toMatch(/^Connect-ExchangeOnline/m)
  })

  it('prints JSON with --json and PowerShell to stdout with --powershell -', () => {
    const j = passage(
      'plan',
      'trustifi',
      '--tenant-snapshot',
      'examples/eop-only.json',
      '--json',
      '--now',
      NOW,
    )
    expect(j.code).toBe(0)
    expect(JSON.parse(j.stdout)).toMatchObject({
      format: 'passage.plan',
      vendor: { id: 'trustifi' },
    })
    const p = passage(
      'plan',
      'trustifi',
      '--tenant-snapshot',
      'examples/eop-only.json',
      '--powershell',
      '-',
      '--now',
      NOW,
    )
    expect(p.stdout).toMatch(/New-TransportRule/)
  })

  it('says plainly when there is nothing to do', () => {
    const r = passage(
      'plan',
      'trustifi',
      '--tenant-snapshot',
      'examples/eop-only.json',
      '--protect',
      'clutter',
      '--json',
      '--now',
      NOW,
    )
    expect(r.code).toBe(0)
  })

  it('exits 2 with a message and hint, no stack trace, for bad input', () => {
    const cases = [
      ['plan', 'nosuchvendor', '--tenant-snapshot', 'examples/eop-only.json'],
      ['plan', 'trustifi', '--tenant-snapshot', 'does/not/exist.json'],
      ['plan', 'contactmonkey', '--tenant-snapshot', 'examples/eop-only.json'],
      ['plan', 'trustifi', '--tenant-snapshot', 'examples/eop-only.json', '--protect', 'nonsense'],
      ['plan', 'trustifi', '--tenant-snapshot', 'package.json'],
      [
        'plan',
        'custom',
        '--tenant-snapshot',
        'examples/eop-only.json',
        '--param',
        'name=Own',
        '--param',
        'envelopeDomains=fabrikam.com',
        '--param',
        'ips=167.89.10.20',
      ],
    ]
    for (const args of cases) {
      const r = passage(...args)
      expect(r.code, args.join(' ')).toBe(2)
      expect(r.stderr).toMatch(/^error PASSAGE_E_[A-Z_]+: /)
      expect(r.stderr).toMatch(/\nhint: /)
      expect(r.stderr).not.toMatch(/\n\s+at /)
    }
  })

  it('reports errors as JSON with --json', () => {
    const r = passage(
      'plan',
      'nosuchvendor',
      '--tenant-snapshot',
      'examples/eop-only.json',
      '--json',
    )
    expect(r.code).toBe(2)
    expect(JSON.parse(r.stdout)).toMatchObject({
      ok: false,
      error: { code: 'PASSAGE_E_VENDOR_UNKNOWN' },
    })
  })
})
