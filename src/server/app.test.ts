import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { connect } from 'node:net'
import { join } from 'node:path'
import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { explain } from '../app/explain.js'
import { loadSnapshot } from '../app/snapshot-file.js'
import { openStore, type Store } from '../store/index.js'
import { buildServer } from './app.js'
import { isLoopback, parseServeArgs } from './args.js'
import { toApiError } from './errors.js'
import { CONTENT_SECURITY_POLICY } from './security.js'
import { createState, type ServerState } from './state.js'
import { resolveStatic } from './static.js'
import { resolveChoice } from './vendors.js'
import { explanationView } from './views.js'

const TOKEN = 'test-token-0123456789abcdefghijklmnopqrstuvwxyz'
const auth = { authorization: `Bearer ${TOKEN}` }
const json = { ...auth, 'content-type': 'application/json' }

let app: FastifyInstance
let store: Store
let state: ServerState
let web: string

beforeAll(async () => {
  web = mkdtempSync(join(tmpdir(), 'passage-web-'))
  mkdirSync(join(web, 'assets'))
  writeFileSync(join(web, 'index.html'), '<!doctype html><title>wizard</title>')
  writeFileSync(join(web, 'assets', 'app.js'), 'console.log(1)')
  store = await openStore(':memory:')
  state = createState(store, null)
  // A connection made from a snapshot alone: plan and simulate need no sign-in.
  const snapshot = loadSnapshot('examples/defender-p2-standard-preset.json')
  state.connections.set('snapshot-conn-1', {
    id: 'snapshot-conn-1',
    session: null,
    tenant: { id: snapshot.tenant.id, name: snapshot.tenant.name, displayName: '' },
    actor: 'test',
    snapshot,
    plans: new Map(),
  })
  app = buildServer({ state, token: TOKEN, webRoot: web })
  await app.ready()
})

afterAll(async () => {
  await app.close()
  await store.close()
  rmSync(web, { recursive: true, force: true })
})

describe('access token', () => {
  it('refuses API calls without it, with a catalogue error and no stack', async () => {
    const r = await app.inject({ method: 'GET', url: '/api/vendors' })
    expect(r.statusCode).toBe(401)
    const body = r.json()
    expect(body.error.code).toBe('PASSAGE_E_API_TOKEN')
    expect(Object.keys(body.error).sort()).toEqual(['code', 'hint', 'message', 'title'])
    expect(r.body).not.toMatch(/at .*\.(ts|js):\d+/)
  })

  it('refuses a wrong token, a token in the query and a cookie', async () => {
    for (const req of [
      { url: '/api/vendors', headers: { authorization: 'Bearer nope' } },
      { url: '/api/vendors', headers: { 'x-passage-token': `${TOKEN}x` } },
      { url: `/api/vendors?token=${TOKEN}`, headers: {} },
      { url: '/api/vendors', headers: { cookie: `token=${TOKEN}` } },
      { url: '/api/nothing-here', headers: {} },
    ]) {
      const r = await app.inject({ method: 'GET', ...req })
      expect(r.statusCode, req.url).toBe(401)
    }
  })

  it('refuses API calls whose path is %-encoded to slip past the check', async () => {
    for (const url of ['/%61pi/info', '/ap%69/vendors', '/%61pi/runs', '/api%2Fvendors']) {
      const r = await app.inject({ method: 'GET', url })
      expect(r.statusCode, url).not.toBe(200)
      expect([401, 404], url).toContain(r.statusCode)
    }
    const post = await app.inject({
      method: 'POST',
      url: '/%61pi/plan',
      headers: { 'content-type': 'application/json' },
      payload: '{}',
    })
    expect(post.statusCode).toBe(401)
  })

  it('refuses other host names (DNS rebinding) and other origins', async () => {
    const rebound = await app.inject({
      method: 'GET',
      url: '/api/vendors',
      headers: { ...auth, host: 'attacker.example:80' },
    })
    expect(rebound.statusCode).toBe(403)
    expect(rebound.json().error.code).toBe('PASSAGE_E_API_HOST')
    const cross = await app.inject({
      method: 'GET',
      url: '/api/vendors',
      headers: { ...auth, origin: 'https://attacker.example' },
    })
    expect(cross.statusCode).toBe(403)
    const same = await app.inject({
      method: 'GET',
      url: '/api/vendors',
      headers: { ...auth, host: '127.0.0.1:80', origin: 'http://127.0.0.1:80' },
    })
    expect(same.statusCode).toBe(200)
    // Origin is compared as scheme, host and port: the same host over another scheme is foreign.
    const scheme = await app.inject({
      method: 'GET',
      url: '/api/vendors',
      headers: { ...auth, host: '127.0.0.1:80', origin: 'https://127.0.0.1:80' },
    })
    expect(scheme.statusCode).toBe(403)
  })

  it('refuses a request carrying two Host headers', async () => {
    const port = 0
    await app.listen({ port, host: '127.0.0.1' })
    try {
      const address = app.server.address()
      const at = typeof address === 'object' && address ? address.port : 0
      const raw = (hosts: string[]) =>
        new Promise<string>((resolve, reject) => {
          const socket = connect(at, '127.0.0.1', () =>
            socket.write(
              `GET /api/vendors HTTP/1.1\r\n${hosts.map((h) => `Host: ${h}\r\n`).join('')}Authorization: Bearer ${TOKEN}\r\nConnection: close\r\n\r\n`,
            ),
          )
          let text = ''
          socket.on('data', (d: Buffer) => (text += d.toString()))
          socket.on('end', () => resolve(text))
          socket.on('error', reject)
        })
      expect(await raw([`127.0.0.1:${at}`])).toMatch(/^HTTP\/1\.1 200/)
      const two = await raw([`127.0.0.1:${at}`, 'attacker.example'])
      expect(two).toMatch(/^HTTP\/1\.1 403/)
      expect(two).toContain('PASSAGE_E_API_HOST')
    } finally {
      await app.close()
      app = buildServer({ state, token: TOKEN, webRoot: web })
      await app.ready()
    }
  })

  it('answers a malformed address in the catalogue shape, with the security headers', async () => {
    const r = await app.inject({ method: 'GET', url: '/api/vendors/%ZZ' })
    expect(r.statusCode).toBe(400)
    expect(r.headers['content-security-policy']).toBe(CONTENT_SECURITY_POLICY)
    expect(r.json().error.code).toBe('PASSAGE_E_INPUT')
    expect(r.body).not.toContain('%ZZ')
  })

  it('accepts Authorization: Bearer and X-Passage-Token', async () => {
    expect(
      (await app.inject({ method: 'GET', url: '/api/vendors', headers: auth })).statusCode,
    ).toBe(200)
    const r = await app.inject({
      method: 'GET',
      url: '/api/vendors',
      headers: { 'x-passage-token': TOKEN },
    })
    expect(r.statusCode).toBe(200)
    expect(r.json().vendors.map((v: { id: string }) => v.id)).toContain('contactmonkey')
  })

  it('serves the front end without a token (it carries none)', async () => {
    const r = await app.inject({ method: 'GET', url: '/' })
    expect(r.statusCode).toBe(200)
    expect(r.headers['content-type']).toContain('text/html')
    expect(r.headers['cache-control']).toBe('no-store')
    const a = await app.inject({ method: 'GET', url: '/assets/app.js' })
    expect(a.headers['content-type']).toContain('text/javascript')
  })
})

describe('security headers and CORS', () => {
  it('sets a strict CSP and the other headers on pages and API answers alike', async () => {
    for (const r of [
      await app.inject({ method: 'GET', url: '/' }),
      await app.inject({ method: 'GET', url: '/api/vendors', headers: auth }),
      await app.inject({ method: 'GET', url: '/api/vendors' }),
    ]) {
      const csp = String(r.headers['content-security-policy'])
      expect(csp).toBe(CONTENT_SECURITY_POLICY)
      expect(csp).toContain("default-src 'self'")
      expect(csp).toContain("frame-ancestors 'none'")
      expect(csp).not.toContain('unsafe-inline')
      expect(csp).not.toContain('unsafe-eval')
      expect(r.headers['x-content-type-options']).toBe('nosniff')
      expect(r.headers['referrer-policy']).toBe('no-referrer')
      expect(r.headers['x-frame-options']).toBe('DENY')
    }
  })

  it('sends no CORS headers, even to a preflight from another origin', async () => {
    const origin = { origin: 'https://evil.example' }
    const pre = await app.inject({
      method: 'OPTIONS',
      url: '/api/vendors',
      headers: {
        ...origin,
        'access-control-request-method': 'GET',
        'access-control-request-headers': 'authorization',
      },
    })
    const get = await app.inject({
      method: 'GET',
      url: '/api/vendors',
      headers: { ...auth, ...origin },
    })
    for (const r of [pre, get])
      expect(Object.keys(r.headers).filter((h) => h.startsWith('access-control-'))).toEqual([])
    expect(pre.statusCode).not.toBe(204)
  })

  it('accepts only JSON bodies', async () => {
    const form = await app.inject({
      method: 'POST',
      url: '/api/vendors/resolve',
      headers: { ...auth, 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'id=trustifi',
    })
    expect(form.statusCode).toBe(415)
    expect(form.json().error.code).toBe('PASSAGE_E_INPUT')
    const bad = await app.inject({
      method: 'POST',
      url: '/api/vendors/resolve',
      headers: json,
      payload: '{"id":',
    })
    expect(bad.statusCode).toBe(400)
    expect(bad.json().error.message).toBe('The request body is not valid JSON.')
  })

  it('keeps static files inside web/dist', () => {
    expect(resolveStatic(web, '/../package.json')).toBeNull()
    expect(resolveStatic(web, '/%2e%2e/%2e%2e/etc/hosts.conf')).toBeNull()
    // An extension-less path is a page of the wizard: index.html, never a file outside.
    expect(resolveStatic(web, '/%2e%2e/%2e%2e/etc/passwd')).toBe(join(web, 'index.html'))
    expect(resolveStatic(web, '/assets/app.js')).toBe(join(web, 'assets', 'app.js'))
    expect(resolveStatic(web, '/history')).toBe(join(web, 'index.html'))
  })
})

describe('validation', () => {
  it('names the fields of an invalid body', async () => {
    const r = await app.inject({
      method: 'POST',
      url: '/api/vendors/resolve',
      headers: json,
      payload: { id: 'Not An Id', params: { dedicatedIp: 7 } },
    })
    expect(r.statusCode).toBe(400)
    const e = r.json().error
    expect(e.code).toBe('PASSAGE_E_INPUT')
    expect(e.issues.map((i: { path: string }) => i.path)).toEqual(
      expect.arrayContaining(['id', 'params.dedicatedIp']),
    )
  })

  it('checks vendor parameters with the catalog (ContactMonkey needs an IPv4 address)', async () => {
    const r = await app.inject({
      method: 'POST',
      url: '/api/vendors/resolve',
      headers: json,
      payload: { id: 'contactmonkey', params: { region: 'us', dedicatedIp: 'not-an-ip' } },
    })
    expect(r.statusCode).toBe(400)
    expect(r.json().error.code).toBe('PASSAGE_E_PARAM_INVALID')
    const ok = await app.inject({
      method: 'POST',
      url: '/api/vendors/resolve',
      headers: json,
      payload: { id: 'contactmonkey', params: { region: 'us', dedicatedIp: '167.89.10.20' } },
    })
    expect(ok.json().vendor.sending.ips).toEqual(['167.89.10.20'])
  })

  it('answers an unknown vendor with 404 and an unknown connection with 409', async () => {
    expect(
      (await app.inject({ method: 'GET', url: '/api/vendors/nope', headers: auth })).statusCode,
    ).toBe(404)
    const r = await app.inject({
      method: 'POST',
      url: '/api/discovery',
      headers: json,
      payload: { connection: 'no-such-connection' },
    })
    expect(r.statusCode).toBe(409)
    expect(r.json().error.code).toBe('PASSAGE_E_NOT_CONNECTED')
  })

  it('requires an explicit confirmation to roll back', async () => {
    const r = await app.inject({
      method: 'POST',
      url: '/api/runs/1/rollback',
      headers: json,
      payload: { connection: 'snapshot-conn-1' },
    })
    expect(r.statusCode).toBe(400)
    expect(r.json().error.issues[0].path).toBe('confirm')
  })

  it('hides the detail of unexpected errors', () => {
    const e = toApiError(new Error('secret path /home/x at foo.ts:12'))
    expect(e.code).toBe('PASSAGE_E_INTERNAL')
    expect(e.message).not.toContain('secret')
  })
})

describe('protections, plan, simulate', () => {
  const vendor = { id: 'contactmonkey', params: { region: 'us', dedicatedIp: '167.89.10.20' } }

  it('lists the protections with availability and the vendor’s recommendations', async () => {
    const r = await app.inject({
      method: 'POST',
      url: '/api/protections/options',
      headers: json,
      payload: { connection: 'snapshot-conn-1', vendor },
    })
    expect(r.statusCode).toBe(200)
    const list = r.json().protections as {
      id: string
      recommended: boolean
      available: boolean
      reason: string | null
    }[]
    expect(list.find((p) => p.id === 'anti-spam')).toMatchObject({
      recommended: true,
      available: true,
    })
    for (const p of list.filter((x) => !x.available)) expect(p.reason).toBeTruthy()
  })

  it('plans with changes, PowerShell and the evaluator’s before/after', async () => {
    const r = await app.inject({
      method: 'POST',
      url: '/api/plan',
      headers: json,
      payload: { connection: 'snapshot-conn-1', vendor, protections: ['anti-spam', 'safe-links'] },
    })
    expect(r.statusCode).toBe(200)
    const body = r.json()
    expect(body.plan.hash).toMatch(/^[0-9a-f]{64}$/)
    expect(body.plan.changes.length).toBeGreaterThan(0)
    expect(body.powershell).toContain('Connect-ExchangeOnline')
    expect(body.simulation.rows.length).toBeGreaterThan(0)
    const ps = await app.inject({
      method: 'POST',
      url: '/api/plan/powershell',
      headers: json,
      payload: { connection: 'snapshot-conn-1', planHash: body.plan.hash },
    })
    expect(ps.headers['content-disposition']).toMatch(
      /^attachment; filename="passage-contactmonkey-.*\.ps1"$/,
    )
    const sim = await app.inject({
      method: 'POST',
      url: '/api/simulate',
      headers: json,
      payload: { connection: 'snapshot-conn-1', planHash: body.plan.hash },
    })
    expect(sim.json().simulation.rows).toEqual(body.simulation.rows)
  })

  it('refuses an empty choice and an unknown protection', async () => {
    for (const protections of [[], ['no-such-protection']]) {
      const r = await app.inject({
        method: 'POST',
        url: '/api/plan',
        headers: json,
        payload: { connection: 'snapshot-conn-1', vendor, protections },
      })
      expect(r.statusCode).toBe(400)
    }
  })

  it('explains pasted headers as `passage explain` does (one use case for both)', async () => {
    const headers = readFileSync('examples/headers/junked-spam.eml', 'utf8')
    const r = await app.inject({
      method: 'POST',
      url: '/api/headers/explain',
      headers: json,
      payload: { headers, vendor },
    })
    expect(r.statusCode).toBe(200)
    const { analysis } = explain(headers, resolveChoice(vendor))
    expect(r.json().explanation).toEqual(JSON.parse(JSON.stringify(explanationView(analysis))))
    // Worded for the wizard, never the CLI's lines (explanation-view.test.ts words them).
    expect(r.json().explanation.decision).toBe('Junk Email, as the mailbox recorded it.')
    expect(r.json().explanation).not.toHaveProperty('lines')
  })

  it('needs a signed-in session to apply', async () => {
    const r = await app.inject({
      method: 'POST',
      url: '/api/apply',
      headers: json,
      payload: { connection: 'snapshot-conn-1', planHash: 'a'.repeat(64) },
    })
    expect(r.statusCode).toBe(409)
  })
})

describe('serve arguments', () => {
  it('listens on loopback by default and refuses a network address without TLS', () => {
    expect(parseServeArgs([])).toMatchObject({ host: '127.0.0.1', port: 0, sandbox: false })
    expect(parseServeArgs(['--sandbox', '--port', '8080'])).toMatchObject({
      sandbox: true,
      port: 8080,
    })
    expect(() => parseServeArgs(['--host', '0.0.0.0'])).toThrow(/without TLS/)
    expect(() => parseServeArgs(['--host', '0.0.0.0', '--tls-cert', 'c.pem'])).toThrow(
      /go together/,
    )
    expect(
      parseServeArgs(['--host', '0.0.0.0', '--tls-cert', 'c.pem', '--tls-key', 'k.pem']).host,
    ).toBe('0.0.0.0')
    expect(() => parseServeArgs(['--port', 'x'])).toThrow(/--port/)
    expect(() => parseServeArgs(['--what'])).toThrow(/Unknown option/)
    expect(isLoopback('::1') && isLoopback('127.0.0.2') && !isLoopback('10.0.0.1')).toBe(true)
  })
})
