/** `passage sandbox`: the implementation, loaded when the command runs (see ./sandbox.ts). */
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { PassageError, parseWith } from '../../core/errors/index.js'
import { licenceName } from '../../core/model/licence.js'
import { TenantSnapshot } from '../../core/model/snapshot.js'
import {
  DESCRIBE_LIST_LIMIT,
  fleetRegistration,
  MAX_FLEET,
  parseFaultSpec,
  seedTenant,
  startSandbox,
  type FleetRegistration,
  type RunningSandbox,
  type SandboxWorld,
} from '../../sandbox/index.js'
import { paint } from '../output.js'
import type { SandboxCliOptions } from './sandbox.js'

function integer(value: string, option: string, min: number, max: number): number {
  if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max)
    throw new PassageError(
      'PASSAGE_E_INPUT',
      `${option} takes a whole number from ${min} to ${max}, not '${value}'.`,
    )
  return Number(value)
}

/** Reads `--tenants`: a JSON array of tenant snapshots, each given the seeded admins. */
export function tenantsFromFile(path: string): () => SandboxWorld {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (e) {
    throw new PassageError('PASSAGE_E_FILE', `Cannot read the tenants file '${path}'.`, {
      cause: e,
    })
  }
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (e) {
    throw new PassageError('PASSAGE_E_SANDBOX_TENANTS', `'${path}' is not valid JSON.`, {
      cause: e,
    })
  }
  const list = Array.isArray(json) ? json : [json]
  if (list.length === 0)
    throw new PassageError('PASSAGE_E_SANDBOX_TENANTS', `'${path}' holds no tenant snapshot.`)
  const snapshots = list.map((s, i) =>
    parseWith(TenantSnapshot, s, 'PASSAGE_E_SANDBOX_TENANTS', `tenant [${i}] of ${path}`),
  )
  const ids = new Set<string>()
  for (const s of snapshots) {
    for (const k of [s.tenant.id.toLowerCase(), s.tenant.name.toLowerCase()]) {
      if (ids.has(k))
        throw new PassageError(
          'PASSAGE_E_SANDBOX_TENANTS',
          `'${path}' names the tenant '${k}' twice; each tenant needs its own id and name.`,
        )
      ids.add(k)
    }
  }
  return () => ({
    format: 'passage.sandbox',
    version: 1,
    tenants: snapshots.map((s) => seedTenant(structuredClone(s))),
  })
}

/** What `--tenants N` wrote for the operator: the app and where its files are. */
export interface FleetFiles {
  appId: string
  appDir: string
  temporaryAppDir: boolean
  certificateFile: string
  keyFile: string
  tenantsCsv: string
  thumbprintSha256: string
}

/**
 * Writes the operator app's certificate, its key (0600, in a 0700 folder) and the generated
 * tenants as CSV (`tenant,name,tags`, what `passage fleet import` reads) to `dir`.
 */
export function writeFleetFiles(
  dir: string,
  temporary: boolean,
  app: FleetRegistration,
  world: SandboxWorld,
): FleetFiles {
  mkdirSync(dir, { recursive: true, mode: 0o700 })
  const certificateFile = join(dir, 'app-cert.pem')
  const keyFile = join(dir, 'app-key.pem')
  const tenantsCsv = join(dir, 'tenants.csv')
  writeFileSync(certificateFile, app.certificatePem, { mode: 0o600 })
  writeFileSync(keyFile, app.privateKeyPem, { mode: 0o600 })
  // An existing file keeps its mode on write: make sure.
  chmodSync(keyFile, 0o600)
  chmodSync(certificateFile, 0o600)
  const rows = world.tenants
    .filter((t) => t.fleet !== undefined)
    .map((t) => {
      const tags = ['sandbox', t.snapshot.licence, ...(t.fleet?.gateway ? ['gateway'] : [])]
      return `${t.snapshot.tenant.id},${t.snapshot.tenant.name},${tags.join(';')}`
    })
  writeFileSync(tenantsCsv, ['tenant,name,tags', ...rows, ''].join('\n'), { mode: 0o600 })
  return {
    appId: app.registration.clientId,
    appDir: dir,
    temporaryAppDir: temporary,
    certificateFile,
    keyFile,
    tenantsCsv,
    thumbprintSha256: app.thumbprintSha256,
  }
}

/** The start-up summary, as JSON (`--json`, one line) and for people. */
export function summary(
  sb: RunningSandbox,
  certDir: string | null,
  temporaryCerts: boolean,
  fleetFiles: FleetFiles | null = null,
) {
  // A large generated fleet is counted, not listed (as `GET /` does).
  const large = sb.world.tenants.length > DESCRIBE_LIST_LIMIT
  const listed = large ? sb.world.tenants.filter((t) => t.fleet === undefined) : sb.world.tenants
  const meta = sb.world.fleet
  return {
    ok: true,
    url: sb.url,
    caPath: sb.caPath,
    certDir,
    temporaryCerts,
    state: sb.statePath,
    faults: sb.faults || null,
    throttling: { ...sb.throttling, note: "sandbox's own choice; Microsoft publishes none" },
    fleet:
      meta && fleetFiles
        ? {
            ...fleetFiles,
            tenants: meta.tenants,
            seed: meta.seed,
            preEnrolled: meta.preEnrolled,
            counts: meta.counts,
            listed: !large,
            consentUrl: `${sb.url}/{tenant}/adminconsent?client_id=${fleetFiles.appId}`,
          }
        : null,
    tenants: listed.map((t) => ({
      id: t.snapshot.tenant.id,
      name: t.snapshot.tenant.name,
      licence: t.snapshot.licence,
      admins: t.admins.map((a) => ({
        upn: a.upn,
        roles: a.roles,
        exchangeApiEnabled: a.exchangeApiEnabled,
      })),
      ...(t.fleet
        ? {
            fleet: {
              consented: t.fleet.consented,
              roleGranted: t.fleet.roleGranted,
              spDisabled: t.fleet.spDisabled,
              coManager: t.fleet.coManager,
              gateway: t.fleet.gateway,
            },
          }
        : {}),
    })),
  }
}

/** A generated tenant's flags, in words. */
function fleetWords(
  f: NonNullable<ReturnType<typeof summary>['tenants'][number]['fleet']>,
): string {
  const words = [
    !f.consented ? 'not consented' : f.roleGranted ? 'role granted' : 'consented, no role',
    ...(f.spDisabled ? ['service principal disabled'] : []),
    ...(f.coManager ? ['co-manager'] : []),
    ...(f.gateway ? ['gateway'] : []),
  ]
  return words.join(', ')
}

function formatSummary(s: ReturnType<typeof summary>): string {
  const out = [
    paint('bold', `passage sandbox listening at ${s.url}`),
    `CA certificate: ${s.caPath ?? '(in memory)'}`,
    `  trust it for Node: NODE_EXTRA_CA_CERTS=${s.caPath ?? '<ca.pem>'}`,
    s.temporaryCerts
      ? `  (no --state: certificates live in ${s.certDir} and are deleted on exit)`
      : `  (kept beside the state in ${s.certDir})`,
    `State: ${s.state ?? 'in memory (lost on exit; use --state file.db to keep it)'}`,
  ]
  if (s.faults) out.push(`Faults: ${s.faults}`)
  const th = s.throttling
  out.push(
    `Throttling per tenant: ${th.concurrency} concurrent requests, ${th.count} per ${th.perMs} ms (${th.note})`,
  )
  if (s.fleet) {
    const f = s.fleet
    const c = f.counts
    const lic = Object.entries(c.licence)
      .map(([k, n]) => `${n} ${k}`)
      .join(', ')
    out.push(
      '',
      paint(
        'bold',
        `Generated fleet: ${f.tenants} tenants (seed ${f.seed}${f.preEnrolled ? ', pre-enrolled' : ''})`,
      ),
      `  licences: ${lic}; ${c.gateway} behind a gateway; ${c.coManager} with a co-manager`,
      `  never consented: ${c.notConsented}; consented, no role: ${c.consentedNoRole}; role granted: ${c.roleGranted}; service principal disabled: ${c.spDisabled}`,
      `Operator app (multi-tenant): ${f.appId}`,
      `  certificate: ${f.certificateFile}`,
      `  private key: ${f.keyFile} (0600; passage never stores it)`,
      `  tenants:     ${f.tenantsCsv}`,
      f.temporaryAppDir ? `  (${f.appDir} is deleted on exit)` : `  (kept in ${f.appDir})`,
      `  admin consent: ${f.consentUrl}`,
    )
  }
  out.push('', paint('bold', 'Tenants'))
  for (const t of s.tenants) {
    if (t.fleet) {
      // Generated tenants: one line each (their admins are the seeded six, admin@<tenant>...).
      out.push(`  ${t.name}  ${t.id}  ${licenceName(t.licence)}  (${fleetWords(t.fleet)})`)
      continue
    }
    out.push(`  ${t.name}  ${t.id}  ${licenceName(t.licence)}`)
    for (const a of t.admins)
      out.push(
        `    ${a.upn.padEnd(42)} ${a.roles.join(', ') || 'no admin role'}${a.exchangeApiEnabled ? '' : ' (Exchange API access disabled)'}`,
      )
  }
  if (s.tenants.some((t) => t.fleet))
    out.push(
      '  (generated tenants have the same six accounts: admin@<tenant>, exchange@<tenant>...)',
    )
  out.push(
    '',
    `Sign in with the device code flow at ${s.url}/devicelogin; the admin API is ${s.url}/adminapi/beta/{tenant}/InvokeCommand.`,
    'Press Ctrl+C to stop.',
  )
  return out.join('\n')
}

/** Runs the local Microsoft 365 emulator until interrupted. */
export async function run(opts: SandboxCliOptions): Promise<void> {
  const port = integer(opts.port, '--port', 0, 65535)
  const seed = integer(opts.seed ?? '1', '--seed', 0, 2 ** 32 - 1)
  const latencyMs = opts.latency === undefined ? 0 : integer(opts.latency, '--latency', 0, 60_000)
  const faults = opts.faults ? parseFaultSpec(opts.faults) : undefined
  const count = opts.tenants !== undefined && /^\d+$/.test(opts.tenants.trim())
  const fleetSize = count ? integer(opts.tenants!.trim(), '--tenants', 1, MAX_FLEET) : null
  if (fleetSize === null && (opts.preEnrolled || opts.appDir !== undefined))
    throw new PassageError(
      'PASSAGE_E_INPUT',
      `${opts.preEnrolled ? '--pre-enrolled' : '--app-dir'} goes with a generated fleet: --tenants N.`,
      {
        hint: 'Add --tenants 100 (any number up to 10000) to generate tenants beside the seeded ones.',
      },
    )
  const initialWorld =
    opts.tenants && fleetSize === null ? tenantsFromFile(opts.tenants) : undefined
  // The operator app's key is new on every run, so a fleet cannot come back from a state file.
  if (fleetSize !== null && opts.state && existsSync(opts.state))
    throw new PassageError(
      'PASSAGE_E_INPUT',
      `--tenants ${fleetSize} makes a new world, but the state file '${opts.state}' exists.`,
      {
        hint: 'Drop --state (a generated fleet lives in memory; the same --seed gives the same tenants), or give a new state file.',
      },
    )
  const app = fleetSize === null ? null : fleetRegistration({ seed })
  if (opts.tenants && opts.state && existsSync(opts.state))
    process.stderr.write(
      `note: ${opts.state} exists, so its tenants are used and --tenants is ignored\n`,
    )
  const temporaryCerts = !opts.state
  const certDir = opts.state ? undefined : mkdtempSync(join(tmpdir(), 'passage-sandbox-'))
  let sb: RunningSandbox
  try {
    sb = await startSandbox({
      port,
      host: opts.host,
      stateFile: opts.state ?? null,
      ...(certDir ? { certDir } : {}),
      ...(initialWorld ? { initialWorld } : {}),
      latencyMs,
      ...(faults ? { faults } : {}),
      seed,
      logger: opts.log === true,
      ...(app && fleetSize !== null
        ? {
            fleet: {
              tenants: fleetSize,
              seed,
              preEnrolled: opts.preEnrolled === true,
              registration: app.registration,
            },
          }
        : {}),
    })
  } catch (e) {
    if (certDir) rmSync(certDir, { recursive: true, force: true })
    throw e
  }
  const temporaryAppDir = app !== null && opts.appDir === undefined
  let fleetFiles: FleetFiles | null = null
  if (app) {
    const dir = opts.appDir
      ? resolve(opts.appDir)
      : mkdtempSync(join(tmpdir(), 'passage-fleet-app-'))
    try {
      fleetFiles = writeFleetFiles(dir, temporaryAppDir, app, sb.world)
    } catch (e) {
      await sb.close()
      if (certDir) rmSync(certDir, { recursive: true, force: true })
      if (temporaryAppDir) rmSync(dir, { recursive: true, force: true })
      throw new PassageError(
        'PASSAGE_E_FILE',
        `Cannot write the operator app's files to '${dir}'.`,
        {
          cause: e,
        },
      )
    }
  }
  // The signal handlers go in before the summary is printed: a supervisor that reads the line and
  // at once sends SIGTERM must find them (without them the default action kills the process
  // before its temporary certificates are removed).
  const stopped = new Promise<void>((done) => {
    const stop = (signal: string) => {
      process.off('SIGINT', onInt)
      process.off('SIGTERM', onTerm)
      if (!opts.json) process.stderr.write(`\n${signal}: stopping the sandbox\n`)
      sb.close()
        .catch(() => {})
        .finally(() => {
          if (certDir) rmSync(certDir, { recursive: true, force: true })
          if (fleetFiles?.temporaryAppDir)
            rmSync(fleetFiles.appDir, { recursive: true, force: true })
          done()
        })
    }
    const onInt = () => stop('SIGINT')
    const onTerm = () => stop('SIGTERM')
    process.on('SIGINT', onInt)
    process.on('SIGTERM', onTerm)
  })
  const s = summary(sb, sb.certDir, temporaryCerts, fleetFiles)
  if (opts.json) process.stdout.write(`${JSON.stringify(s)}\n`)
  else console.log(formatSummary(s))
  await stopped
}
