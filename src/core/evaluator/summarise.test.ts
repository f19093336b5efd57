import { describe, expect, it } from 'vitest'
import { parseForefrontReport } from './headers.js'
import { summarise } from './summarise.js'
import {
  bypassRule,
  GATEWAY_IP,
  gatewaySnapshot,
  makeDefenderSnapshot,
  run,
  VENDOR_IP,
} from './test-fixtures.js'

describe('summarise', () => {
  it('says where the message lands, why, and what is uncertain', () => {
    const s = makeDefenderSnapshot({
      rules: [
        bypassRule({
          SetHeaderName: 'X-MS-Exchange-Organization-SkipSafeLinksProcessing',
          SetHeaderValue: '1',
        }),
      ],
    })
    const lines = summarise(run(s, { detections: ['spam'], urls: ['https://contoso.com/a'] }))
    expect(lines[0]).toBe('MX at Microsoft 365; source 203.0.113.10; spf=pass dkim=pass dmarc=pass')
    const text = lines.join('\n')
    expect(text).toMatch(/alice@fabrikam.com: delivered to the Inbox/)
    expect(text).toMatch(/because a mail flow rule \(SCL -1\) skipped spam filtering/)
    expect(text).toMatch(/decided by transport rule 'Vendor bypass'/)
    expect(text).toMatch(/Safe Links: 0 of 1 link rewritten/)
    expect(text).toMatch(/ZAP: unknown/)
    expect(text).toMatch(/uncertain: .*SkipSafeLinksProcessing/)
  })

  it('describes gateway routing and quarantine', () => {
    const lines = summarise(
      run(gatewaySnapshot({ EFSkipLastIP: true }), {
        hops: [GATEWAY_IP, VENDOR_IP],
        detections: ['high-confidence-phish'],
      }),
    )
    expect(lines[0]).toMatch(/MX at a gateway; Exchange sees 203.0.113.10 \(Enhanced Filtering\)/)
    expect(lines.join('\n')).toMatch(/quarantined \(quarantine policy AdminOnlyAccessPolicy\)/)
  })

  it('stamps a Forefront report that parses back to its fields', () => {
    const r = run(makeDefenderSnapshot(), { country: 'US' }).recipients[0]!
    expect(r.headers?.forefront.raw).toBe(
      'CIP:203.0.113.10;CTRY:US;SCL:1;SRV:;IPV:NLI;SFV:NSPM;CAT:NONE;DIR:INB;',
    )
    expect(parseForefrontReport(r.headers?.forefront.raw ?? '')).toEqual(
      r.headers?.forefront.fields,
    )
  })
})
