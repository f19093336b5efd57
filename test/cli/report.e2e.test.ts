/**
 * `passage report` through the built CLI (npm test builds dist/ first), against a sandbox tenant:
 * ContactMonkey's recipe (its connection filter IP allow trips CISA MS.SECURITYSUITE.8.1) and a
 * custom service named with a <script> tag are applied; the report says what is in effect per
 * vendor with its risk and checks, in Markdown, HTML and JSON; the ScubaGear file omits the
 * tripped policy until the date given; an undone apply leaves the report; bad input exits 2 with
 * its catalogue code.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { passage } from '../app/cli-process.js'
import { sandbox, tenantNamed, type Sandbox } from '../app/helpers.js'
import { connectWithAppCert, planAndApply } from '../helpers/app-cert-connect.js'

const HOSTILE = 'Beta <script>alert(1)</script>'

describe('passage report', () => {
  let s: Sandbox
  let dir: string
  let common: string[]
  let tenant: string
  const acceptUntil = `${new Date().getUTCFullYear() + 1}-06-30`

  beforeAll(async () => {
    s = await sandbox()
    dir = mkdtempSync(join(tmpdir(), 'passage-report-'))
    const t = tenantNamed(s, 'contoso')
    tenant = t.snapshot.tenant.name
    common = ['--db', join(dir, 'passage.db')]
    const { connect: c } = await connectWithAppCert({
      s,
      tenant,
      dir,
      displayName: 'passage report e2e',
      common,
      passage,
      json: true,
    })
    expect(c.code).toBe(0)
    const apply = (file: string, ...planArgs: string[]) =>
      planAndApply(passage, common, tenant, file, ...planArgs)
    await apply(
      join(dir, 'cm.json'),
      'contactmonkey',
      '--mechanism',
      'recipe',
      '--param',
      'region=us',
      '--param',
      'dedicatedIp=167.89.10.20',
    )
    await apply(
      join(dir, 'beta.json'),
      'custom',
      '--param',
      `name=${HOSTILE}`,
      '--param',
      'ips=167.89.10.21',
    )
  }, 120_000)

  afterAll(async () => {
    await s?.close()
    if (dir) rmSync(dir, { recursive: true, force: true })
  })

  it('md on standard output: each vendor’s changes with the risk accepted and the checks they trip', async () => {
    const r = await passage(...common, 'report', '--tenant', tenant)
    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout).toContain(`# passage report: ${tenant}`)
    expect(r.stdout).toContain('### ContactMonkey')
    expect(r.stdout).toContain('### Beta \\<script\\>alert(1)\\</script\\>')
    expect(r.stdout).toMatch(
      /\| c02 [^|]+ \| high: [^|]+ \| ORCA 114: IP Allow List in the connection filter; CIS 2\.1\.12: [^|]+; CISA MS\.SECURITYSUITE\.8\.1: /,
    )
    expect(r.stdout).toContain(
      '| CISA | MS.SECURITYSUITE.8.1: IP allow lists should not be created |',
    )
  }, 30_000)

  it('html to a file: self-contained, the <script> vendor name escaped; --json prints the document', async () => {
    const out = join(dir, 'report.html')
    const r = await passage(
      ...common,
      'report',
      '--tenant',
      tenant,
      '--format',
      'html',
      '--out',
      out,
      '--json',
    )
    expect(r.code, r.stderr).toBe(0)
    const html = readFileSync(out, 'utf8')
    expect(html).not.toMatch(/<script|\ssrc=|\shref=|https?:\/\//i)
    expect(html).toContain('Beta &lt;script&gt;alert(1)&lt;/script&gt;')
    const doc = JSON.parse(r.stdout) as {
      schemaVersion: number
      tenants: {
        vendors: { name: string; changes: { changeId: string; risk: { level: string } }[] }[]
      }[]
    }
    expect(doc.schemaVersion).toBe(1)
    expect(doc.tenants[0]!.vendors.map((v) => v.name)).toEqual([HOSTILE, 'ContactMonkey'])
    expect(doc.tenants[0]!.vendors[1]!.changes.find((c) => c.changeId === 'c02')?.risk.level).toBe(
      'high',
    )
  }, 30_000)

  it('--scubagear omits the tripped policy until --accept-until; --maester says Maester has no exception of its own', async () => {
    const scuba = join(dir, 'scubagear.yaml')
    const maester = join(dir, 'maester.ps1')
    const r = await passage(
      ...common,
      'report',
      '--tenant',
      tenant,
      '--format',
      'json',
      '--scubagear',
      scuba,
      '--maester',
      maester,
      '--accept-until',
      acceptUntil,
    )
    expect(r.code, r.stderr).toBe(0)
    expect(r.stderr).toContain('Maester has no documented per-test exception')
    const config = parse(readFileSync(scuba, 'utf8')) as {
      ProductNames: string[]
      OmitPolicy: Record<string, { Rationale: string; Expiration: string }>
    }
    expect(config.ProductNames).toEqual(['securitysuite'])
    expect(Object.keys(config.OmitPolicy)).toEqual(['MS.SECURITYSUITE.8.1v1'])
    expect(config.OmitPolicy['MS.SECURITYSUITE.8.1v1']).toEqual({
      Rationale: expect.stringMatching(
        /^Risk accepted .* until \d{4}-06-30\. ContactMonkey: .*risk high: /,
      ),
      Expiration: acceptUntil,
    })
    const script = readFileSync(maester, 'utf8')
    expect(script).toContain(`'CISA.MS.EXO.12.1' = '${acceptUntil}'`)
    expect(script).toContain(`'MT.1043' = '${acceptUntil}'`)
  }, 30_000)

  it('bad input exits 2 with its code: unknown tenant, bad format, neither or both of --tenant and --fleet', async () => {
    const cases: [string[], string][] = [
      [['--tenant', 'nobody.onmicrosoft.com'], 'PASSAGE_E_TENANT_UNKNOWN'],
      [['--tenant', tenant, '--format', 'pdf'], 'PASSAGE_E_INPUT'],
      [[], 'PASSAGE_E_INPUT'],
      [['--tenant', tenant, '--fleet'], 'PASSAGE_E_INPUT'],
      [['--tenant', tenant, '--accept-until', '2020-01-01'], 'PASSAGE_E_INPUT'],
    ]
    for (const [args, code] of cases) {
      const r = await passage(...common, 'report', ...args)
      expect([args.join(' '), r.code]).toEqual([args.join(' '), 2])
      expect(r.stderr).toContain(code)
      expect(r.stderr).toContain('hint')
    }
    const j = await passage(...common, 'report', '--json')
    expect(j.code).toBe(2)
    expect(JSON.parse(j.stdout)).toMatchObject({ ok: false, error: { code: 'PASSAGE_E_INPUT' } })
  }, 60_000)

  it('an undone apply leaves the report', async () => {
    const rb = await passage(...common, 'rollback', '--yes')
    expect(rb.code, rb.stderr).toBe(0)
    const r = await passage(...common, 'report', '--tenant', tenant, '--json')
    const doc = JSON.parse(r.stdout) as { tenants: { vendors: { name: string }[] }[] }
    expect(doc.tenants[0]!.vendors.map((v) => v.name)).toEqual(['ContactMonkey'])
  }, 60_000)
})
