/**
 * The admin API client against a local HTTP peer: headers, body, paging, retries and backoff,
 * time-outs, the concurrency cap, token refresh and regional redirects.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { hashtable, SWITCH, utcDate } from '../core/cmdlet.js'
import { isPassageError, PassageError } from '../core/errors/index.js'
import {
  fixedTokens,
  page,
  recordingSleep,
  startPeer,
  TENANT,
  type Handler,
  type Peer,
} from '../../test/exchange/peer.js'
import { APP_ANCHOR_MAILBOX, ExchangeClient, type ExchangeClientOptions } from './client.js'
import { Semaphore } from './semaphore.js'

let peers: Peer[] = []
const clients: ExchangeClient[] = []
afterEach(async () => {
  for (const c of clients.splice(0)) c.close()
  await Promise.all(peers.map((p) => p.close()))
  peers = []
})

async function setup(handler: Handler, opts: Partial<ExchangeClientOptions> = {}) {
  const peer = await startPeer(handler)
  peers.push(peer)
  const sleep = recordingSleep()
  const tokens = fixedTokens()
  const client = new ExchangeClient({
    tokens,
    endpoints: { exchangeBase: peer.url, graphBase: peer.url, authority: peer.url },
    tenant: TENANT,
    sleep,
    random: () => 0.5,
    concurrency: new Semaphore(3),
    ...opts,
  })
  clients.push(client)
  return { peer, client, sleep, tokens }
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

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/

describe('InvokeCommand request', () => {
  it('POSTs the CmdletInput body with the headers real clients send', async () => {
    const { peer, client, tokens } = await setup(() => ({ body: page([{ Name: 'Default' }]) }))
    const out = await client.invokeCommand({
      cmdlet: 'Set-HostedConnectionFilterPolicy',
      params: {
        Identity: 'Default',
        IPAllowList: hashtable(['192.0.2.10'], ['192.0.2.9']),
        EnableSafeList: false,
      },
    })
    expect(out).toEqual([{ Name: 'Default' }])
    const r = peer.received[0]!
    expect(r.method).toBe('POST')
    expect(r.url).toBe(`/adminapi/beta/${TENANT}/InvokeCommand`)
    expect(r.json).toEqual({
      CmdletInput: {
        CmdletName: 'Set-HostedConnectionFilterPolicy',
        Parameters: {
          Identity: 'Default',
          IPAllowList: {
            '@odata.type': '#Exchange.GenericHashTable',
            Add: ['192.0.2.10'],
            Remove: ['192.0.2.9'],
          },
          EnableSafeList: false,
        },
      },
    })
    expect(r.headers.authorization).toBe(`Bearer ${tokens.token}`)
    expect(r.headers['content-type']).toBe('application/json')
    expect(r.headers['x-responseformat']).toBe('json')
    expect(r.headers['x-anchormailbox']).toBe('UPN:admin@contoso.onmicrosoft.com')
    expect(r.headers.prefer).toBe('odata.maxpagesize=1000')
    expect(r.headers['client-request-id']).toMatch(GUID)
    expect(r.headers['connection-id']).toMatch(GUID)
    expect(r.headers['x-cmdletname']).toBe('Set-HostedConnectionFilterPolicy')
  })

  it('sends switches as true, lists as arrays and dates as UTC text; $select in the URL', async () => {
    const { peer, client } = await setup(() => ({ body: page([]) }))
    await client.invokeCommand(
      {
        cmdlet: 'New-TenantAllowBlockListItems',
        params: {
          ListType: 'Sender',
          Entries: ['vendor.example'],
          Allow: SWITCH,
          ExpirationDate: utcDate('2026-09-30T12:00:00+02:00'),
        },
      },
      { select: ['Identity', 'Value'] },
    )
    const r = peer.received[0]!
    expect(r.url).toBe(`/adminapi/beta/${TENANT}/InvokeCommand?$select=Identity,Value`)
    expect((r.json as { CmdletInput: { Parameters: unknown } }).CmdletInput.Parameters).toEqual({
      ListType: 'Sender',
      Entries: ['vendor.example'],
      Allow: true,
      ExpirationDate: '2026-09-30T10:00:00Z',
    })
  })

  it('anchors app-only tokens on the system mailbox and takes the tenant from the token', async () => {
    const { peer, client } = await setup(() => ({ body: page([]) }), {
      tokens: fixedTokens({ tid: TENANT, roles: ['Exchange.ManageAsApp'] }),
      tenant: undefined,
    })
    await client.invokeCommand({ cmdlet: 'Get-TransportRule', params: {} })
    const r = peer.received[0]!
    expect(r.url).toBe(`/adminapi/beta/${TENANT}/InvokeCommand`)
    expect(r.headers['x-anchormailbox']).toBe(`APP:${APP_ANCHOR_MAILBOX}@${TENANT}`)
  })

  it('leaves X-AnchorMailbox out when asked (null)', async () => {
    const { peer, client } = await setup(() => ({ body: page([]) }), { anchor: null })
    await client.invokeCommand({ cmdlet: 'Get-TransportRule', params: {} })
    expect(peer.received[0]!.headers['x-anchormailbox']).toBeUndefined()
  })
})

describe('paging', () => {
  it('re-POSTs the same body to @odata.nextLink until there is none, stripping annotations', async () => {
    let base = ''
    const { peer, client } = await setup((_req, n) => {
      if (n === 1)
        return {
          body: page([{ Name: 'r1', 'Priority@odata.type': '#Int32', Priority: 0 }], {
            '@odata.nextLink': `${base}/adminapi/beta/${TENANT}/InvokeCommand?$skiptoken=a`,
          }),
        }
      if (n === 2)
        return {
          body: page([{ Name: 'r2' }], {
            'odata.nextLink': `${base}/adminapi/beta/${TENANT}/InvokeCommand?$skiptoken=b`,
            '@adminapi.warnings': ['careful'],
          }),
        }
      return { body: page([{ Name: 'r3' }]) }
    })
    base = peer.url
    const r = await client.invoke({ cmdlet: 'Get-TransportRule', params: { State: 'Enabled' } })
    expect(r.objects).toEqual([{ Name: 'r1', Priority: 0 }, { Name: 'r2' }, { Name: 'r3' }])
    expect(r.warnings).toEqual(['careful'])
    expect(peer.received.map((q) => q.url)).toEqual([
      `/adminapi/beta/${TENANT}/InvokeCommand`,
      `/adminapi/beta/${TENANT}/InvokeCommand?$skiptoken=a`,
      `/adminapi/beta/${TENANT}/InvokeCommand?$skiptoken=b`,
    ])
    expect(new Set(peer.received.map((q) => q.body)).size).toBe(1)
  })

  it('never sends the token to a next link on another host', async () => {
    const { peer, client } = await setup(() => ({
      body: page([{ Name: 'a' }], { '@odata.nextLink': 'http://evil.example/steal' }),
    }))
    const e = await failure(client.invokeCommand({ cmdlet: 'Get-TransportRule', params: {} }))
    expect(e.code).toBe('PASSAGE_E_EXO_FAILED')
    expect(peer.received).toHaveLength(1)
  })

  it('stops a next link that loops', async () => {
    let base = ''
    const { peer, client } = await setup(() => ({
      body: page([{}], { '@odata.nextLink': `${base}/adminapi/beta/${TENANT}/InvokeCommand?x=1` }),
    }))
    base = peer.url
    const e = await failure(client.invokeCommand({ cmdlet: 'Get-TransportRule', params: {} }))
    expect(e.code).toBe('PASSAGE_E_EXO_FAILED')
    expect(peer.received.length).toBeLessThan(5)
  })

  it('returns warnings when value is null', async () => {
    const { client } = await setup(() => ({
      body: { value: null, '@adminapi.warnings': ['No changes were made'] },
    }))
    const r = await client.invoke({ cmdlet: 'Set-HostedContentFilterPolicy', params: {} })
    expect(r).toEqual({ objects: [], warnings: ['No changes were made'] })
  })
})

describe('retries', () => {
  it('honours Retry-After on 429, then succeeds', async () => {
    const { peer, client, sleep } = await setup((_r, n) =>
      n < 3
        ? {
            status: 429,
            headers: { 'retry-after': '7' },
            body: { error: { code: 'TooManyRequests' } },
          }
        : { body: page([{ Name: 'ok' }]) },
    )
    expect(await client.invokeCommand({ cmdlet: 'Get-TransportRule', params: {} })).toEqual([
      { Name: 'ok' },
    ])
    expect(peer.received).toHaveLength(3)
    // 7 s plus jitter of at most 10 % (random 0.5 -> 350 ms).
    expect(sleep.waits).toEqual([7350, 7350])
  })

  it('retries the plain-text "concurrent requests per tenant" answer with backoff', async () => {
    const { client, sleep } = await setup((_r, n) =>
      n === 1
        ? {
            status: 500,
            body: 'You have reached the maximum number of concurrent requests per tenant. Please wait and try again',
          }
        : { body: page([]) },
    )
    await client.invokeCommand({ cmdlet: 'New-TransportRule', params: { Name: 'x' } })
    // Backoff 1 s with equal jitter at random 0.5: 750 ms.
    expect(sleep.waits).toEqual([750])
  })

  it('backs off exponentially (capped) on 503 and 408, and gives up after maxAttempts', async () => {
    const { peer, client, sleep } = await setup(
      (_r, n) => ({
        status: n % 2 ? 503 : 408,
        body: { error: { code: 'ServiceUnavailable', message: 'busy' } },
      }),
      { retry: { maxAttempts: 5, baseDelayMs: 1000, maxDelayMs: 4000 } },
    )
    const e = await failure(client.invokeCommand({ cmdlet: 'Get-TransportRule', params: {} }))
    expect(peer.received).toHaveLength(5)
    expect(sleep.waits).toEqual([750, 1500, 3000, 3000])
    expect(e.code).toBe('PASSAGE_E_EXO_FAILED')
    expect(e.details).toMatchObject({ status: 503, cmdlet: 'Get-TransportRule' })
  })

  it('ends in PASSAGE_E_THROTTLED when 429 persists', async () => {
    const { peer, client } = await setup(
      () => ({ status: 429, body: { error: { code: 'TooManyRequests' } } }),
      {
        retry: { maxAttempts: 3 },
      },
    )
    const e = await failure(client.invokeCommand({ cmdlet: 'Get-TransportRule', params: {} }))
    expect(e.code).toBe('PASSAGE_E_THROTTLED')
    expect(e.kind).toBe('remote')
    expect(peer.received).toHaveLength(3)
  })

  it('retries a 500 for a read, not for a New-* (which may have run)', async () => {
    const err = { status: 500, body: { error: { code: 'InternalServerError', message: 'boom' } } }
    const read = await setup((_r, n) => (n === 1 ? err : { body: page([]) }))
    await read.client.invokeCommand({ cmdlet: 'Get-TransportRule', params: {} })
    expect(read.peer.received).toHaveLength(2)

    const write = await setup(() => err)
    const e = await failure(
      write.client.invokeCommand({ cmdlet: 'New-TransportRule', params: { Name: 'x' } }),
    )
    expect(write.peer.received).toHaveLength(1)
    expect(e.code).toBe('PASSAGE_E_EXO_FAILED')
    expect(e.details).toMatchObject({ mayHaveRun: true })
  })

  it('does not retry a cmdlet error, whatever its status', async () => {
    const { peer, client } = await setup(() => ({
      status: 500,
      body: {
        error: {
          code: 'InternalServerError',
          message: 'Error executing cmdlet',
          details: [
            {
              code: 'Client',
              target: '',
              message:
                "Ex6F9304|Microsoft.Exchange.Configuration.Tasks.ManagementObjectNotFoundException|The operation couldn't be performed because object 'x' couldn't be found on 'DC1'.",
            },
          ],
        },
      },
    }))
    const e = await failure(
      client.invokeCommand({ cmdlet: 'Get-TransportRule', params: { Identity: 'x' } }),
    )
    expect(e.code).toBe('PASSAGE_E_EXO_NOT_FOUND')
    expect(peer.received).toHaveLength(1)
  })

  it('retries a dropped connection for a read', async () => {
    const { peer, client, sleep } = await setup((_r, n) =>
      n === 1 ? 'drop' : { body: page([{ a: 1 }]) },
    )
    expect(await client.invokeCommand({ cmdlet: 'Get-TransportRule', params: {} })).toEqual([
      { a: 1 },
    ])
    expect(peer.received).toHaveLength(2)
    expect(sleep.waits).toHaveLength(1)
  })

  it('reports a dropped connection on a New-* as PASSAGE_E_NETWORK that may have run', async () => {
    const { peer, client } = await setup(() => 'drop')
    const e = await failure(
      client.invokeCommand({ cmdlet: 'New-TransportRule', params: { Name: 'x' } }),
    )
    expect(e.code).toBe('PASSAGE_E_NETWORK')
    expect(e.details).toMatchObject({ mayHaveRun: true })
    expect(peer.received).toHaveLength(1)
  })

  it('retries after a connection refused, then reports PASSAGE_E_NETWORK', async () => {
    const { peer, client, sleep } = await setup(() => ({ body: page([]) }), {
      retry: { maxAttempts: 3 },
    })
    await peer.close()
    const e = await failure(
      client.invokeCommand({ cmdlet: 'New-TransportRule', params: { Name: 'x' } }),
    )
    expect(e.code).toBe('PASSAGE_E_NETWORK')
    expect(e.details).toMatchObject({ failure: 'connect', attempts: 3 })
    expect(sleep.waits).toHaveLength(2)
  })

  it('refreshes the token once when Exchange refuses it', async () => {
    const { peer, client, tokens } = await setup((_r, n) =>
      n === 1
        ? {
            status: 401,
            body: { error: { code: 'Unauthorized', message: 'Provide valid credential.' } },
          }
        : { body: page([]) },
    )
    await client.invokeCommand({ cmdlet: 'Get-TransportRule', params: {} })
    expect(tokens.refreshes).toBe(1)
    expect(peer.received[1]!.headers.authorization).toBe(`Bearer ${tokens.token}`)
    expect(peer.received[0]!.headers.authorization).not.toBe(
      peer.received[1]!.headers.authorization,
    )
  })
})

describe('time-outs and cancellation', () => {
  it('times out a slow attempt, retries it, and reports PASSAGE_E_NETWORK at the end', async () => {
    const { peer, client } = await setup(() => ({ delayMs: 400, body: page([]) }), {
      timeoutMs: 50,
      retry: { maxAttempts: 2 },
    })
    const e = await failure(client.invokeCommand({ cmdlet: 'Get-TransportRule', params: {} }))
    expect(e.code).toBe('PASSAGE_E_NETWORK')
    expect(e.details).toMatchObject({ failure: 'timeout' })
    expect(peer.received).toHaveLength(2)
  })

  it('stops at once when the caller aborts', async () => {
    const { client } = await setup(() => ({ delayMs: 2000, body: page([]) }))
    const ac = new AbortController()
    setTimeout(() => ac.abort(), 30)
    const started = Date.now()
    const e = await failure(
      client.invokeCommand({ cmdlet: 'Get-TransportRule', params: {} }, { signal: ac.signal }),
    )
    expect(e.code).toBe('PASSAGE_E_NETWORK')
    expect(Date.now() - started).toBeLessThan(1000)
  })
})

describe('concurrency cap', () => {
  it('keeps at most N requests in flight for the tenant', async () => {
    const { peer, client } = await setup(() => ({ delayMs: 30, body: page([]) }), {
      concurrency: new Semaphore(2),
    })
    await Promise.all(
      Array.from({ length: 8 }, () =>
        client.invokeCommand({ cmdlet: 'Get-TransportRule', params: {} }),
      ),
    )
    expect(peer.received).toHaveLength(8)
    expect(peer.maxInFlight).toBe(2)
  })

  it('defaults to 3 per tenant, shared by clients of the same tenant', async () => {
    const peer = await startPeer(() => ({ delayMs: 30, body: page([]) }))
    peers.push(peer)
    const make = () =>
      new ExchangeClient({
        tokens: fixedTokens(),
        endpoints: { exchangeBase: peer.url },
        tenant: 'shared.onmicrosoft.com',
      })
    const a = make()
    const b = make()
    clients.push(a, b)
    await Promise.all(
      [a, b].flatMap((c) =>
        Array.from({ length: 5 }, () =>
          c.invokeCommand({ cmdlet: 'Get-TransportRule', params: {} }),
        ),
      ),
    )
    expect(peer.maxInFlight).toBe(3)
  })
})

describe('regional redirect', () => {
  it('follows a 302 to the same service, keeps the bearer token and pins the host', async () => {
    const regional = await startPeer(() => ({ body: page([{ r: 1 }]) }))
    peers.push(regional)
    const { peer, client, tokens } = await setup(() => ({
      status: 302,
      headers: { location: `${regional.url}/adminapi/beta/${TENANT}/InvokeCommand` },
    }))
    expect(await client.invokeCommand({ cmdlet: 'Get-TransportRule', params: {} })).toEqual([
      { r: 1 },
    ])
    await client.invokeCommand({ cmdlet: 'Get-TransportRule', params: {} })
    expect(peer.received).toHaveLength(1)
    expect(regional.received).toHaveLength(2)
    expect(regional.received[0]!.headers.authorization).toBe(`Bearer ${tokens.token}`)
    expect(regional.received[0]!.body).toBe(peer.received[0]!.body)
  })

  it('refuses a redirect to another host', async () => {
    const { client } = await setup(() => ({
      status: 302,
      headers: { location: 'http://elsewhere.example/adminapi/beta/x/InvokeCommand' },
      body: { error: { code: 'Found', message: 'moved' } },
    }))
    const e = await failure(client.invokeCommand({ cmdlet: 'Get-TransportRule', params: {} }))
    expect(e.kind).toBe('remote')
  })
})

describe('EXOModuleFile', () => {
  it('lists the cmdlets available to this admin', async () => {
    const { peer, client } = await setup(() => ({
      body: {
        value: [{ exportedCmdlets: 'Get-TransportRule, Get-SafeLinksPolicy,New-TransportRule' }],
      },
    }))
    expect(await client.availableCmdlets()).toEqual([
      'Get-TransportRule',
      'Get-SafeLinksPolicy',
      'New-TransportRule',
    ])
    const r = peer.received[0]!
    expect(r.method).toBe('GET')
    expect(r.url).toBe(`/adminapi/v1.0/${TENANT}/EXOModuleFile?Version=3.7.1`)
    expect(r.headers.commandname).toBe('*')
  })
})

describe('secrets', () => {
  it('puts no token in errors', async () => {
    const { client, tokens } = await setup(() => ({
      status: 401,
      body: { error: { code: 'Unauthorized', message: 'User is not allowed to call Get-Mailbox' } },
    }))
    const e = await failure(client.invokeCommand({ cmdlet: 'Get-Mailbox', params: {} }))
    expect(isPassageError(e, 'PASSAGE_E_EXO_ROLE_MISSING')).toBe(true)
    const text = JSON.stringify({ ...e.toJSON(), stack: e.stack })
    expect(text).not.toContain(tokens.token)
    expect(text).not.toContain('Bearer')
  })
})

describe('cancellation while queued', () => {
  it('reports a call cancelled while waiting for a slot as PASSAGE_E_NETWORK', async () => {
    const { client } = await setup(() => ({ delayMs: 300, body: page([]) }), {
      concurrency: new Semaphore(1),
    })
    const busy = client.invokeCommand({ cmdlet: 'Get-TransportRule', params: {} })
    const ac = new AbortController()
    const queued = client.invokeCommand(
      { cmdlet: 'Get-TransportRule', params: {} },
      { signal: ac.signal },
    )
    setTimeout(() => ac.abort(), 20)
    const e = await failure(queued)
    expect(e.code).toBe('PASSAGE_E_NETWORK')
    await busy
  })
})
