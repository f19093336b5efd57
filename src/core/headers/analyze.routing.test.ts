/**
 * The analyzer hands each decoder only the headers it reads (routed once by name) and writes
 * each decoded report out with its status instead of spreading it: these pin that both give
 * exactly what the decoders give on the whole block, on every sample and on odd header names.
 */
import { describe, expect, it } from 'vitest'
import { analyzeHeaders } from './analyze.js'
import { decodeForefrontReport } from './forefront.js'
import { decodeOrganization } from './organization.js'
import { parseHeaderBlock } from './parse.js'
import { findTenantMarkers } from './tenant.js'
import * as fixtures from './test-fixtures.js'

const samples: string[] = Object.values(fixtures).filter((v): v is string => typeof v === 'string')

/** Header names near the routed ones: prefixes, case, suffixes. */
const ODD = [
  'X-MS-Exchange-Organization-SCL: 5',
  'x-ms-exchange-organization-: empty short name',
  'X-MS-Exchange-CrossPremises-SCL: 7',
  'X-MS-Exchange-CrossPremises-Antispam-ScanContext: x',
  'X-MS-Exchange-Organizations-SCL: 9',
  'X-MS-Exchange-CrossTenant-Id: 11111111-2222-3333-4444-555555555555',
  'X-MS-EXCHANGE-CROSSTENANT-ID: 66666666-2222-3333-4444-555555555555',
  'X-MS-Exchange-CrossTenant-Id-Untrusted: 77777777-2222-3333-4444-555555555555',
  'X-OriginatorOrg: Contoso.com',
  'X-Forefront-Antispam-Report-Untrusted: CIP:255.255.255.255;DIR:OUT;',
  'X-Forefront-Antispam-ReportX: CIP:1.2.3.4;',
]

describe('routing by name gives each decoder what it reads on the whole block', () => {
  it('organisation headers and tenant markers, on every sample and with odd names added', () => {
    const inputs = [...samples, ...samples.map((s) => `${ODD.join('\r\n')}\r\n${s}`)]
    for (const s of inputs) {
      const headers = parseHeaderBlock(s).headers
      const a = analyzeHeaders(s)
      expect(JSON.stringify(a.decoded.organization)).toBe(
        JSON.stringify(decodeOrganization(headers)),
      )
      expect(a.decoded.tenant).toEqual(findTenantMarkers(headers))
    }
  })

  it('each decoded report is the decoder’s report and its status, in the decoder’s key order', () => {
    let reports = 0
    for (const s of samples) {
      const a = analyzeHeaders(s)
      for (const r of a.decoded.reports) {
        const own = decodeForefrontReport(r.raw, r.header, r.index, {
          authAs: a.decoded.organization.authAs,
        })
        expect(Object.keys(r)).toEqual([...Object.keys(own), 'status'])
        expect(JSON.stringify(r)).toBe(JSON.stringify({ ...own, status: r.status }))
        reports++
      }
    }
    expect(reports).toBeGreaterThan(10)
  })
})
