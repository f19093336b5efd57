import { describe, expect, it } from 'vitest'
import {
  bypassRule,
  first,
  makeSnapshot,
  VENDOR_IP,
  type MessageOverrides,
} from './test-fixtures.js'
import type { TransportRuleInput } from '../model/transport-rule.js'

const rules = (...list: TransportRuleInput[]) => makeSnapshot({ rules: list })
const spam: MessageOverrides = { detections: ['spam'] }
const ruleSteps = (r: ReturnType<typeof first>) =>
  r.trace
    .filter((t) => t.stage === 'transport-rules')
    .map((t) => `${t.object?.name}: ${t.decision}`)

describe('mail flow rules', () => {
  it('runs rules in priority order, 0 first; a later SetSCL overwrites (flagged)', () => {
    const s = rules(
      { Name: 'Spam it', Priority: 1, SetSCL: 6 },
      { Name: 'Bypass', Priority: 0, SetSCL: -1 },
    )
    const r = first(s, spam)
    expect(ruleSteps(r).map((x) => x.split(':')[0])).toEqual(['Bypass', 'Spam it', 'Spam it'])
    expect(r.sfv).toBe('SKS')
    expect(r.uncertain.join('\n')).toMatch(/SCL 6 overwrites SCL -1/)
  })

  it('StopRuleProcessing ends evaluation', () => {
    const s = rules(
      { Name: 'Bypass', Priority: 0, SetSCL: -1, StopRuleProcessing: true },
      { Name: 'Spam it', Priority: 1, SetSCL: 6 },
    )
    const r = first(s, spam)
    expect(r.sfv).toBe('SKN')
    expect(ruleSteps(r).some((x) => x.startsWith('Spam it'))).toBe(false)
  })

  it('Audit mode rules match but do not act (nor stop later rules)', () => {
    const s = rules(
      { Name: 'Audit bypass', Priority: 0, SetSCL: -1, Mode: 'Audit', StopRuleProcessing: true },
      { Name: 'Header', Priority: 1, SetHeaderName: 'X-ETR', SetHeaderValue: 'seen' },
    )
    const r = first(s, spam)
    expect(r.action).toBe('junk')
    expect(ruleSteps(r)[0]).toMatch(/in Audit mode: no action taken/)
    expect(r.headers?.setByRules).toEqual({ 'X-ETR': 'seen' })
  })

  it('skips disabled rules', () => {
    const r = first(rules(bypassRule({ State: 'Disabled' })), spam)
    expect(r.action).toBe('junk')
    expect(ruleSteps(r)[0]).toMatch(/Skipped \(disabled\)/)
  })

  it('never applies a rule with unmodelled predicates, and says it might act', () => {
    const r = first(rules(bypassRule({ Unmodelled: ['SubjectContainsWords'] })), spam)
    expect(r.action).toBe('junk')
    expect(r.uncertain.join('\n')).toMatch(/SubjectContainsWords.*not applied.*may act/s)
    // When a modelled condition already fails, the rule certainly does not match.
    const miss = first(
      rules(bypassRule({ SenderIpRanges: ['192.0.2.1'], Unmodelled: ['X'] })),
      spam,
    )
    expect(miss.uncertain).toEqual([])
  })

  it('knows an attachment condition cannot match a message without attachments', () => {
    const rule = bypassRule({
      Unmodelled: ['AttachmentHasExecutableContent', 'RejectMessageReasonText'],
    })
    const none = first(rules(rule), spam)
    expect(none.uncertain).toEqual([])
    expect(none.trace.some((t) => /no attachments/.test(t.decision))).toBe(true)
    const withExe = first(rules(rule), { ...spam, attachments: ['setup.exe'] })
    expect(withExe.uncertain.join('\n')).toMatch(/AttachmentHasExecutableContent/)
  })

  it('never applies a rule with an unmodelled action that can change the placement', () => {
    const r = first(rules(bypassRule({ Unmodelled: ['RedirectMessageTo'] })), spam)
    expect(r.action).toBe('junk')
    expect(r.uncertain.join('\n')).toMatch(/would also RedirectMessageTo/)
  })

  it('applies a rule whose only unmodelled parts are actions that do not change the placement', () => {
    const banner = bypassRule({
      Unmodelled: ['ApplyHtmlDisclaimerText', 'ApplyHtmlDisclaimerLocation', 'PrependSubject'],
    })
    const r = first(rules(banner), spam)
    expect(r).toMatchObject({ action: 'inbox', sfv: 'SKN' })
    // (The ZAP note names mail flow rules among the allows that might override ZAP.)
    expect(r.uncertain.filter((u) => /rule|Apply/.test(u) && !/ZAP/.test(u))).toEqual([])
    expect(r.trace.some((t) => /also ApplyHtmlDisclaimerText.*not modelled/.test(t.decision))).toBe(
      true,
    )
  })

  it('matches SenderIpRanges against the source IP (address, CIDR, range)', () => {
    for (const range of [VENDOR_IP, '203.0.113.0/24', '203.0.113.1-203.0.113.20'])
      expect(first(rules(bypassRule({ SenderIpRanges: [range] })), spam).action).toBe('inbox')
    expect(first(rules(bypassRule({ SenderIpRanges: ['192.0.2.0/24'] })), spam).action).toBe('junk')
  })

  it('SenderDomainIs covers subdomains and looks where SenderAddressLocation says', () => {
    // MAIL FROM is bounce@mail.contoso.com, From is news@contoso.com.
    const header = bypassRule({ SenderIpRanges: [], SenderDomainIs: ['mail.contoso.com'] })
    expect(first(rules(header), spam).action).toBe('junk')
    expect(first(rules({ ...header, SenderAddressLocation: 'Envelope' }), spam).action).toBe(
      'inbox',
    )
    expect(
      first(rules({ ...header, SenderAddressLocation: 'HeaderOrEnvelope' }), spam).action,
    ).toBe('inbox')
    const parent = bypassRule({
      SenderIpRanges: [],
      SenderDomainIs: ['contoso.com'],
      SenderAddressLocation: 'Envelope',
    })
    expect(first(rules(parent), spam).action).toBe('inbox')
  })

  it('warns about a bypass on the sender domain alone', () => {
    const r = first(
      rules(bypassRule({ SenderIpRanges: [], SenderDomainIs: ['contoso.com'] })),
      spam,
    )
    expect(r.trace.some((t) => /anyone can forge it/.test(t.note ?? ''))).toBe(true)
  })

  it('matches Authentication-Results stamped by EOP (the safe SCL -1 recipe)', () => {
    const safe = bypassRule({
      SenderIpRanges: [],
      SenderDomainIs: ['contoso.com'],
      HeaderContainsMessageHeader: 'Authentication-Results',
      HeaderContainsWords: ['dmarc=pass', 'dmarc=bestguesspass'],
    })
    expect(first(rules(safe), spam).action).toBe('inbox')
    const forged = { ...spam, auth: { spf: 'fail', dkim: 'none', dmarc: 'fail' } as const }
    expect(first(rules(safe), forged).action).toBe('junk')
  })

  it('does not let a sender-supplied Authentication-Results fool the rule', () => {
    const safe = bypassRule({
      SenderIpRanges: [],
      HeaderMatchesMessageHeader: 'Authentication-Results',
      HeaderMatchesPatterns: ['dmarc=(pass|bestguesspass)'],
    })
    const r = first(rules(safe), {
      ...spam,
      auth: { spf: 'fail', dkim: 'none', dmarc: 'fail' },
      headers: { 'Authentication-Results': 'dmarc=pass' },
    })
    expect(r.action).toBe('junk')
    expect(r.uncertain.join('\n')).toMatch(/sender set its own Authentication-Results/)
  })

  it('matches HeaderMatches patterns case-insensitively on the sender’s headers', () => {
    const r = bypassRule({
      SenderIpRanges: [],
      HeaderMatchesMessageHeader: 'x-phishtest',
      HeaderMatchesPatterns: ['^knowbe4'],
    })
    expect(first(rules(r), { ...spam, headers: { 'X-PHISHTEST': 'KnowBe4 sim' } }).action).toBe(
      'inbox',
    )
    expect(first(rules(r), { ...spam, headers: { 'X-PHISHTEST': 'other' } }).action).toBe('junk')
    expect(first(rules(r), spam).action).toBe('junk')
  })

  it('refuses catastrophic or broken patterns, and says the rule may match', () => {
    for (const p of ['(a+)+$', '([a-z]*)*x', '(unclosed', '(x)\\1']) {
      const r = bypassRule({
        SenderIpRanges: [],
        HeaderMatchesMessageHeader: 'Subject-Tag',
        HeaderMatchesPatterns: [p],
      })
      const out = first(rules(r), {
        ...spam,
        headers: { 'Subject-Tag': 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!' },
      })
      expect(out.action).toBe('junk')
      expect(out.uncertain.join('\n')).toMatch(/Cannot tell whether the rule matches/)
    }
  })

  it('makes headers set by one rule visible to later rules', () => {
    const s = rules(
      {
        Name: 'Tag',
        Priority: 0,
        SenderIpRanges: [VENDOR_IP],
        SetHeaderName: 'X-Vendor',
        SetHeaderValue: 'trusted',
      },
      {
        Name: 'Bypass tagged',
        Priority: 1,
        HeaderContainsMessageHeader: 'X-Vendor',
        HeaderContainsWords: ['trusted'],
        SetSCL: -1,
      },
    )
    expect(first(s, spam)).toMatchObject({ action: 'inbox', sfv: 'SKN' })
  })

  it('checks FromScope and recipient conditions', () => {
    const external = bypassRule({
      SenderIpRanges: [],
      FromScope: 'NotInOrganization',
      SentTo: ['alice@fabrikam.com'],
    })
    expect(first(rules(external), spam).action).toBe('inbox')
    expect(first(rules(external), { ...spam, recipients: ['bob@fabrikam.com'] }).action).toBe(
      'junk',
    )
    const internal = bypassRule({ SenderIpRanges: [], FromScope: 'InOrganization' })
    expect(first(rules(internal), spam).action).toBe('junk')
    const fromInside = {
      ...spam,
      direction: 'intra-org' as const,
      headerFrom: 'ceo@fabrikam.com',
      mailFrom: 'ceo@fabrikam.com',
    }
    expect(first(rules(internal), fromInside).action).toBe('inbox')
  })

  it('honours exceptions', () => {
    expect(first(rules(bypassRule({ ExceptIfFrom: ['news@contoso.com'] })), spam).action).toBe(
      'junk',
    )
    expect(first(rules(bypassRule({ ExceptIfSenderDomainIs: ['contoso.com'] })), spam).action).toBe(
      'junk',
    )
    expect(first(rules(bypassRule({ ExceptIfSenderIpRanges: [VENDOR_IP] })), spam).action).toBe(
      'junk',
    )
  })

  it('BypassClutter affects Clutter only and must be spelled exactly', () => {
    const clutter = (name: string, value: string) =>
      first(rules(bypassRule({ SetSCL: null, SetHeaderName: name, SetHeaderValue: value })), spam)
    const ok = clutter('X-MS-Exchange-Organization-BypassClutter', 'true')
    expect(ok.action).toBe('junk')
    expect(ok.trace.some((t) => /does not bypass filtering/.test(t.decision))).toBe(true)
    const wrongCase = clutter('X-MS-Exchange-Organization-BypassClutter', 'True')
    expect(wrongCase.trace.some((t) => /case-sensitive/.test(t.decision))).toBe(true)
  })

  it('treats SetHeaderName without a value as no action, flagged', () => {
    const r = first(rules(bypassRule({ SetSCL: null, SetHeaderName: 'X-ETR' })), spam)
    expect(r.headers?.setByRules).toEqual({})
    expect(r.uncertain.join('\n')).toMatch(/not both/)
  })

  it('lets header conditions see the From display name, To and Subject', () => {
    const ceo = bypassRule({
      SenderIpRanges: [],
      HeaderContainsMessageHeader: 'From',
      HeaderContainsWords: ['Amelia Ortiz'],
    })
    expect(first(rules(ceo), { ...spam, fromName: 'Amelia Ortiz' }).action).toBe('inbox')
    expect(first(rules(ceo), spam).action).toBe('junk')
    const subject = bypassRule({
      SenderIpRanges: [],
      HeaderMatchesMessageHeader: 'Subject',
      HeaderMatchesPatterns: ['^\\[sim\\]'],
    })
    expect(first(rules(subject), { ...spam, subject: '[SIM] Your parcel' }).action).toBe('inbox')
  })

  it('reports an audit-mode rule as taking no action even when its match is not modelled', () => {
    const r = first(
      rules(bypassRule({ Mode: 'Audit', Unmodelled: ['SubjectContainsWords', 'Quarantine'] })),
      spam,
    )
    expect(r.action).toBe('junk')
    expect(r.uncertain).not.toContainEqual(expect.stringMatching(/Quarantine/))
    expect(
      r.trace.some((t) => /Audit mode: no action taken whether or not it matches/.test(t.decision)),
    ).toBe(true)
  })
})
