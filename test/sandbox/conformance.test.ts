import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startSandbox, THROTTLE_TEXT, type RunningSandbox } from '../../src/sandbox/index.js'
import { call, errorDetail, GRAPH_SCOPE, invoke } from './helpers.js'
import { EOP, GW, P2, tokenCache, who, TEST_CERTS } from './fixtures.js'

// Conformance of the admin API's wire protocol (reference §1) over raw HTTPS.
let sb: RunningSandbox
const token = tokenCache(() => sb)

beforeAll(async () => {
  sb = await startSandbox({ certDir: TEST_CERTS })
})
afterAll(async () => {
  await sb?.close()
})

describe('GET /', () => {
  it('describes the tenants, admins and endpoints', async () => {
    const r = await call(sb, '/')
    expect(r.status).toBe(200)
    expect(r.json.name).toBe('passage sandbox')
    const contoso = r.json.tenants.find((t: { id: string }) => t.id === P2.id)
    expect(contoso).toMatchObject({ name: P2.name, licence: 'mdo-p2' })
    expect(contoso.admins).toContainEqual(
      expect.objectContaining({ upn: `admin@${P2.name}`, roles: ['Global Administrator'] }),
    )
    expect(r.json.endpoints.invokeCommand).toBe(`${sb.url}/adminapi/beta/{tenant}/InvokeCommand`)
  })
})

describe('authentication', () => {
  it('answers 401 with a WWW-Authenticate challenge without a token', async () => {
    const r = await invoke(sb, null, P2.id, 'Get-AcceptedDomain')
    expect(r.status).toBe(401)
    expect(String(r.headers['www-authenticate'])).toMatch(/^Bearer /)
    expect(r.json.error.code).toBe('Unauthorized')
    expect(r.json.error.message).toMatch(/Provide valid credential/)
  })

  it('refuses a malformed token', async () => {
    const r = await invoke(sb, 'not-a-jwt', P2.id, 'Get-AcceptedDomain')
    expect(r.status).toBe(401)
    expect(String(r.headers['www-authenticate'])).toMatch(/error="invalid_token"/)
  })

  it('refuses a Graph token (wrong audience)', async () => {
    const graph = await token(P2, who.global, GRAPH_SCOPE)
    const r = await invoke(sb, graph, P2.id, 'Get-AcceptedDomain')
    expect(r.status).toBe(401)
    expect(String(r.headers['www-authenticate'])).toMatch(/invalid_token/)
  })

  it("refuses another tenant's token", async () => {
    const other = await token(EOP, who.global)
    const byId = await invoke(sb, other, P2.id, 'Get-AcceptedDomain')
    expect(byId.status).toBe(401)
    const byName = await invoke(sb, other, P2.name, 'Get-AcceptedDomain')
    expect(byName.status).toBe(401)
  })

  it('accepts the tenant as GUID or onmicrosoft name, on beta and v1.0', async () => {
    const t = await token(P2, who.global)
    for (const url of [
      `/adminapi/beta/${P2.id}/InvokeCommand`,
      `/adminapi/beta/${P2.name}/InvokeCommand`,
      `/adminapi/v1.0/${P2.id}/InvokeCommand`,
    ]) {
      const r = await invoke(sb, t, P2.id, 'Get-AcceptedDomain', {}, { url })
      expect(r.status, url).toBe(200)
      expect(r.json['@odata.context']).toMatch(/\$metadata#/)
      expect(r.json.value.map((d: { DomainName: string }) => d.DomainName)).toContain('contoso.com')
    }
  })
})

describe('error shapes (reference §1.8)', () => {
  it('object not found: ExId|ManagementObjectNotFoundException|text', async () => {
    const t = await token(P2, who.global)
    const r = await invoke(sb, t, P2.id, 'Get-TransportRule', { Identity: 'No such rule' })
    expect(r.status).toBe(400)
    expect(r.json.error.code).toBe('InternalServerError')
    expect(r.json.error.message).toBe('Error executing cmdlet')
    expect(r.json.error.details).toHaveLength(1)
    expect(r.json.error.details[0].code).toBe('Client')
    const d = errorDetail(r)
    expect(d.exId).toMatch(/^Ex[0-9A-F]{6}$/)
    expect(d.type).toBe('Microsoft.Exchange.Configuration.Tasks.ManagementObjectNotFoundException')
    expect(d.text).toMatch(/couldn't be found/)
    expect(r.json.error.innererror.type).toMatch(/ODataServiceException/)
  })

  it('unknown parameter: ParameterBindingException', async () => {
    const t = await token(P2, who.global)
    const r = await invoke(sb, t, P2.id, 'Get-TransportRule', { Colour: 'blue' })
    expect(r.status).toBe(400)
    const d = errorDetail(r)
    expect(d.type).toBe('System.Management.Automation.ParameterBindingException')
    expect(d.text).toBe("A parameter cannot be found that matches parameter name 'Colour'.")
  })

  it('validation failure with Exchange wording', async () => {
    const t = await token(P2, who.global)
    const r = await invoke(sb, t, P2.id, 'New-TransportRule', { Name: 'x'.repeat(65) })
    expect(r.status).toBe(400)
    const d = errorDetail(r)
    expect(d.exId).toMatch(/^Ex/)
    expect(d.text).toMatch(/64/)
    const ipv6 = await invoke(sb, t, P2.id, 'Set-HostedConnectionFilterPolicy', {
      Identity: 'Default',
      IPAllowList: ['2001:db8::1'],
    })
    expect(ipv6.status).toBe(400)
    expect(errorDetail(ipv6).text.length).toBeGreaterThan(10)
  })

  it('an unknown cmdlet', async () => {
    const t = await token(P2, who.global)
    const r = await invoke(sb, t, P2.id, 'Get-Mailbox')
    expect(r.status).toBeGreaterThanOrEqual(400)
    expect(JSON.stringify(r.json.error)).toMatch(/Get-Mailbox/)
  })

  it('401 "User is not allowed to call" for a caller without the role', async () => {
    const user = await token(P2, who.user)
    const r = await invoke(sb, user, P2.id, 'Get-TransportRule')
    expect(r.status).toBe(401)
    expect(r.json).toMatchObject({
      error: {
        code: 'Unauthorized',
        message: 'User is not allowed to call Get-TransportRule',
        innererror: { type: 'Microsoft.Exchange.Admin.OData.Core.ODataServiceException' },
      },
    })
    const reader = await token(P2, who.reader)
    expect((await invoke(sb, reader, P2.id, 'Get-HostedConnectionFilterPolicy')).status).toBe(200)
    const write = await invoke(sb, reader, P2.id, 'Set-HostedConnectionFilterPolicy', {
      Identity: 'Default',
      EnableSafeList: false,
    })
    expect(write.status).toBe(401)
    expect(write.json.error.message).toBe(
      'User is not allowed to call Set-HostedConnectionFilterPolicy',
    )
  })

  it('a distinct failure when the user’s Exchange API access is disabled', async () => {
    const blocked = await token(P2, who.blocked)
    const r = await invoke(sb, blocked, P2.id, 'Get-TransportRule')
    expect(r.status).toBe(403)
    expect(r.json.error.code).not.toBe('Unauthorized')
    expect(r.json.error.message).toMatch(/disabled/i)
    const mf = await call(sb, `/adminapi/v1.0/${P2.id}/EXOModuleFile?Version=3.7.1`, {
      headers: { authorization: `Bearer ${blocked}`, commandname: '*' },
    })
    expect(mf.status).toBe(403)
  })

  it('400 for a body that is not a CmdletInput, and 404 for unknown paths', async () => {
    const t = await token(P2, who.global)
    const r = await call(sb, `/adminapi/beta/${P2.id}/InvokeCommand`, {
      headers: { authorization: `Bearer ${t}` },
      json: { Cmdlet: 'Get-TransportRule' },
    })
    expect(r.status).toBe(400)
    expect(r.json.error.code).toBe('BadRequest')
    const broken = await call(sb, `/adminapi/beta/${P2.id}/InvokeCommand`, {
      headers: { authorization: `Bearer ${t}`, 'content-type': 'application/json' },
      body: '{"CmdletInput":',
    })
    expect(broken.status).toBe(400)
    expect(broken.json.error).toBeDefined()
    const nope = await call(sb, `/adminapi/v2/${P2.id}/InvokeCommand`, {
      headers: { authorization: `Bearer ${t}` },
      json: {},
    })
    expect(nope.status).toBe(404)
  })
})

describe('paging and $select', () => {
  it('pages with Prefer: odata.maxpagesize and @odata.nextLink re-POSTed with the same body', async () => {
    const t = await token(GW, who.global)
    const all = await invoke(sb, t, GW.id, 'Get-TransportRule')
    expect(all.status).toBe(200)
    const total = all.json.value.length as number
    expect(total).toBeGreaterThan(25)
    expect(all.json['@odata.nextLink']).toBeUndefined()
    const names: string[] = []
    let url: string | undefined = `/adminapi/beta/${GW.id}/InvokeCommand`
    let pages = 0
    while (url) {
      const r = await invoke(
        sb,
        t,
        GW.id,
        'Get-TransportRule',
        {},
        { url, headers: { prefer: 'odata.maxpagesize=10' } },
      )
      expect(r.status).toBe(200)
      expect(r.headers['preference-applied']).toBe('odata.maxpagesize=10')
      expect(r.json.value.length).toBeLessThanOrEqual(10)
      names.push(...r.json.value.map((x: { Name: string }) => x.Name))
      url = r.json['@odata.nextLink']
      if (url) expect(url.startsWith(`${sb.url}/adminapi/beta/${GW.id}/InvokeCommand?`)).toBe(true)
      pages++
    }
    expect(pages).toBe(Math.ceil(total / 10))
    expect(names).toEqual(all.json.value.map((x: { Name: string }) => x.Name))
  })

  it('refuses a next link with another body', async () => {
    const t = await token(GW, who.global)
    const first = await invoke(
      sb,
      t,
      GW.id,
      'Get-TransportRule',
      {},
      { headers: { prefer: 'odata.maxpagesize=5' } },
    )
    const next = first.json['@odata.nextLink'] as string
    const r = await invoke(sb, t, GW.id, 'Get-TransportRule', { State: 'Enabled' }, { url: next })
    expect(r.status).toBe(400)
  })

  it('$select keeps only the named properties, also across pages', async () => {
    const t = await token(GW, who.global)
    const r = await invoke(
      sb,
      t,
      GW.id,
      'Get-TransportRule',
      {},
      { query: '?$select=Name,Priority', headers: { prefer: 'odata.maxpagesize=20' } },
    )
    expect(r.status).toBe(200)
    for (const o of r.json.value)
      expect(
        Object.keys(o)
          .filter((k) => !k.includes('@'))
          .sort(),
      ).toEqual(['Name', 'Priority'])
    const next = r.json['@odata.nextLink'] as string
    expect(next).toContain('%24select=Name%2CPriority')
    const r2 = await invoke(sb, t, GW.id, 'Get-TransportRule', {}, { url: next })
    expect(
      Object.keys(r2.json.value[0])
        .filter((k) => !k.includes('@'))
        .sort(),
    ).toEqual(['Name', 'Priority'])
  })
})

describe('$batch', () => {
  const item = (
    id: string,
    cmdlet: string,
    params: Record<string, unknown> = {},
    url?: string,
  ) => ({
    id,
    method: 'POST',
    url: url ?? `${sb.url}/adminapi/beta/${P2.id}/InvokeCommand`,
    body: { CmdletInput: { CmdletName: cmdlet, Parameters: params } },
    headers: { 'Content-Type': 'application/json' },
  })

  it('runs up to 10 requests and answers each in responses[]', async () => {
    const t = await token(P2, who.global)
    const r = await call(sb, `/adminapi/beta/${P2.id}/$batch`, {
      headers: { authorization: `Bearer ${t}`, prefer: 'odata.continue-on-error' },
      json: {
        requests: [
          item('1', 'Get-AcceptedDomain'),
          item('2', 'Get-TransportRule', { Identity: 'No such rule' }),
          item('3', 'Get-HostedConnectionFilterPolicy', {}, 'InvokeCommand?$select=Name'),
          ...['4', '5', '6', '7', '8', '9', '10'].map((id) => item(id, 'Get-AcceptedDomain')),
        ],
      },
    })
    expect(r.status).toBe(200)
    expect(r.json.responses).toHaveLength(10)
    const byId = Object.fromEntries(
      r.json.responses.map((x: { id: string }) => [x.id, x]),
    ) as Record<string, { status: number; body: { value?: unknown[]; error?: unknown } }>
    expect(byId['1']?.status).toBe(200)
    expect(byId['1']?.body.value?.length).toBeGreaterThan(0)
    expect(byId['2']?.status).toBe(400)
    expect(byId['2']?.body.error).toBeDefined()
    expect(byId['3']?.body.value?.[0]).toEqual({ Name: 'Default' })
  })

  it('stops at the first failure without odata.continue-on-error', async () => {
    const t = await token(P2, who.global)
    const r = await call(sb, `/adminapi/beta/${P2.id}/$batch`, {
      headers: { authorization: `Bearer ${t}` },
      json: {
        requests: [
          item('a', 'Get-TransportRule', { Identity: 'No such rule' }),
          item('b', 'Get-AcceptedDomain'),
        ],
      },
    })
    expect(r.status).toBe(200)
    expect(r.json.responses.map((x: { id: string }) => x.id)).toEqual(['a'])
  })

  it('rejects 11 requests with 400', async () => {
    const t = await token(P2, who.global)
    const r = await call(sb, `/adminapi/beta/${P2.id}/$batch`, {
      headers: { authorization: `Bearer ${t}` },
      json: {
        requests: Array.from({ length: 11 }, (_, i) => item(String(i + 1), 'Get-AcceptedDomain')),
      },
    })
    expect(r.status).toBe(400)
    expect(r.json.error.message).toMatch(/at most 10/)
  })

  it('needs a token, and refuses items for another tenant', async () => {
    const none = await call(sb, `/adminapi/beta/${P2.id}/$batch`, {
      json: { requests: [item('1', 'Get-AcceptedDomain')] },
    })
    expect(none.status).toBe(401)
    const t = await token(P2, who.global)
    const r = await call(sb, `/adminapi/beta/${P2.id}/$batch`, {
      headers: { authorization: `Bearer ${t}`, prefer: 'odata.continue-on-error' },
      json: {
        requests: [
          item('1', 'Get-AcceptedDomain', {}, `${sb.url}/adminapi/beta/${EOP.id}/InvokeCommand`),
        ],
      },
    })
    expect(r.json.responses[0].status).toBe(400)
  })
})

describe('EXOModuleFile', () => {
  const moduleFile = async (tenant: typeof P2, local: string) => {
    const t = await token(tenant, local)
    const r = await call(sb, `/adminapi/v1.0/${tenant.id}/EXOModuleFile?Version=3.7.1`, {
      headers: { authorization: `Bearer ${t}`, commandname: '*' },
    })
    expect(r.status).toBe(200)
    return (r.json.value[0].exportedCmdlets as string).split(',')
  }

  it('lists the cmdlets by licence and by role', async () => {
    const p2 = await moduleFile(P2, who.global)
    const eop = await moduleFile(EOP, who.global)
    const reader = await moduleFile(P2, who.reader)
    expect(p2).toContain('Get-SafeLinksPolicy')
    expect(p2).toContain('New-TransportRule')
    expect(eop).not.toContain('Get-SafeLinksPolicy')
    expect(eop).toContain('New-TransportRule')
    expect(reader).toContain('Get-TransportRule')
    expect(reader).not.toContain('New-TransportRule')
    expect(new Set(p2)).not.toEqual(new Set(eop))
  })
})

describe('throttling', () => {
  it('answers 429 with Retry-After and the per-tenant text when the budget is spent', async () => {
    const tight = await startSandbox({ certDir: TEST_CERTS, faults: 'budget=3/m' })
    try {
      const t = await tokenCache(() => tight)(P2, who.global)
      const statuses: number[] = []
      let last = null as Awaited<ReturnType<typeof invoke>> | null
      for (let i = 0; i < 5; i++) {
        last = await invoke(tight, t, P2.id, 'Get-AcceptedDomain')
        statuses.push(last.status)
      }
      expect(statuses).toEqual([200, 200, 200, 429, 429])
      expect(String(last?.headers['retry-after'])).toMatch(/^\d+$/)
      expect(Number(last?.headers['retry-after'])).toBeGreaterThanOrEqual(1)
      expect(last?.text).toContain(THROTTLE_TEXT)
      expect(last?.headers['rate-limit-remaining']).toBe('0')
      // Other tenants have their own budget; sign-in is not throttled.
      const other = await tokenCache(() => tight)(EOP, who.global)
      expect((await invoke(tight, other, EOP.id, 'Get-AcceptedDomain')).status).toBe(200)
    } finally {
      await tight.close()
    }
  })
})
