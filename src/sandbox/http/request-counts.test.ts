/** RunningSandbox.requests: what a benchmark reads to count the requests a fleet run made. */
import { request } from 'node:https'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { requestKind, startSandbox, type RunningSandbox } from './index.js'

describe('requestKind', () => {
  it('counts the admin API and Graph as api, sign-in and the rest as other', () => {
    expect(requestKind('/adminapi/beta/contoso.onmicrosoft.com/InvokeCommand')).toBe('api')
    expect(requestKind('/adminapi/v1.0/t/$batch')).toBe('api')
    expect(requestKind('/v1.0/organization')).toBe('api')
    expect(requestKind('/beta/subscribedSkus')).toBe('api')
    expect(requestKind('/t/oauth2/v2.0/token')).toBe('other')
    expect(requestKind('/t/v2.0/.well-known/openid-configuration')).toBe('other')
    expect(requestKind('/')).toBe('other')
  })
})

describe('a running sandbox', () => {
  let sb: RunningSandbox
  beforeAll(async () => {
    sb = await startSandbox({ port: 0, certDir: null })
  }, 30_000)
  afterAll(() => sb.close())

  it('counts every request it receives, refused ones included', async () => {
    const before = { ...sb.requests }
    const get = (path: string) =>
      new Promise<number>((resolve, reject) => {
        const r = request(`${sb.url}${path}`, { ca: sb.caPem }, (res) => {
          res.resume()
          res.on('end', () => resolve(res.statusCode ?? 0))
        })
        r.on('error', reject)
        r.end()
      })
    expect(await get('/')).toBe(200)
    // No token: refused, and still a request to the API.
    expect(await get('/v1.0/organization')).toBe(401)
    expect(sb.requests).toEqual({ api: before.api + 1, other: before.other + 1 })
  })
})
