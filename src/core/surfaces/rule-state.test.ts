import { describe, expect, it } from 'vitest'
import type { JsonObject } from '../change.js'
import { TransportRule } from '../model/transport-rule.js'
import { normaliseRule, transportRuleRead, unmodelledOf } from './rule-state.js'

describe('transportRuleRead: what a rule as Exchange returns it has beyond the model', () => {
  it('lists set properties outside the model, by the parameter behind them, once each', () => {
    const rule = {
      Name: 'r',
      Priority: '2',
      State: false,
      FromScope: 'NotInOrganization',
      SetSCL: '-1',
      PrependSubject: '[ext] ',
      prependsubject: '[dup] ',
      SenderNotificationType: 'NotifyOnly',
      Quarantine: false,
      'PrependSubject@odata.type': '#String',
    }
    const out = transportRuleRead(rule)
    expect(out).toMatchObject({ State: 'Disabled', Priority: 2, SetSCL: -1 })
    // Sorted without regard to case; NotifySender is the parameter behind SenderNotificationType.
    expect(out.Unmodelled).toEqual(['NotifySender', 'PrependSubject'])
    expect(rule.Priority).toBe('2')
  })

  it('counts a Conditions/Actions entry only when no set property accounts for it', () => {
    const base = {
      Name: 'r',
      Conditions: ['Microsoft.Exchange.MessagingPolicies.Rules.Tasks.FromScopePredicate'],
      Exceptions:
        'Microsoft.Exchange.MessagingPolicies.Rules.Tasks.AttachmentIsUnsupportedPredicate',
      Actions: ['Microsoft.Exchange.MessagingPolicies.Rules.Tasks.RejectMessageAction'],
    }
    expect(unmodelledOf(base)).toEqual(['RejectMessage', 'ExceptIfAttachmentIsUnsupported'])
    // The same classes, now accounted for by the properties that carry them.
    expect(
      unmodelledOf({
        ...base,
        ExceptIfAttachmentIsUnsupported: true,
        RejectMessageReasonText: 'no',
      }),
    ).toEqual(['ExceptIfAttachmentIsUnsupported', 'RejectMessageReasonText'])
  })
})

describe('unmodelledOf: names worked out once per process give the same answer on every rule', () => {
  const rule = {
    Name: 'r',
    Unmodelled: ['quarantine'],
    Quarantine: true,
    'Quarantine@odata.type': '#Boolean',
    Conditions:
      'Microsoft.Exchange.MessagingPolicies.Rules.Tasks.HeaderMatchesPredicate;X.SomeFutureCondition',
    Exceptions: [
      'Microsoft.Exchange.MessagingPolicies.Rules.Tasks.FromPredicate',
      'Microsoft.Exchange.MessagingPolicies.Rules.Tasks.FromScopePredicate',
    ],
    Actions: ['SetSCLAction', 'RedirectMessageAction'],
  }

  it('reads string lists split on , or ;, aliases, the ExceptIf prefix, and dedupes by case', () => {
    // HeaderMatches and SetSCL are aliases of modelled parameters; an exception is named with
    // ExceptIf: ExceptIfFrom is modelled, ExceptIfFromScope is not; RedirectMessage's parameter
    // (RedirectMessageTo) is neither set nor modelled, so it counts; Quarantine is listed already
    // (as `quarantine`), and is kept once whatever the case.
    expect(unmodelledOf(rule)).toEqual([
      'quarantine',
      'SomeFutureCondition',
      'RedirectMessage',
      'ExceptIfFromScope',
    ])
  })

  it('gives the same list for the same rule the second time (memoised names, no state kept)', () => {
    const first = unmodelledOf(rule)
    expect(unmodelledOf({ ...rule })).toEqual(first)
    expect(unmodelledOf({ ...rule, RedirectMessageTo: ['a@b.example'] })).toEqual([
      'quarantine',
      'RedirectMessageTo',
      'SomeFutureCondition',
      'ExceptIfFromScope',
    ])
  })
})

describe('transportRuleRead: a rule read raw, in one walk, as the generic walk then the model read it', () => {
  /** A rule as Exchange returns it: most properties null, some empty, annotations, bookkeeping. */
  const exchangeRule = (i: number): JsonObject => ({
    Identity: `Rule ${i}`,
    Name: `Rule ${i}`,
    Guid: `00000000-0000-4000-8000-00000000000${i}`,
    Priority: String(i),
    'Priority@odata.type': '#Int32',
    State: i % 2 ? 'Disabled' : 'Enabled',
    Mode: 'Enforce',
    Comments: '',
    Description: 'If the message...',
    SenderIpRanges: null,
    FromScope: 'NotInOrganization',
    SenderDomainIs: ['contoso.com'],
    SenderAddressLocation: 'Header',
    SetSCL: '-1',
    SetHeaderName: null,
    StopRuleProcessing: false,
    PrependSubject: i % 3 ? null : '[ext] ',
    ApplyHtmlDisclaimerText: null,
    Quarantine: false,
    SentToMemberOf: [],
    Conditions: ['Microsoft.Exchange.MessagingPolicies.Rules.Tasks.FromScopePredicate'],
    Actions: ['Microsoft.Exchange.MessagingPolicies.Rules.Tasks.SetSCLAction'],
    Exceptions: null,
    WhenChanged: '2026-01-01T00:00:00Z',
  })
  /** The generic walk readTenant makes over other reads' objects (read-state.ts readableObject). */
  const readable = (o: JsonObject): JsonObject =>
    Object.fromEntries(
      Object.entries(o).filter(([k, v]) => v !== null && v !== '' && !k.includes('@odata.')),
    )

  it('gives the model the same rule as readableObject, normaliseRule and unmodelledOf in turn', () => {
    for (let i = 0; i < 6; i++) {
      const raw = exchangeRule(i)
      const before = structuredClone(raw)
      const one = transportRuleRead(raw)
      const generic = { ...normaliseRule(readable(raw)), Unmodelled: unmodelledOf(readable(raw)) }
      expect(TransportRule.parse({ ...one, Unmodelled: [] })).toStrictEqual(
        TransportRule.parse({ ...generic, Unmodelled: [] }),
      )
      // Unmodelled is worked out from every property, annotations and empty ones aside.
      expect([...(one.Unmodelled as string[])].sort()).toStrictEqual(generic.Unmodelled.sort())
      expect(raw).toStrictEqual(before)
    }
  })

  it('keeps only what the model reads, and Identity (which names a rule it cannot read)', () => {
    const one = transportRuleRead(exchangeRule(3))
    expect(one).toMatchObject({ Identity: 'Rule 3', Priority: 3, State: 'Disabled', SetSCL: -1 })
    // Bookkeeping, annotations, empty and null properties, and properties outside the model are
    // not carried: the model's schema would have left them out.
    for (const gone of ['Description', 'Priority@odata.type', 'Comments', 'SenderIpRanges'])
      expect(one).not.toHaveProperty(gone)
    expect(one).not.toHaveProperty('WhenChanged')
    expect(one.Unmodelled).toEqual(['PrependSubject'])
  })
})
