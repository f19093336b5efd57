/**
 * Helpers for the app's integration tests: a sandbox over HTTPS, sessions opened through
 * passage's own session.ts (app-only with a certificate written to temporary files, or a device
 * code approved on the sandbox's sign-in page), and an in-memory store.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { apply } from '../../src/app/apply.js'
import { discover } from '../../src/app/discover.js'
import { newProfile, openSession, type Session } from '../../src/app/session.js'
import { chooseVendor } from '../../src/app/vendor-choice.js'
import type { Plan } from '../../src/core/plan-format.js'
import { plan as makePlan } from '../../src/core/planner/plan.js'
import { PassageError } from '../../src/core/errors/index.js'
import { canonicalJson } from '../../src/core/hash.js'
import type { DirectoryRoleName, SandboxTenant } from '../../src/sandbox/contracts.js'
import { createAppCredentials } from '../../src/sandbox/identity/index.js'
import { openStore, type Store } from '../../src/store/index.js'
import { approveDeviceCode, sandbox, type Sandbox } from '../exchange/sandbox-helpers.js'

export { sandbox, type Sandbox }

const dirs: string[] = []

/** Removes the temporary key folders. */
export function cleanupFiles(): void {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
}

/** The seeded tenant whose name starts with `prefix`. */
export function tenantNamed(s: Sandbox, prefix: string): SandboxTenant {
  const t = s.sb.world.tenants.find((x) => x.snapshot.tenant.name.startsWith(prefix))
  if (!t) throw new Error(`no seeded tenant ${prefix}`)
  return t
}

/** An app-only session on a tenant through openSession (certificate and key in temp files). */
export async function appSession(
  s: Sandbox,
  tenant: SandboxTenant,
  roles: DirectoryRoleName[] = ['Exchange Administrator'],
): Promise<Session> {
  const creds = createAppCredentials({
    displayName: `passage app tests ${tenant.snapshot.tenant.name}`,
    appRoles: ['Exchange.ManageAsApp', 'Organization.Read.All', 'Domain.Read.All'],
    roles,
  })
  s.sb.addApp(tenant.snapshot.tenant.name, creds.app)
  const dir = mkdtempSync(join(tmpdir(), 'passage-app-'))
  dirs.push(dir)
  writeFileSync(join(dir, 'cert.pem'), creds.certificatePem)
  writeFileSync(join(dir, 'key.pem'), creds.privateKeyPem, { mode: 0o600 })
  const profile = newProfile({
    tenant: tenant.snapshot.tenant.name,
    sandboxUrl: s.sb.url,
    auth: {
      kind: 'certificate',
      clientId: creds.app.clientId,
      certificateFile: join(dir, 'cert.pem'),
      keyFile: join(dir, 'key.pem'),
    },
  })
  return openSession(profile, {
    caPem: s.sb.caPem,
    retry: { maxAttempts: 3, baseDelayMs: 5, maxDelayMs: 20 },
  })
}

/** A delegated session of `upn`, its device code approved on the sandbox's sign-in page. */
export async function deviceSession(
  s: Sandbox,
  tenant: SandboxTenant,
  upn: string,
): Promise<Session> {
  let approval: Promise<void> = Promise.resolve()
  const profile = newProfile({
    tenant: tenant.snapshot.tenant.name,
    sandboxUrl: s.sb.url,
    auth: { kind: 'device' },
  })
  const session = await openSession(profile, {
    caPem: s.sb.caPem,
    onCode: (p) => {
      approval = approveDeviceCode(s, p.userCode, upn)
    },
  })
  await approval
  return session
}

/** A fresh in-memory store. */
export function memoryStore(): Promise<Store> {
  return openStore(':memory:')
}

/** Canonical JSON of a tenant's surface state in the sandbox (what Exchange holds). */
export function worldState(t: SandboxTenant): string {
  return canonicalJson(t.snapshot.state)
}

/** The PassageError a promise rejects with (fails the test when it resolves or throws another). */
export async function failure(p: Promise<unknown>): Promise<PassageError> {
  try {
    await p
  } catch (e) {
    if (e instanceof PassageError) return e
    throw e
  }
  throw new Error('expected a failure')
}

/** A sandbox with ContactMonkey's recommended plan applied on contoso (see contactMonkeyApplied). */
export interface Applied {
  s: Sandbox
  t: SandboxTenant
  x: Session
  store: Store
  plan: Plan
  runId: number
  /** The tenant before the apply (worldState). */
  original: string
}

/**
 * Starts a sandbox (with `faults`), a memory store and an app session on contoso, and applies
 * ContactMonkey's recommended plan (region us, a dedicated IP) to it; everything opened is pushed
 * on `open` for the caller's afterAll to close.
 */
export async function contactMonkeyApplied(
  open: { close(): unknown }[],
  faults = '',
): Promise<Applied> {
  const s = await sandbox(faults)
  open.push(s)
  const store = await memoryStore()
  open.push(store)
  const t = tenantNamed(s, 'contoso')
  const x = await appSession(s, t)
  open.push({ close: () => x.close() })
  const original = worldState(t)
  const p = makePlan(
    chooseVendor('contactmonkey', { region: 'us', dedicatedIp: '167.89.10.20' }),
    { mode: 'recommended' },
    (await discover(x, store)).snapshot,
    { now: new Date().toISOString() },
  )
  const applied = await apply(x, store, p)
  if (applied.status !== 'done') throw new Error(`apply ended ${applied.status}`)
  return { s, t, x, store, plan: p, runId: applied.runId, original }
}
