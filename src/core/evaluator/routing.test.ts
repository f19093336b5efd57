import { describe, expect, it } from 'vitest'
import { bypassRule, first, GATEWAY_IP, gatewaySnapshot, run, VENDOR_IP } from './test-fixtures.js'

const hops = [GATEWAY_IP, VENDOR_IP]

describe('enhanced filtering with a gateway in front of Microsoft 365', () => {
  it('without EF: Exchange sees the gateway, SPF fails, DMARC is degraded and not enforced', () => {
    const e = run(gatewaySnapshot({}), { hops })
    expect(e.routing).toMatchObject({
      cip: GATEWAY_IP,
      complexRouting: true,
      enhancedFiltering: false,
    })
    expect(e.routing.auth).toEqual({ spf: 'fail', dkim: 'pass', dmarc: 'fail' })
    const r = e.recipients[0]!
    expect(r.headers?.forefront.fields.CIP).toBe(GATEWAY_IP)
    expect(r.headers?.all['Authentication-Results']).toMatch(/compauth=none reason=905/)
    expect(r.uncertain.join('\n')).toMatch(/DKIM signature survives the gateway/)
  })

  it('without EF: SPF none stays none and DMARC with no record stays none', () => {
    const e = run(gatewaySnapshot(null), { auth: { spf: 'none', dkim: 'none', dmarc: 'none' } })
    expect(e.routing.auth).toEqual({ spf: 'none', dkim: 'none', dmarc: 'none' })
  })

  it('without EF: DMARC p=reject is not enforced', () => {
    const r = first(gatewaySnapshot({}), {
      hops,
      auth: { spf: 'fail', dkim: 'fail', dmarc: 'fail', dmarcPolicy: 'reject' },
    })
    expect(r.action).toBe('inbox')
  })

  it('without EF: an IP Allow List entry or rule on the vendor IP does not match; one on the gateway IP matches everyone', () => {
    const vendorRule = gatewaySnapshot({}, { rules: [bypassRule()] })
    expect(first(vendorRule, { hops, detections: ['spam'] }).action).toBe('junk')
    const gatewayRule = gatewaySnapshot(
      {},
      { rules: [bypassRule({ SenderIpRanges: [GATEWAY_IP] })] },
    )
    expect(first(gatewayRule, { hops, detections: ['spam'] }).action).toBe('inbox')
  })

  it('uses the gateway IPs of the snapshot when the message gives no hops', () => {
    expect(run(gatewaySnapshot(null)).routing.cip).toBe(GATEWAY_IP)
  })

  it('flags routing it cannot work out', () => {
    const s = gatewaySnapshot(null, {
      mx: { route: 'gateway', gateway: 'mimecast', hosts: [], ips: [] },
    })
    const r = first(s)
    expect(r.uncertain.join('\n')).toMatch(
      /neither the message's hops nor the snapshot name its IPs/,
    )
  })

  it('eval.routing.ef-source: with EFSkipLastIP, the source is the hop before the gateway, and auth is the true source’s', () => {
    const e = run(gatewaySnapshot({ EFSkipLastIP: true }), { hops })
    expect(e.routing).toMatchObject({ cip: VENDOR_IP, enhancedFiltering: true })
    expect(e.routing.auth).toEqual({ spf: 'pass', dkim: 'pass', dmarc: 'pass' })
    const r = e.recipients[0]!
    expect(r.headers?.forefront.fields.CIP).toBe(VENDOR_IP)
    expect(
      r.trace.some(
        (t) => t.object?.kind === 'inbound-connector' && /skips 198.51.100.7/.test(t.decision),
      ),
    ).toBe(true)
  })

  it('with EFSkipIPs: skips every listed hop and takes the first one not skipped', () => {
    const chain = ['198.51.100.7', '198.51.100.8', VENDOR_IP]
    const e = run(gatewaySnapshot({ EFSkipIPs: ['198.51.100.0/24'] }), { hops: chain })
    expect(e.routing.cip).toBe(VENDOR_IP)
    const lastOnly = run(gatewaySnapshot({ EFSkipLastIP: true }), { hops: chain })
    expect(lastOnly.routing.cip).toBe('198.51.100.8')
    // Exchange now sees an intermediate hop, so authentication is degraded.
    expect(lastOnly.routing.auth.spf).toBe('fail')
  })

  it('eval.rule.sender-ip-last-hop: with EF, the IP allow matches the true source but a vendor-IP rule sees the last hop', () => {
    // Re-baselined (review 2026-12 item 6): New-TransportRule.md, SenderIpRanges sees the last hop
    // before Exchange Online (the gateway), not Enhanced Filtering's source.
    const rule = gatewaySnapshot({ EFSkipLastIP: true }, { rules: [bypassRule()] })
    expect(first(rule, { hops, detections: ['spam'] })).toMatchObject({ action: 'junk' })
    const ipAllow = gatewaySnapshot(
      { EFSkipLastIP: true },
      { state: { connectionFilter: { IPAllowList: [VENDOR_IP] } } },
    )
    expect(first(ipAllow, { hops, detections: ['spam'] })).toMatchObject({ action: 'inbox' })
  })

  it('EFUsers pilots EF only when every recipient is listed', () => {
    const s = gatewaySnapshot({ EFSkipLastIP: true, EFUsers: ['alice@fabrikam.com'] })
    expect(run(s, { hops }).routing.cip).toBe(VENDOR_IP)
    const both = run(s, { hops, recipients: ['alice@fabrikam.com', 'bob@fabrikam.com'] })
    expect(both.routing).toMatchObject({ cip: GATEWAY_IP, enhancedFiltering: false })
  })

  it('a disabled connector gives no EF', () => {
    expect(
      run(gatewaySnapshot({ EFSkipLastIP: true, Enabled: false }), { hops }).routing
        .enhancedFiltering,
    ).toBe(false)
  })
})
