// The verdict building blocks (reference §4.1, §4.3): which placement each policy action gives,
// which quarantine policy a verdict carries, what may override it, and the fixed verdict order.
import { describe, expect, it } from 'vitest'
import { obj } from './trace.js'
import type { Category } from './types.js'
import { actionOf, byVerdictOrder, NEVER, TENANT_AND_USER, verdict } from './verdict.js'

const policy = obj('anti-spam-policy', 'Default')

describe('actionOf: the placement a policy action gives', () => {
  it.each([
    ['MoveToJmf', 'junk'],
    ['Quarantine', 'quarantine'],
    ['Delete', 'dropped'],
    ['Redirect', 'dropped'],
    ['Reject', 'rejected'],
    ['NoAction', 'inbox'],
    ['AddXHeader', 'inbox'],
    ['ModifySubject', 'inbox'],
    ['BccMessage', 'inbox'],
  ] as const)('%s -> %s', (name, action) => {
    expect(actionOf(name)).toBe(action)
  })
})

describe('verdict', () => {
  it('keeps the quarantine policy only when the action quarantines', () => {
    const q = verdict(
      'HPHSH',
      'HighConfidencePhishAction',
      'Quarantine',
      'AdminOnlyAccessPolicy',
      policy,
      'filter',
      NEVER,
    )
    expect(q).toEqual({
      cat: 'HPHSH',
      action: 'quarantine',
      quarantineTag: 'AdminOnlyAccessPolicy',
      setting: 'HighConfidencePhishAction=Quarantine',
      object: policy,
      source: 'filter',
      overridable: NEVER,
    })
    const junk = verdict(
      'SPM',
      'SpamAction',
      'MoveToJmf',
      'DefaultFullAccessPolicy',
      policy,
      'filter',
      TENANT_AND_USER,
    )
    expect(junk.action).toBe('junk')
    expect(junk.quarantineTag).toBeNull()
    expect(junk.setting).toBe('SpamAction=MoveToJmf')
  })

  it('malware is overridable by nothing; spam by tenant allows and Safe Senders, not off-MX rules', () => {
    expect(NEVER).toEqual({ tenantAllow: false, ifMxElsewhere: false, userSafe: false })
    expect(TENANT_AND_USER).toEqual({ tenantAllow: true, ifMxElsewhere: false, userSafe: true })
  })
})

describe('byVerdictOrder', () => {
  const v = (cat: Category, setting: string = cat) =>
    verdict(cat, setting, 'Quarantine', 'q', policy, 'filter', NEVER)

  it('puts verdicts in the fixed order: malware, HC phish, phish, HC spam, spoof, ..., bulk', () => {
    const shuffled = (
      ['BULK', 'SPM', 'SPOOF', 'MALW', 'HSPM', 'PHSH', 'HPHSH', 'UIMP'] as const
    ).map((c) => v(c))
    expect(byVerdictOrder(shuffled).map((x) => x.cat)).toEqual([
      'MALW',
      'HPHSH',
      'PHSH',
      'HSPM',
      'SPOOF',
      'UIMP',
      'SPM',
      'BULK',
    ])
  })

  it('keeps the given order for equal categories and leaves its input alone', () => {
    const input = [v('SPM', 'b'), v('PHSH'), v('SPM', 'a')]
    expect(byVerdictOrder(input).map((x) => x.setting)).toEqual([
      'PHSH=Quarantine',
      'b=Quarantine',
      'a=Quarantine',
    ])
    expect(input.map((x) => x.cat)).toEqual(['SPM', 'PHSH', 'SPM'])
  })
})
