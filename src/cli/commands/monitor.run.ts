/** `passage monitor`: the implementation, loaded when the command runs (see ./monitor.ts). */
import type { Command } from 'commander'
import { wholeNumber } from '../numbers.js'
import { AlertSpec, sinksOf, webhookUrl } from '../../app/monitor/alert-spec.js'
import { REMOVE_AFTER_DAYS } from '../../app/monitor/tabl-expiry.js'
import { stateCounts, type MonitorRunResult, type MonitorTenant } from '../../app/monitor/run.js'
import { PassageError } from '../../core/errors/index.js'
import type { Store } from '../../store/index.js'
import { progress, sessionFor, withStore } from '../connection.js'
import { caPemOf, keyFileOpt, requireApp, withFleetStore } from '../fleet-context.js'
import { paint, printable, printJson } from '../output.js'
import { table } from '../table.js'
import type { MonitorOptions } from './monitor.js'

/** `host[:port]`, port 587 (submission) when not given. */
function hostPort(text: string): { host: string; port: number } {
  const m = /^\s*(\[[^\]]+\]|[^:\s]+)(?::(\d{1,5}))?\s*$/.exec(text)
  const port = m?.[2] ? Number(m[2]) : 587
  if (!m?.[1] || port < 1 || port > 65_535)
    throw new PassageError(
      'PASSAGE_E_INPUT',
      `--smtp takes host[:port], got '${text.slice(0, 80)}'.`,
    )
  return { host: m[1].replace(/^\[|\]$/g, ''), port }
}

/** One of an environment variable or a file, as the two options name it. */
function secretSource(
  what: string,
  env: string | undefined,
  file: string | undefined,
): { env: string } | { file: string } | undefined {
  if (env && file)
    throw new PassageError(
      'PASSAGE_E_INPUT',
      `${what}: give an environment variable or a file, not both.`,
    )
  return env ? { env } : file ? { file } : undefined
}

/** Where the alerts go, from the options (no secret in it: where each secret is). */
export function alertSpecOf(opts: MonitorOptions): AlertSpec {
  const spec: AlertSpec = {}
  const hookSecret = secretSource(
    'The webhook secret',
    opts.webhookSecretEnv,
    opts.webhookSecretFile,
  )
  if (opts.webhook) {
    if (!hookSecret)
      throw new PassageError(
        'PASSAGE_E_INPUT',
        'A webhook needs its signing secret: --webhook-secret-env <var> or --webhook-secret-file <file>.',
      )
    spec.webhook = { url: webhookUrl(opts.webhook), secret: hookSecret }
  } else if (hookSecret)
    throw new PassageError('PASSAGE_E_INPUT', 'A webhook secret was given without --webhook <url>.')
  const password = secretSource('The SMTP password', opts.smtpPasswordEnv, opts.smtpPasswordFile)
  if (opts.smtp) {
    if (!opts.mailFrom || opts.mailTo.length === 0)
      throw new PassageError(
        'PASSAGE_E_INPUT',
        'E-mail alerts need --mail-from and at least one --mail-to.',
      )
    spec.email = {
      ...hostPort(opts.smtp),
      ...(opts.smtpSecure ? { secure: true } : {}),
      from: opts.mailFrom,
      to: opts.mailTo,
      ...(opts.smtpUser ? { user: opts.smtpUser } : {}),
      ...(password ? { password } : {}),
    }
  } else if (opts.mailFrom || opts.mailTo.length || opts.smtpUser || password)
    throw new PassageError(
      'PASSAGE_E_INPUT',
      'Mail options were given without --smtp <host[:port]>.',
    )
  const parsed = AlertSpec.safeParse(spec)
  if (!parsed.success)
    throw new PassageError(
      'PASSAGE_E_INPUT',
      `Alert options: ${parsed.error.issues[0]?.message ?? 'invalid'}.`,
    )
  return parsed.data
}

/**
 * A renewed allow lapses 45 days later: a pass that renews with a window of 45 days or more would
 * renew it again on every pass, so that is refused.
 */
export function renewWindow(renew: boolean | undefined, withinDays: number): void {
  if (renew && withinDays >= REMOVE_AFTER_DAYS)
    throw new PassageError(
      'PASSAGE_E_INPUT',
      `With --renew, --within-days must be under ${REMOVE_AFTER_DAYS}: a renewed allow lapses ${REMOVE_AFTER_DAYS} days later, so every pass would renew it again.`,
    )
}

/** Checks what the pass watches: one tenant, or the fleet. */
export function target(opts: MonitorOptions): 'tenant' | 'fleet' {
  if (opts.tenant && opts.fleet)
    throw new PassageError('PASSAGE_E_INPUT', 'Give --tenant or --fleet, not both.')
  if (!opts.tenant && !opts.fleet)
    throw new PassageError('PASSAGE_E_INPUT', 'Say what to watch: --tenant <name|guid> or --fleet.')
  if (opts.tag && !opts.fleet) throw new PassageError('PASSAGE_E_INPUT', '--tag goes with --fleet.')
  return opts.fleet ? 'fleet' : 'tenant'
}

/** Runs one pass and prints it (exit 3 unless every classified tenant is green and told). */
export async function run(opts: MonitorOptions, cmd: Command): Promise<void> {
  const kind = target(opts)
  const within = wholeNumber('--within-days', opts.withinDays, 1, 60)
  renewWindow(opts.renew, within)
  const spec = alertSpecOf(opts)
  // Secrets are read now: a missing one is said before any tenant is read.
  const alerts = sinksOf(spec)
  const pass = async (store: Store, tenants: MonitorTenant[]) => {
    const { runMonitorOnce } = await import('../../app/monitor/run.js')
    progress(`Monitoring ${tenants.length === 1 ? '1 tenant' : `${tenants.length} tenants`}...`)
    return runMonitorOnce({
      store,
      tenants,
      clock: () => new Date(),
      alerts,
      expiringWithinDays: within,
      ...(opts.renew ? { renew: true } : {}),
    })
  }
  const result =
    kind === 'fleet'
      ? await withFleetStore(cmd, async (store) => {
          const app = await requireApp(store)
          const { fleetKey } = await import('../../app/fleet/key.js')
          const { fleetMonitorTenants } = await import('../../app/monitor/fleet-tenants.js')
          const keyPem = fleetKey({
            ...(opts.key ? { keyFile: opts.key } : keyFileOpt(cmd)),
            env: process.env,
          })
          const caPem = caPemOf(app)
          const tenants = await fleetMonitorTenants(store, {
            keyPem,
            ...(caPem ? { caPem } : {}),
            ...(opts.tag ? { tag: opts.tag } : {}),
          })
          return pass(store, tenants)
        })
      : await withStore(cmd, async (store) => {
          const rec = await store.getConnection(opts.tenant)
          if (!rec)
            throw new PassageError(
              'PASSAGE_E_NOT_CONNECTED',
              `No connection to ${opts.tenant} is saved.`,
            )
          return pass(store, [
            {
              tenantId: rec.tenantId,
              name: rec.tenantName || rec.tenantId,
              open: () => sessionFor(store, rec.tenantId),
            },
          ])
        })
  print(result, Boolean(opts.json))
  if (!allGood(result)) process.exitCode = 3
}

/** Every tenant classified green (or with nothing applied), and every owed alert delivered. */
export function allGood(r: MonitorRunResult): boolean {
  return r.classified.every(
    (o) =>
      (o.vendor === null || o.classification?.state === 'green') &&
      (!o.alert || (o.deliveries.length > 0 && o.deliveries.every((d) => d.ok))) &&
      // A renewal's alert no channel took is said too (there is no channel: nothing to say).
      (o.renewalAlert?.deliveries ?? []).every((d) => d.ok),
  )
}

function print(r: MonitorRunResult, json: boolean): void {
  if (json) {
    printJson({
      tenants: r.classified.map((o) => ({
        tenantId: o.tenantId,
        tenantName: o.tenantName,
        vendor: o.vendor,
        state: o.classification?.state ?? null,
        ...(o.skipped ? { skipped: o.skipped } : {}),
        changed: o.changed,
        explanation: o.classification?.explanation ?? null,
        fix: o.classification?.fix ?? null,
        reasons: o.classification?.reasons ?? [],
        alert: o.alert ? { kind: o.alert.kind, deliveries: o.deliveries } : null,
        ...(o.renewal ? { renewal: o.renewal } : {}),
        ...(o.renewalAlert
          ? {
              renewalAlert: {
                kind: o.renewalAlert.alert.kind,
                deliveries: o.renewalAlert.deliveries,
              },
            }
          : {}),
      })),
      alertsSent: r.alertsSent,
      green: allGood(r),
    })
    return
  }
  const rows = r.classified.map((o) => [
    o.tenantName,
    o.vendor ?? '-',
    o.classification
      ? paint(o.classification.state === 'green' ? 'green' : 'red', o.classification.state)
      : (o.skipped ?? '-'),
    !o.alert
      ? o.changed
        ? 'changed'
        : '-'
      : o.deliveries.length === 0
        ? `${o.alert.kind}: owed (no channel)`
        : o.deliveries.every((d) => d.ok)
          ? `${o.alert.kind}: sent`
          : `${o.alert.kind}: not delivered`,
  ])
  console.log(table(['tenant', 'vendor', 'state', 'alert'], rows))
  for (const o of r.classified) {
    const rn = o.renewal
    if (!rn) continue
    const renewed = rn.decisions.filter((d) => d.action === 'renew').length
    console.log(
      rn.error
        ? `${printable(o.tenantName)}: the renewal failed: ${printable(rn.error.message)}`
        : `${printable(o.tenantName)}: ${renewed} allow(s) renewed${rn.run ? ` in run ${rn.run.id} (${rn.run.status})` : ''}, ${rn.decisions.length - renewed} left.`,
    )
  }
  for (const o of r.classified) {
    const c = o.classification
    if (!c || c.state === 'green') continue
    console.log(
      `\n${printable(o.tenantName)}: ${printable(c.explanation)}\n  fix: ${printable(c.fix)}`,
    )
    for (const d of o.deliveries.filter((x) => !x.ok))
      console.log(`  alert to ${printable(d.sink)} failed: ${printable(d.detail ?? '')}`)
  }
  console.log(`\n${stateCounts(r)}; ${r.alertsSent} alert(s) sent.`)
}
