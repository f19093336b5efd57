import { describe, expect, it } from 'vitest'
import { transportRuleFromExchange, unmodelledOf } from './rule-state.js'

describe('transportRuleFromExchange: what a rule as Exchange returns it has beyond the model', () => {
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
    const out = transportRuleFromExchange(rule)
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
