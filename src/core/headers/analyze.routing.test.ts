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

describe('header kinds kept by name-cache slot', () => {
  it('routes a header by its own name when a later header took its slot', () => {
    // The slot hash reads a name's length and its characters at the end, the middle and the
    // quarter: `abcdized` shares them (and so the slot) with `received`, and comes after it.
    const hop =
      'Received: from mta1.phishsim-test.com (198.51.100.25) by BN8NAM11FT058.mail.protection.outlook.com (10.13.177.79) with Microsoft SMTP Server id 15.20.8158.14; Tue, 17 Nov 2026 14:02:09 +0000'
    const block = `${hop}\r\nabcdized: not a hop\r\n${hop}\r\nabcdized: again\r\nSubject: x\r\n`
    const headers = parseHeaderBlock(block).headers
    expect(headers.map((h) => h.lower)).toEqual([
      'received',
      'abcdized',
      'received',
      'abcdized',
      'subject',
    ])
    // Twice: the first analysis sets the kinds, the second reads them back.
    for (let i = 0; i < 2; i++) {
      const a = analyzeHeaders(block)
      expect(a.decoded.received.map((r) => r.index)).toEqual([0, 2])
      expect(a.decoded.received[0]?.byEop).toBe(true)
    }
    // And a block where the slot keeps `received` throughout still routes both.
    expect(analyzeHeaders(`${hop}\r\n${hop}\r\n`).decoded.received).toHaveLength(2)
  })

  it('routes a header object from elsewhere (no slot) by its name', () => {
    // A pasted report value is read back as a header the parser did not make (bareReport).
    const a = analyzeHeaders('CIP:198.51.100.25\r\nSFV:SPM\r\nCAT:SPM\r\n')
    expect(a.decoded.reports).toHaveLength(1)
    expect(a.decoded.reports[0]?.sfv).toBe('SPM')
  })
})
