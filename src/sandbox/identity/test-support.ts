/**
 * Helpers for tests that drive the sandbox's sign-in over real HTTPS: a Fastify server with the
 * identity and Graph routes, an HTTPS client that trusts the sandbox CA, an msal-node network
 * module built on it, and the admin's side of a device-code sign-in. The product uses only the
 * last (`approveDeviceCode`, for `passage demo`); it is the sandbox's, so the sandbox exports it.
 */
import { request } from 'node:https'
import type { INetworkModule, NetworkRequestOptions, NetworkResponse } from '@azure/msal-node'
import Fastify, { type FastifyInstance } from 'fastify'
import { PassageError } from '../../core/errors/index.js'
import type { SandboxWorld } from '../contracts.js'
import { registerGraphRoutes } from '../graph/index.js'
import { ensureCertificates } from '../tls/index.js'
import { type Identity, type IdentityOptions, createIdentity } from './index.js'

export interface HttpResult {
  status: number
  headers: Record<string, string>
  text: string
}

/** One HTTPS request that trusts only `ca`. */
export function httpsFetch(
  url: string,
  ca: string,
  opts: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<HttpResult> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method: opts.method ?? 'GET', headers: opts.headers ?? {}, ca, agent: false },
      (res) => {
        const chunks: Buffer[] = []
        res.on('data', (c: Buffer) => chunks.push(c))
        res.on('end', () => {
          const headers: Record<string, string> = {}
          for (const [k, v] of Object.entries(res.headers))
            if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(', ') : v
          resolve({
            status: res.statusCode ?? 0,
            headers,
            text: Buffer.concat(chunks).toString('utf8'),
          })
        })
        res.on('error', reject)
      },
    )
    req.on('error', reject)
    if (opts.body !== undefined) req.write(opts.body)
    req.end()
  })
}

/** POSTs a form. */
export function postForm(
  url: string,
  ca: string,
  fields: Record<string, string>,
  headers: Record<string, string> = {},
): Promise<HttpResult> {
  return httpsFetch(url, ca, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(fields).toString(),
  })
}

/** An msal-node network module that trusts the sandbox CA (msal's own client cannot take one). */
export function caNetworkClient(ca: string): INetworkModule {
  const send = async <T>(
    url: string,
    method: string,
    options?: NetworkRequestOptions,
  ): Promise<NetworkResponse<T>> => {
    const res = await httpsFetch(url, ca, {
      method,
      headers: options?.headers ?? {},
      ...(options?.body === undefined ? {} : { body: options.body }),
    })
    let body: unknown = {}
    try {
      body = JSON.parse(res.text)
    } catch {
      body = {}
    }
    return { status: res.status, headers: res.headers, body: body as T }
  }
  return {
    sendGetRequestAsync: (url, options) => send(url, 'GET', options),
    sendPostRequestAsync: (url, options) => send(url, 'POST', options),
  }
}

export interface SignInServer {
  base: string
  /** `127.0.0.1:<port>`: what msal's knownAuthorities needs. */
  authorityHost: string
  ca: string
  app: FastifyInstance
  identity: Identity
  world: SandboxWorld
  close: () => Promise<void>
}

/** Starts an HTTPS server on 127.0.0.1 (random port) with the identity and Graph routes. */
export async function startSignInServer(
  world: SandboxWorld,
  opts: Omit<IdentityOptions, 'world' | 'baseUrl'> = {},
): Promise<SignInServer> {
  const certs = await ensureCertificates(null)
  let base = ''
  const identity = await createIdentity({ ...opts, world: () => world, baseUrl: () => base })
  const app = Fastify({
    https: { key: certs.keyPem, cert: certs.certPem },
    logger: false,
    forceCloseConnections: true,
  }) as unknown as FastifyInstance
  identity.registerRoutes(app)
  registerGraphRoutes(app, identity, () => world)
  await app.listen({ port: 0, host: '127.0.0.1' })
  const address = app.server.address()
  const port = typeof address === 'object' && address !== null ? address.port : 0
  base = `https://127.0.0.1:${port}`
  return {
    base,
    authorityHost: `127.0.0.1:${port}`,
    ca: certs.caPem,
    app,
    identity,
    world,
    close: () => app.close(),
  }
}

/** Signs in on the device-login pages as `upn`, then continues or cancels. */
export async function completeDeviceLogin(
  server: Pick<SignInServer, 'base' | 'ca'>,
  userCode: string,
  upn: string,
  decision: 'continue' | 'cancel' = 'continue',
): Promise<HttpResult> {
  const { base, ca } = server
  const picker = await postForm(`${base}/devicelogin/code`, ca, { otc: userCode })
  if (picker.status !== 200) throw new Error(`code refused: ${picker.status}`)
  const flow = /name="flow" value="([^"]+)"/.exec(picker.text)?.[1]
  if (flow === undefined) throw new Error('no flow handle on the account page')
  const confirm = await postForm(`${base}/devicelogin/account`, ca, { flow, upn })
  if (confirm.status !== 200) throw new Error(`account refused: ${confirm.status}`)
  return postForm(`${base}/devicelogin/confirm`, ca, { flow, decision })
}

/**
 * The admin's side of a device-code sign-in on a running sandbox: enter `userCode` on its
 * /devicelogin pages, pick `upn` and continue (or cancel), by plain HTTPS form posts. For tests and the demo,
 * which show the whole flow with nobody at the keyboard. Refusals are PASSAGE_E_SIGNIN errors.
 */
export async function approveDeviceCode(
  sandbox: { url: string; caPem: string },
  userCode: string,
  upn: string,
  decision: 'continue' | 'cancel' = 'continue',
): Promise<void> {
  let done: HttpResult
  try {
    done = await completeDeviceLogin(
      { base: sandbox.url, ca: sandbox.caPem },
      userCode,
      upn,
      decision,
    )
  } catch (e) {
    throw new PassageError(
      'PASSAGE_E_SIGNIN',
      `The sandbox's sign-in page refused the sign-in: ${e instanceof Error ? e.message : String(e)}.`,
      { cause: e },
    )
  }
  if (done.status !== 200)
    throw new PassageError('PASSAGE_E_SIGNIN', "The sandbox's sign-in page refused the approval.")
}

/**
 * A tenant admin's side of admin consent on a running sandbox, by plain HTTPS: open
 * `/{tenant}/adminconsent?client_id=...` and accept as `upn` (default: the first account the page
 * lists, the seeded Global Administrator). For tests and the demo. A refusal (unknown app, an
 * account that may not consent) is a PASSAGE_E_FLEET_CONSENT error carrying the page's text.
 */
export async function grantAdminConsent(opts: {
  baseUrl: string
  caPem: string
  tenant: string
  clientId: string
  upn?: string
  decision?: 'accept' | 'cancel'
}): Promise<void> {
  const base = opts.baseUrl.replace(/\/+$/, '')
  const q = new URLSearchParams({ client_id: opts.clientId })
  const pageText = (r: HttpResult) =>
    /role="alert">([^<]*)</.exec(r.text)?.[1]?.replace(/&#39;/g, "'") ?? `HTTP ${r.status}`
  const refused = (why: string, cause?: unknown) =>
    new PassageError(
      'PASSAGE_E_FLEET_CONSENT',
      `The sandbox's consent page refused: ${why}`,
      cause === undefined ? {} : { cause },
    )
  let shown: HttpResult
  try {
    shown = await httpsFetch(
      `${base}/${encodeURIComponent(opts.tenant)}/adminconsent?${q}`,
      opts.caPem,
    )
  } catch (e) {
    throw refused(e instanceof Error ? e.message : String(e), e)
  }
  if (shown.status !== 200) throw refused(pageText(shown))
  const flow = /name="flow" value="([^"]+)"/.exec(shown.text)?.[1]
  const action = /<form method="post" action="([^"]+)"/.exec(shown.text)?.[1]
  const upn = opts.upn ?? /name="upn" value="([^"]+)"/.exec(shown.text)?.[1]
  if (flow === undefined || action === undefined || upn === undefined)
    throw refused('the page has no consent form')
  const done = await postForm(`${base}${action}`, opts.caPem, {
    flow,
    upn,
    decision: opts.decision ?? 'accept',
  })
  if (done.status !== 200) throw refused(pageText(done))
}
