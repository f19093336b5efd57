import { describe, expect, it } from 'vitest'
import { CMDLETS } from './registry.js'
import { sandbox } from './test-helpers.js'

// Reads run on the live tenant state (no copy): they must never change it, and what they return
// must not alias it, or a caller editing a result would edit the tenant.
describe('read cmdlets', () => {
  it('leave the state unchanged and return copies', () => {
    const { p2, call } = sandbox()
    const before = JSON.stringify(p2.snapshot)
    const reads = CMDLETS.filter((d) => !d.write && d.name.startsWith('Get-'))
    expect(reads.length).toBeGreaterThan(10)
    for (const d of reads) {
      const o = call(p2, d.name)
      if (!o.ok) continue
      for (const obj of o.value) for (const k of Object.keys(obj)) obj[k] = 'edited by the caller'
    }
    expect(JSON.stringify(p2.snapshot)).toBe(before)
  })
})
