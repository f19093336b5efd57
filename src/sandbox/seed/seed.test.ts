import { describe, expect, it } from 'vitest'
import { isPassageError } from '../../core/errors/index.js'
import { deterministicGuid, parseWorld, seedWorld } from './index.js'

describe('seedWorld', () => {
  it('builds the three example tenants with six admins each', () => {
    const w = seedWorld()
    expect(w.format).toBe('passage.sandbox')
    expect(w.tenants.map((t) => [t.snapshot.tenant.name, t.snapshot.licence])).toEqual([
      ['fabrikam.onmicrosoft.com', 'eop'],
      ['contoso.onmicrosoft.com', 'mdo-p2'],
      ['northwindtraders.onmicrosoft.com', 'mdo-p1'],
    ])
    const admins = w.tenants[0]?.admins ?? []
    expect(admins.map((a) => a.upn)).toEqual([
      'admin@fabrikam.onmicrosoft.com',
      'exchange@fabrikam.onmicrosoft.com',
      'security@fabrikam.onmicrosoft.com',
      'reader@fabrikam.onmicrosoft.com',
      'user@fabrikam.onmicrosoft.com',
      'blocked@fabrikam.onmicrosoft.com',
    ])
    expect(admins.find((a) => a.upn.startsWith('user@'))?.roles).toEqual([])
    expect(admins.find((a) => a.upn.startsWith('blocked@'))).toMatchObject({
      roles: ['Exchange Administrator'],
      exchangeApiEnabled: false,
    })
    for (const t of w.tenants) {
      expect(t.apps).toEqual([])
      expect(t.mail.messages).toEqual([])
    }
  })

  it('derives the same GUIDs every time, different per tenant', () => {
    const a = seedWorld()
    const b = seedWorld()
    expect(a.tenants[0]?.admins.map((x) => x.objectId)).toEqual(
      b.tenants[0]?.admins.map((x) => x.objectId),
    )
    expect(a.tenants[0]?.admins[0]?.objectId).not.toBe(a.tenants[1]?.admins[0]?.objectId)
    expect(a.tenants[0]?.admins[0]?.objectId).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    )
    expect(deterministicGuid('x', 1)).toBe(deterministicGuid('x', 1))
  })
})

describe('parseWorld', () => {
  it('round-trips a world through JSON', () => {
    const w = seedWorld()
    expect(parseWorld(JSON.parse(JSON.stringify(w)))).toEqual(w)
  })

  it('refuses a broken state file with the paths of its problems', () => {
    const w = JSON.parse(JSON.stringify(seedWorld())) as {
      tenants: { admins: unknown[] }[]
      format: string
    }
    w.format = 'other'
    ;(w.tenants[0] as { admins: unknown[] }).admins = [{ upn: 'x' }]
    let err: unknown
    try {
      parseWorld(w)
    } catch (e) {
      err = e
    }
    expect(isPassageError(err, 'PASSAGE_E_SANDBOX_STATE')).toBe(true)
    expect((err as Error).message).toMatch(/format/)
    expect((err as Error).message).toMatch(/tenants\[0\]\.admins\[0\]\.objectId/)
  })
})
