/**
 * "No changes" is said only when the vendor's typical messages already land in the inbox (by the
 * evaluator's simulation); a plan that changes nothing for any other reason is refused with why
 * (PASSAGE_E_NOTHING_TO_PLAN, exit 2: passage cannot do what was asked with this input), never
 * reassured with exit 0 (review item 6, issue 14 item 2). The built CLI, as a user runs it.
 */
import { spawnSync } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { loadSnapshot } from '../src/app/snapshot-file.js'
import { getVendor } from '../src/catalog/index.js'
import { plan } from '../src/core/planner/plan.js'
import { afterChanges } from '../src/core/simulate/index.js'
import { resolveVendor } from '../src/core/vendor/resolve.js'
import { cliEnv } from './helpers/cli-env.js'

const CLI = join(import.meta.dirname, '..', 'dist', 'cli', 'main.js')
const NOW = '2026-11-20T09:00:00Z'
const dir = mkdtempSync(join(tmpdir(), 'passage-nochange-'))

function passage(...args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args, '--now', NOW], {
    encoding: 'utf8',
    env: cliEnv({ PASSAGE_DB: join(dir, 'passage.db') }),
  })
  return { code: r.status, stdout: r.stdout, stderr: r.stderr }
}

const custom = (...params: string[]) => [
  'plan',
  'custom',
  '--tenant-snapshot',
  'examples/defender-p2-standard-preset.json',
  ...params.flatMap((p) => ['--param', p]),
]

describe('an honest "no changes"', () => {
  it('refuses, with why, a custom vendor that sends as the tenant’s own domain', () => {
    const r = passage(...custom('name=Acme', 'category=marketing', 'envelopeDomains=contoso.com'))
    expect(r.code).toBe(2)
    expect(r.stdout).not.toMatch(/No changes/)
    expect(r.stderr).toMatch(/PASSAGE_E_NOTHING_TO_PLAN/)
    expect(r.stderr).toMatch(/Nothing can be planned for Acme here/)
    expect(r.stderr).toMatch(/sends as your own domains/)
    expect(r.stderr).toMatch(/hint: /)
    expect(r.stderr).not.toMatch(/\n\s+at /)
  })

  it('refuses a custom vendor with no identity, saying its mail cannot be simulated (JSON too)', () => {
    const r = passage(...custom('name=Acme', 'category=marketing'), '--json')
    expect(r.code).toBe(2)
    const body = JSON.parse(r.stdout || r.stderr) as { error: { code: string; message: string } }
    expect(body.error.code).toBe('PASSAGE_E_NOTHING_TO_PLAN')
    expect(body.error.message).toMatch(/cannot tell where Acme's mail lands/)
  })

  it('says "No changes" (exit 0) only once the typical messages land in the inbox', () => {
    const snapshot = loadSnapshot('examples/eop-only.json')
    const params = { region: 'us', dedicatedIp: '167.89.10.20' }
    const v = resolveVendor(getVendor('contactmonkey'), params)
    const done = afterChanges(
      snapshot,
      plan(v, { mode: 'recommended' }, snapshot, { now: NOW }).changes,
    )
    const file = join(dir, 'applied.json')
    writeFileSync(file, JSON.stringify(done))
    const r = passage(
      'plan',
      'contactmonkey',
      '--tenant-snapshot',
      file,
      '--param',
      'region=us',
      '--param',
      'dedicatedIp=167.89.10.20',
    )
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(
      /No changes: ContactMonkey's typical messages already land in the inbox here\./,
    )
  })
})
