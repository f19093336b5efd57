import { describe, expect, it } from 'vitest'
import { classifyUnmodelled, unmodelledPartsOf } from './unmodelled.js'

describe('unmodelledPartsOf: a rule list classified once, not on every evaluation', () => {
  it('sorts names as classifyUnmodelled does: predicates, placement actions, other actions', () => {
    const names = ['SomeFutureCondition', 'Quarantine', 'PrependSubject']
    expect(unmodelledPartsOf(names)).toEqual({
      predicates: ['SomeFutureCondition'],
      placementActions: ['Quarantine'],
      otherActions: ['PrependSubject'],
    })
    expect(unmodelledPartsOf(names)).toEqual(classifyUnmodelled(names))
  })

  it('gives the same parts for the same list, and classifies a list changed in place again', () => {
    const names = ['PrependSubject']
    const first = unmodelledPartsOf(names)
    expect(unmodelledPartsOf(names)).toBe(first)
    names.push('DeleteMessage')
    expect(unmodelledPartsOf(names).placementActions).toEqual(['DeleteMessage'])
    names[0] = 'AttachmentIsUnsupported'
    expect(unmodelledPartsOf(names).predicates).toEqual(['AttachmentIsUnsupported'])
  })
})
