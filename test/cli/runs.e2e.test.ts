/**
 * `passage runs` names a custom service by the name its plan gives it (review first-use-2026-12,
 * item 8b): the runs of a plan for "Beta Mailer" said "custom service", and `--json` gave only
 * vendorId "custom". The store is written here (a tenant, the plan, an apply, a check and an
 * undo of it, as apply, check and rollback record them) and read through the built CLI.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadSnapshot } from '../../src/app/snapshot-file.js'
import { chooseVendor } from '../../src/app/vendor-choice.js'
import { plan } from '../../src/core/planner/plan.js'
import { openStore } from '../../src/store/index.js'
import { passage } from '../app/cli-process.js'

const NOW = '2026-11-20T09:00:00Z'

describe('passage runs', () => {
  let dir: string
  let db: string

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'passage-runs-'))
    db = join(dir, 'passage.db')
    const snapshot = loadSnapshot('examples/defender-p2-standard-preset.json')
    const vendor = chooseVendor('custom', { name: 'Beta Mailer', ips: '167.89.10.20' })
    const p = plan(vendor, { mode: 'recommended' }, snapshot, { now: NOW })
    expect(p.changes.length).toBeGreaterThan(0)
    const store = await openStore(db)
    try {
      const t = snapshot.tenant
      await store.upsertTenant({
        id: t.id,
        name: t.name,
        displayName: t.displayName,
        licence: snapshot.licence,
      })
      await store.savePlan(p)
      for (const kind of ['apply', 'check', 'rollback'] as const) {
        const run = await store.createRun({
          tenantId: t.id,
          planHash: p.hash,
          kind,
          actor: 'admin@contoso.com',
        })
        await store.finishRun(run.id, 'done')
      }
    } finally {
      await store.close()
    }
  }, 30_000)

  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true })
  })

  it('shows a custom service’s apply, check and undo under its own name, never "custom service"', async () => {
    const r = await passage('--db', db, 'runs')
    expect(r.code).toBe(0)
    const rows = r.stdout.split('\n').filter((l) => /\b(apply|check|undo)\b/.test(l))
    expect(rows).toHaveLength(3)
    for (const row of rows) expect(row).toContain('Beta Mailer')
    expect(r.stdout).not.toMatch(/custom service/i)
  }, 30_000)

  it('--json gives each run its vendorName from the plan', async () => {
    const r = await passage('--db', db, 'runs', '--json')
    expect(r.code).toBe(0)
    const runs = JSON.parse(r.stdout) as { kind: string; vendorId: string; vendorName: string }[]
    expect(runs.map((x) => [x.kind, x.vendorId, x.vendorName]).sort()).toEqual([
      ['apply', 'custom', 'Beta Mailer'],
      ['check', 'custom', 'Beta Mailer'],
      ['rollback', 'custom', 'Beta Mailer'],
    ])
  }, 30_000)
})
