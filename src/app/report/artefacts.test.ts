import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { buildReport, type TenantInput } from '../../core/report/model.js'
import { applied, change, IP_ALLOW_HITS, NOW } from '../../core/report/test-fixtures.js'
import { writeArtefacts } from './artefacts.js'

const tenant = (id: string, name: string): TenantInput => ({
  id,
  name,
  displayName: null,
  fleet: { state: 'enrolled', tags: [] },
  applied: [applied(change({ id: 'c02', surface: 'connection-filter', baselines: IP_ALLOW_HITS }))],
})

describe('writeArtefacts', () => {
  const dirs: string[] = []
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
  })

  it('for the fleet, writes one file per tenant into the folder given, named after the tenant', () => {
    const dir = mkdtempSync(join(tmpdir(), 'passage-artefacts-'))
    dirs.push(dir)
    const report = buildReport({
      scope: 'fleet',
      now: NOW,
      tenants: [
        tenant('t1', 'contoso.onmicrosoft.com'),
        tenant('t2', '../Fabrikam.onmicrosoft.com'),
      ],
    })
    const written = writeArtefacts(report, {
      scubagear: join(dir, 'scuba'),
      maester: join(dir, 'maester'),
    })
    expect(written).toHaveLength(4)
    // A tenant name never leads out of the folder.
    expect(readdirSync(join(dir, 'scuba')).sort()).toEqual([
      'contoso.onmicrosoft.com.scubagear.yaml',
      'fabrikam.onmicrosoft.com.scubagear.yaml',
    ])
    expect(readdirSync(join(dir, 'maester')).sort()).toEqual([
      'contoso.onmicrosoft.com.maester.ps1',
      'fabrikam.onmicrosoft.com.maester.ps1',
    ])
    expect(
      readFileSync(join(dir, 'scuba', 'contoso.onmicrosoft.com.scubagear.yaml'), 'utf8'),
    ).toContain('MS.SECURITYSUITE.8.1v1:')
  })

  it('for one tenant, writes the file at the path given, and nothing when no file is asked for', () => {
    const dir = mkdtempSync(join(tmpdir(), 'passage-artefacts-'))
    dirs.push(dir)
    const report = buildReport({
      scope: 'tenant',
      now: NOW,
      tenants: [tenant('t1', 'contoso.onmicrosoft.com')],
    })
    expect(writeArtefacts(report, {})).toEqual([])
    const file = join(dir, 'config.yaml')
    expect(writeArtefacts(report, { scubagear: file, scubaMode: 'annotate' })).toEqual([file])
    expect(readFileSync(file, 'utf8')).toContain('AnnotatePolicy:')
  })
})
