/**
 * `passage fleet <sub>`: the implementation, loaded when a fleet command runs (see ./fleet.ts).
 * The CLI process is the orchestrator: it records fleet plans and items, sends jobs, and, unless
 * --workers 0, runs worker loops itself (other machines' `passage worker` share the queue).
 * Progress goes to standard error, summaries to standard output, --json prints one document.
 */
import { X509Certificate } from 'node:crypto'
import { statSync } from 'node:fs'
import { hostname, userInfo } from 'node:os'
import { resolve } from 'node:path'
import type { Command } from 'commander'
import { readText } from '../../app/files.js'
import type { FleetPlanSummary } from '../../app/fleet/summary.js'
import type { FleetWorker } from '../../app/fleet/worker.js'
import { PassageError } from '../../core/errors/index.js'
import { MICROSOFT_ENDPOINTS, resolveEndpoints } from '../../exchange/index.js'
import type { FleetApp, FleetTenant, JobQueue, Store } from '../../store/index.js'
import { progress, requireYesOrTerminal, confirmOrYes, showDeviceCode } from '../connection.js'
import { paint, printable, printJson } from '../output.js'
import { progressDisplay } from '../progress-bar.js'
import { caPemOf, globals, keyFileOpt, requireApp, withFleetStore } from '../fleet-context.js'
import { table } from '../table.js'
import type {
  FleetAppSetOptions,
  FleetApplyOptions,
  FleetCommonOptions,
  FleetEnrolOptions,
  FleetImportOptions,
  FleetListOptions,
  FleetPlanOptions,
  FleetTagOptions,
  FleetWaveOptions,
} from './fleet.js'

/** Largest CSV `fleet import` reads (a bounded load: about 50 000 tenants). */
const MAX_CSV_BYTES = 5 * 1024 * 1024

/** What a fleet command works with: the store, the queue, and in-process workers when asked. */
interface FleetContext {
  store: Store
  queue: JobQueue
  workers: FleetWorker | null
}

/** Parses a non-negative whole number option. */
function wholeNumber(name: string, text: string, max = 64): number {
  const n = /^\s*\d+\s*$/.test(text) ? Number(text) : NaN
  if (!Number.isInteger(n) || n < 0 || n > max)
    throw new PassageError(
      'PASSAGE_E_INPUT',
      `${name} takes a whole number from 0 to ${max}, got '${text.slice(0, 40)}'.`,
    )
  return n
}

/**
 * Runs `fn` with the store, the queue and, when `workers` > 0, that many in-process worker loops
 * per action (they need the app's private key). Stops the workers gracefully, then the queue and
 * the store, whatever happens.
 */
async function withFleet<T>(
  cmd: Command,
  workers: number,
  fn: (ctx: FleetContext) => Promise<T>,
): Promise<T> {
  return withFleetStore(cmd, async (store, url) => {
    const { openQueue } = await import('../../store/index.js')
    const queue = await openQueue(url, queueOptions())
    let worker: FleetWorker | null = null
    try {
      if (workers > 0) {
        const app = await requireApp(store)
        const { fleetKey } = await import('../../app/fleet/key.js')
        const { startFleetWorker } = await import('../../app/fleet/worker.js')
        const keyPem = fleetKey({ ...keyFileOpt(cmd), env: process.env })
        const caPem = caPemOf(app)
        worker = await startFleetWorker(store, queue, {
          concurrency: workers,
          keyPem,
          ...(caPem ? { caPem } : {}),
          // The app's request budget is shared with every other worker through this database.
          databaseUrl: url,
        })
      }
      return await fn({ store, queue, workers: worker })
    } finally {
      await worker?.stop({ graceful: true, timeoutMs: 30_000 }).catch(() => undefined)
      await queue.stop({ graceful: true, timeoutMs: 10_000 }).catch(() => undefined)
    }
  })
}

/** Queue options: the job expiry may be lowered for tests and demos (PASSAGE_FLEET_JOB_EXPIRE_SECONDS). */
function queueOptions(): { expireInSeconds?: number; onError: (e: Error) => void } {
  const expire = Number(process.env.PASSAGE_FLEET_JOB_EXPIRE_SECONDS)
  let last = 0
  return {
    ...(Number.isInteger(expire) && expire > 0 ? { expireInSeconds: expire } : {}),
    // The queue's own errors (a dropped connection it recovers from): one line, at most every 10 s.
    onError: (e) => {
      if (Date.now() - last < 10_000) return
      last = Date.now()
      progress(`job queue: ${printable(e.message)}`)
    },
  }
}

/** Who runs the orchestrator (recorded on the fleet plan). */
function actor(): string {
  let user = 'unknown'
  try {
    user = userInfo().username
  } catch {
    // no user name (a container without a passwd entry)
  }
  return `${user}@${hostname()}`
}

/** `1 tenant`, `2 tenants`. */
function count(n: number, word = 'tenant'): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`
}

/** Sets the exit code: the worst outcome wins (2 and 3 over 0). */
function outcome(code: 0 | 2 | 3): void {
  const now = typeof process.exitCode === 'number' ? process.exitCode : 0
  if (code > now) process.exitCode = code
}

// ---------------------------------------------------------------------------------------------
// app set / show

/** `fleet app set`: records the app id, its certificate's thumbprint and path, and endpoints. */
export async function appSet(opts: FleetAppSetOptions, cmd: Command): Promise<void> {
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(opts.appId.trim()))
    throw new PassageError(
      'PASSAGE_E_INPUT',
      `--app-id takes the application (client) id, a GUID; got '${opts.appId.slice(0, 60)}'.`,
    )
  const certificateFile = resolve(opts.certificate)
  const pem = readText(certificateFile)
  if (/PRIVATE KEY-----/.test(pem))
    throw new PassageError(
      'PASSAGE_E_INPUT',
      `${opts.certificate} holds a private key: give the certificate only (--certificate), and the key to workers with --key or PASSAGE_FLEET_KEY_FILE.`,
    )
  let thumbprintSha256: string
  try {
    thumbprintSha256 = new X509Certificate(pem).fingerprint256.replace(/:/g, '').toLowerCase()
  } catch {
    throw new PassageError('PASSAGE_E_INPUT', `${opts.certificate} is not a PEM certificate.`)
  }
  if (opts.sandbox && !opts.ca)
    throw new PassageError('PASSAGE_E_INPUT', 'A sandbox needs its CA: give --ca <file>.', {
      hint: '`passage sandbox` prints the path of its CA certificate.',
    })
  if (opts.sandbox && !/^https:\/\/[^\s/]+/i.test(opts.sandbox))
    throw new PassageError(
      'PASSAGE_E_INPUT',
      `'${opts.sandbox.slice(0, 80)}' is not the sandbox's base URL.`,
    )
  const caFile = opts.ca ? resolve(opts.ca) : null
  if (caFile) statSync(caFile)
  const base = opts.sandbox
    ? resolveEndpoints({
        exchangeBase: opts.sandbox,
        graphBase: opts.sandbox,
        authority: opts.sandbox,
      })
    : MICROSOFT_ENDPOINTS
  const app: FleetApp = {
    appId: opts.appId.trim().toLowerCase(),
    thumbprintSha256,
    certificateFile,
    endpoints: {
      authority: base.authority,
      exchangeBase: base.exchangeBase,
      graphBase: base.graphBase,
    },
    caFile,
    createdAt: new Date().toISOString(),
  }
  await withFleetStore(cmd, (store) => store.saveFleetApp(app))
  if (opts.json) printJson({ ok: true, app })
  else
    console.log(
      `Fleet app ${app.appId} recorded (certificate ${app.certificateFile}, SHA-256 ${app.thumbprintSha256.slice(0, 16)}...).\n` +
        `The private key is not stored: give it to workers with --key, PASSAGE_FLEET_KEY_FILE or PASSAGE_FLEET_KEY.`,
    )
}

/** `fleet app show`. */
export async function appShow(opts: FleetCommonOptions, cmd: Command): Promise<void> {
  const app = await withFleetStore(cmd, (store) => requireApp(store))
  if (opts.json) return printJson(app)
  console.log(
    table(
      ['field', 'value'],
      [
        ['app id', app.appId],
        ['certificate', app.certificateFile],
        ['SHA-256 thumbprint', app.thumbprintSha256],
        ['authority', app.endpoints.authority],
        ['Exchange', app.endpoints.exchangeBase],
        ['Graph', app.endpoints.graphBase],
        ['CA', app.caFile ?? '(Microsoft 365)'],
        ['recorded', app.createdAt],
      ],
      80,
    ),
  )
}

// ---------------------------------------------------------------------------------------------
// tenants: enrol, import, list, tag, remove

/** The fleet tenant with this id or name, or PASSAGE_E_FLEET_TENANT_UNKNOWN. */
async function findTenant(store: Store, idOrName: string): Promise<FleetTenant> {
  const key = idOrName.trim().toLowerCase()
  const t =
    (await store.getFleetTenant(key)) ??
    (await store.listFleetTenants()).find((x) => x.name.toLowerCase() === key) ??
    null
  if (!t || t.state === 'removed')
    throw new PassageError(
      'PASSAGE_E_FLEET_TENANT_UNKNOWN',
      `'${idOrName.slice(0, 80)}' is not in the fleet.`,
    )
  return t
}

/** A tag as the fleet stores it (lower case; letters, digits, '.', '_' and '-'). */
async function checkTags(tags: readonly string[]): Promise<string[]> {
  const { normaliseTags } = await import('../../app/fleet/import.js')
  return normaliseTags(tags)
}

/** The tenant as one JSON-able record. */
function tenantJson(t: FleetTenant) {
  return { ...t }
}

/** `fleet enrol <tenant>`. */
export async function enrol(tenant: string, opts: FleetEnrolOptions, cmd: Command): Promise<void> {
  const tags = await checkTags(opts.tag)
  const { consentUrl, enrolTenant } = await import('../../app/fleet/enrol.js')
  if (!opts.wait) {
    const app = await withFleetStore(cmd, (store) => requireApp(store))
    const url = consentUrl(app, tenant)
    if (opts.json) return printJson({ ok: true, tenant, consentUrl: url, enrolled: false })
    console.log(
      `Send this consent URL to the Global Administrator of ${tenant}:\n  ${url}\nThen run \`passage fleet enrol ${tenant}\` again.`,
    )
    return
  }
  const { fleetKey } = await import('../../app/fleet/key.js')
  const keyPem = fleetKey({ ...keyFileOpt(cmd), env: process.env })
  const t = await withFleetStore(cmd, async (store) => {
    const app = await requireApp(store)
    const caPem = caPemOf(app)
    progress(
      opts.readOnly
        ? 'The app will get View-Only Organization Management (read only: fleet check, no changes).'
        : 'The app will get Organization Management: the Exchange role Microsoft requires for anti-spam, anti-malware and anti-phishing settings (a narrower Exchange role set for these cmdlets is UNCONFIRMED).',
    )
    return enrolTenant(store, {
      tenant,
      access: opts.readOnly ? 'read' : 'change',
      tags,
      keyPem,
      ...(caPem ? { caPem } : {}),
      onCode: showDeviceCode,
      onStatus: progress,
    })
  })
  if (opts.json) return printJson({ ok: t.state === 'enrolled', tenant: tenantJson(t) })
  console.log(
    `${t.name} (${t.tenantId}): ${t.state}, access ${t.access}${t.tags.length ? `, tags ${t.tags.join(', ')}` : ''}.`,
  )
  if (t.state !== 'enrolled') outcome(3)
}

/** `fleet import <csv>`. */
export async function importCsv(
  csv: string,
  opts: FleetImportOptions,
  cmd: Command,
): Promise<void> {
  let size: number
  try {
    size = statSync(csv).size
  } catch {
    throw new PassageError('PASSAGE_E_INPUT', `${csv.slice(0, 200)}: no such file.`)
  }
  if (size > MAX_CSV_BYTES)
    throw new PassageError(
      'PASSAGE_E_INPUT',
      `${csv} is ${Math.round(size / 1024)} KB; at most ${MAX_CSV_BYTES / 1024 / 1024} MB is read.`,
      { hint: 'Split it into several files.' },
    )
  const text = readText(csv)
  const { importTenants } = await import('../../app/fleet/import.js')
  const keyPem = opts.prove
    ? (await import('../../app/fleet/key.js')).fleetKey({ ...keyFileOpt(cmd), env: process.env })
    : ''
  const r = await withFleetStore(cmd, async (store) => {
    const app = await requireApp(store)
    const caPem = caPemOf(app)
    return importTenants(store, text, { keyPem, ...(caPem ? { caPem } : {}), prove: opts.prove })
  })
  const notEnrolled = r.imported.filter((t) => t.state !== 'enrolled')
  if (r.refused.length) outcome(2)
  if (notEnrolled.length) outcome(3)
  if (opts.json) return printJson({ ok: !r.refused.length && !notEnrolled.length, ...r })
  console.log(
    `${count(r.imported.length - notEnrolled.length)} enrolled${notEnrolled.length ? `, ${notEnrolled.length} without access` : ''}${r.refused.length ? `, ${count(r.refused.length, 'line')} refused` : ''}.`,
  )
  for (const t of notEnrolled)
    console.log(
      `  ${t.name}: ${t.state}${t.lastErrorMessage ? ` (${printable(t.lastErrorMessage)})` : ''}`,
    )
  for (const x of r.refused) console.log(`  line ${x.line}: ${printable(x.reason)}`)
}

/** `fleet list`. */
export async function list(opts: FleetListOptions, cmd: Command): Promise<void> {
  const tag = opts.tag ? (await checkTags([opts.tag]))[0] : undefined
  const tenants = await withFleetStore(cmd, (store) =>
    store.listFleetTenants(tag ? { tag } : undefined),
  )
  tenants.sort((a, b) => a.name.localeCompare(b.name))
  if (opts.json) return printJson(tenants.map(tenantJson))
  if (!tenants.length) {
    console.log(
      opts.tag
        ? `No tenant has the tag ${opts.tag}.`
        : 'The fleet has no tenants yet: `passage fleet enrol` or `passage fleet import`.',
    )
    return
  }
  console.log(
    table(
      ['tenant', 'id', 'state', 'access', 'tags', 'enrolled'],
      tenants.map((t) => [
        t.name,
        t.tenantId,
        t.state,
        t.access,
        t.tags.join(', '),
        t.enrolledAt?.slice(0, 10) ?? '',
      ]),
    ),
  )
  console.log(`\n${count(tenants.length)}.`)
}

/** `fleet tag <tenant> --add t --remove t`. */
export async function tag(tenant: string, opts: FleetTagOptions, cmd: Command): Promise<void> {
  const add = await checkTags(opts.add)
  const remove = new Set(await checkTags(opts.remove))
  if (!add.length && !remove.size)
    throw new PassageError('PASSAGE_E_INPUT', 'Give --add <tag> or --remove <tag>.')
  const t = await withFleetStore(cmd, async (store) => {
    const t = await findTenant(store, tenant)
    const tags = [...new Set([...t.tags.filter((x) => !remove.has(x)), ...add])].sort()
    const { updatedAt: _u, ...rest } = t
    await store.upsertFleetTenant({ ...rest, tags })
    return { ...t, tags }
  })
  if (opts.json) return printJson(tenantJson(t))
  console.log(`${t.name}: tags ${t.tags.join(', ') || '(none)'}.`)
}

/** `fleet remove <tenant>`. */
export async function remove(
  tenant: string,
  opts: FleetCommonOptions,
  cmd: Command,
): Promise<void> {
  const t = await withFleetStore(cmd, async (store) => {
    const t = await findTenant(store, tenant)
    const { updatedAt: _u, ...rest } = t
    await store.upsertFleetTenant({ ...rest, state: 'removed' })
    return t
  })
  if (opts.json)
    return printJson({ ok: true, tenantId: t.tenantId, name: t.name, state: 'removed' })
  console.log(
    `${t.name} removed from the fleet (its plans and runs stay). The app's consent and role stay in the tenant until its admin removes them.`,
  )
}

// ---------------------------------------------------------------------------------------------
// plan, apply, check, rollback

/** `fleet plan <vendor> --tenants <selector>`. */
export async function plan(vendor: string, opts: FleetPlanOptions, cmd: Command): Promise<void> {
  const workers = wholeNumber('--workers', opts.workers)
  const [{ parseParams }, orch, summaryMod] = await Promise.all([
    import('../../app/vendor-choice.js'),
    import('../../app/fleet/orchestrate.js'),
    import('../../app/fleet/summary.js'),
  ])
  const req = {
    vendor,
    params: parseParams(opts.param),
    ...(opts.protect
      ? {
          protections: opts.protect
            .split(',')
            .map((x) => x.trim())
            .filter(Boolean),
        }
      : {}),
    mode: opts.mechanism as 'recommended' | 'recipe',
    ...(opts.presetException.length ? { presetExceptions: opts.presetException } : {}),
  }
  // A typo in the vendor or a parameter fails here, before the database or any job.
  orch.validatePlanRequest(req)
  if (!opts.tenants?.trim())
    throw new PassageError(
      'PASSAGE_E_INPUT',
      'Give the tenants: --tenants all|tag:<t>|file:<path>|<a,b>.',
    )
  await withFleet(cmd, opts.wait ? workers : 0, async ({ store, queue }) => {
    const fp = await orch.createFleetPlan(store, queue, req, opts.tenants!, actor())
    progress(`Fleet plan ${fp.id}: ${vendor} for ${count(fp.tenantIds.length)}.`)
    if (!opts.wait) {
      if (opts.json) printJson({ ok: true, fleetPlan: fp, queued: true })
      else
        console.log(
          `${fp.id} queued for ${count(fp.tenantIds.length)}. Workers (\`passage worker\`) plan them; \`passage fleet status\` follows them.`,
        )
      return
    }
    if (workers === 0)
      progress('No in-process workers (--workers 0): waiting for `passage worker` elsewhere.')
    const bar = progressDisplay('planning')
    await orch.waitForItems(store, fp.id, 'plan', {
      queue,
      onProgress: (c, t) => bar.update(c, t),
    })
    bar.end()
    const s = await summaryMod.fleetPlanSummary(store, fp.id)
    if (s.failed.length || s.noAccess.length) outcome(3)
    else if (s.refused.length) outcome(2)
    if (opts.json)
      return printJson({ ok: !s.failed.length && !s.noAccess.length && !s.refused.length, ...s })
    console.log(formatSummary(s))
  })
}

type Summary = FleetPlanSummary

/** Names, shortened to `max` with a count of the rest. */
function names(xs: readonly { name: string }[], max = 6): string {
  const shown = xs.slice(0, max).map((x) => x.name)
  return `${shown.join(', ')}${xs.length > max ? ` and ${xs.length - max} more` : ''}`
}

/** A reason cut to one short line (Entra's and Exchange's own texts can be long). */
function short(text: string, max = 160): string {
  const one = printable(text.replace(/\s+/g, ' ').trim())
  return one.length > max ? `${one.slice(0, max - 1)}…` : one
}

/** The human view of a fleet plan's summary. */
function formatSummary(s: Summary): string {
  const out: string[] = []
  const fp = s.fleetPlan
  out.push(
    paint(
      'bold',
      `Fleet plan ${fp.id}: ${fp.request.vendor} (${fp.request.mode}) for ${count(s.total)} (${fp.selector})`,
    ),
    '',
  )
  s.groups.forEach((g, i) => {
    out.push(
      paint(
        'bold',
        `Group ${i + 1}: ${count(g.tenants.length)}, ${count(g.changes.length, 'change')}`,
      ),
      `  tenants: ${names(g.tenants)}`,
    )
    for (const c of g.changes) out.push(`  - [${c.id}] ${c.summary} (risk ${c.risk})`)
    out.push(
      `  PowerShell (from ${g.example.name}; the same for every tenant of the group${g.varies.length ? ', except the values noted' : ''}):`,
    )
    out.push(...g.powershell.split('\n').map((l) => `    ${l}`), '')
  })
  if (s.nothing.length)
    out.push(`Already done (nothing to change): ${s.nothing.length}: ${names(s.nothing)}`)
  for (const r of s.refused)
    out.push(
      `${paint('yellow', 'Refused')}: ${r.tenants.length}: ${names(r.tenants)}: ${short(r.reason)}`,
    )
  for (const r of s.noAccess)
    out.push(
      `${paint('yellow', 'No access')}: ${r.tenants.length}: ${names(r.tenants)}: ${short(r.reason)}`,
    )
  for (const f of s.failed)
    out.push(
      `${paint('red', 'Failed')}: ${f.name}: ${f.code ?? ''} ${short(f.message ?? '')}`.trimEnd(),
    )
  if (s.cancelled.length) out.push(`Cancelled: ${s.cancelled.length}: ${names(s.cancelled)}`)
  if (s.pending) out.push(`Still planning: ${count(s.pending)}.`)
  const changing = s.groups.reduce((n, g) => n + g.tenants.length, 0)
  out.push(
    '',
    changing
      ? `Next: passage fleet apply ${fp.id} --canary 2 --max-failures 10%   (${count(changing)} to change)`
      : 'Nothing to apply.',
  )
  return out.join('\n')
}

/** `fleet apply <fleet-plan>`. */
export async function apply(id: string, opts: FleetApplyOptions, cmd: Command): Promise<void> {
  const canary = wholeNumber('--canary', opts.canary, 10_000)
  const workers = wholeNumber('--workers', opts.workers)
  const { parseMaxFailures, applyFleet } = await import('../../app/fleet/waves.js')
  const maxFailuresPct = parseMaxFailures(opts.maxFailures)
  requireYesOrTerminal(opts.yes, `Applying fleet plan ${id}`)
  const { fleetPlanSummary } = await import('../../app/fleet/summary.js')
  // The plan is read, and the question asked, before any worker starts.
  const s = await withFleetStore(cmd, (store) => fleetPlanSummary(store, id))
  const changing = s.groups.reduce((n, g) => n + g.tenants.length, 0)
  if (
    !(await confirmOrYes(
      `Apply ${s.fleetPlan.id} (${s.fleetPlan.request.vendor}) to ${count(changing)}: ${canary ? `a canary of ${Math.min(canary, changing)} first, then the rest` : 'all at once'}, stopping above ${maxFailuresPct}% failures?`,
      opts.yes,
    ))
  ) {
    progress('Nothing applied.')
    process.exitCode = 2
    return
  }
  const bar = progressDisplay('apply')
  const r = await withFleet(cmd, workers, ({ store, queue }) =>
    applyFleet(store, queue, id, {
      canary,
      maxFailuresPct,
      onWave: (w) => {
        bar.end()
        progress(
          `${w.kind === 'canary' ? 'Canary wave' : w.kind === 'rest' ? 'Wave' : w.kind}: ${w.action} ${count(w.tenants)}...`,
        )
      },
      onProgress: (action, c, t) => bar.update(c, t, action),
    }),
  )
  bar.end()
  const bad = r.waves.some((w) => w.failed > 0 || w.green < w.tenants.length)
  if (r.stopped || bad || r.readOnly.length) outcome(3)
  if (opts.json) return printJson({ ok: !r.stopped && !bad && !r.readOnly.length, ...r })
  const out: string[] = []
  for (const w of r.waves) {
    out.push(
      `${w.kind === 'canary' ? 'Canary wave' : 'Other tenants'}: ${count(w.tenants.length)}, ${w.applied} applied, ${w.green} green, ${w.failed} failed`,
    )
    const trouble = w.tenants.filter((t) => t.check !== 'green')
    if (trouble.length)
      out.push(
        table(
          ['tenant', 'apply', 'check', 'error'],
          trouble.map((t) => [t.name, t.apply ?? '-', t.check, short(t.error ?? '')]),
        ),
      )
  }
  if (r.alreadyDone)
    out.push(`Already applied and green before: ${count(r.alreadyDone)} (not applied twice).`)
  if (r.readOnly.length) out.push(`Enrolled read only, not applied: ${r.readOnly.join(', ')}`)
  if (r.cancelled) out.push(`Cancelled: ${count(r.cancelled, 'job')}.`)
  if (!r.waves.length && !r.readOnly.length)
    out.push('Nothing to apply: every tenant was already done or had nothing to change.')
  if (r.stopped) {
    out.push(`${paint('red', 'Stopped')}: ${r.stopped}.`)
    out.push(
      'Read the failures in `passage fleet status`, fix the cause, then run `passage fleet apply` again: tenants already done are not applied twice.',
    )
  }
  console.log(out.join('\n'))
}

/** `fleet check` and `fleet rollback`: one wave over the tenants the fleet plan applied. */
async function wave(
  action: 'check' | 'rollback',
  id: string,
  opts: FleetWaveOptions,
  cmd: Command,
): Promise<void> {
  const workers = wholeNumber('--workers', opts.workers)
  const waves = await import('../../app/fleet/waves.js')
  if (action === 'rollback') {
    requireYesOrTerminal(opts.yes, `Rolling back fleet plan ${id}`)
    const { requireFleetPlan } = await import('../../app/fleet/orchestrate.js')
    const fp = await withFleetStore(cmd, (store) => requireFleetPlan(store, id))
    if (
      !(await confirmOrYes(
        `Roll back ${fp.id} (${fp.request.vendor}) in every tenant it applied?`,
        opts.yes,
      ))
    ) {
      progress('Nothing rolled back.')
      process.exitCode = 2
      return
    }
  }
  const bar = progressDisplay(action)
  const r = await withFleet(cmd, workers, ({ store, queue }) =>
    (action === 'check' ? waves.checkFleet : waves.rollbackFleet)(store, queue, id, {
      onProgress: (_a, c, t) => bar.update(c, t),
    }),
  )
  bar.end()
  if (r.failed) outcome(3)
  if (opts.json) return printJson({ ok: !r.failed, ...r })
  if (!r.tenants.length) {
    console.log(
      `Fleet plan ${id} has no tenant applied (none yet, or all rolled back): nothing to ${action === 'check' ? 'check' : 'roll back'}.`,
    )
    return
  }
  console.log(
    table(
      ['tenant', action === 'check' ? 'check' : 'rollback', 'error'],
      r.tenants.map((t) => [
        t.name,
        action === 'check' ? (t.verdict ?? t.state) : t.state,
        short(t.error ?? ''),
      ]),
    ),
  )
  console.log(
    `\n${r.done} of ${count(r.tenants.length)} ${action === 'check' ? 'green' : 'rolled back'}${r.failed ? `, ${r.failed} not` : ''}.`,
  )
}

/** `fleet check <fleet-plan>`. */
export function check(id: string, opts: FleetWaveOptions, cmd: Command): Promise<void> {
  return wave('check', id, opts, cmd)
}

/** `fleet rollback <fleet-plan>`. */
export function rollback(id: string, opts: FleetWaveOptions, cmd: Command): Promise<void> {
  return wave('rollback', id, opts, cmd)
}

// ---------------------------------------------------------------------------------------------
// status, db

/** `fleet status`. */
export async function status(opts: FleetListOptions, cmd: Command): Promise<void> {
  const { fleetStatus } = await import('../../app/fleet/status.js')
  const tag = opts.tag ? (await checkTags([opts.tag]))[0] : undefined
  const s = await withFleet(cmd, 0, ({ store, queue }) =>
    fleetStatus(store, queue, tag ? { tag } : {}),
  )
  if (opts.json) return printJson(s)
  const counts = Object.entries(s.counts)
    .map(([k, n]) => `${k} ${n}`)
    .join(', ')
  console.log(`${count(s.tenants.length)}${counts ? `: ${counts}` : ''}.`)
  if (s.tenants.length)
    console.log(
      `\n${table(
        [
          'tenant',
          'state',
          'vendor',
          'fleet plan',
          'planned',
          'applied',
          'check',
          'TABL expiry',
          'last error',
        ],
        s.tenants.map((t) => [
          t.name,
          t.access === 'read' && t.state === 'enrolled' ? 'enrolled (read)' : t.state,
          t.lastFleetPlan?.vendor ?? '-',
          t.lastFleetPlan?.id ?? '-',
          t.planned ?? '-',
          t.applied ?? '-',
          t.check,
          t.soonestExpiry?.slice(0, 10) ?? '-',
          short(t.lastError ?? ''),
        ]),
        50,
      )}`,
    )
  if (s.deadLetters.length) {
    console.log(`\n${paint('red', 'Jobs that failed for good')} (${s.deadLetters.length}):`)
    console.log(
      table(
        ['job', 'action', 'tenant', 'at', 'error'],
        s.deadLetters.map((d) => [
          d.id,
          d.action ?? '-',
          d.job.tenantId,
          d.at,
          short(d.error ?? ''),
        ]),
      ),
    )
  }
}

/** `fleet db status`. */
export async function dbStatus(opts: FleetCommonOptions, cmd: Command): Promise<void> {
  const { defaultFleetDataDir, embeddedPostgresStatus } = await import('../../store/index.js')
  const given = globals(cmd).db ?? process.env.PASSAGE_FLEET_DB
  const dataDir = defaultFleetDataDir(process.env)
  const st = await embeddedPostgresStatus(dataDir)
  if (opts.json)
    return printJson({
      embedded: { dataDir, ...st },
      given: given ? 'a --db or PASSAGE_FLEET_DB URL' : null,
    })
  console.log(
    st.running
      ? `The embedded PostgreSQL server is running (pid ${st.pid}) in ${dataDir}.`
      : `The embedded PostgreSQL server is not running (${dataDir}).`,
  )
  if (given) console.log('Fleet commands use the server given by --db or PASSAGE_FLEET_DB instead.')
}

/** `fleet db stop`. */
export async function dbStop(opts: FleetCommonOptions): Promise<void> {
  const { defaultFleetDataDir, stopEmbeddedPostgres } = await import('../../store/index.js')
  const dataDir = defaultFleetDataDir(process.env)
  const stopped = await stopEmbeddedPostgres(dataDir)
  if (opts.json) return printJson({ ok: true, stopped, dataDir })
  console.log(
    stopped
      ? `Stopped the embedded PostgreSQL server in ${dataDir}.`
      : 'The embedded PostgreSQL server was not running.',
  )
}
