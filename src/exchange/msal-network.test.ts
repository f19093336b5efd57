/** msal's network module on passage's HTTP client: JSON bodies, and slow_down while polling. */
import { afterEach, describe, expect, it } from 'vitest'
import { recordingSleep, startPeer, type Peer } from '../../test/exchange/peer.js'
import { createHttpClient } from './http.js'
import { msalNetworkModule, SIGNIN_RETRY, type DiscoveryRefusal } from './msal-network.js'

let peer: Peer | null = null
afterEach(async () => {
  await peer?.close()
  peer = null
})

const POLL = 'grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Adevice_code&device_code=x'

describe('msalNetworkModule', () => {
  it('returns status, headers and the parsed body', async () => {
    peer = await startPeer(() => ({ headers: { 'x-ms-request-id': 'r' }, body: { a: 1 } }))
    const net = msalNetworkModule(createHttpClient())
    const r = await net.sendGetRequestAsync<{ a: number }>(`${peer.url}/x`)
    expect(r.status).toBe(200)
    expect(r.body).toEqual({ a: 1 })
    expect(r.headers['x-ms-request-id']).toBe('r')
  })

  it('waits 5 s more at each slow_down and polls again (RFC 8628 §3.5)', async () => {
    peer = await startPeer((_r, n) =>
      n <= 2
        ? { status: 400, body: { error: 'slow_down' } }
        : { status: 400, body: { error: 'authorization_pending' } },
    )
    const sleep = recordingSleep()
    const net = msalNetworkModule(createHttpClient(), { sleep })
    const r = await net.sendPostRequestAsync<{ error: string }>(`${peer.url}/token`, { body: POLL })
    expect(r.body.error).toBe('authorization_pending')
    expect(sleep.waits).toEqual([5000, 10000])
    // Later polls keep the longer interval.
    await net.sendPostRequestAsync(`${peer.url}/token`, { body: POLL })
    expect(sleep.waits).toEqual([5000, 10000, 10000])
  })

  it('leaves other POSTs alone', async () => {
    peer = await startPeer(() => ({ status: 400, body: { error: 'slow_down' } }))
    const sleep = recordingSleep()
    const net = msalNetworkModule(createHttpClient(), { sleep })
    const r = await net.sendPostRequestAsync<{ error: string }>(`${peer.url}/token`, {
      body: 'grant_type=refresh_token',
    })
    expect(r.body.error).toBe('slow_down')
    expect(sleep.waits).toEqual([])
  })

  it('turns a body that is not JSON into an error msal can read', async () => {
    peer = await startPeer(() => ({ status: 502, body: 'Bad gateway' }))
    const net = msalNetworkModule(createHttpClient(), { sleep: recordingSleep() })
    const r = await net.sendGetRequestAsync<{ error: string }>(`${peer.url}/x`)
    expect(r.body.error).toBe('invalid_response')
    // Tried again as the admin API is, then given up on.
    expect(peer.received).toHaveLength(SIGNIN_RETRY.maxAttempts)
  })

  it('tries sign-in again after a 5xx or a dropped connection (OpenID discovery, token)', async () => {
    peer = await startPeer((_r, n) =>
      n === 1 ? { status: 503, body: 'busy' } : n === 2 ? 'drop' : { body: { ok: true } },
    )
    const sleep = recordingSleep()
    const net = msalNetworkModule(createHttpClient(), { sleep, random: () => 1 })
    const r = await net.sendGetRequestAsync<{ ok: boolean }>(`${peer.url}/.well-known/openid`)
    expect(r.body.ok).toBe(true)
    expect(peer.received).toHaveLength(3)
    expect(sleep.waits).toEqual([500, 1000])
  })

  it('honours Retry-After on a 429, and returns a final answer at once', async () => {
    peer = await startPeer((_r, n) =>
      n === 1
        ? { status: 429, headers: { 'retry-after': '2' }, body: {} }
        : { status: 400, body: { error: 'invalid_grant' } },
    )
    const sleep = recordingSleep()
    const net = msalNetworkModule(createHttpClient(), { sleep })
    const r = await net.sendPostRequestAsync<{ error: string }>(`${peer.url}/token`, {
      body: 'grant_type=refresh_token',
    })
    expect(r.body.error).toBe('invalid_grant')
    expect(sleep.waits).toEqual([2000])
  })

  it("keeps an authority's 200 discovery answer for 24 h per client; a refusal is asked again", async () => {
    peer = await startPeer((r, n) =>
      r.url.includes('/refused/')
        ? { status: 400, body: { error: 'invalid_tenant', error_description: 'AADSTS90002' } }
        : { body: { token_endpoint: `https://login.example/t/${n}` } },
    )
    let now = 1_000_000
    const http = createHttpClient()
    const net = msalNetworkModule(http, { now: () => now })
    const discovery = `${peer.url}/t/v2.0/.well-known/openid-configuration`
    const first = await net.sendGetRequestAsync<{ token_endpoint: string }>(discovery)
    expect(first.body.token_endpoint).toBe('https://login.example/t/1')
    // Another sign-in on the same client (msal makes a new module per application): no request.
    const again = await msalNetworkModule(http, { now: () => now }).sendGetRequestAsync<{
      token_endpoint: string
    }>(discovery)
    expect(again).toEqual(first)
    expect(peer.received).toHaveLength(1)
    // Other GETs are never kept.
    await net.sendGetRequestAsync(`${peer.url}/other`)
    await net.sendGetRequestAsync(`${peer.url}/other`)
    expect(peer.received).toHaveLength(3)
    // A refusal is asked again each time (and reported each time).
    const refused = `${peer.url}/refused/v2.0/.well-known/openid-configuration`
    const discoveryRefusal: DiscoveryRefusal = {}
    const withRefusal = msalNetworkModule(http, { now: () => now, discovery: discoveryRefusal })
    expect((await withRefusal.sendGetRequestAsync(refused)).status).toBe(400)
    expect((await withRefusal.sendGetRequestAsync(refused)).status).toBe(400)
    expect(discoveryRefusal.refused?.error).toBe('invalid_tenant')
    expect(peer.received).toHaveLength(5)
    // Another client asks for itself; after 24 h the same client asks again.
    await msalNetworkModule(createHttpClient(), { now: () => now }).sendGetRequestAsync(discovery)
    expect(peer.received).toHaveLength(6)
    now += 24 * 3600 * 1000
    const later = await net.sendGetRequestAsync<{ token_endpoint: string }>(discovery)
    expect(later.body.token_endpoint).toBe('https://login.example/t/7')
    expect(peer.received).toHaveLength(7)
  })
})
