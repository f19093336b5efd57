/**
 * @azure/msal-node, unchanged, against the sandbox's sign-in over HTTPS: device code (the admin
 * completes /devicelogin while msal polls), refresh to another resource, decline, multi-tenant
 * authority, and app-only with a certificate. Only the authority URL and the CA differ.
 */
import {
  ConfidentialClientApplication,
  LogLevel,
  PublicClientApplication,
  type DeviceCodeRequest,
} from '@azure/msal-node'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  EXCHANGE_AUDIENCE,
  EXO_MODULE_CLIENT_ID,
  GRAPH_AUDIENCE,
  createAppCredentials,
} from '../../src/sandbox/identity/index.js'
import { GRAPH_CLI_CLIENT } from '../../src/sandbox/identity/scopes.js'
import {
  type SignInServer,
  caNetworkClient,
  completeDeviceLogin,
  httpsFetch,
  startSignInServer,
} from '../../src/sandbox/identity/test-support.js'
import { seedWorld } from '../../src/sandbox/seed/index.js'

type DeviceCodeResponse = Parameters<DeviceCodeRequest['deviceCodeCallback']>[0]

const EXO_SCOPE = 'https://outlook.office365.com/.default'
const GRAPH_SCOPE = 'https://graph.microsoft.com/.default'

let server: SignInServer
let eop: { id: string; name: string }
let p2: { id: string; name: string }

beforeAll(async () => {
  const world = seedWorld()
  server = await startSignInServer(world, { pollIntervalSeconds: 1 })
  const [a, b] = world.tenants
  if (a === undefined || b === undefined) throw new Error('seed world has too few tenants')
  eop = a.snapshot.tenant
  p2 = b.snapshot.tenant
})

afterAll(async () => {
  await server.close()
})

/** A public client as passage configures it: only authority and the CA differ from Entra. */
function publicClient(tenant: string, clientId = EXO_MODULE_CLIENT_ID): PublicClientApplication {
  return new PublicClientApplication({
    auth: {
      clientId,
      authority: `${server.base}/${tenant}`,
      knownAuthorities: [server.authorityHost],
    },
    system: {
      networkClient: caNetworkClient(server.ca),
      loggerOptions: { logLevel: LogLevel.Error, piiLoggingEnabled: false },
    },
  })
}

/** Runs msal's device-code flow, completing the browser side as `upn`. */
async function deviceCodeSignIn(
  pca: PublicClientApplication,
  upn: string,
  scopes: string[],
  decision: 'continue' | 'cancel' = 'continue',
) {
  let login: Promise<unknown> = Promise.resolve()
  let seen: DeviceCodeResponse | null = null
  const result = await pca.acquireTokenByDeviceCode({
    scopes,
    deviceCodeCallback: (response) => {
      seen = response
      login = completeDeviceLogin(server, response.userCode, upn, decision)
    },
  })
  await login
  return { result, deviceCode: seen as DeviceCodeResponse | null }
}

describe('msal-node PublicClientApplication: device code', () => {
  it('signs an Exchange admin in and gets an Exchange token; Graph needs its own client', async () => {
    const pca = publicClient(eop.id)
    const upn = `exchange@${eop.name}`
    const { result, deviceCode } = await deviceCodeSignIn(pca, upn, [EXO_SCOPE])
    expect(deviceCode?.verificationUri).toBe(`${server.base}/devicelogin`)
    expect(deviceCode?.interval).toBe(1)
    expect(deviceCode?.message).toContain(deviceCode?.userCode ?? '?')
    expect(result).not.toBeNull()
    if (result === null) return
    expect(result.account?.username).toBe(upn)
    expect(result.tenantId).toBe(eop.id)
    expect(result.idTokenClaims).toMatchObject({ tid: eop.id, preferred_username: upn })

    const verified = server.identity.verifyAccessToken(
      result.accessToken,
      EXCHANGE_AUDIENCE,
      eop.id,
    )
    expect(verified.ok).toBe(true)
    if (!verified.ok) return
    expect(verified.token.caller).toMatchObject({
      tenantId: eop.id,
      kind: 'user',
      name: upn,
      roles: ['Exchange Administrator'],
      exchangeApiEnabled: true,
    })
    expect(verified.token.caller.scopes).toContain('AdminApi.AccessAsUser.All')
    // The tenant may also be named in the URL by its onmicrosoft name.
    expect(
      server.identity.verifyAccessToken(result.accessToken, EXCHANGE_AUDIENCE, eop.name).ok,
    ).toBe(true)

    // The Exchange Online PowerShell client is not granted Graph (no public client is known to
    // do that): Graph takes its own public client, signed in once more.
    const account = result.account
    if (account === null) throw new Error('no account')
    await expect(pca.acquireTokenSilent({ account, scopes: [GRAPH_SCOPE] })).rejects.toThrow(
      /AADSTS65002/,
    )
    const graphClient = publicClient(eop.id, GRAPH_CLI_CLIENT)
    const graphSignIn = await deviceCodeSignIn(graphClient, upn, [GRAPH_SCOPE])
    if (graphSignIn.result === null) throw new Error('no Graph result')
    const graph = graphSignIn.result
    expect(server.identity.verifyAccessToken(graph.accessToken, GRAPH_AUDIENCE, null).ok).toBe(true)
    const roles = await httpsFetch(`${server.base}/v1.0/me/transitiveMemberOf`, server.ca, {
      headers: { authorization: `Bearer ${graph.accessToken}` },
    })
    expect(roles.status).toBe(200)
    const body = JSON.parse(roles.text) as { value: { roleTemplateId?: string }[] }
    expect(body.value.map((v) => v.roleTemplateId)).toContain(
      '29232cdf-9323-42fd-ade2-1d097af3e4de',
    )

    // A second silent call for Exchange comes from msal's cache: same token.
    const again = await pca.acquireTokenSilent({ account, scopes: [EXO_SCOPE] })
    expect(again.accessToken).toBe(result.accessToken)
  })

  it('carries exchangeApiEnabled=false for the user whose API access is disabled', async () => {
    const upn = `blocked@${eop.name}`
    const { result } = await deviceCodeSignIn(publicClient(eop.name), upn, [EXO_SCOPE])
    if (result === null) throw new Error('no result')
    const verified = server.identity.verifyAccessToken(
      result.accessToken,
      EXCHANGE_AUDIENCE,
      eop.id,
    )
    expect(verified.ok && verified.token.caller.exchangeApiEnabled).toBe(false)
    expect(verified.ok && verified.token.caller.roles).toEqual(['Exchange Administrator'])
  })

  it('takes the tenant from the signed-in admin with the organizations authority', async () => {
    const upn = `user@${p2.name}`
    const { result } = await deviceCodeSignIn(publicClient('organizations'), upn, [EXO_SCOPE])
    if (result === null) throw new Error('no result')
    expect(result.tenantId).toBe(p2.id)
    const verified = server.identity.verifyAccessToken(result.accessToken, EXCHANGE_AUDIENCE, p2.id)
    expect(verified.ok && verified.token.caller.roles).toEqual([])
  })

  it('fails with authorization_declined when the admin cancels', async () => {
    const attempt = deviceCodeSignIn(
      publicClient(eop.id),
      `admin@${eop.name}`,
      [EXO_SCOPE],
      'cancel',
    )
    await expect(attempt).rejects.toThrow(/authorization_declined/)
  })
})

describe('msal-node ConfidentialClientApplication: certificate', () => {
  it('gets app-only Exchange and Graph tokens with an SHA-256 thumbprint (PS256)', async () => {
    const creds = createAppCredentials({
      displayName: 'passage automation',
      appRoles: ['Exchange.ManageAsApp', 'Organization.Read.All'],
      roles: ['Exchange Administrator'],
    })
    server.identity.addApp(p2.id, creds.app)
    const cca = new ConfidentialClientApplication({
      auth: {
        clientId: creds.app.clientId,
        authority: `${server.base}/${p2.id}`,
        knownAuthorities: [server.authorityHost],
        clientCertificate: {
          thumbprintSha256: creds.sha256Hex,
          privateKey: creds.privateKeyPem,
          x5c: creds.certificatePem,
        },
      },
      system: { networkClient: caNetworkClient(server.ca) },
    })
    const exo = await cca.acquireTokenByClientCredential({ scopes: [EXO_SCOPE] })
    if (exo === null) throw new Error('no token')
    const verified = server.identity.verifyAccessToken(exo.accessToken, EXCHANGE_AUDIENCE, p2.name)
    expect(verified.ok).toBe(true)
    if (!verified.ok) return
    expect(verified.token.caller).toMatchObject({
      tenantId: p2.id,
      kind: 'app',
      name: creds.app.clientId,
      roles: ['Exchange Administrator'],
      exchangeApiEnabled: true,
      scopes: ['Exchange.ManageAsApp'],
    })
    // msal reuses its signed assertion for the second resource: that is not a replay.
    const graph = await cca.acquireTokenByClientCredential({ scopes: [GRAPH_SCOPE] })
    if (graph === null) throw new Error('no token')
    const skus = await httpsFetch(
      `${server.base}/v1.0/subscribedSkus?$select=skuPartNumber`,
      server.ca,
      {
        headers: { authorization: `Bearer ${graph.accessToken}` },
      },
    )
    expect(skus.status).toBe(200)
    expect(JSON.parse(skus.text).value).toContainEqual({ skuPartNumber: 'ENTERPRISEPREMIUM' })
  })

  it('accepts an SHA-1 thumbprint (RS256, x5t) too', async () => {
    const creds = createAppCredentials({ displayName: 'passage sha1' })
    server.identity.addApp(eop.id, creds.app)
    const cca = new ConfidentialClientApplication({
      auth: {
        clientId: creds.app.clientId,
        authority: `${server.base}/${eop.name}`,
        knownAuthorities: [server.authorityHost],
        clientCertificate: { thumbprint: creds.sha1Hex, privateKey: creds.privateKeyPem },
      },
      system: { networkClient: caNetworkClient(server.ca) },
    })
    const exo = await cca.acquireTokenByClientCredential({ scopes: [EXO_SCOPE] })
    if (exo === null) throw new Error('no token')
    expect(server.identity.verifyAccessToken(exo.accessToken, EXCHANGE_AUDIENCE, eop.id).ok).toBe(
      true,
    )
  })

  it('refuses a key that is not the registered certificate', async () => {
    const registered = createAppCredentials({ displayName: 'registered' })
    const other = createAppCredentials({ displayName: 'other' })
    server.identity.addApp(eop.id, registered.app)
    const cca = new ConfidentialClientApplication({
      auth: {
        clientId: registered.app.clientId,
        authority: `${server.base}/${eop.id}`,
        knownAuthorities: [server.authorityHost],
        clientCertificate: { thumbprintSha256: other.sha256Hex, privateKey: other.privateKeyPem },
      },
      system: { networkClient: caNetworkClient(server.ca) },
    })
    await expect(cca.acquireTokenByClientCredential({ scopes: [EXO_SCOPE] })).rejects.toThrow(
      /AADSTS700027|invalid_client/,
    )
  })
})
