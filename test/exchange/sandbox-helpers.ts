/**
 * Helpers for driving the real Exchange client against the sandbox: device-code sign-in with the
 * admin's side done by plain HTTPS POSTs to the sandbox's /devicelogin forms, and app-only
 * registration. Nothing here stands in for passage's own code.
 */
import { startSandbox, type RunningSandbox } from '../../src/sandbox/index.js'
import { createAppCredentials } from '../../src/sandbox/identity/index.js'
import type { DirectoryRoleName } from '../../src/sandbox/contracts.js'
import {
  sandboxEndpoints,
  signInWithCertificate,
  signInWithDeviceCode,
  type DeviceCodePrompt,
  type ExchangeEndpoints,
  type SignedIn,
} from '../../src/exchange/index.js'
import { createHttpClient } from '../../src/exchange/http.js'

export interface Sandbox {
  sb: RunningSandbox
  endpoints: ExchangeEndpoints
  close(): Promise<void>
}

/** Starts a sandbox on a free loopback port. */
export async function sandbox(faults?: string): Promise<Sandbox> {
  const sb = await startSandbox({ port: 0, ...(faults ? { faults } : {}) })
  const endpoints = sandboxEndpoints(sb.url, sb.caPem)
  return { sb, endpoints, close: () => sb.close() }
}

/** The admin's side of device code: enter the code, pick the account, continue (or cancel). */
export async function approveDeviceCode(
  s: Pick<Sandbox, 'sb'>,
  userCode: string,
  upn: string,
  decision: 'continue' | 'cancel' = 'continue',
): Promise<void> {
  const http = createHttpClient({ ca: s.sb.caPem })
  const form = (path: string, fields: Record<string, string>) =>
    http.request({
      method: 'POST',
      url: `${s.sb.url}${path}`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(fields).toString(),
    })
  try {
    const picker = await form('/devicelogin/code', { otc: userCode })
    const flow = /name="flow" value="([^"]+)"/.exec(picker.text)?.[1]
    if (!flow) throw new Error(`the code page answered ${picker.status} without a flow`)
    const account = await form('/devicelogin/account', { flow, upn })
    if (account.status !== 200) throw new Error(`the account page answered ${account.status}`)
    const done = await form('/devicelogin/confirm', { flow, decision })
    if (done.status !== 200) throw new Error(`the confirm page answered ${done.status}`)
  } finally {
    http.close()
  }
}

/** Signs `upn` in with a device code through passage's auth.ts, approving on the sandbox. */
export async function deviceSignIn(
  s: Sandbox,
  tenant: string,
  upn: string,
  decision: 'continue' | 'cancel' = 'continue',
): Promise<{ session: SignedIn; prompt: DeviceCodePrompt }> {
  let approval: Promise<void> = Promise.resolve()
  let prompt: DeviceCodePrompt | null = null
  const session = await signInWithDeviceCode({
    endpoints: s.endpoints,
    tenant,
    onCode: (p) => {
      prompt = p
      approval = approveDeviceCode(s, p.userCode, upn, decision)
    },
    // Graph has its own client, and so its own code: the same admin approves it.
    onGraphCode: (p) => {
      void approveDeviceCode(s, p.userCode, upn, decision).catch(() => {})
    },
  }).finally(() => approval.catch(() => {}))
  await approval
  if (!prompt) throw new Error('no device code was shown')
  return { session, prompt }
}

/** Registers an app with a certificate on a tenant and signs it in (app-only). */
export async function appSignIn(
  s: Sandbox,
  tenantName: string,
  roles: DirectoryRoleName[] = ['Exchange Administrator'],
  appRoles: string[] = ['Exchange.ManageAsApp', 'Organization.Read.All', 'Domain.Read.All'],
): Promise<SignedIn> {
  const creds = createAppCredentials({
    displayName: `passage tests ${tenantName}`,
    appRoles,
    roles,
  })
  s.sb.addApp(tenantName, creds.app)
  return signInWithCertificate({
    endpoints: s.endpoints,
    tenant: tenantName,
    clientId: creds.app.clientId,
    certificatePem: creds.certificatePem,
    privateKeyPem: creds.privateKeyPem,
  })
}
