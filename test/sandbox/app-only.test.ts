import { randomUUID } from 'node:crypto'
import { importPKCS8, SignJWT } from 'jose'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startSandbox, type RunningSandbox } from '../../src/sandbox/index.js'
import { createAppCredentials } from '../../src/sandbox/identity/index.js'
import { call, EXO_SCOPE, GRAPH_SCOPE, invoke } from './helpers.js'
import { EOP, P2, tokenCache, who, TEST_CERTS } from './fixtures.js'

// App-only sign-in (client credentials with a certificate assertion) and Graph on the same origin.
let sb: RunningSandbox
const token = tokenCache(() => sb)

beforeAll(async () => {
  sb = await startSandbox({ certDir: TEST_CERTS })
})
afterAll(async () => {
  await sb?.close()
})

async function appToken(
  tenant: typeof P2,
  creds: ReturnType<typeof createAppCredentials>,
  scope: string,
): Promise<string> {
  const tokenUrl = `${sb.url}/${tenant.id}/oauth2/v2.0/token`
  const now = Math.floor(Date.now() / 1000)
  const assertion = await new SignJWT({ jti: randomUUID() })
    .setProtectedHeader({ alg: 'RS256', typ: 'JWT', 'x5t#S256': creds.x5tS256 })
    .setIssuer(creds.app.clientId)
    .setSubject(creds.app.clientId)
    .setAudience(tokenUrl)
    .setIssuedAt(now)
    .setNotBefore(now)
    .setExpirationTime(now + 600)
    .sign(await importPKCS8(creds.privateKeyPem, 'RS256'))
  const r = await call(sb, tokenUrl, {
    form: {
      grant_type: 'client_credentials',
      client_id: creds.app.clientId,
      scope,
      client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
      client_assertion: assertion,
    },
  })
  expect(r.status, r.text).toBe(200)
  return r.json.access_token as string
}

describe('app-only access', () => {
  it('an app with Exchange.ManageAsApp and Exchange Administrator runs cmdlets', async () => {
    const creds = createAppCredentials({
      displayName: 'passage automation',
      appRoles: ['Exchange.ManageAsApp', 'Organization.Read.All'],
      roles: ['Exchange Administrator'],
    })
    sb.addApp(P2.id, creds.app)
    const t = await appToken(P2, creds, EXO_SCOPE)
    const r = await invoke(
      sb,
      t,
      P2.id,
      'Get-TransportRule',
      {},
      {
        headers: {
          'x-anchormailbox': `APP:SystemMailbox{bb558c35-97f1-4cb9-8ff7-d53741dc928c}@${P2.id}`,
        },
      },
    )
    expect(r.status, r.text).toBe(200)
    const write = await invoke(sb, t, P2.id, 'Set-HostedConnectionFilterPolicy', {
      Identity: 'Default',
      IPAllowList: { '@odata.type': '#Exchange.GenericHashTable', Add: ['192.0.2.77'] },
    })
    expect(write.status, write.text).toBe(200)
    // The same app's Graph token reads licences on the same origin, and is refused by Exchange.
    const g = await appToken(P2, creds, GRAPH_SCOPE)
    const skus = await call(sb, '/v1.0/subscribedSkus', {
      headers: { authorization: `Bearer ${g}` },
    })
    expect(skus.status, skus.text).toBe(200)
    expect(skus.json.value.length).toBeGreaterThan(0)
    expect((await invoke(sb, g, P2.id, 'Get-TransportRule')).status).toBe(401)
    // An app registered on one tenant is unknown to another.
    expect((await invoke(sb, t, EOP.id, 'Get-TransportRule')).status).toBe(401)
  })

  it('an app without a directory role is refused with 401 "not allowed to call"', async () => {
    const creds = createAppCredentials({
      displayName: 'no role',
      appRoles: ['Exchange.ManageAsApp'],
      roles: [],
    })
    sb.addApp(P2.id, creds.app)
    const t = await appToken(P2, creds, EXO_SCOPE)
    const r = await invoke(sb, t, P2.id, 'Get-TransportRule')
    expect(r.status).toBe(401)
    expect(r.json.error.message).toBe('User is not allowed to call Get-TransportRule')
  })

  it('Graph answers a delegated Graph token and refuses an Exchange token', async () => {
    const g = await token(P2, who.global, GRAPH_SCOPE)
    const me = await call(sb, '/v1.0/me/transitiveMemberOf', {
      headers: { authorization: `Bearer ${g}` },
    })
    expect(me.status, me.text).toBe(200)
    const exo = await token(P2, who.global)
    const refused = await call(sb, '/v1.0/subscribedSkus', {
      headers: { authorization: `Bearer ${exo}` },
    })
    expect(refused.status).toBe(401)
  })
})
