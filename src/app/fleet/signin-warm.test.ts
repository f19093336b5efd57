/**
 * A fleet plan job's sign-in asks for Graph's token beside Exchange's (auth.ts `warm`): the two
 * token requests go out together, the first Graph call takes the token asked for at sign-in, and
 * a failure of that early request is not the sign-in's (it is met where Graph is called).
 */
import { readFileSync } from 'node:fs'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { createHttpClient, signInWithCertificate, type HttpClient } from '../../exchange/index.js'
import type { HttpRequest } from '../../exchange/http.js'
import { fleetSandbox, type FleetSandbox } from './test-fixtures.js'

let fs: FleetSandbox
let tenantId: string
/** Audiences of the token requests sent, in order; `refuse` answers some with a 400. */
let sent: string[] = []
let refuse: (audience: string) => boolean = () => false
/** The sign-in's HTTP (one, as a worker's: the authority's document is read once). */
let http: HttpClient

beforeAll(async () => {
  fs = await fleetSandbox()
  const t = fs.tenant('contoso')
  fs.register(t)
  tenantId = t.snapshot.tenant.id
  const inner = createHttpClient({ ca: fs.sb.caPem })
  http = {
    async request(req: HttpRequest) {
      if (new URL(req.url).pathname.endsWith('/oauth2/v2.0/token')) {
        const scope = new URLSearchParams(req.body ?? '').get('scope') ?? ''
        const audience = scope.includes('graph') ? 'graph' : 'exchange'
        sent.push(audience)
        if (refuse(audience))
          return {
            status: 400,
            headers: { 'content-type': 'application/json' },
            text: JSON.stringify({
              error: 'invalid_scope',
              error_description: 'AADSTS70011: refused',
            }),
          }
      }
      return inner.request(req)
    },
    close: () => inner.close(),
  }
  // The authority's document, read once as a worker's first sign-in does.
  await signIn()
}, 60_000)

beforeEach(() => {
  sent = []
  refuse = () => false
})

afterAll(async () => {
  http?.close()
  await fs?.close()
})

function signIn(warm?: 'graph'[]) {
  return signInWithCertificate({
    endpoints: { ...fs.app.endpoints, ca: fs.sb.caPem },
    tenant: tenantId,
    clientId: fs.app.appId,
    certificatePem: readFileSync(fs.app.certificateFile, 'utf8'),
    privateKeyPem: fs.keyPem,
    http,
    ...(warm ? { warm } : {}),
  })
}

describe('sign-in with warm audiences', () => {
  it("without warm, the sign-in asks for Exchange's token only; Graph's is asked for at its first call", async () => {
    const s = await signIn()
    expect(sent).toEqual(['exchange'])
    await s.getToken('graph')
    expect(sent).toEqual(['exchange', 'graph'])
  })

  it("with warm ['graph'], both token requests are sent at sign-in, and Graph's first call sends none", async () => {
    const s = await signIn(['graph'])
    expect([...sent].sort()).toEqual(['exchange', 'graph'])
    const token = await s.getToken('graph')
    expect(token.split('.')).toHaveLength(3)
    expect(sent).toHaveLength(2)
    // Later calls are msal's as before (its cache): still no new request.
    expect(await s.getToken('graph')).toBe(token)
    expect(sent).toHaveLength(2)
  })

  it("a refused warm request is not the sign-in's failure: Graph's first call asks again and fails there", async () => {
    refuse = (a) => a === 'graph'
    const s = await signIn(['graph'])
    await expect(s.getToken('graph')).rejects.toMatchObject({ code: 'PASSAGE_E_SIGNIN' })
    expect(sent.filter((a) => a === 'graph')).toHaveLength(2)
  })
})
