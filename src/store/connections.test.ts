import { expect, it } from 'vitest'
import { isPassageError } from '../core/errors/index.js'
import { describeStores, TENANT_ID } from './test-fixtures.js'

const OTHER = '11111111-2222-4333-8444-555555555555'
const profile = {
  endpoints: { exchangeBase: 'https://127.0.0.1:8443' },
  auth: {
    kind: 'certificate',
    clientId: 'app',
    certificateFile: '/k/cert.pem',
    keyFile: '/k/key.pem',
  },
}

describeStores('connections', (f) => {
  it('saves profiles and finds them by id, by name, or the most recently used', async () => {
    const s = f.store()
    await s.saveConnection(TENANT_ID, 'Contoso.onmicrosoft.com', profile)
    f.clock.advance(1000)
    await s.saveConnection(OTHER, 'fabrikam.onmicrosoft.com', { auth: { kind: 'device' } })
    expect((await s.getConnection())?.tenantId).toBe(OTHER)
    expect((await s.getConnection('contoso.onmicrosoft.com'))?.profile).toEqual(profile)
    expect((await s.getConnection(TENANT_ID))?.tenantName).toBe('contoso.onmicrosoft.com')
    f.clock.advance(1000)
    await s.touchConnection(TENANT_ID)
    expect((await s.getConnection())?.tenantId).toBe(TENANT_ID)
    expect((await s.listConnections()).map((c) => c.tenantId)).toEqual([TENANT_ID, OTHER])
    expect(await s.getConnection('nobody.onmicrosoft.com')).toBeUndefined()
  })

  it('refuses a profile holding a key or a token', async () => {
    const s = f.store()
    const e = await s
      .saveConnection(TENANT_ID, 'contoso.onmicrosoft.com', {
        privateKey: '-----BEGIN PRIVATE KEY-----\nabc\n-----END PRIVATE KEY-----',
      })
      .catch((x: unknown) => x)
    expect(isPassageError(e, 'PASSAGE_E_STORE_SECRET')).toBe(true)
    expect(await s.getConnection()).toBeUndefined()
  })
})
