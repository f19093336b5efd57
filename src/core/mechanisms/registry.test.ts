import { describe, expect, it } from 'vitest'
import { MechanismId, ProtectionId } from '../protections/ids.js'
import { PROTECTIONS } from '../protections/definitions.js'
import { MECHANISMS, mechanismOf, REGISTRY } from './registry.js'

describe('mechanism registry', () => {
  it('holds every mechanism exactly once, in the order of MechanismId', () => {
    expect(REGISTRY.map((m) => m.def.id)).toEqual(MechanismId.options)
  })

  it('finds each mechanism by its id, and its definition in MECHANISMS', () => {
    for (const id of MechanismId.options) {
      expect(mechanismOf(id).def.id).toBe(id)
      expect(MECHANISMS[id]).toBe(mechanismOf(id).def)
    }
    // The wizard and the API list them in this order.
    expect(Object.keys(MECHANISMS)).toEqual(MechanismId.options)
  })

  it('says why each refused mechanism is refused, and what each one needs and risks', () => {
    for (const m of REGISTRY) {
      expect(m.def.title, m.def.id).not.toBe('')
      expect(m.def.riskReason, m.def.id).not.toBe('')
      expect(m.def.needs, m.def.id).not.toBe('')
      if (m.def.risk === 'critical') expect(m.def.refused, m.def.id).toBeTruthy()
    }
  })

  it('serves every protection, and every mechanism serves one', () => {
    expect(PROTECTIONS.map((p) => p.id).sort()).toEqual([...ProtectionId.options].sort())
    const served = new Set(PROTECTIONS.flatMap((p) => p.mechanisms))
    expect([...served].sort()).toEqual([...MechanismId.options].sort())
  })
})
