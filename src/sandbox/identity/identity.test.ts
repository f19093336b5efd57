import { mkdtemp, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { SignJWT, createLocalJWKSet, importPKCS8, jwtVerify } from 'jose'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { SandboxWorld } from '../contracts.js'
import { seedWorld } from '../seed/index.js'
import { ensureCertificates } from '../tls/index.js'
import {
  EXCHANGE_AUDIENCE,
  EXO_MODULE_CLIENT_ID,
  GRAPH_AUDIENCE,
  createAppCredentials,
  createIdentity,
} from './index.js'
import { type SignInServer, httpsFetch, postForm, startSignInServer } from './test-support.js'
import { GRAPH_CLI_CLIENT } from './scopes.js'

const EXO_SCOPE = 'https://outlook.office365.com/.default openid profile offline_access'
const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code'

let server: SignInServer
let world: SandboxWorld
let tenantId: string
let tenantName: string
/** The sandbox clock runs `skewMs` ahead of real time; tests move it to expire things. */
let skewMs = 0

beforeAll(async () => {
  world = seedWorld()
  const first = world.tenants[0]
  if (first === undefined) throw new Error('empty world')
  tenantId = first.snapshot.tenant.id
  tenantName = first.snapshot.tenant.name
  first.admins.push({
    upn: `odd@${tenantName}`,
    displayName: '<script>alert("x")</script> & Co',
    objectId: '11111111-2222-4333-8444-555555555555',
    roles: ['Global Reader'],
    exchangeApiEnabled: true,
  })
  server = await startSignInServer(world, {
    pollIntervalSeconds: 1,
    now: () => new Date(Date.now() + skewMs),
  })
})

afterAll(async () => {
  await server.close()
})

const json = (text: string) => JSON.parse(text) as Record<string, unknown>

async function startDeviceCode(
  tenant = tenantId,
  scope = EXO_SCOPE,
  clientId = EXO_MODULE_CLIENT_ID,
) {
  const res = await postForm(`${server.base}/${tenant}/oauth2/v2.0/devicecode`, server.ca, {
    client_id: clientId,
    scope,
  })
  expect(res.status).toBe(200)
  return json(res.text) as { device_code: string; user_code: string; interval: number }
}

function poll(deviceCode: string, tenant = tenantId, clientId = EXO_MODULE_CLIENT_ID) {
  return postForm(
    `${server.base}/${tenant}/oauth2/v2.0/token`,
    server.ca,
    { grant_type: DEVICE_GRANT, client_id: clientId, device_code: deviceCode },
    { 'client-request-id': 'c0ffee00-0000-4000-8000-000000000001' },
  )
}

async function signIn(userCode: string, upn: string, decision = 'continue') {
  const picker = await postForm(`${server.base}/devicelogin/code`, server.ca, { otc: userCode })
  const flow = /name="flow" value="([^"]+)"/.exec(picker.text)?.[1] ?? ''
  await postForm(`${server.base}/devicelogin/account`, server.ca, { flow, upn })
  return postForm(`${server.base}/devicelogin/confirm`, server.ca, { flow, decision })
}

async function userToken(upn: string): Promise<string> {
  const dc = await startDeviceCode()
  await signIn(dc.user_code, upn)
  const res = await poll(dc.device_code)
  expect(res.status).toBe(200)
  return String(json(res.text)['access_token'])
}

describe('discovery', () => {
  it('serves OpenID configuration by GUID, name and common', async () => {
    for (const t of [tenantId, tenantName, 'fabrikam.com']) {
      const res = await httpsFetch(
        `${server.base}/${t}/v2.0/.well-known/openid-configuration`,
        server.ca,
      )
      expect(res.status).toBe(200)
      const body = json(res.text)
      expect(body['issuer']).toBe(`${server.base}/${tenantId}/v2.0`)
      expect(body['token_endpoint']).toBe(`${server.base}/${tenantId}/oauth2/v2.0/token`)
      expect(body['device_authorization_endpoint']).toBe(
        `${server.base}/${tenantId}/oauth2/v2.0/devicecode`,
      )
    }
    const common = json(
      (await httpsFetch(`${server.base}/common/v2.0/.well-known/openid-configuration`, server.ca))
        .text,
    )
    expect(common['issuer']).toBe(`${server.base}/{tenantid}/v2.0`)
    expect(common['token_endpoint']).toBe(`${server.base}/common/oauth2/v2.0/token`)
  })

  it('answers an unknown tenant with AADSTS90002', async () => {
    const res = await httpsFetch(
      `${server.base}/nowhere.onmicrosoft.com/v2.0/.well-known/openid-configuration`,
      server.ca,
    )
    expect(res.status).toBe(400)
    const body = json(res.text)
    expect(body['error']).toBe('invalid_tenant')
    expect(body['error_codes']).toEqual([90002])
  })

  it('serves instance discovery metadata for its own host only', async () => {
    const endpoint = encodeURIComponent(`${server.base}/${tenantId}/oauth2/v2.0/authorize`)
    const res = await httpsFetch(
      `${server.base}/common/discovery/instance?api-version=1.1&authorization_endpoint=${endpoint}`,
      server.ca,
    )
    expect(json(res.text)).toEqual({
      tenant_discovery_endpoint: `${server.base}/${tenantId}/v2.0/.well-known/openid-configuration`,
      'api-version': '1.1',
      metadata: [
        {
          preferred_network: server.authorityHost,
          preferred_cache: server.authorityHost,
          aliases: [server.authorityHost],
        },
      ],
    })
    const foreign = await httpsFetch(
      `${server.base}/common/discovery/instance?authorization_endpoint=${encodeURIComponent('https://evil.example/x/oauth2/v2.0/authorize')}`,
      server.ca,
    )
    expect(json(foreign.text)['error']).toBe('invalid_instance')
  })

  it('publishes a JWKS that verifies its tokens', async () => {
    const res = await httpsFetch(`${server.base}/${tenantId}/discovery/v2.0/keys`, server.ca)
    const jwks = createLocalJWKSet(JSON.parse(res.text) as { keys: [] })
    const token = server.identity.mintAccessToken({
      tenant: tenantId,
      audience: EXCHANGE_AUDIENCE,
      user: `admin@${tenantName}`,
    })
    const { payload } = await jwtVerify(token, jwks, { audience: EXCHANGE_AUDIENCE })
    expect(payload).toMatchObject({
      iss: `${server.base}/${tenantId}/v2.0`,
      tid: tenantId,
      upn: `admin@${tenantName}`,
      appid: EXO_MODULE_CLIENT_ID,
      idtyp: 'user',
    })
    expect(payload['wids']).toContain('62e90394-69f5-4237-9190-012177145e10')
    expect((payload['exp'] as number) - (payload['iat'] as number)).toBe(3600)
  })
})

describe('device code flow over raw HTTP', () => {
  it('answers pending in Entra error shape, then slow_down when polled too fast', async () => {
    const dc = await startDeviceCode()
    expect(dc.interval).toBe(1)
    const first = await poll(dc.device_code)
    expect(first.status).toBe(400)
    const body = json(first.text)
    expect(body['error']).toBe('authorization_pending')
    expect(body['error_codes']).toEqual([70016])
    expect(String(body['error_description'])).toMatch(/^AADSTS70016: /)
    expect(body['correlation_id']).toBe('c0ffee00-0000-4000-8000-000000000001')
    expect(typeof body['trace_id']).toBe('string')
    expect(String(body['timestamp'])).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ$/)
    const second = await poll(dc.device_code)
    expect(json(second.text)['error']).toBe('slow_down')
  })

  it('issues tokens once after approval; a second redemption is refused', async () => {
    const dc = await startDeviceCode()
    const page = await signIn(dc.user_code, `reader@${tenantName}`)
    expect(page.text).toContain('You have signed in')
    const ok = await poll(dc.device_code)
    expect(ok.status).toBe(200)
    const body = json(ok.text)
    expect(body['token_type']).toBe('Bearer')
    expect(body['expires_in']).toBe(3600)
    expect(typeof body['refresh_token']).toBe('string')
    expect(typeof body['id_token']).toBe('string')
    const info = JSON.parse(Buffer.from(String(body['client_info']), 'base64url').toString())
    expect(info).toEqual({
      uid: world.tenants[0]?.admins.find((a) => a.upn === `reader@${tenantName}`)?.objectId,
      utid: tenantId,
    })
    const again = await poll(dc.device_code)
    expect(json(again.text)['error']).toBe('invalid_grant')
  })

  it('expires the code after 15 minutes', async () => {
    const dc = await startDeviceCode()
    skewMs += 901_000
    try {
      const res = await poll(dc.device_code)
      expect(json(res.text)['error']).toBe('expired_token')
      expect(json(res.text)['error_codes']).toEqual([70019])
      const page = await postForm(`${server.base}/devicelogin/code`, server.ca, {
        otc: dc.user_code,
      })
      expect(page.status).toBe(400)
      expect(page.text).toContain('expired')
    } finally {
      skewMs -= 901_000
    }
  })

  it('answers declined after Cancel, bad_verification_code for an unknown code', async () => {
    const dc = await startDeviceCode()
    const page = await signIn(dc.user_code, `admin@${tenantName}`, 'cancel')
    expect(page.text).toContain('Sign-in cancelled')
    expect(json((await poll(dc.device_code)).text)['error']).toBe('authorization_declined')
    expect(json((await poll('not-a-code')).text)['error']).toBe('bad_verification_code')
  })

  it('refuses a device code polled at another tenant or by another client', async () => {
    const dc = await startDeviceCode()
    const other = world.tenants[1]?.snapshot.tenant.id ?? ''
    expect(json((await poll(dc.device_code, other)).text)['error']).toBe('bad_verification_code')
    const res = await postForm(`${server.base}/${tenantId}/oauth2/v2.0/token`, server.ca, {
      grant_type: DEVICE_GRANT,
      client_id: '00000000-0000-4000-8000-000000000000',
      device_code: dc.device_code,
    })
    expect(json(res.text)['error']).toBe('invalid_grant')
  })

  it('validates the devicecode request', async () => {
    const url = `${server.base}/${tenantId}/oauth2/v2.0/devicecode`
    const noScope = await postForm(url, server.ca, { client_id: EXO_MODULE_CLIENT_ID })
    expect(json(noScope.text)['error_codes']).toEqual([900144])
    const two = await postForm(url, server.ca, {
      client_id: EXO_MODULE_CLIENT_ID,
      scope: 'https://outlook.office365.com/.default https://graph.microsoft.com/.default',
    })
    expect(json(two.text)['error_codes']).toEqual([28000])
    const unknown = await postForm(url, server.ca, {
      client_id: EXO_MODULE_CLIENT_ID,
      scope: 'https://management.azure.com/.default',
    })
    expect(json(unknown.text)['error_codes']).toEqual([500011])
  })

  it('client.graph-client: refuses Graph to the Exchange Online PowerShell client', async () => {
    const dc = await startDeviceCode()
    await signIn(dc.user_code, `security@${tenantName}`)
    const first = json((await poll(dc.device_code)).text)
    const res = await postForm(`${server.base}/${tenantId}/oauth2/v2.0/token`, server.ca, {
      grant_type: 'refresh_token',
      client_id: EXO_MODULE_CLIENT_ID,
      refresh_token: String(first['refresh_token']),
      scope: 'https://graph.microsoft.com/.default openid profile offline_access',
    })
    expect(res.status).toBe(400)
    expect(json(res.text)['error_codes']).toEqual([65002])
    // Nor by a device code asked for Graph directly.
    const g = await startDeviceCode(tenantId, 'https://graph.microsoft.com/.default')
    await signIn(g.user_code, `security@${tenantName}`)
    expect(json((await poll(g.device_code)).text)['error_codes']).toEqual([65002])
    // A public client nobody consented to gets "consent required".
    const other = '11111111-2222-4333-8444-555555555555'
    const o = await startDeviceCode(tenantId, 'https://graph.microsoft.com/.default', other)
    await signIn(o.user_code, `security@${tenantName}`)
    expect(json((await poll(o.device_code, tenantId, other)).text)['error_codes']).toEqual([65001])
  })

  it('client.graph-client: redeems a refresh token of the Graph client for Graph, with Graph-default scopes', async () => {
    const dc = await startDeviceCode(tenantId, EXO_SCOPE, GRAPH_CLI_CLIENT)
    await signIn(dc.user_code, `security@${tenantName}`)
    const first = json((await poll(dc.device_code, tenantId, GRAPH_CLI_CLIENT)).text)
    const res = await postForm(`${server.base}/${tenantId}/oauth2/v2.0/token`, server.ca, {
      grant_type: 'refresh_token',
      client_id: GRAPH_CLI_CLIENT,
      refresh_token: String(first['refresh_token']),
      scope: 'https://graph.microsoft.com/.default openid profile offline_access',
    })
    expect(res.status).toBe(200)
    const token = String(json(res.text)['access_token'])
    const v = server.identity.verifyAccessToken(token, GRAPH_AUDIENCE, null)
    expect(v.ok && v.token.caller.scopes).toContain('Organization.Read.All')
    expect(v.ok && v.token.caller.roles).toEqual(['Security Administrator'])
    const wrongClient = await postForm(`${server.base}/${tenantId}/oauth2/v2.0/token`, server.ca, {
      grant_type: 'refresh_token',
      client_id: '00000000-0000-4000-8000-000000000000',
      refresh_token: String(first['refresh_token']),
    })
    expect(json(wrongClient.text)['error']).toBe('invalid_grant')
  })
})

describe('device-login pages', () => {
  it('sets a strict CSP and lists every admin with roles, escaped', async () => {
    const start = await httpsFetch(`${server.base}/devicelogin`, server.ca)
    expect(start.headers['content-security-policy']).toContain("default-src 'none'")
    expect(start.headers['content-security-policy']).toContain("form-action 'self'")
    expect(start.headers['x-frame-options']).toBe('DENY')
    expect(start.text).not.toContain('<script')
    const dc = await startDeviceCode()
    const picker = await postForm(`${server.base}/devicelogin/code`, server.ca, {
      otc: dc.user_code.toLowerCase(),
    })
    expect(picker.status).toBe(200)
    expect(picker.text).not.toContain('<script>')
    expect(picker.text).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Co')
    expect(picker.text).toContain(`user@${tenantName}`)
    expect(picker.text).toContain('No administrator roles')
    expect(picker.text).toContain(`blocked@${tenantName}`)
    expect(picker.text).toContain('API access disabled')
    expect(picker.text).toContain('Exchange Administrator')
    const flow = /name="flow" value="([^"]+)"/.exec(picker.text)?.[1] ?? ''
    const confirm = await postForm(`${server.base}/devicelogin/account`, server.ca, {
      flow,
      upn: `admin@${tenantName}`,
    })
    expect(confirm.text).toContain('Are you trying to sign in to passage?')
    const stranger = await postForm(`${server.base}/devicelogin/account`, server.ca, {
      flow,
      upn: `admin@${world.tenants[1]?.snapshot.tenant.name}`,
    })
    expect(stranger.status).toBe(400)
  })

  it('re-asks for a wrong code', async () => {
    const res = await postForm(`${server.base}/devicelogin/code`, server.ca, { otc: 'NOPE"><b>' })
    expect(res.status).toBe(400)
    expect(res.text).toContain('That code didn&#39;t work')
    expect(res.text).toContain('NOPE&quot;&gt;&lt;b&gt;')
  })
})

describe('verifyAccessToken', () => {
  it('maps a user token to a Caller', async () => {
    const token = await userToken(`admin@${tenantName}`)
    const v = server.identity.verifyAccessToken(token, EXCHANGE_AUDIENCE, tenantId)
    expect(v.ok).toBe(true)
    if (!v.ok) return
    expect(v.token.audience).toBe(EXCHANGE_AUDIENCE)
    expect(v.token.caller).toMatchObject({
      tenantId,
      kind: 'user',
      name: `admin@${tenantName}`,
      roles: ['Global Administrator'],
      exchangeApiEnabled: true,
    })
  })

  it('refuses the wrong audience, a tampered token, another tenant and an expired token', async () => {
    const token = server.identity.mintAccessToken({
      tenant: tenantId,
      audience: EXCHANGE_AUDIENCE,
      user: `exchange@${tenantName}`,
    })
    const aud = server.identity.verifyAccessToken(token, GRAPH_AUDIENCE, null)
    expect(aud).toMatchObject({ ok: false, status: 401 })
    expect(!aud.ok && aud.description).toMatch(/audience/i)

    const [h, p, s] = token.split('.') as [string, string, string]
    const claims = JSON.parse(Buffer.from(p, 'base64url').toString()) as Record<string, unknown>
    claims['wids'] = ['62e90394-69f5-4237-9190-012177145e10']
    const tampered = `${h}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${s}`
    const bad = server.identity.verifyAccessToken(tampered, EXCHANGE_AUDIENCE, tenantId)
    expect(!bad.ok && bad.description).toMatch(/signature/)
    expect(server.identity.verifyAccessToken('abc', EXCHANGE_AUDIENCE, tenantId).ok).toBe(false)
    expect(server.identity.verifyAccessToken('', EXCHANGE_AUDIENCE, tenantId).ok).toBe(false)

    const other = world.tenants[1]?.snapshot.tenant.name ?? ''
    const wrongTenant = server.identity.verifyAccessToken(token, EXCHANGE_AUDIENCE, other)
    expect(!wrongTenant.ok && wrongTenant.description).toMatch(/tenant/)

    skewMs += 3601_000
    try {
      const expired = server.identity.verifyAccessToken(token, EXCHANGE_AUDIENCE, tenantId)
      expect(!expired.ok && expired.description).toMatch(/expired/)
    } finally {
      skewMs -= 3601_000
    }
  })

  it('reads exchangeApiEnabled from the admin record at verification time', () => {
    const admin = world.tenants[0]?.admins.find((a) => a.upn === `exchange@${tenantName}`)
    if (admin === undefined) throw new Error('no admin')
    const token = server.identity.mintAccessToken({
      tenant: tenantName,
      audience: EXCHANGE_AUDIENCE,
      user: admin.upn,
    })
    admin.exchangeApiEnabled = false
    try {
      const v = server.identity.verifyAccessToken(token, EXCHANGE_AUDIENCE, tenantId)
      expect(v.ok && v.token.caller.exchangeApiEnabled).toBe(false)
    } finally {
      admin.exchangeApiEnabled = true
    }
  })
})

describe('client credentials with a hand-made assertion', () => {
  const creds = createAppCredentials({ displayName: 'assertion tests' })
  const tokenUrl = () => `${server.base}/${tenantId}/oauth2/v2.0/token`

  async function assertion(claims: Record<string, unknown>, header: Record<string, unknown> = {}) {
    const key = await importPKCS8(creds.privateKeyPem, 'RS256')
    const now = Math.floor(Date.now() / 1000)
    return new SignJWT({
      aud: tokenUrl(),
      iss: creds.app.clientId,
      sub: creds.app.clientId,
      jti: crypto.randomUUID(),
      nbf: now,
      exp: now + 600,
      ...claims,
    })
      .setProtectedHeader({ alg: 'RS256', typ: 'JWT', x5t: creds.x5t, ...header })
      .sign(key)
  }

  const redeem = (clientAssertion: string, scope = 'https://outlook.office365.com/.default') =>
    postForm(tokenUrl(), server.ca, {
      grant_type: 'client_credentials',
      client_id: creds.app.clientId,
      scope,
      client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
      client_assertion: clientAssertion,
    })

  beforeAll(() => {
    server.identity.addApp(tenantId, creds.app)
  })

  it('issues an app token, and refuses a replayed jti in another assertion', async () => {
    const jti = crypto.randomUUID()
    const ok = await redeem(await assertion({ jti }))
    expect(ok.status).toBe(200)
    const body = json(ok.text)
    expect(body['refresh_token']).toBeUndefined()
    const v = server.identity.verifyAccessToken(
      String(body['access_token']),
      EXCHANGE_AUDIENCE,
      tenantId,
    )
    expect(v.ok && v.token.caller.kind).toBe('app')
    const replay = await redeem(await assertion({ jti, nbf: Math.floor(Date.now() / 1000) - 1 }))
    expect(replay.status).toBe(401)
    expect(json(replay.text)['error']).toBe('invalid_client')
  })

  it('refuses wrong audience, issuer, expiry, thumbprint and non-.default scope', async () => {
    const cases: [Promise<string>, number][] = [
      [assertion({ aud: 'https://login.microsoftonline.com/x/oauth2/v2.0/token' }), 50027],
      [assertion({ iss: 'someone-else' }), 700021],
      [assertion({ exp: Math.floor(Date.now() / 1000) - 3600, nbf: undefined }), 700024],
      [assertion({}, { x5t: 'AAAA' }), 700027],
    ]
    for (const [made, code] of cases) {
      const res = await redeem(await made)
      expect(res.status, String(code)).toBe(401)
      expect(json(res.text)['error_codes']).toEqual([code])
    }
    const scope = await redeem(await assertion({}), 'https://outlook.office365.com/Exchange.Manage')
    expect(json(scope.text)['error_codes']).toEqual([1002012])
  })

  it('refuses an unknown app, a secret and the common authority', async () => {
    const unknown = await postForm(tokenUrl(), server.ca, {
      grant_type: 'client_credentials',
      client_id: '00000000-0000-4000-8000-000000000000',
      scope: 'https://graph.microsoft.com/.default',
      client_secret: 'x',
    })
    expect(json(unknown.text)['error_codes']).toEqual([700016])
    const secret = await postForm(tokenUrl(), server.ca, {
      grant_type: 'client_credentials',
      client_id: creds.app.clientId,
      scope: 'https://graph.microsoft.com/.default',
      client_secret: 'x',
    })
    expect(json(secret.text)['error_codes']).toEqual([7000215])
    const common = await postForm(`${server.base}/common/oauth2/v2.0/token`, server.ca, {
      grant_type: 'client_credentials',
      client_id: creds.app.clientId,
      scope: 'https://graph.microsoft.com/.default',
    })
    expect(json(common.text)['error_codes']).toEqual([50059])
    const grant = await postForm(tokenUrl(), server.ca, { grant_type: 'password' })
    expect(json(grant.text)['error']).toBe('unsupported_grant_type')
  })
})

describe('persistence', () => {
  it('keeps the signing key (0600) and the TLS material across starts', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'passage-identity-'))
    try {
      const opts = { world: () => world, baseUrl: () => 'https://127.0.0.1:1', signingKeyDir: dir }
      const a = await createIdentity(opts)
      const b = await createIdentity(opts)
      expect(b.jwks()).toEqual(a.jwks())
      const token = a.mintAccessToken({
        tenant: tenantId,
        audience: GRAPH_AUDIENCE,
        user: `admin@${tenantName}`,
      })
      expect(b.verifyAccessToken(token, GRAPH_AUDIENCE, null).ok).toBe(true)
      expect((await stat(join(dir, 'token-signing-key.pem'))).mode & 0o777).toBe(0o600)

      const c1 = await ensureCertificates(dir)
      const c2 = await ensureCertificates(dir)
      expect(c1.caPath).toBe(join(dir, 'ca.pem'))
      expect(c2.certPem).toBe(c1.certPem)
      expect(c2.caPem).toBe(c1.caPem)
      expect((await stat(join(dir, 'server-key.pem'))).mode & 0o777).toBe(0o600)
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })

  it('keeps certificates in memory when given no directory', async () => {
    const c = await ensureCertificates(null)
    expect(c.caPath).toBeNull()
    const { X509Certificate } = await import('node:crypto')
    const cert = new X509Certificate(c.certPem)
    const ca = new X509Certificate(c.caPem)
    expect(cert.checkIssued(ca)).toBe(true)
    expect(cert.subjectAltName).toContain('IP Address:127.0.0.1')
    expect(cert.subjectAltName).toContain('DNS:localhost')
    expect(ca.subject).toContain('CN=passage sandbox CA')
  })
})

describe('sandbox.device-poll-hold: device code flow at a sub-second poll interval (the demo sandbox)', () => {
  let fast: SignInServer

  beforeAll(async () => {
    // Held for up to 3 s here (5 s by default at this interval), so a slow machine still approves in time.
    fast = await startSignInServer(world, { pollIntervalSeconds: 0.05, holdPendingPollSeconds: 3 })
  })

  afterAll(async () => {
    await fast.close()
  })

  const start = async () => {
    const res = await postForm(`${fast.base}/${tenantId}/oauth2/v2.0/devicecode`, fast.ca, {
      client_id: EXO_MODULE_CLIENT_ID,
      scope: EXO_SCOPE,
    })
    return json(res.text) as { device_code: string; user_code: string; interval: number }
  }
  const pollFast = (deviceCode: string) =>
    postForm(`${fast.base}/${tenantId}/oauth2/v2.0/token`, fast.ca, {
      grant_type: DEVICE_GRANT,
      client_id: EXO_MODULE_CLIENT_ID,
      device_code: deviceCode,
    })
  const approve = async (userCode: string, decision = 'continue') => {
    const picker = await postForm(`${fast.base}/devicelogin/code`, fast.ca, { otc: userCode })
    const flow = /name="flow" value="([^"]+)"/.exec(picker.text)?.[1] ?? ''
    await postForm(`${fast.base}/devicelogin/account`, fast.ca, {
      flow,
      upn: `admin@${tenantName}`,
    })
    return postForm(`${fast.base}/devicelogin/confirm`, fast.ca, { flow, decision })
  }

  it('answers a poll sent before the approval with the tokens once it lands (no pending, no second poll)', async () => {
    const dc = await start()
    expect(dc.interval).toBe(0.05)
    const held = pollFast(dc.device_code)
    await approve(dc.user_code)
    const r = await held
    expect(r.status).toBe(200)
    expect(typeof json(r.text)['access_token']).toBe('string')
  })

  it('answers a held poll with the refusal when the admin cancels', async () => {
    const dc = await start()
    const held = pollFast(dc.device_code)
    await approve(dc.user_code, 'cancel')
    expect(json((await held).text)['error']).toBe('authorization_declined')
  })

  it('still answers authorization_pending when nobody approves while the poll is held', async () => {
    const dc = await start()
    const r = await pollFast(dc.device_code)
    expect(json(r.text)['error']).toBe('authorization_pending')
  })
})
