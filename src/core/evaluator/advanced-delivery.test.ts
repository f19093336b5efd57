import { describe, expect, it } from 'vitest'
import {
  first,
  GATEWAY_IP,
  gatewaySnapshot,
  makeSnapshot,
  VENDOR_IP,
  type MessageOverrides,
  type SnapshotOptions,
} from './test-fixtures.js'

const sim = (Domains: string[], SenderIpRanges: string[], Enabled = true): SnapshotOptions => ({
  state: {
    advancedDelivery: {
      phishSimPolicy: { Enabled },
      phishSimRule: { Name: '_Exe:PhishSimOverr:1', Domains, SenderIpRanges },
    },
  },
})
const phish: MessageOverrides = { detections: ['high-confidence-phish'] }

describe('advanced delivery', () => {
  it('needs a domain AND an IP to match', () => {
    expect(first(makeSnapshot(sim(['mail.contoso.com'], [VENDOR_IP])), { ...phish }).action).toBe(
      'inbox',
    )
    const domainOnly = first(makeSnapshot(sim(['mail.contoso.com'], ['192.0.2.1'])), { ...phish })
    expect(domainOnly.action).toBe('quarantine')
    expect(domainOnly.trace.some((t) => /not in SenderIpRanges/.test(t.decision))).toBe(true)
    const ipOnly = first(makeSnapshot(sim(['other.example'], [VENDOR_IP])), { ...phish })
    expect(ipOnly.action).toBe('quarantine')
    expect(
      ipOnly.trace.some((t) => /nor a passing DKIM domain is in Domains/.test(t.decision)),
    ).toBe(true)
  })

  it('matches the MAIL FROM domain or a passing DKIM domain, not the From header', () => {
    expect(first(makeSnapshot(sim(['contoso.com'], [VENDOR_IP])), { ...phish }).action).toBe(
      'inbox',
    ) // DKIM d=contoso.com
    const noDkim = {
      ...phish,
      dkimDomain: null,
      auth: { spf: 'pass', dkim: 'none', dmarc: 'pass' } as const,
    }
    expect(first(makeSnapshot(sim(['contoso.com'], [VENDOR_IP])), noDkim).action).toBe('quarantine')
    const badDkim = { ...phish, auth: { spf: 'pass', dkim: 'fail', dmarc: 'pass' } as const }
    const r = first(makeSnapshot(sim(['contoso.com'], [VENDOR_IP])), badDkim)
    expect(r.action).toBe('quarantine')
    expect(r.uncertain.join('\n')).toMatch(/signature does not pass/)
  })

  it('accepts CIDR ranges', () => {
    expect(
      first(makeSnapshot(sim(['mail.contoso.com'], ['203.0.113.0/28'])), { ...phish }).action,
    ).toBe('inbox')
  })

  it('does nothing when the policy is disabled', () => {
    expect(
      first(makeSnapshot(sim(['mail.contoso.com'], [VENDOR_IP], false)), { ...phish }).action,
    ).toBe('quarantine')
  })

  it('needs the MX at Microsoft 365 or Enhanced Filtering', () => {
    const hops = [GATEWAY_IP, VENDOR_IP]
    const gatewayIp = gatewaySnapshot({}, sim(['mail.contoso.com'], [GATEWAY_IP]))
    const r = first(gatewayIp, { ...phish, hops })
    expect(r.action).toBe('quarantine')
    expect(r.trace.some((t) => /Enhanced Filtering is off/.test(t.decision))).toBe(true)
    const withEf = gatewaySnapshot({ EFSkipLastIP: true }, sim(['mail.contoso.com'], [VENDOR_IP]))
    expect(first(withEf, { ...phish, hops }).action).toBe('inbox')
  })

  it('does not support intra-organisation mail (DIR:INT)', () => {
    const r = first(makeSnapshot(sim(['mail.contoso.com'], [VENDOR_IP])), {
      ...phish,
      direction: 'intra-org',
    })
    expect(r.action).toBe('quarantine')
    expect(r.headers?.forefront.fields.DIR).toBe('INT')
  })

  it('says the header values are not documented for advanced delivery', () => {
    const r = first(makeSnapshot(sim(['mail.contoso.com'], [VENDOR_IP])), { ...phish })
    expect(r.uncertain.join('\n')).toMatch(/no documented header stamp/)
  })

  it('SecOps mailbox override covers only the listed mailboxes', () => {
    const s = makeSnapshot({
      state: { advancedDelivery: { secOpsPolicy: { SentTo: ['soc@fabrikam.com'] } } },
    })
    expect(first(s, { detections: ['malware'], recipients: ['soc@fabrikam.com'] }).action).toBe(
      'inbox',
    )
    expect(first(s, { detections: ['malware'], recipients: ['alice@fabrikam.com'] }).action).toBe(
      'quarantine',
    )
  })
})
