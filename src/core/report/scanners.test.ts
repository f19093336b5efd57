import { describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { buildReport, type ReportTenant } from './model.js'
import { maesterTestId, renderMaester, renderScubaGear, scubaPolicyId } from './scanners.js'
import { applied, change, IP_ALLOW_HITS, NOW } from './test-fixtures.js'

/** One tenant's report: ContactMonkey's SCL -1 rule and connection filter IP allow. */
function tenantWith(vendorName = 'ContactMonkey', acceptUntil?: string): ReportTenant {
  return buildReport({
    scope: 'tenant',
    now: NOW,
    ...(acceptUntil ? { acceptUntil } : {}),
    tenants: [
      {
        id: 'fd46b0cc-ba27-4bee-ac95-13bad50640e3',
        name: 'contoso.onmicrosoft.com',
        displayName: null,
        fleet: null,
        applied: [
          applied(change({ id: 'c01' }), { id: 'custom', name: vendorName }),
          applied(
            change({
              id: 'c02',
              surface: 'connection-filter',
              target: 'Default',
              baselines: IP_ALLOW_HITS,
              risk: { level: 'high', reason: 'allows the IPs past spam filtering' },
            }),
            { id: 'custom', name: vendorName },
          ),
        ],
      },
    ],
  }).tenants[0]!
}

/** ScubaGear's policy id pattern and date pattern (ScubaConfigSchema.json). */
const SCUBA_ID = /^[Mm][Ss]\.[a-zA-Z]+\.[0-9]+\.[0-9]+[Vv][0-9]+$/
const SCUBA_DAY = /^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$/

describe('client.scanner-exceptions: scubaPolicyId', () => {
  it('gives CISA checks their ScubaGear version, keeps a versioned id, and knows no other scanner', () => {
    expect(scubaPolicyId({ scanner: 'CISA', check: 'MS.SECURITYSUITE.8.1' })).toBe(
      'MS.SECURITYSUITE.8.1v1',
    )
    expect(scubaPolicyId({ scanner: 'CISA', check: 'MS.SECURITYSUITE.6.2' })).toBe(
      'MS.SECURITYSUITE.6.2v1',
    )
    expect(scubaPolicyId({ scanner: 'CISA', check: 'MS.EXO.5.1v1' })).toBe('MS.EXO.5.1v1')
    // A version passage does not know is not guessed.
    expect(scubaPolicyId({ scanner: 'CISA', check: 'MS.SECURITYSUITE.9.9' })).toBeNull()
    expect(scubaPolicyId({ scanner: 'ORCA', check: '114' })).toBeNull()
  })
})

describe('maesterTestId', () => {
  it.each([
    ['Maester', 'MT.1043', 'MT.1043'],
    ['ORCA', '118-2', 'ORCA.118.2'],
    ['ORCA', '189-2', 'ORCA.189.2'],
    ['CIS', '2.1.12', 'CIS.M365.2.1.12'],
    // Maester's CISA tests keep ScubaGear's former MS.EXO ids.
    ['CISA', 'MS.SECURITYSUITE.8.1', 'CISA.MS.EXO.12.1'],
    ['CISA', 'MS.SECURITYSUITE.6.2', 'CISA.MS.EXO.14.3'],
  ] as const)('%s %s is Maester test %s', (scanner, check, id) => {
    expect(maesterTestId({ scanner, check })).toBe(id)
  })
  it('names no test for a check Maester is not known to run', () => {
    expect(maesterTestId({ scanner: 'ORCA', check: '999' })).toBeNull()
  })
})

describe('renderScubaGear', () => {
  it('omits each tripped policy with a rationale and an expiry, in ScubaGear’s format', () => {
    const doc = parse(
      renderScubaGear(tenantWith(), { mode: 'omit', generatedAt: NOW.toISOString() }),
    ) as Record<string, unknown>
    expect(doc.ProductNames).toEqual(['securitysuite'])
    const omit = doc.OmitPolicy as Record<string, { Rationale: string; Expiration: string }>
    expect(Object.keys(omit)).toEqual(['MS.SECURITYSUITE.8.1v1'])
    for (const [id, entry] of Object.entries(omit)) {
      expect(id).toMatch(SCUBA_ID)
      expect(Object.keys(entry).sort()).toEqual(['Expiration', 'Rationale'])
      expect(entry.Expiration).toMatch(SCUBA_DAY)
      expect(entry.Expiration).toBe('2027-03-01')
      expect(entry.Rationale).toContain('ContactMonkey: Create mail flow rule')
      expect(entry.Rationale).toContain('risk high: allows the IPs past spam filtering')
      expect(entry.Rationale).toContain('until 2027-03-01')
    }
    expect(doc).not.toHaveProperty('AnnotatePolicy')
  })

  it('annotates instead: a Comment, IncorrectResult false and the date as RemediationDate (AnnotatePolicy has no Expiration)', () => {
    const doc = parse(
      renderScubaGear(tenantWith('ContactMonkey', '2027-06-30'), {
        mode: 'annotate',
        generatedAt: NOW.toISOString(),
      }),
    ) as Record<string, unknown>
    const ann = doc.AnnotatePolicy as Record<string, Record<string, unknown>>
    expect(ann['MS.SECURITYSUITE.8.1v1']).toEqual({
      IncorrectResult: false,
      Comment: expect.stringContaining('until 2027-06-30'),
      RemediationDate: '2027-06-30',
    })
    expect(doc).not.toHaveProperty('OmitPolicy')
  })

  it('keeps a hostile vendor name inside its string: no key, line or document of its own', () => {
    const name = 'Evil"\nOmitPolicy:\n  MS.AAD.1.1v1:\n    Rationale: x\u2028---\u0085'
    const text = renderScubaGear(tenantWith(name), { mode: 'omit', generatedAt: NOW.toISOString() })
    const doc = parse(text) as { OmitPolicy: Record<string, { Rationale: string }> }
    expect(Object.keys(doc.OmitPolicy)).toEqual(['MS.SECURITYSUITE.8.1v1'])
    expect(doc.OmitPolicy['MS.SECURITYSUITE.8.1v1']!.Rationale).toContain('Evil"')
    expect(text).not.toMatch(/[\u2028\u0085]/)
  })

  it('writes an empty OmitPolicy, and says why, when no ScubaGear policy is tripped', () => {
    const t = { ...tenantWith(), acceptances: [] }
    const text = renderScubaGear(t, { mode: 'omit', generatedAt: NOW.toISOString() })
    expect(parse(text)).toMatchObject({ OmitPolicy: {} })
    expect(text).toContain('No ScubaGear policy is tripped')
  })
})

describe('renderMaester', () => {
  it('says Maester has no per-test exception, and excludes the accepted tests by tag until their dates', () => {
    const text = renderMaester(tenantWith(), { generatedAt: NOW.toISOString() })
    expect(text).toContain('Maester has no documented per-test exception')
    expect(text).toContain("absent from Maester's report, not shown as accepted")
    for (const id of ['MT.1043', 'ORCA.114', 'CIS.M365.2.1.12', 'CISA.MS.EXO.12.1'])
      expect(text).toContain(`    '${id}' = '2027-03-01'`)
    expect(text).toContain('Invoke-Maester -ExcludeTag $excluded @args')
  })

  it('keeps a vendor name in comments, on one line each', () => {
    const text = renderMaester(tenantWith("O'Brien\nInvoke-Evil"), {
      generatedAt: NOW.toISOString(),
    })
    expect(
      text
        .split('\n')
        .filter((l) => l.includes('Invoke-Evil'))
        .every((l) => l.startsWith('#')),
    ).toBe(true)
  })
})
