/**
 * Raw HTTPS helpers for the sandbox tests: requests with the sandbox's CA (TLS verification stays
 * on), the device-code sign-in completed like a browser would, and InvokeCommand calls in the
 * request shapes of reference §1. Deliberately not passage's own client.
 */
import { Agent, request as httpsRequest } from 'node:https'
import type { RunningSandbox } from '../../src/sandbox/index.js'

/** The Exchange Online PowerShell module's public client id (reference §1.5). */
export const EXO_CLIENT_ID = 'fb78d390-0c51-40cd-8e17-fdbfab77341b'
export const EXO_SCOPE = 'https://outlook.office365.com/.default'
export const GRAPH_SCOPE = 'https://graph.microsoft.com/.default'

export interface Answer {
  status: number
  headers: Record<string, string | string[] | undefined>
  text: string
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  json: any
}

export interface RequestOptions {
  method?: string
  headers?: Record<string, string>
  json?: unknown
  form?: Record<string, string>
  body?: string
  timeoutMs?: number
}

const agents = new WeakMap<object, Agent>()

function agentFor(sb: Pick<RunningSandbox, 'caPem'>): Agent {
  let a = agents.get(sb)
  if (!a) {
    a = new Agent({ ca: sb.caPem, keepAlive: true, maxSockets: 256 })
    agents.set(sb, a)
  }
  return a
}

/** One HTTPS request to the sandbox (path relative to its URL, or an absolute URL). */
export function call(
  sb: Pick<RunningSandbox, 'caPem' | 'url'>,
  pathOrUrl: string,
  opts: RequestOptions = {},
): Promise<Answer> {
  const url = new URL(pathOrUrl, sb.url)
  const headers: Record<string, string> = { ...opts.headers }
  let body: string | undefined = opts.body
  if (opts.json !== undefined) {
    body = JSON.stringify(opts.json)
    headers['content-type'] ??= 'application/json; charset=utf-8'
  }
  if (opts.form) {
    body = new URLSearchParams(opts.form).toString()
    headers['content-type'] = 'application/x-www-form-urlencoded'
  }
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      url,
      {
        method: opts.method ?? (body === undefined ? 'GET' : 'POST'),
        headers,
        agent: agentFor(sb),
        timeout: opts.timeoutMs ?? 15_000,
      },
      (res) => {
        const chunks: Buffer[] = []
        res.on('data', (c: Buffer) => chunks.push(c))
        res.on('error', reject)
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8')
          let json: unknown = undefined
          try {
            json = JSON.parse(text)
          } catch {
            // not JSON
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json })
        })
      },
    )
    req.on('timeout', () => req.destroy(new Error('timeout')))
    req.on('error', reject)
    req.end(body)
  })
}

/** The value of a hidden form field in an HTML page. */
export function formField(html: string, name: string): string {
  const m = new RegExp(`name="${name}" value="([^"]*)"`).exec(html)
  if (!m?.[1]) throw new Error(`no ${name} field in page:\n${html.slice(0, 800)}`)
  return m[1]
    .replace(/&amp;/g, '&')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
}

/**
 * Signs in with the device-code flow as a browser would: POST devicecode, then the /devicelogin
 * forms (code, account, confirm), then poll the token endpoint.
 */
export async function deviceCodeToken(
  sb: Pick<RunningSandbox, 'caPem' | 'url'>,
  tenant: string,
  upn: string,
  scope = EXO_SCOPE,
  clientId = EXO_CLIENT_ID,
): Promise<{ access_token: string; refresh_token?: string; id_token?: string }> {
  const dc = await call(sb, `/${tenant}/oauth2/v2.0/devicecode`, {
    form: { client_id: clientId, scope: `${scope} offline_access` },
  })
  if (dc.status !== 200) throw new Error(`devicecode ${dc.status}: ${dc.text}`)
  const { device_code, user_code, verification_uri } = dc.json as {
    device_code: string
    user_code: string
    verification_uri: string
  }
  const first = await call(sb, verification_uri)
  if (first.status !== 200) throw new Error(`devicelogin ${first.status}`)
  const pick = await call(sb, '/devicelogin/code', { form: { otc: user_code } })
  if (pick.status !== 200) throw new Error(`code ${pick.status}: ${pick.text}`)
  const confirm = await call(sb, '/devicelogin/account', {
    form: { flow: formField(pick.text, 'flow'), upn },
  })
  if (confirm.status !== 200) throw new Error(`account ${confirm.status}: ${confirm.text}`)
  const done = await call(sb, '/devicelogin/confirm', {
    form: { flow: formField(confirm.text, 'flow'), decision: 'continue' },
  })
  if (done.status !== 200) throw new Error(`confirm ${done.status}: ${done.text}`)
  const tok = await call(sb, `/${tenant}/oauth2/v2.0/token`, {
    form: {
      grant_type: 'urn:ietf:params:oauth:grant-type:device_code',
      client_id: clientId,
      device_code,
    },
  })
  if (tok.status !== 200) throw new Error(`token ${tok.status}: ${tok.text}`)
  return tok.json as { access_token: string; refresh_token?: string }
}

/** InvokeCommand in the shape of reference §1.3/§1.4. */
export function invoke(
  sb: Pick<RunningSandbox, 'caPem' | 'url'>,
  token: string | null,
  tenant: string,
  cmdlet: string,
  params: Record<string, unknown> = {},
  extra: { query?: string; headers?: Record<string, string>; url?: string } = {},
): Promise<Answer> {
  const url = extra.url ?? `/adminapi/beta/${tenant}/InvokeCommand${extra.query ?? ''}`
  return call(sb, url, {
    method: 'POST',
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      'x-cmdletname': cmdlet,
      'x-responseformat': 'json',
      'x-clientapplication': 'passage-tests',
      ...extra.headers,
    },
    json: { CmdletInput: { CmdletName: cmdlet, Parameters: params } },
  })
}

/** The `ExId|Type|text` parts of a cmdlet error (reference §1.8 (1)). */
export function errorDetail(a: Answer): { exId: string; type: string; text: string } {
  const m = a.json?.error?.details?.[0]?.message as string | undefined
  if (!m) throw new Error(`no error detail in ${a.status}: ${a.text}`)
  const [exId, type, ...rest] = m.split('|')
  return { exId: exId ?? '', type: type ?? '', text: rest.join('|') }
}
