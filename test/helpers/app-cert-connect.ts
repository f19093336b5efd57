/**
 * `passage connect` with an app certificate through the built CLI, as the end-to-end tests sign in
 * to a sandbox tenant without a device code: an app registered in the tenant (Exchange.ManageAsApp,
 * Exchange Administrator), its certificate, key and the sandbox CA written to `dir`.
 */
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { createAppCredentials } from '../../src/sandbox/identity/index.js'
import type { CliRun } from '../app/cli-process.js'
import type { Sandbox } from '../app/helpers.js'

/** What connectWithAppCert leaves: the connect run and the app's id. */
export interface AppCertConnection {
  connect: CliRun
  clientId: string
}

/**
 * Registers an app named `displayName` in `tenant` and runs `passage <common> connect` with its
 * certificate through `passage` (the caller's way of running the CLI); `json` adds --json.
 */
export async function connectWithAppCert(opts: {
  s: Sandbox
  tenant: string
  dir: string
  displayName: string
  common: string[]
  passage: (...args: string[]) => Promise<CliRun>
  json?: boolean
}): Promise<AppCertConnection> {
  const { s, tenant, dir } = opts
  const creds = createAppCredentials({
    displayName: opts.displayName,
    appRoles: ['Exchange.ManageAsApp', 'Organization.Read.All', 'Domain.Read.All'],
    roles: ['Exchange Administrator'],
  })
  s.sb.addApp(tenant, creds.app)
  writeFileSync(join(dir, 'ca.pem'), s.sb.caPem)
  writeFileSync(join(dir, 'cert.pem'), creds.certificatePem)
  writeFileSync(join(dir, 'key.pem'), creds.privateKeyPem, { mode: 0o600 })
  const connect = await opts.passage(
    ...opts.common,
    'connect',
    '--tenant',
    tenant,
    '--sandbox',
    s.sb.url,
    '--ca',
    join(dir, 'ca.pem'),
    '--app-id',
    creds.app.clientId,
    '--certificate',
    join(dir, 'cert.pem'),
    '--key',
    join(dir, 'key.pem'),
    ...(opts.json ? ['--json'] : []),
  )
  return { connect, clientId: creds.app.clientId }
}

/**
 * `passage plan <planArgs> --tenant <tenant> --out <file>` then `passage apply <file> --yes`,
 * each required to exit 0; returns the plan's hash.
 */
export async function planAndApply(
  passage: (...args: string[]) => Promise<CliRun>,
  common: string[],
  tenant: string,
  file: string,
  ...planArgs: string[]
): Promise<string> {
  const p = await passage(...common, 'plan', ...planArgs, '--tenant', tenant, '--out', file)
  if (p.code !== 0) throw new Error(`plan exited ${p.code}: ${p.stderr}`)
  const a = await passage(...common, 'apply', file, '--yes')
  if (a.code !== 0) throw new Error(`apply exited ${a.code}: ${a.stderr}`)
  return (JSON.parse(readFileSync(file, 'utf8')) as { hash: string }).hash
}
