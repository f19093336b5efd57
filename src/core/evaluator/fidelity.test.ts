/**
 * Tests named after the evaluator's rows of the behaviour register (src/core/behaviour/evaluator.ts):
 * each pins one behaviour to the Microsoft page the row cites. The first group pins the fixes of
 * the December 2026 fidelity review (items 2, 5, 6, 7, 9, 12, 13); each failed on the code before.
 */
import { describe, expect, it } from 'vitest'
import type { SnapshotOptions } from '../model/test-fixtures.js'
import {
  bypassRule,
  decisions,
  first,
  GATEWAY_IP,
  gatewaySnapshot,
  makeSnapshot,
  type MessageOverrides,
  run,
  VENDOR_IP,
} from './test-fixtures.js'
import { summarise } from './summarise.js'

const me = 'alice@fabrikam.com'
const hcPhish = { detections: ['high-confidence-phish' as const] }
const tablSender = (Value = 'contoso.com'): SnapshotOptions => ({
  state: {
    tabl: {
      items: [
        { ListType: 'Sender', Action: 'Allow', Value, ExpirationDate: '2026-12-01T00:00:00Z' },
      ],
    },
  },
})
const antiSpamAllow = (over: Record<string, string[]>): SnapshotOptions => ({
  state: { antiSpam: { policies: [{ Name: 'Default', IsDefault: true, ...over }] } },
})
const spoofEntry = (
  SpoofedUser: string,
  SendingInfrastructure: string,
  Action: 'Allow' | 'Block' = 'Allow',
): SnapshotOptions => ({
  state: {
    tabl: { spoofItems: [{ Action, SpoofType: 'External', SpoofedUser, SendingInfrastructure }] },
  },
})

describe('review 2026-12 fixes', () => {
  describe('eval.allow.hcphish-mx-elsewhere: which allows can deliver high-confidence phish', () => {
    const allows: Record<string, SnapshotOptions> = {
      'SCL -1 rule': { rules: [bypassRule({ SenderIpRanges: [GATEWAY_IP] })] },
      'Tenant Allow/Block List sender allow': tablSender(),
      'anti-spam allowed sender domain': antiSpamAllow({ AllowedSenderDomains: ['contoso.com'] }),
    }
    it.each(Object.entries(allows))(
      'eval.allow.hcphish-mx-elsewhere: MX elsewhere, %s delivers it; MX at Microsoft it does not',
      (_, over) => {
        expect(first(gatewaySnapshot(null, over), hcPhish).action).toBe('inbox')
        const atMicrosoft = over.rules ? { rules: [bypassRule()] } : over
        expect(first(makeSnapshot(atMicrosoft), hcPhish).action).toBe('quarantine')
        // Malware is never overridden, whatever the routing.
        expect(first(gatewaySnapshot(null, over), { detections: ['malware'] }).action).toBe(
          'quarantine',
        )
      },
    )

    it('eval.allow.hcphish-mx-elsewhere: Outlook Safe Senders deliver it only with the MX elsewhere', () => {
      const safe = { ...hcPhish, userSafeSenders: { [me]: ['news@contoso.com'] } }
      expect(first(gatewaySnapshot(null), safe).action).toBe('inbox')
      expect(first(makeSnapshot(), safe).action).toBe('quarantine')
    })

    it('eval.allow.hcphish-mx-elsewhere: the IP Allow List never delivers it', () => {
      const ipAllow = { state: { connectionFilter: { IPAllowList: [GATEWAY_IP] } } }
      expect(first(gatewaySnapshot(null, ipAllow), hcPhish).action).toBe('quarantine')
    })
  })

  it('eval.allow.hcphish-mx-elsewhere: the summary says secure by default does not apply', () => {
    const gw = gatewaySnapshot(null, { rules: [bypassRule({ SenderIpRanges: [GATEWAY_IP] })] })
    expect(summarise(run(gw, hcPhish)).join('\n')).toMatch(/secure by default does not apply/)
    expect(summarise(run(makeSnapshot(), hcPhish)).join('\n')).toMatch(
      /no allow can override high-confidence phish \(only advanced delivery\)/,
    )
  })

  it('eval.rule.ef-bypass-rule-flag: an SCL -1 rule for the gateway is flagged once EF is on', () => {
    const s = gatewaySnapshot(
      { EFSkipLastIP: true },
      { rules: [bypassRule({ SenderIpRanges: [GATEWAY_IP] })] },
    )
    const r = first(s, { hops: [GATEWAY_IP, VENDOR_IP], detections: ['spam'] })
    expect(decisions(r).join('\n')).toMatch(/Enhanced Filtering is on, yet mail flow rule/)
  })

  it('eval.tabl.sender-allow-needs-auth: a sender allow does not deliver mail failing DMARC', () => {
    const failing: MessageOverrides = {
      auth: { spf: 'fail', dkim: 'fail', dmarc: 'fail', dmarcPolicy: 'quarantine' },
      detections: ['spam'],
    }
    const r = first(makeSnapshot(tablSender()), failing)
    expect(r.action).not.toBe('inbox')
    expect(r.category).toBe('SPOOF')
    expect(decisions(r).join('\n')).toMatch(/fails email authentication/)
    // Passing authentication, the same allow delivers spam.
    expect(first(makeSnapshot(tablSender()), { detections: ['spam'] }).action).toBe('inbox')
  })

  it('eval.allow.ip-allow-not-dmarc: the IP Allow List does not override a DMARC failure', () => {
    const s = makeSnapshot({ state: { connectionFilter: { IPAllowList: [VENDOR_IP] } } })
    const r = first(s, {
      auth: { spf: 'fail', dkim: 'fail', dmarc: 'fail', dmarcPolicy: 'quarantine' },
    })
    expect(r.action).not.toBe('inbox')
    expect(r.category).toBe('SPOOF')
    expect(r.trace.some((t) => /anti-spam-policies-troubleshooting/.test(t.note ?? ''))).toBe(true)
    // It still overrides spam.
    expect(first(s, { detections: ['spam'] }).action).toBe('inbox')
  })

  it('eval.rule.sender-ip-last-hop: SenderIpRanges sees the gateway, not EF’s source', () => {
    const hops = [GATEWAY_IP, VENDOR_IP]
    const vendorRule = gatewaySnapshot({ EFSkipLastIP: true }, { rules: [bypassRule()] })
    const e = run(vendorRule, { hops, detections: ['spam'] })
    expect(e.routing.cip).toBe(VENDOR_IP)
    expect(e.recipients[0]?.action).toBe('junk')
    const gatewayRule = gatewaySnapshot(
      { EFSkipLastIP: true },
      { rules: [bypassRule({ SenderIpRanges: [GATEWAY_IP] })] },
    )
    expect(first(gatewayRule, { hops, detections: ['spam'] }).action).toBe('inbox')
  })

  it('eval.lists.from-only: anti-spam allowed senders and Safe Senders ignore MAIL FROM', () => {
    // MAIL FROM is bounce@mail.contoso.com, From is news@contoso.com.
    const envelope = makeSnapshot(antiSpamAllow({ AllowedSenderDomains: ['mail.contoso.com'] }))
    expect(first(envelope, { detections: ['spam'] }).action).toBe('junk')
    const header = makeSnapshot(antiSpamAllow({ AllowedSenderDomains: ['contoso.com'] }))
    expect(first(header, { detections: ['spam'] })).toMatchObject({ action: 'inbox', sfv: 'SKA' })
    const safe = {
      detections: ['spam' as const],
      userSafeSenders: { [me]: ['bounce@mail.contoso.com'] },
    }
    expect(first(makeSnapshot(), safe).action).toBe('junk')
  })

  describe('eval.tabl.spoof-pair: spoofed-sender entries match the sending infrastructure', () => {
    const spoof = { detections: ['spoof' as const] }
    it('eval.tabl.spoof-pair: a /24 applies only to a source without a PTR record', () => {
      const s = makeSnapshot(spoofEntry('contoso.com', '203.0.113.0/24'))
      expect(first(s, { ...spoof, ptr: null }).action).toBe('inbox')
      expect(first(s, { ...spoof, ptr: 'mta1.vendor.example' }).action).toBe('junk')
      const unknown = first(s, spoof)
      expect(unknown.action).toBe('junk')
      expect(unknown.uncertain.join('\n')).toMatch(/PTR record/)
    })

    it('eval.tabl.spoof-pair: a domain matches the PTR’s domain or a verified DKIM domain', () => {
      const s = makeSnapshot(spoofEntry('contoso.com', 'vendor.example'))
      expect(first(s, { ...spoof, ptr: 'mta1.vendor.example' }).action).toBe('inbox')
      expect(first(s, { ...spoof, ptr: 'mta1.other.example' }).action).toBe('junk')
      const dkim = makeSnapshot(spoofEntry('contoso.com', 'contoso.com'))
      expect(first(dkim, spoof).action).toBe('inbox')
    })

    it('eval.tabl.spoof-pair: `*` is valid on one side only', () => {
      expect(
        first(makeSnapshot(spoofEntry('*', 'vendor.example')), {
          ...spoof,
          ptr: 'mta1.vendor.example',
        }).action,
      ).toBe('inbox')
      expect(first(makeSnapshot(spoofEntry('contoso.com', '*')), spoof).action).toBe('inbox')
      expect(first(makeSnapshot(spoofEntry('*', '*')), { ...spoof, ptr: null }).action).toBe('junk')
    })
  })

  it('eval.zap.allows-may-override: Microsoft says allows might override ZAP', () => {
    const r = first(makeSnapshot({ rules: [bypassRule()] }), { detections: ['spam'] })
    expect(r.zap.couldMove).toBe('unknown')
    const note = r.trace.find((t) => t.stage === 'zap')?.note ?? ''
    expect(note).toMatch(/learn\.microsoft\.com\/defender-office-365\/zero-hour-auto-purge\b/)
    expect(note).not.toMatch(/does not say whether ZAP acts|silent/)
    // HC phish let through by an SCL -1 rule with the MX elsewhere: ZAP leaves it alone.
    const gw = gatewaySnapshot(null, { rules: [bypassRule({ SenderIpRanges: [GATEWAY_IP] })] })
    expect(first(gw, hcPhish).zap.couldMove).toBe(false)
  })

  it('eval.stamp.ip-allow-cal-skn: an IP Allow List hit stamps IPV:CAL with SFV:SKN', () => {
    const r = first(makeSnapshot({ state: { connectionFilter: { IPAllowList: [VENDOR_IP] } } }), {
      detections: ['spam'],
    })
    expect(r.headers?.forefront.raw).toMatch(/IPV:CAL;SFV:SKN;/)
  })
})

describe('standing rules', () => {
  it('eval.verdict.order: the first verdict in Microsoft’s order decides', () => {
    const r = first(makeSnapshot(), { detections: ['spam', 'phish'] })
    expect(r.category).toBe('PHSH')
  })

  it('eval.allow.tenant-overrides: tenant allows deliver phish, HC spam, spam and bulk', () => {
    for (const d of ['phish', 'high-confidence-spam', 'spam'] as const)
      expect(first(makeSnapshot({ rules: [bypassRule()] }), { detections: [d] }).action).toBe(
        'inbox',
      )
  })

  it('eval.allow.malware-never: no allow overrides malware, whatever the routing', () => {
    const r = first(makeSnapshot({ rules: [bypassRule()] }), { detections: ['malware'] })
    expect(r.action).toBe('quarantine')
  })

  it('eval.ad.secops-phish-sim: a SecOps mailbox gets even malware', () => {
    const s = makeSnapshot({
      state: { advancedDelivery: { secOpsPolicy: { SentTo: [me] } } },
    })
    expect(first(s, { detections: ['malware'] }).action).toBe('inbox')
  })

  it('eval.block.beats-allow: a Tenant Allow/Block List block beats an allow', () => {
    const s = makeSnapshot({
      rules: [bypassRule()],
      state: {
        tabl: {
          items: [
            { ListType: 'Sender', Action: 'Block', Value: 'contoso.com', ExpirationDate: null },
          ],
        },
      },
    })
    expect(first(s).action).not.toBe('inbox')
  })

  it('eval.user.safe-senders-quarantine: a Safe Senders domain entry is not honoured for Quarantine', () => {
    const s = makeSnapshot({
      state: {
        antiSpam: { policies: [{ Name: 'Default', IsDefault: true, SpamAction: 'Quarantine' }] },
      },
    })
    expect(
      first(s, { detections: ['spam'], userSafeSenders: { [me]: ['contoso.com'] } }).action,
    ).toBe('quarantine')
    expect(
      first(s, { detections: ['spam'], userSafeSenders: { [me]: ['news@contoso.com'] } }).action,
    ).toBe('inbox')
  })

  it('eval.lists.own-domain-auth: an allowed sender in an accepted domain needs authentication', () => {
    const s = makeSnapshot(antiSpamAllow({ AllowedSenderDomains: ['fabrikam.com'] }))
    const r = first(s, {
      mailFrom: 'x@fabrikam.com',
      headerFrom: 'ceo@fabrikam.com',
      dkimDomain: null,
      auth: { spf: 'fail', dkim: 'none', dmarc: 'fail', dmarcPolicy: 'none' },
      detections: ['spam'],
    })
    expect(r.action).toBe('junk')
  })

  it('eval.routing.ef-source: Enhanced Filtering makes the hop before the gateway the source', () => {
    const e = run(gatewaySnapshot({ EFSkipLastIP: true }), { hops: [GATEWAY_IP, VENDOR_IP] })
    expect(e.routing).toMatchObject({ cip: VENDOR_IP, enhancedFiltering: true })
    expect(run(gatewaySnapshot(null), {}).routing.cip).toBe(GATEWAY_IP)
  })

  it('eval.tabl.expiry: an expired Tenant Allow/Block List entry does not apply', () => {
    const s = makeSnapshot({
      state: {
        tabl: {
          items: [
            {
              ListType: 'Sender',
              Action: 'Allow',
              Value: 'contoso.com',
              ExpirationDate: '2026-11-01T00:00:00Z',
            },
          ],
        },
      },
    })
    expect(first(s, { detections: ['spam'] }).action).toBe('junk')
  })

  it('eval.ip-allow.limits: the IP Allow List takes IPv4 /24 or narrower', () => {
    const s = makeSnapshot({ state: { connectionFilter: { IPAllowList: ['203.0.0.0/16'] } } })
    expect(first(s, { detections: ['spam'] }).action).toBe('junk')
  })
})
