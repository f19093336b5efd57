/** `$batch` against a local HTTP peer: splitting, per-item outcomes, item retries, paging. */
import { afterEach, describe, expect, it } from 'vitest'
import type { CmdletCall } from '../core/cmdlet.js'
import {
  fixedTokens,
  page,
  recordingSleep,
  startPeer,
  TENANT,
  type Handler,
  type Peer,
} from '../../test/exchange/peer.js'
import { ExchangeClient } from './client.js'
import { Semaphore } from './semaphore.js'

let peer: Peer | null = null
let client: ExchangeClient | null = null
afterEach(async () => {
  client?.close()
  await peer?.close()
  peer = null
})

interface BatchReq {
  requests: {
    id: string
    method: string
    url: string
    body: { CmdletInput: { CmdletName: string; Parameters: Record<string, unknown> } }
    headers: Record<string, string>
  }[]
}

async function setup(handler: Handler) {
  peer = await startPeer(handler)
  const sleep = recordingSleep()
  client = new ExchangeClient({
    tokens: fixedTokens(),
    endpoints: { exchangeBase: peer.url },
    tenant: TENANT,
    sleep,
    random: () => 0.5,
    concurrency: new Semaphore(3),
  })
  return { peer, client, sleep }
}

const gets = (n: number): CmdletCall[] =>
  Array.from({ length: n }, (_, i) => ({
    cmdlet: 'Get-TransportRule',
    params: { Identity: `r${i}` },
  }))

/** Answers every item with its own Identity echoed back. */
const echo: Handler = (req) => {
  const body = req.json as BatchReq
  return {
    body: {
      responses: body.requests.map((r) => ({
        id: r.id,
        status: 200,
        headers: {},
        body: page([{ Name: r.body.CmdletInput.Parameters.Identity }]),
      })),
    },
  }
}

describe('$batch', () => {
  it('splits 23 calls into batches of 10, 10 and 3 and keeps the order of results', async () => {
    const { peer, client } = await setup(echo)
    const out = await client.batch(gets(23))
    expect(peer.received).toHaveLength(3)
    const sizes = peer.received
      .map((r) => (r.json as BatchReq).requests.length)
      .sort((a, b) => b - a)
    expect(sizes).toEqual([10, 10, 3])
    expect(out.map((o) => (o.ok ? o.objects[0]?.Name : null))).toEqual(
      gets(23).map((c) => c.params.Identity),
    )
    const first = peer.received[0]!
    expect(first.url).toBe(`/adminapi/beta/${TENANT}/$batch`)
    expect(first.headers.prefer).toContain('odata.continue-on-error')
    const item = (first.json as BatchReq).requests[0]!
    expect(item.method).toBe('POST')
    expect(item.url).toBe(`${peer.url}/adminapi/beta/${TENANT}/InvokeCommand`)
    expect(item.body.CmdletInput.CmdletName).toBe('Get-TransportRule')
  })

  it('client.batch-shape: items carry the headers CIPP sends; the outer request routes by parameter', async () => {
    const { peer, client } = await setup(echo)
    await client.batch([
      { cmdlet: 'Get-TransportRule', params: { Identity: 'a' } },
      { cmdlet: 'Get-HostedConnectionFilterPolicy', params: {} },
    ])
    const outer = peer.received[0]!
    // CIPP New-ExoBulkRequest.ps1: Prefer values joined with ';', parameter-based-routing true.
    expect(outer.headers.prefer).toBe('odata.maxpagesize=1000;odata.continue-on-error')
    expect(outer.headers['parameter-based-routing']).toBe('true')
    const items = (outer.json as BatchReq).requests
    expect(items.map((i) => i.headers['X-CmdletName'])).toEqual([
      'Get-TransportRule',
      'Get-HostedConnectionFilterPolicy',
    ])
    for (const i of items) {
      expect(i.headers['X-AnchorMailbox']).toBe(outer.headers['x-anchormailbox'])
      expect(i.headers['X-AnchorMailbox']).toBeTruthy()
      expect(i.headers.Prefer).toBe('odata.maxpagesize=1000;odata.continue-on-error')
      expect(i.headers['parameter-based-routing']).toBe('true')
      expect(i.headers.Accept).toBe('application/json; odata.metadata=minimal')
      expect(i.headers['Accept-Encoding']).toBe('gzip')
      // The token travels once, on the outer request, never inside the body.
      expect(Object.keys(i.headers).map((k) => k.toLowerCase())).not.toContain('authorization')
    }
    expect(JSON.stringify(outer.json)).not.toMatch(/Bearer/i)
  })

  it('honours a smaller batch size', async () => {
    const { peer, client } = await setup(echo)
    await client.batch(gets(5), { batchSize: 2 })
    expect(peer.received.map((r) => (r.json as BatchReq).requests.length).sort()).toEqual([1, 2, 2])
  })

  it('gives each item its own outcome: one not found, the others fine', async () => {
    const { client } = await setup((req) => {
      const body = req.json as BatchReq
      return {
        body: {
          responses: body.requests.map((r) =>
            r.id === '1'
              ? {
                  id: r.id,
                  status: 400,
                  headers: {},
                  body: {
                    error: {
                      code: 'InternalServerError',
                      message: 'Error executing cmdlet',
                      details: [
                        {
                          message:
                            "ExBDDC58|Microsoft.Exchange.Configuration.Tasks.ManagementObjectNotFoundException|The operation couldn't be performed because object 'r1' couldn't be found on 'DC'.",
                        },
                      ],
                    },
                  },
                }
              : { id: r.id, status: 200, headers: {}, body: page([{ Name: 'x' }]) },
          ),
        },
      }
    })
    const out = await client.batch(gets(3))
    expect(out[0]?.ok).toBe(true)
    expect(out[2]?.ok).toBe(true)
    const bad = out[1]
    expect(bad?.ok).toBe(false)
    if (bad && !bad.ok) {
      expect(bad.error.code).toBe('PASSAGE_E_EXO_NOT_FOUND')
      expect(bad.error.details).toMatchObject({ exId: 'ExBDDC58', cmdlet: 'Get-TransportRule' })
    }
  })

  it('sends throttled and missing items again in a later batch, after Retry-After', async () => {
    const { peer, client, sleep } = await setup((req, n) => {
      const body = req.json as BatchReq
      if (n === 1)
        return {
          body: {
            responses: [
              {
                id: body.requests[0]!.id,
                status: 200,
                headers: {},
                body: page([{ Name: 'first' }]),
              },
              {
                id: body.requests[1]!.id,
                status: 429,
                headers: { 'Retry-After': '3' },
                body: { error: { code: 'TooManyRequests' } },
              },
              // the third is missing: the service stopped
            ],
          },
        }
      return echo(req, n)
    })
    const out = await client.batch(gets(3))
    expect(out.every((o) => o.ok)).toBe(true)
    expect(peer.received).toHaveLength(2)
    expect((peer.received[1]!.json as BatchReq).requests.map((r) => r.id)).toEqual(['1', '2'])
    expect(sleep.waits).toEqual([3000])
  })

  it('follows an item’s next link with InvokeCommand', async () => {
    let base = ''
    const { peer, client } = await setup((req) => {
      if (req.url.endsWith('$batch'))
        return {
          body: {
            responses: [
              {
                id: '0',
                status: 200,
                headers: {},
                body: page([{ Name: 'p1' }], {
                  '@odata.nextLink': `${base}/adminapi/beta/${TENANT}/InvokeCommand?$skiptoken=2`,
                }),
              },
            ],
          },
        }
      return { body: page([{ Name: 'p2' }]) }
    })
    base = peer.url
    const [only] = await client.batch([{ cmdlet: 'Get-TransportRule', params: {} }])
    expect(only).toEqual({ ok: true, objects: [{ Name: 'p1' }, { Name: 'p2' }], warnings: [] })
    expect(peer.received[1]!.json).toEqual({
      CmdletInput: { CmdletName: 'Get-TransportRule', Parameters: {} },
    })
  })

  it('tells each item’s first page before its further pages are followed, and a failure as null', async () => {
    let base = ''
    const told: string[] = []
    let release: () => void = () => {}
    const held = new Promise<void>((r) => (release = r))
    const { peer, client } = await setup(async (req) => {
      if (req.url.endsWith('$batch'))
        return {
          body: {
            responses: [
              {
                id: '0',
                status: 200,
                headers: {},
                body: page([{ Name: 'p1' }], {
                  '@odata.nextLink': `${base}/adminapi/beta/${TENANT}/InvokeCommand?$skiptoken=2`,
                }),
              },
              { id: '1', status: 200, headers: {}, body: page([{ Name: 'q1' }]) },
              {
                id: '2',
                status: 404,
                headers: {},
                body: { error: { code: 'NotFound', message: "couldn't be found" } },
              },
            ],
          },
        }
      // The further page waits until the first answers were told.
      await held
      told.push('page 2 answered')
      return { body: page([{ Name: 'p2' }]) }
    })
    base = peer.url
    const done = client.batch(gets(3), {
      onFirstAnswer: (i, objects) => {
        told.push(`${i}: ${objects === null ? 'failed' : objects.map((o) => o.Name).join(',')}`)
        if (told.length === 2) release()
      },
    })
    const out = await done
    // Both successes were told from their first page while item 0's second page was pending;
    // the failure once the batch was done with it.
    expect(told).toEqual(['0: p1', '1: q1', 'page 2 answered', '2: failed'])
    expect(out[0]).toEqual({ ok: true, objects: [{ Name: 'p1' }, { Name: 'p2' }], warnings: [] })
  })

  it('fails every item of a batch that fails as a whole', async () => {
    const { client } = await setup(() => ({
      status: 403,
      body: {
        error: { code: 'Forbidden', message: 'User is not allowed to call Get-TransportRule' },
      },
    }))
    const out = await client.batch(gets(2))
    expect(out.map((o) => (o.ok ? 'ok' : o.error.code))).toEqual([
      'PASSAGE_E_EXO_ROLE_MISSING',
      'PASSAGE_E_EXO_ROLE_MISSING',
    ])
  })

  it('a write batch whose connection drops: its Set items go again, its New items may have run', async () => {
    const { peer, client } = await setup((req, n) => (n === 1 ? 'drop' : echo(req, n)))
    const out = await client.batch([
      { cmdlet: 'Set-TransportRule', params: { Identity: 'a' } },
      { cmdlet: 'New-TransportRule', params: { Identity: 'b' } },
    ])
    // Sent once (it holds a write), then the Set item alone.
    expect(peer.received).toHaveLength(2)
    expect((peer.received[1]!.json as BatchReq).requests.map((r) => r.id)).toEqual(['0'])
    expect(out[0]).toMatchObject({ ok: true, objects: [{ Name: 'a' }] })
    const lost = out[1]
    expect(lost?.ok).toBe(false)
    if (lost && !lost.ok) {
      expect(lost.error.code).toBe('PASSAGE_E_NETWORK')
      expect(lost.error.details?.mayHaveRun).toBe(true)
    }
  })

  it('strips annotations from every page by default; keepAnnotations leaves them, on every page', async () => {
    let base = ''
    const annotated = (name: string) => ({
      Name: name,
      'Guid@odata.type': '#Guid',
      Guid: 'g',
      'Guid@data.type': 'System.Guid',
      Comments: null,
    })
    const { peer } = await setup((req) => {
      if (req.url.endsWith('$batch'))
        return {
          body: {
            responses: (req.json as BatchReq).requests.map((r) => ({
              id: r.id,
              status: 200,
              headers: {},
              body: page([annotated('p1')], {
                '@odata.nextLink': `${base}/adminapi/beta/${TENANT}/InvokeCommand?$skiptoken=2`,
              }),
            })),
          },
        }
      return { body: page([annotated('p2')]) }
    })
    base = peer.url
    const call = [{ cmdlet: 'Get-TransportRule', params: {} }]
    // Only `@odata.` annotations go (reference §1.7); empty properties are the caller's affair.
    const stripped = (name: string) => ({
      Name: name,
      Guid: 'g',
      'Guid@data.type': 'System.Guid',
      Comments: null,
    })
    expect(await client!.batch(call)).toEqual([
      { ok: true, objects: [stripped('p1'), stripped('p2')], warnings: [] },
    ])
    expect(await client!.batch(call, { keepAnnotations: true })).toEqual([
      { ok: true, objects: [annotated('p1'), annotated('p2')], warnings: [] },
    ])
  })

  it('returns nothing for no calls, without a request', async () => {
    const { peer, client } = await setup(echo)
    expect(await client.batch([])).toEqual([])
    expect(peer.received).toHaveLength(0)
  })
})
