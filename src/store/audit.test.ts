import { expect, it } from 'vitest'
import { isPassageError } from '../core/errors/index.js'
import { describeStores, TENANT_ID } from './test-fixtures.js'

describeStores('audit', (f) => {
  it('records events and lists them newest first, per tenant', async () => {
    const s = f.store()
    const e1 = await s.audit({ actor: 'admin@fabrikam.com', action: 'connect' })
    f.clock.advance(1000)
    await s.audit({
      actor: 'admin@fabrikam.com',
      action: 'apply',
      tenantId: TENANT_ID,
      details: { runId: 1, planHash: 'abc', changes: ['c01', 'c02'] },
    })
    await s.audit({ actor: 'other', action: 'check', tenantId: 'another-tenant' })
    expect(e1).toMatchObject({ at: '2026-11-20T09:00:00.000Z', tenantId: null, details: {} })
    expect((await s.listAudit()).map((e) => e.action)).toEqual(['check', 'apply', 'connect'])
    expect(await s.listAudit({ tenantId: TENANT_ID })).toEqual([
      {
        id: expect.any(Number),
        at: '2026-11-20T09:00:01.000Z',
        actor: 'admin@fabrikam.com',
        tenantId: TENANT_ID,
        action: 'apply',
        details: { runId: 1, planHash: 'abc', changes: ['c01', 'c02'] },
      },
    ])
    expect(await s.listAudit({ limit: 1 })).toHaveLength(1)
  })

  it.each([
    ['access_token', { access_token: 'x' }],
    ['refresh_token nested', { auth: { result: { refresh_token: 'x' } } }],
    ['password', { user: 'a', password: 'x' }],
    ['client_secret in a list', { apps: [{ id: 'a', client_secret: 'x' }] }],
    ['privateKey', { cert: { privateKey: 'x' } }],
    ['clientSecret camel case', { clientSecret: 'x' }],
    ['a JWT value', { note: 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.sig' }],
    ['a PEM key value', { cert: '-----BEGIN PRIVATE KEY-----\nMIIE...' }],
  ])('refuses audit details with %s, and writes nothing', async (_name, details) => {
    const s = f.store()
    const err = await s.audit({ actor: 'a', action: 'connect', details }).catch((e: unknown) => e)
    expect(isPassageError(err, 'PASSAGE_E_STORE_SECRET')).toBe(true)
    expect((err as { kind?: string }).kind).toBe('bug')
    expect(await s.listAudit()).toEqual([])
  })
})
