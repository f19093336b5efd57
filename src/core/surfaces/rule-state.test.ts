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
