import { describe, expect, it } from 'vitest'
import type { TransportRuleInput } from '../model/transport-rule.js'
import { HeaderMap } from './headers-map.js'
import { makeMessage, makeSnapshot, VENDOR_IP, type MessageOverrides } from './test-fixtures.js'
import { Trace } from './trace.js'
import { runTransportRules } from './transport-rules.js'

// The mail flow rule rules of transport-rules.ts, each pinned by what the rules did and the words of
// the trace (issue 18). Microsoft: New-TransportRule.md (conditions, exceptions, SetSCL, SetHeader,
// StopRuleProcessing, Mode), mail-flow-rule-procedures.md (priority order).

interface Run {
  rules: TransportRuleInput[]
  message?: MessageOverrides
  recipient?: string
  cip?: string
  lastHop?: string
  headers?: Record<string, string>
  snapshot?: Parameters<typeof makeSnapshot>[0]
}

function run({
  rules,
  message = {},
  recipient,
  cip = VENDOR_IP,
  lastHop,
  headers = {},
  snapshot,
}: Run) {
  const s = makeSnapshot({ ...snapshot, rules })
  const msg = makeMessage(message)
  const map = new HeaderMap(headers)
  const trace = new Trace()
  const out = runTransportRules(
    {
      snapshot: s,
      message: msg,
      recipient: recipient ?? msg.recipients[0] ?? '',
      cip,
      ...(lastHop === undefined ? {} : { lastHop }),
      headers: map,
    },
    trace,
  )
  return { out, steps: trace.steps, headers: map }
}

/** One rule, named R, at priority 0, setting SCL -1 unless told otherwise. */
const rule = (over: Partial<TransportRuleInput> = {}): TransportRuleInput => ({
  Name: 'R',
  Priority: 0,
  SetSCL: -1,
  ...over,
})

/** The decision of the only step about rule R (the one that says whether it matched). */
function decision(over: Partial<TransportRuleInput>, r: Omit<Run, 'rules'> = {}): string {
  const { steps } = run({ ...r, rules: [rule(over)] })
  const mine = steps.filter((s) => s.object?.name === 'R')
  return mine.map((s) => s.decision).join('\n')
}

const R = { kind: 'transport-rule', name: 'R' }

describe('runTransportRules: what it reports', () => {
  it('says when there are no mail flow rules, and does nothing', () => {
    const { out, steps } = run({ rules: [] })
    expect(out).toEqual({ scl: null, sclRule: null, headersSet: {}, headerRules: {}, acted: [] })
    expect(steps).toEqual([
      { stage: 'transport-rules', decision: 'No mail flow rules', object: null },
    ])
  })

  it('skips a disabled rule and names its priority', () => {
    const { out, steps } = run({
      rules: [rule({ Name: 'On', SetSCL: 6 }), rule({ State: 'Disabled', Priority: 1 })],
    })
    expect(out.acted).toEqual(['On'])
    expect(out.scl).toBe(6)
    expect(steps.filter((s) => s.object?.name === 'R')).toEqual([
      { stage: 'transport-rules', decision: 'Skipped (disabled), priority 1', object: R },
    ])
  })

  it('applies a rule without conditions to every message, and says what it did', () => {
    const { out, steps } = run({ rules: [rule()] })
    expect(out).toEqual({ scl: -1, sclRule: 'R', headersSet: {}, headerRules: {}, acted: ['R'] })
    expect(steps).toEqual([
      {
        stage: 'transport-rules',
        decision: 'Matches (no conditions: applies to every message): SetSCL -1',
        object: R,
      },
    ])
  })

  it('says a matching rule with no modelled action took none', () => {
    // SetSCL null (as Get-TransportRule returns it) or absent.
    for (const SetSCL of [null, undefined]) {
      const { out, steps } = run({ rules: [rule({ SetSCL })] })
      expect(out.acted).toEqual(['R'])
      expect(out.scl).toBeNull()
      expect(steps).toEqual([
        {
          stage: 'transport-rules',
          decision: 'Matches (no conditions: applies to every message): no modelled action',
          object: R,
        },
      ])
    }
  })

  it('sorts the rules by priority, 0 first, whatever their order in the snapshot', () => {
    const { out } = run({
      rules: [
        rule({ Name: 'C', Priority: 2, SetSCL: 6 }),
        rule({ Name: 'A', Priority: 0 }),
        rule({ Name: 'B', Priority: 1, SetSCL: 5 }),
      ],
    })
    expect(out.acted).toEqual(['A', 'B', 'C'])
    expect(out).toMatchObject({ scl: 6, sclRule: 'C' })
  })

  it('stops at a rule with StopRuleProcessing, and says so', () => {
    const { out, steps } = run({
      rules: [rule({ StopRuleProcessing: true }), rule({ Name: 'Later', Priority: 1, SetSCL: 6 })],
    })
    expect(out.acted).toEqual(['R'])
    expect(steps[steps.length - 1]).toEqual({
      stage: 'transport-rules',
      decision: 'StopRuleProcessing: later rules are not evaluated',
      object: R,
    })
  })
})

describe('runTransportRules: SetSCL and SetHeader', () => {
  it('lets a later SetSCL overwrite an earlier one, flagged', () => {
    const { out, steps } = run({
      rules: [
        rule({ Name: 'First', SetSCL: -1 }),
        rule({ Name: 'Second', Priority: 1, SetSCL: 6 }),
      ],
    })
    expect(out).toMatchObject({ scl: 6, sclRule: 'Second' })
    expect(steps.filter((s) => s.uncertain)).toEqual([
      {
        stage: 'transport-rules',
        decision: "SCL 6 overwrites SCL -1 set by 'First'",
        object: { kind: 'transport-rule', name: 'Second' },
        note: 'The reference does not say which SetSCL wins when several rules set it; the later rule is assumed to',
        uncertain: true,
      },
    ])
  })

  it.each([
    [-1, false],
    [0, true],
    [4, true],
    [5, false],
    [9, false],
  ])('flags SetSCL %s as neither a bypass nor a spam mark: %s', (scl, flagged) => {
    const { out, steps } = run({ rules: [rule({ SetSCL: scl })] })
    expect(out.scl).toBe(scl)
    const flags = steps.filter((s) => s.uncertain)
    if (!flagged) expect(flags).toEqual([])
    else
      expect(flags).toEqual([
        {
          stage: 'transport-rules',
          decision: `SCL ${scl} is neither a bypass nor a spam mark`,
          object: R,
          note: 'The reference documents SetSCL -1 (bypass), 5/6 (spam) and 9 (HC spam) as inputs to filtering; SCL 0-4 is treated as having no effect',
          uncertain: true,
        },
      ])
  })

  it('sets a header (an empty value too), visible to later rules, and says which rule set it', () => {
    const { out, headers, steps } = run({
      rules: [
        rule({ SetSCL: null, SetHeaderName: 'X-Tag', SetHeaderValue: '' }),
        rule({
          Name: 'Two',
          Priority: 1,
          SetSCL: null,
          SetHeaderName: 'X-Other',
          SetHeaderValue: 'v',
        }),
      ],
    })
    expect(out.headersSet).toEqual({ 'X-Tag': '', 'X-Other': 'v' })
    expect(out.headerRules).toEqual({ 'X-Tag': 'R', 'X-Other': 'Two' })
    expect(headers.get('x-tag')).toBe('')
    expect(steps.map((s) => s.decision)).toEqual([
      'Matches (no conditions: applies to every message): SetHeader X-Tag: ',
      'Matches (no conditions: applies to every message): SetHeader X-Other: v',
    ])
  })

  it.each([
    ['a name without a value', { SetHeaderName: 'X-Tag' }],
    ['a name and a null value', { SetHeaderName: 'X-Tag', SetHeaderValue: null }],
    ['a value without a name', { SetHeaderValue: 'v' }],
  ])('ignores SetHeader with %s, flagged', (_what, over) => {
    const { out, steps } = run({ rules: [rule({ SetSCL: null, ...over })] })
    expect(out.headersSet).toEqual({})
    expect(out.acted).toEqual(['R'])
    expect(steps[0]).toEqual({
      stage: 'transport-rules',
      decision: 'SetHeader ignored: the rule sets a header name or a value but not both',
      object: R,
      note: 'The reference says to always use SetHeaderName and SetHeaderValue together',
      uncertain: true,
    })
  })

  it('names the unmodelled actions that do not change the placement', () => {
    const { out, steps } = run({ rules: [rule({ Unmodelled: ['PrependSubject', 'CopyTo'] })] })
    expect(out.scl).toBe(-1)
    expect(steps[0]?.decision).toBe(
      'Matches (no conditions: applies to every message): SetSCL -1, also PrependSubject, CopyTo (not modelled; they do not change where the message lands)',
    )
  })
})

describe('runTransportRules: rules it cannot apply', () => {
  it('never applies a rule with unmodelled conditions, and says it may act', () => {
    const { out, steps } = run({
      rules: [rule({ Unmodelled: ['SubjectContainsWords', 'SentToScope', 'Quarantine'] })],
    })
    expect(out).toMatchObject({ scl: null, acted: [] })
    expect(steps).toEqual([
      {
        stage: 'transport-rules',
        decision:
          'Matches on every condition passage models, but also has SubjectContainsWords, SentToScope; not applied',
        object: R,
        note: 'passage does not model these conditions: the rule may act on this message',
        uncertain: true,
      },
    ])
  })

  it('never applies a rule with an unmodelled placement action, and says so', () => {
    const { out, steps } = run({ rules: [rule({ Unmodelled: ['DeleteMessage', 'Quarantine'] })] })
    expect(out.acted).toEqual([])
    expect(steps).toEqual([
      {
        stage: 'transport-rules',
        decision: 'Matches, but would also DeleteMessage, Quarantine; not applied',
        object: R,
        note: 'passage does not model these actions, which can change where the message lands',
        uncertain: true,
      },
    ])
  })

  it('knows an attachment condition cannot match a message without attachments', () => {
    const unmodelled = ['SubjectContainsWords', 'AttachmentIsUnsupported', 'AttachmentSizeOver']
    const { out, steps } = run({ rules: [rule({ Unmodelled: unmodelled })] })
    expect(out.acted).toEqual([])
    expect(steps).toEqual([
      {
        stage: 'transport-rules',
        decision: 'Does not match: the message has no attachments',
        object: R,
        note: 'Condition AttachmentIsUnsupported, AttachmentSizeOver',
      },
    ])
    const withFile = run({
      rules: [rule({ Unmodelled: unmodelled })],
      message: { attachments: ['a.pdf'] },
    })
    expect(withFile.steps[0]?.uncertain).toBe(true)
    // Without an attachment condition, a message without attachments is still uncertain.
    expect(
      run({ rules: [rule({ Unmodelled: ['SubjectContainsWords'] })] }).steps[0]?.uncertain,
    ).toBe(true)
  })

  it('reports an audit-mode rule as taking no action, and StopRuleProcessing as not applied', () => {
    const { out, steps } = run({
      rules: [
        rule({
          Mode: 'Audit',
          StopRuleProcessing: true,
          SenderIpRanges: [VENDOR_IP],
          From: ['news@contoso.com'],
        }),
        rule({ Name: 'Next', Priority: 1, SetSCL: 6 }),
      ],
    })
    expect(out).toMatchObject({ scl: 6, acted: ['Next'] })
    expect(steps.filter((s) => s.object?.name === 'R')).toEqual([
      {
        stage: 'transport-rules',
        decision: `Matches (sender IP ${VENDOR_IP} in SenderIpRanges; from news@contoso.com) but is in Audit mode: no action taken`,
        object: R,
      },
      {
        stage: 'transport-rules',
        decision: 'StopRuleProcessing not applied for a rule in audit mode',
        object: R,
        note: 'The reference does not say whether an audit-mode rule stops later rules',
        uncertain: true,
      },
    ])
  })

  it('reports an audit-mode rule with unmodelled conditions without guessing its match', () => {
    const { steps } = run({
      rules: [
        rule({
          Mode: 'AuditAndNotify',
          StopRuleProcessing: true,
          Unmodelled: ['SubjectContainsWords', 'SentToScope'],
        }),
      ],
    })
    expect(steps).toEqual([
      {
        stage: 'transport-rules',
        decision:
          'In AuditAndNotify mode: no action taken whether or not it matches (SubjectContainsWords, SentToScope not modelled)',
        object: R,
      },
    ])
  })
})

describe('checkConditions: sender IP (ms-rule eval.rule.sender-ip-last-hop)', () => {
  it('matches SenderIpRanges against the source, and says so', () => {
    expect(decision({ SenderIpRanges: ['203.0.113.0/24'] })).toBe(
      `Matches (sender IP ${VENDOR_IP} in SenderIpRanges): SetSCL -1`,
    )
    expect(decision({ SenderIpRanges: ['192.0.2.0/24'] })).toBe(
      `Does not match: sender IP ${VENDOR_IP} not in SenderIpRanges`,
    )
  })

  it('matches the last hop before Exchange, not Enhanced Filtering’s source, and says so', () => {
    const ef = { cip: VENDOR_IP, lastHop: '198.51.100.7' }
    const note = ` (the last hop before Exchange; Enhanced Filtering's source ${VENDOR_IP} is not what the condition sees)`
    expect(decision({ SenderIpRanges: [VENDOR_IP] }, ef)).toBe(
      `Does not match: sender IP 198.51.100.7 not in SenderIpRanges${note}`,
    )
    expect(decision({ SenderIpRanges: ['198.51.100.7'] }, ef)).toBe(
      `Matches (sender IP 198.51.100.7 in SenderIpRanges${note}): SetSCL -1`,
    )
    expect(decision({ ExceptIfSenderIpRanges: ['198.51.100.0/24'] }, ef)).toBe(
      `Does not match: excepted: sender IP 198.51.100.7 in ExceptIfSenderIpRanges${note}`,
    )
    expect(decision({ ExceptIfSenderIpRanges: [VENDOR_IP] }, ef)).toMatch(/^Matches/)
    // A last hop equal to the source adds no note.
    expect(decision({ SenderIpRanges: [VENDOR_IP] }, { lastHop: VENDOR_IP })).toBe(
      `Matches (sender IP ${VENDOR_IP} in SenderIpRanges): SetSCL -1`,
    )
  })
})

describe('checkConditions: sender conditions', () => {
  // MAIL FROM bounce@mail.contoso.com, From news@contoso.com.
  it('reads the sender where SenderAddressLocation says', () => {
    expect(decision({ From: ['news@contoso.com'] })).toBe(
      'Matches (from news@contoso.com): SetSCL -1',
    )
    expect(decision({ From: ['bounce@mail.contoso.com'] })).toBe(
      'Does not match: sender not in From',
    )
    expect(
      decision({ From: [' Bounce@Mail.Contoso.com '], SenderAddressLocation: 'Envelope' }),
    ).toBe('Matches (from bounce@mail.contoso.com): SetSCL -1')
    expect(decision({ From: ['news@contoso.com'], SenderAddressLocation: 'Envelope' })).toBe(
      'Does not match: sender not in From',
    )
    expect(
      decision({
        From: ['news@contoso.com', 'bounce@mail.contoso.com'],
        SenderAddressLocation: 'HeaderOrEnvelope',
      }),
    ).toBe('Matches (from news@contoso.com): SetSCL -1')
    expect(
      decision({ From: ['bounce@mail.contoso.com'], SenderAddressLocation: 'HeaderOrEnvelope' }),
    ).toBe('Matches (from bounce@mail.contoso.com): SetSCL -1')
  })

  it('matches SenderDomainIs on the domain and its subdomains, and names the location', () => {
    expect(decision({ SenderDomainIs: ['example.org', 'contoso.com'] })).toBe(
      'Matches (sender domain is contoso.com (Header)): SetSCL -1',
    )
    expect(decision({ SenderDomainIs: ['mail.contoso.com'] })).toBe(
      'Does not match: sender domain not in SenderDomainIs (Header)',
    )
    expect(decision({ SenderDomainIs: ['contoso.com'], SenderAddressLocation: 'Envelope' })).toBe(
      'Matches (sender domain is contoso.com (Envelope)): SetSCL -1',
    )
  })

  it('honours sender exceptions, and says which', () => {
    expect(decision({ ExceptIfSenderDomainIs: ['contoso.com'] })).toBe(
      'Does not match: excepted: sender domain contoso.com',
    )
    expect(decision({ ExceptIfSenderDomainIs: ['example.org'] })).toMatch(/^Matches/)
    expect(decision({ ExceptIfFrom: ['NEWS@contoso.com'] })).toBe(
      'Does not match: excepted: from news@contoso.com',
    )
    expect(decision({ ExceptIfFrom: ['other@contoso.com'] })).toMatch(/^Matches/)
  })

  const inside: MessageOverrides = {
    direction: 'intra-org',
    headerFrom: 'ceo@fabrikam.com',
    mailFrom: 'ceo@fabrikam.com',
  }

  it('takes a sender as inside the organisation only for intra-org mail from an accepted domain', () => {
    expect(decision({ FromScope: 'InOrganization' }, { message: inside })).toBe(
      'Matches (FromScope InOrganization): SetSCL -1',
    )
    expect(decision({ FromScope: 'NotInOrganization' }, { message: inside })).toBe(
      'Does not match: sender is inside the organisation (FromScope NotInOrganization)',
    )
    // The tenant's domain over an inbound connection is outside (it could be forged).
    const forged = { ...inside, direction: 'inbound' as const }
    expect(decision({ FromScope: 'InOrganization' }, { message: forged })).toBe(
      'Does not match: sender is outside the organisation (FromScope InOrganization)',
    )
    // Intra-org mail from a domain that is not accepted is outside.
    expect(
      decision({ FromScope: 'InOrganization' }, { message: { direction: 'intra-org' } }),
    ).toMatch(/^Does not match: sender is outside/)
    expect(decision({ FromScope: 'NotInOrganization' })).toBe(
      'Matches (FromScope NotInOrganization): SetSCL -1',
    )
  })

  it('does not count an ExternalRelay domain as inside the organisation', () => {
    const snapshot = {
      acceptedDomains: [
        { DomainName: 'fabrikam.com', Default: true },
        { DomainName: 'partner.fabrikam.net', DomainType: 'ExternalRelay' as const },
      ],
    }
    const relay = { ...inside, headerFrom: 'a@partner.fabrikam.net' }
    expect(decision({ FromScope: 'InOrganization' }, { message: relay, snapshot })).toMatch(
      /^Does not match: sender is outside/,
    )
    expect(decision({ FromScope: 'InOrganization' }, { message: inside, snapshot })).toMatch(
      /^Matches/,
    )
  })

  it('looks for FromScope at the addresses SenderAddressLocation names', () => {
    const envelopeInside = { ...inside, headerFrom: 'news@contoso.com' }
    expect(decision({ FromScope: 'InOrganization' }, { message: envelopeInside })).toMatch(
      /^Does not match/,
    )
    expect(
      decision(
        { FromScope: 'InOrganization', SenderAddressLocation: 'HeaderOrEnvelope' },
        { message: envelopeInside },
      ),
    ).toMatch(/^Matches/)
  })
})

describe('checkConditions: header conditions', () => {
  it('matches HeaderMatchesPatterns, and names the first pattern that matched', () => {
    const r = { HeaderMatchesMessageHeader: 'X-Sim', HeaderMatchesPatterns: ['^no', 'sim', 'ulat'] }
    expect(decision(r, { headers: { 'x-sim': 'simulation' } })).toBe(
      "Matches (X-Sim matches 'sim'): SetSCL -1",
    )
    expect(decision(r, { headers: { 'X-Sim': 'other' } })).toBe(
      'Does not match: X-Sim does not match any pattern',
    )
    expect(decision(r)).toBe('Does not match: no X-Sim header')
  })

  it('cannot tell whether a pattern it refuses to run matches, and says why', () => {
    const r = { HeaderMatchesMessageHeader: 'X-Sim', HeaderMatchesPatterns: ['(a+)+$'] }
    const { out, steps } = run({ rules: [rule(r)], headers: { 'X-Sim': 'aaaa' } })
    expect(out.acted).toEqual([])
    expect(steps[0]).toMatchObject({
      stage: 'transport-rules',
      decision: 'Cannot tell whether the rule matches; not applied',
      object: R,
      note: expect.stringMatching(/^pattern '\(a\+\)\+\$' on X-Sim not evaluated: ./),
      uncertain: true,
    })
  })

  it('matches HeaderContainsWords case-insensitively, and names the word', () => {
    const r = { HeaderContainsMessageHeader: 'X-Tag', HeaderContainsWords: ['Alpha', 'BETA'] }
    expect(decision(r, { headers: { 'X-Tag': 'the beta list' } })).toBe(
      "Matches (X-Tag contains 'BETA'): SetSCL -1",
    )
    expect(decision(r, { headers: { 'X-Tag': 'gamma' } })).toBe(
      'Does not match: X-Tag contains none of the words',
    )
    expect(decision(r)).toBe('Does not match: no X-Tag header')
  })

  it('sees an empty header value as present', () => {
    const r = { HeaderContainsMessageHeader: 'X-Tag', HeaderContainsWords: ['x'] }
    expect(decision(r, { headers: { 'X-Tag': '' } })).toBe(
      'Does not match: X-Tag contains none of the words',
    )
  })
})

describe('checkConditions: recipient conditions', () => {
  const snapshot = {
    directory: { groups: [{ address: 'finance@fabrikam.com', members: ['alice@fabrikam.com'] }] },
  }

  it('matches recipient conditions, RecipientDomainIs covering subdomains', () => {
    expect(
      decision({ RecipientDomainIs: ['fabrikam.com'] }, { recipient: 'bob@eu.fabrikam.com' }),
    ).toBe('Matches (recipient domain fabrikam.com): SetSCL -1')
    expect(decision({ SentToMemberOf: ['finance@fabrikam.com'] }, { snapshot })).toBe(
      'Matches (member of finance@fabrikam.com): SetSCL -1',
    )
    expect(decision({ SentTo: ['bob@fabrikam.com'] })).toBe(
      'Does not match: recipient not in SentTo',
    )
  })

  it('cannot tell when a group the rule names is not in the snapshot and nothing else matched', () => {
    const { steps } = run({
      rules: [rule({ SentToMemberOf: ['ghost@fabrikam.com', 'ghost2@fabrikam.com'] })],
    })
    expect(steps[0]).toEqual({
      stage: 'transport-rules',
      decision: 'Cannot tell whether the rule matches; not applied',
      object: R,
      note: 'membership of ghost@fabrikam.com, ghost2@fabrikam.com is not in the snapshot',
      uncertain: true,
    })
    // Another group of the condition that holds the recipient decides.
    expect(
      decision({ SentToMemberOf: ['ghost@fabrikam.com', 'finance@fabrikam.com'] }, { snapshot }),
    ).toBe('Matches (member of finance@fabrikam.com): SetSCL -1')
  })

  it('joins the reasons of every condition that matched', () => {
    expect(
      decision({
        SenderIpRanges: [VENDOR_IP],
        From: ['news@contoso.com'],
        SentTo: ['alice@fabrikam.com'],
      }),
    ).toBe(
      `Matches (sender IP ${VENDOR_IP} in SenderIpRanges; from news@contoso.com; sent to alice@fabrikam.com): SetSCL -1`,
    )
  })
})

describe('senderOnly: the forgeable bypass warning', () => {
  const warning =
    'Bypass on the sender address alone: anyone can forge it (Microsoft advises an authentication or IP condition)'
  const note = (over: Partial<TransportRuleInput>, headers: Record<string, string> = {}) =>
    run({ rules: [rule(over)], headers }).steps.find((s) => s.decision.startsWith('Matches'))?.note

  it('warns about SCL -1 on the sender address or domain alone', () => {
    expect(note({ From: ['news@contoso.com'] })).toBe(warning)
    expect(note({ SenderDomainIs: ['contoso.com'] })).toBe(warning)
  })

  it('does not warn when an IP or header condition goes with it, or the rule does not bypass', () => {
    const h = { 'X-Tag': 'yes' }
    expect(note({ From: ['news@contoso.com'], SenderIpRanges: [VENDOR_IP] })).toBeUndefined()
    expect(
      note(
        {
          From: ['news@contoso.com'],
          HeaderMatchesMessageHeader: 'X-Tag',
          HeaderMatchesPatterns: ['y'],
        },
        h,
      ),
    ).toBeUndefined()
    expect(
      note(
        {
          From: ['news@contoso.com'],
          HeaderContainsMessageHeader: 'X-Tag',
          HeaderContainsWords: ['y'],
        },
        h,
      ),
    ).toBeUndefined()
    expect(note({ From: ['news@contoso.com'], SetSCL: 6 })).toBeUndefined()
    expect(note({})).toBeUndefined()
  })
})
