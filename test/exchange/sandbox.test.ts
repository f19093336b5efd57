/**
 * The real Exchange client (auth.ts, client.ts, graph.ts) against the sandbox over HTTPS: the
 * same code that talks to Microsoft, pointed at the sandbox's base URLs and trusting its CA.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { hashtable } from '../../src/core/cmdlet.js'
import { isPassageError, PassageError } from '../../src/core/errors/index.js'
import type { SandboxTenant } from '../../src/sandbox/contracts.js'
import { createAppCredentials } from '../../src/sandbox/identity/index.js'
import {
  EXO_POWERSHELL_CLIENT_ID,
  ExchangeClient,
  GRAPH_CLI_CLIENT_ID,
  GraphClient,
  signInWithCertificate,
  signInWithDeviceCode,
  type SignedIn,
  type TransportEvent,
} from '../../src/exchange/index.js'
import {
  appSignIn,
  approveDeviceCode,
  deviceSignIn,
  sandbox,
  type Sandbox,
} from './sandbox-helpers.js'

let s: Sandbox
let contoso: SandboxTenant
let northwind: SandboxTenant
let fabrikam: SandboxTenant
/** Exchange Administrator of contoso (Defender P2), signed in with a device code. */
let exchangeAdmin: SignedIn
let prompt: { userCode: string; verificationUri: string; message: string }
/** Exchange Administrator of northwind (44 transport rules). */
let northwindAdmin: SignedIn
/** contoso's Security Reader, and its Exchange Administrator whose API access is disabled. */
let reader: SignedIn
let blocked: SignedIn
const clients: ExchangeClient[] = []

const tenantNamed = (name: string) => {
  const t = s.sb.world.tenants.find((x) => x.snapshot.tenant.name.startsWith(name))
  if (!t) throw new Error(`no seeded tenant ${name}`)
  return t
}

function exo(
  tokens: SignedIn,
  tenant: SandboxTenant,
  extra: Partial<ConstructorParameters<typeof ExchangeClient>[0]> = {},
) {
  const c = new ExchangeClient({
    tokens,
    endpoints: s.endpoints,
    tenant: tenant.snapshot.tenant.id,
    ...extra,
  })
  clients.push(c)
  return c
}

async function failure(p: Promise<unknown>): Promise<PassageError> {
  try {
    await p
  } catch (e) {
    if (e instanceof PassageError) return e
    throw e
  }
  throw new Error('expected a failure')
}

beforeAll(async () => {
  s = await sandbox()
  contoso = tenantNamed('contoso')
  northwind = tenantNamed('northwind')
  fabrikam = tenantNamed('fabrikam')
  // In parallel: each device-code sign-in waits one poll interval of the sandbox.
  const c = contoso.snapshot.tenant.name
  const [a, b, r, x] = await Promise.all([
    deviceSignIn(s, c, `exchange@${c}`),
    // The tenant by GUID this time; the onmicrosoft name above.
    deviceSignIn(s, northwind.snapshot.tenant.id, `exchange@${northwind.snapshot.tenant.name}`),
    deviceSignIn(s, c, `reader@${c}`),
    deviceSignIn(s, c, `blocked@${c}`),
  ])
  exchangeAdmin = a.session
  prompt = a.prompt
  northwindAdmin = b.session
  reader = r.session
  blocked = x.session
}, 60_000)

afterAll(async () => {
  for (const c of clients) c.close()
  await s?.close()
})

describe('device-code sign-in (auth.ts)', () => {
  it('shows the code and the sandbox’s device-login page, and signs the admin in', () => {
    expect(prompt.verificationUri).toBe(`${s.sb.url}/devicelogin`)
    expect(prompt.message).toContain(prompt.userCode)
    expect(exchangeAdmin).toMatchObject({
      kind: 'user',
      tenantId: contoso.snapshot.tenant.id,
      username: `exchange@${contoso.snapshot.tenant.name}`,
    })
  })

  it('ends a declined sign-in with PASSAGE_E_SIGNIN (declined)', async () => {
    const e = await failure(
      deviceSignIn(
        s,
        contoso.snapshot.tenant.name,
        `exchange@${contoso.snapshot.tenant.name}`,
        'cancel',
      ),
    )
    expect(e.code).toBe('PASSAGE_E_SIGNIN')
    expect(e.details).toMatchObject({ reason: 'declined' })
  }, 30_000)
})

describe('reads', () => {
  it('reads every transport rule across pages', async () => {
    const events: TransportEvent[] = []
    const client = exo(northwindAdmin, northwind, { pageSize: 10, onEvent: (e) => events.push(e) })
    const rules = await client.invokeCommand({ cmdlet: 'Get-TransportRule', params: {} })
    const expected = northwind.snapshot.state.transportRules.map((r) => r.Name)
    expect(expected.length).toBeGreaterThan(10)
    expect(rules.map((r) => r.Name)).toEqual(expected)
    expect(events.filter((e) => e.type === 'retry')).toEqual([])
  })

  it('reads the connection filter policy, with $select', async () => {
    const client = exo(exchangeAdmin, contoso)
    const [policy] = await client.invokeCommand(
      { cmdlet: 'Get-HostedConnectionFilterPolicy', params: { Identity: 'Default' } },
      { select: ['Identity', 'IPAllowList', 'EnableSafeList'] },
    )
    expect(policy).toBeDefined()
    expect(Object.keys(policy!).sort()).toEqual(['EnableSafeList', 'IPAllowList', 'Identity'])
  })

  it('reads several surfaces in one $batch', async () => {
    const client = exo(exchangeAdmin, contoso)
    const out = await client.batch([
      { cmdlet: 'Get-TransportRule', params: {} },
      { cmdlet: 'Get-HostedConnectionFilterPolicy', params: {} },
      { cmdlet: 'Get-HostedContentFilterPolicy', params: {} },
      { cmdlet: 'Get-SafeLinksPolicy', params: {} },
      { cmdlet: 'Get-TransportRule', params: { Identity: 'no such rule' } },
    ])
    expect(out.slice(0, 4).map((o) => o.ok)).toEqual([true, true, true, true])
    const missing = out[4]
    expect(missing?.ok === false && missing.error.code).toBe('PASSAGE_E_EXO_NOT_FOUND')
    const rules = out[0]
    expect(rules?.ok && rules.objects.length).toBe(contoso.snapshot.state.transportRules.length)
  })

  it('lists the cmdlets of the session (EXOModuleFile)', async () => {
    const cmdlets = await exo(exchangeAdmin, contoso).availableCmdlets()
    expect(cmdlets).toContain('Get-TransportRule')
    expect(cmdlets).toContain('Get-SafeLinksPolicy')
  })
})

describe('a write, read back', () => {
  it('adds an IP to the connection filter allow list and removes it again', async () => {
    const client = exo(exchangeAdmin, contoso)
    const get = async () =>
      (
        await client.invokeCommand({
          cmdlet: 'Get-HostedConnectionFilterPolicy',
          params: { Identity: 'Default' },
        })
      )[0]
    const before = (await get())?.IPAllowList as string[]
    await client.invokeCommand({
      cmdlet: 'Set-HostedConnectionFilterPolicy',
      params: { Identity: 'Default', IPAllowList: hashtable(['198.51.100.7']) },
    })
    expect((await get())?.IPAllowList).toContain('198.51.100.7')
    await client.invokeCommand({
      cmdlet: 'Set-HostedConnectionFilterPolicy',
      params: { Identity: 'Default', IPAllowList: hashtable([], ['198.51.100.7']) },
    })
    expect((await get())?.IPAllowList).toEqual(before)
  })

  it('creates a transport rule, finds it, and removes it', async () => {
    const client = exo(exchangeAdmin, contoso)
    const name = 'passage test rule'
    await client.invokeCommand({
      cmdlet: 'New-TransportRule',
      params: {
        Name: name,
        SenderIpRanges: ['198.51.100.8'],
        SetSCL: -1,
        Comments: 'managed-by=passage',
      },
    })
    const [rule] = await client.invokeCommand({
      cmdlet: 'Get-TransportRule',
      params: { Identity: name },
    })
    expect(rule).toMatchObject({ Name: name })
    await client.invokeCommand({ cmdlet: 'Remove-TransportRule', params: { Identity: name } })
    const e = await failure(
      client.invokeCommand({ cmdlet: 'Get-TransportRule', params: { Identity: name } }),
    )
    expect(e.code).toBe('PASSAGE_E_EXO_NOT_FOUND')
  })

  it('keeps Exchange’s text for a value it refuses', async () => {
    const client = exo(exchangeAdmin, contoso)
    const e = await failure(
      client.invokeCommand({
        cmdlet: 'Set-HostedContentFilterPolicy',
        params: { Identity: 'Default', BulkThreshold: 42 },
      }),
    )
    expect(e.code).toBe('PASSAGE_E_EXO_VALIDATION')
    expect(String(e.details?.exchangeMessage)).toContain('BulkThreshold')
  })
})

describe('refusals, with their diagnosis and no change', () => {
  it('a Security Reader writing: PASSAGE_E_EXO_ROLE_MISSING naming the cmdlet and role', async () => {
    const before = JSON.stringify(contoso.snapshot.state)
    const e = await failure(
      exo(reader, contoso).invokeCommand({
        cmdlet: 'Set-HostedConnectionFilterPolicy',
        params: { Identity: 'Default', IPAllowList: hashtable(['198.51.100.9']) },
      }),
    )
    expect(e.code).toBe('PASSAGE_E_EXO_ROLE_MISSING')
    expect(e.message).toContain('Set-HostedConnectionFilterPolicy')
    expect(e.message).toContain('Exchange Administrator or Security Administrator')
    expect(JSON.stringify(contoso.snapshot.state)).toBe(before)
  })

  it('an admin whose API access is disabled: PASSAGE_E_EXO_API_DISABLED', async () => {
    const e = await failure(
      exo(blocked, contoso).invokeCommand({ cmdlet: 'Get-TransportRule', params: {} }),
    )
    expect(e.code).toBe('PASSAGE_E_EXO_API_DISABLED')
  })

  it('Safe Links in a tenant without Defender: PASSAGE_E_LICENCE_MISSING', async () => {
    const app = await appSignIn(s, fabrikam.snapshot.tenant.name)
    const e = await failure(
      exo(app, fabrikam).invokeCommand({ cmdlet: 'Get-SafeLinksPolicy', params: {} }),
    )
    expect(e.code).toBe('PASSAGE_E_LICENCE_MISSING')
  })
})

describe('Graph', () => {
  it('detects the licence of each seeded tenant (app-only)', async () => {
    for (const t of s.sb.world.tenants) {
      const app = await appSignIn(s, t.snapshot.tenant.name)
      const graph = new GraphClient({ tokens: app, endpoints: s.endpoints })
      try {
        expect((await graph.licence()).licence).toBe(t.snapshot.licence)
        const org = await graph.organization()
        expect(org.id).toBe(t.snapshot.tenant.id)
        expect(org.initialDomain).toBe(t.snapshot.tenant.name)
        expect((await graph.domains()).map((d) => d.id)).toContain(t.snapshot.tenant.name)
        // App-only: the roles come from the token.
        expect(await graph.roles()).toMatchObject({
          roles: ['Exchange Administrator'],
          source: 'token',
        })
      } finally {
        graph.close()
      }
    }
  })

  it('reads the signed-in admin’s roles (delegated)', async () => {
    const graph = new GraphClient({ tokens: exchangeAdmin, endpoints: s.endpoints })
    try {
      expect(await graph.roles()).toMatchObject({
        roles: ['Exchange Administrator'],
        source: 'graph',
      })
    } finally {
      graph.close()
    }
  })
})

describe('app-only with a certificate', () => {
  it('runs cmdlets anchored on the system mailbox', async () => {
    const app = await appSignIn(s, contoso.snapshot.tenant.name)
    expect(app).toMatchObject({ kind: 'app', tenantId: contoso.snapshot.tenant.id, username: null })
    const rules = await exo(app, contoso).invokeCommand({ cmdlet: 'Get-TransportRule', params: {} })
    expect(rules).toHaveLength(contoso.snapshot.state.transportRules.length)
  })

  it('is refused for a certificate the app does not have', async () => {
    const app = await appSignIn(s, contoso.snapshot.tenant.name)
    expect(app.kind).toBe('app')
    const stranger = createAppCredentials({ displayName: 'x' })
    const e = await failure(
      signInWithCertificate({
        endpoints: s.endpoints,
        tenant: contoso.snapshot.tenant.name,
        clientId: app.clientId,
        certificatePem: stranger.certificatePem,
        privateKeyPem: stranger.privateKeyPem,
      }),
    )
    expect(isPassageError(e, 'PASSAGE_E_SIGNIN')).toBe(true)
    expect(e.details).toMatchObject({ reason: 'app-credentials' })
  })
})

describe('TLS', () => {
  it('trusts the sandbox only when given its CA', async () => {
    const app = await appSignIn(s, contoso.snapshot.tenant.name)
    const { ca: _ca, ...withoutCa } = s.endpoints
    const client = new ExchangeClient({
      tokens: app,
      endpoints: withoutCa,
      tenant: contoso.snapshot.tenant.id,
      retry: { maxAttempts: 2 },
    })
    clients.push(client)
    const e = await failure(client.invokeCommand({ cmdlet: 'Get-TransportRule', params: {} }))
    expect(e.code).toBe('PASSAGE_E_NETWORK')
    expect(e.details).toMatchObject({ failure: 'tls' })
    expect(e.hint).toContain('CA')
    expect(process.env.NODE_TLS_REJECT_UNAUTHORIZED).toBeUndefined()
  })

  it('cannot sign in to the sandbox without its CA', async () => {
    const { ca: _ca, ...withoutCa } = s.endpoints
    const e = await failure(
      signInWithDeviceCode({
        endpoints: withoutCa,
        tenant: contoso.snapshot.tenant.name,
        onCode: () => {},
      }),
    )
    expect(e.code).toBe('PASSAGE_E_NETWORK')
  })
})

describe('faults', () => {
  it('retries through 429s, 503s and dropped connections until every read succeeds', async () => {
    const faulty = await sandbox('rate429=0.3,err5xx=0.2,drop=0.1')
    try {
      const t = faulty.sb.world.tenants[0]!
      const app = await appSignIn(faulty, t.snapshot.tenant.name)
      const events: TransportEvent[] = []
      const client = new ExchangeClient({
        tokens: app,
        endpoints: faulty.endpoints,
        tenant: t.snapshot.tenant.id,
        retry: { maxAttempts: 10, baseDelayMs: 5, maxDelayMs: 20, maxRetryAfterMs: 50 },
        onEvent: (e) => events.push(e),
      })
      clients.push(client)
      const results = await Promise.all(
        Array.from({ length: 12 }, () =>
          client.invokeCommand({ cmdlet: 'Get-HostedConnectionFilterPolicy', params: {} }),
        ),
      )
      expect(results.every((r) => r.length === 1)).toBe(true)
      const reasons = new Set(
        events.filter((e) => e.type === 'retry').map((e) => (e.type === 'retry' ? e.reason : '')),
      )
      expect(reasons.has(429)).toBe(true)
    } finally {
      await faulty.close()
    }
  }, 60_000)

  it('honours the sandbox’s Retry-After under a tight per-tenant budget', async () => {
    const faulty = await sandbox('budget=4/s')
    try {
      const t = faulty.sb.world.tenants[0]!
      const app = await appSignIn(faulty, t.snapshot.tenant.name)
      const waits: number[] = []
      const client = new ExchangeClient({
        tokens: app,
        endpoints: faulty.endpoints,
        tenant: t.snapshot.tenant.id,
        onEvent: (e) => {
          if (e.type === 'retry' && e.reason === 429) waits.push(e.waitMs)
        },
      })
      clients.push(client)
      const out = await client.batch(
        Array.from({ length: 8 }, () => ({ cmdlet: 'Get-TransportRule', params: {} })),
        { batchSize: 1 },
      )
      expect(out.every((o) => o.ok)).toBe(true)
      expect(waits.length).toBeGreaterThan(0)
      expect(Math.min(...waits)).toBeGreaterThanOrEqual(1000)
    } finally {
      await faulty.close()
    }
  }, 60_000)
})

/** The claims of a JWT (not verified: the sandbox issued it). */
const claimsOf = (jwt: string) =>
  JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<
    string,
    unknown
  >

describe('client.graph-client', () => {
  it('client.graph-client: asks Exchange of the Exchange Online PowerShell client and Graph of the Graph client, each with its own code', async () => {
    const t = contoso.snapshot.tenant
    const prompts: string[] = []
    const signedIn = await signInWithDeviceCode({
      endpoints: s.endpoints,
      tenant: t.name,
      onCode: (p) => {
        prompts.push('exchange')
        void approveDeviceCode(s, p.userCode, `exchange@${t.name}`)
      },
      onGraphCode: (p) => {
        prompts.push('graph')
        void approveDeviceCode(s, p.userCode, `exchange@${t.name}`)
      },
    })
    expect(signedIn.clientId).toBe(EXO_POWERSHELL_CLIENT_ID)
    expect(signedIn.graphClientId).toBe(GRAPH_CLI_CLIENT_ID)
    expect(claimsOf(await signedIn.getToken('exchange')).appid).toBe(EXO_POWERSHELL_CLIENT_ID)
    // Concurrent Graph calls share one sign-in.
    const [a, b] = await Promise.all([signedIn.getToken('graph'), signedIn.getToken('graph')])
    expect(claimsOf(a).appid).toBe(GRAPH_CLI_CLIENT_ID)
    expect(claimsOf(b).appid).toBe(GRAPH_CLI_CLIENT_ID)
    expect(prompts).toEqual(['exchange', 'graph'])
    const graph = new GraphClient({ tokens: signedIn, endpoints: s.endpoints })
    try {
      expect((await graph.licence()).licence).toBe(contoso.snapshot.licence)
    } finally {
      graph.close()
    }
  })

  it('client.graph-client: without a second code, Graph is refused (never asked of the Exchange client)', async () => {
    const t = contoso.snapshot.tenant
    const signedIn = await signInWithDeviceCode({
      endpoints: s.endpoints,
      tenant: t.name,
      onCode: (p) => void approveDeviceCode(s, p.userCode, `exchange@${t.name}`),
    })
    const e = await failure(signedIn.getToken('graph'))
    expect(e.code).toBe('PASSAGE_E_GRAPH_DENIED')
    expect(e.message).toContain(GRAPH_CLI_CLIENT_ID)
  })

  it('client.graph-client: the admin’s own app registration serves both APIs with one code', async () => {
    const t = contoso.snapshot.tenant
    const creds = createAppCredentials({ displayName: 'contoso own passage app' })
    s.sb.addApp(t.name, creds.app)
    let codes = 0
    const signedIn = await signInWithDeviceCode({
      endpoints: s.endpoints,
      tenant: t.name,
      clientId: creds.app.clientId,
      onCode: (p) => {
        codes++
        void approveDeviceCode(s, p.userCode, `exchange@${t.name}`)
      },
    })
    expect(signedIn.graphClientId).toBe(creds.app.clientId)
    expect(claimsOf(await signedIn.getToken('graph')).appid).toBe(creds.app.clientId)
    expect(codes).toBe(1)
  })

  it('client.graph-client: the sandbox refuses Graph to the Exchange Online PowerShell client', async () => {
    const t = contoso.snapshot.tenant
    const e = await failure(
      signInWithDeviceCode({
        endpoints: s.endpoints,
        tenant: t.name,
        graphClientId: EXO_POWERSHELL_CLIENT_ID,
        onCode: (p) => void approveDeviceCode(s, p.userCode, `exchange@${t.name}`),
      }).then((x) => x.getToken('graph')),
    )
    expect(e.message).toMatch(/AADSTS65002|preauthori/i)
  })
})
