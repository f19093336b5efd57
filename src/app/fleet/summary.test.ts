import { describe, expect, it } from 'vitest'
import { shapeKey } from './summary.js'

const rule = (priority: number, name = 'passage: Trustifi Inbound Bypass Clutter') => [
  {
    calls: [
      {
        cmdlet: 'New-TransportRule',
        params: { Name: name, Priority: priority, SetHeaderValue: 'true' },
      },
    ],
  },
]

describe('fleet plan summary groups', () => {
  it("groups plans that differ only in a rule's per-tenant -Priority, and no others", () => {
    expect(shapeKey(rule(1))).toBe(shapeKey(rule(16)))
    expect(shapeKey(rule(1))).not.toBe(shapeKey(rule(1, 'passage: another rule')))
    expect(shapeKey(rule(1))).not.toBe(shapeKey([...rule(1), ...rule(2)]))
  })
})
