/** `passage sandbox`: the implementation, loaded when the command runs (see ./sandbox.ts). */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PassageError, parseWith } from '../../core/errors/index.js'
import { licenceName } from '../../core/model/licence.js'
import { TenantSnapshot } from '../../core/model/snapshot.js'
import {
  parseFaultSpec,
  seedTenant,
  startSandbox,
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

/** The start-up summary, as JSON (`--json`, one line) and for people. */
export function summary(sb: RunningSandbox, certDir: string | null, temporaryCerts: boolean) {
  return {
    ok: true,
    url: sb.url,
    caPath: sb.caPath,
    certDir,
    temporaryCerts,
    state: sb.statePath,
    faults: sb.faults || null,
    tenants: sb.world.tenants.map((t) => ({
      id: t.snapshot.tenant.id,
      name: t.snapshot.tenant.name,
      licence: t.snapshot.licence,
      admins: t.admins.map((a) => ({
        upn: a.upn,
        roles: a.roles,
        exchangeApiEnabled: a.exchangeApiEnabled,
      })),
    })),
  }
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
  out.push('', paint('bold', 'Tenants'))
  for (const t of s.tenants) {
    out.push(`  ${t.name}  ${t.id}  ${licenceName(t.licence)}`)
    for (const a of t.admins)
      out.push(
        `    ${a.upn.padEnd(42)} ${a.roles.join(', ') || 'no admin role'}${a.exchangeApiEnabled ? '' : ' (Exchange API access disabled)'}`,
      )
  }
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
  const initialWorld = opts.tenants ? tenantsFromFile(opts.tenants) : undefined
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
    })
  } catch (e) {
    if (certDir) rmSync(certDir, { recursive: true, force: true })
    throw e
  }
  // The signal handlers go in before the summary is printed: a supervisor that reads the line and
  // at once sends SIGTERM must find them (without them the default action kills the process
  // before its temporary certificates are removed).
  const stopped = new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      process.off('SIGINT', onInt)
      process.off('SIGTERM', onTerm)
      if (!opts.json) process.stderr.write(`\n${signal}: stopping the sandbox\n`)
      sb.close()
        .catch(() => {})
        .finally(() => {
          if (certDir) rmSync(certDir, { recursive: true, force: true })
          resolve()
        })
    }
    const onInt = () => stop('SIGINT')
    const onTerm = () => stop('SIGTERM')
    process.on('SIGINT', onInt)
    process.on('SIGTERM', onTerm)
  })
  const s = summary(sb, sb.certDir, temporaryCerts)
  if (opts.json) process.stdout.write(`${JSON.stringify(s)}\n`)
  else console.log(formatSummary(s))
  await stopped
}
