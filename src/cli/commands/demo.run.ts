/** `passage demo`: the implementation, loaded when the command runs (see ./demo.ts). */
import { plural } from '../../app/test-run.js'
import { runDemo, type DemoEvent } from '../../app/demo.js'
import type { DeliveryReport } from '../../app/test-delivery.js'
import { licenceName } from '../../core/model/licence.js'
import { approveDeviceCode, startSandbox } from '../../sandbox/index.js'
import { formatPlan } from '../format-plan.js'
import { paint } from '../output.js'
import { stepLine } from '../steps.js'
import { surfaceCounts } from '../surface-counts.js'
import type { DemoOptions } from './demo.js'

const say = (line = '') => process.stdout.write(`${line}\n`)
/** One event as one line of JSON (`--json` prints JSON lines and nothing else on stdout). */
const jsonLine = (value: unknown) => process.stdout.write(`${JSON.stringify(value)}\n`)
const head = (line: string) => say(`\n${paint('bold', `== ${line}`)}`)

function fates(r: DeliveryReport): string {
  const count = new Map<string, number>()
  for (const m of r.messages) {
    const k = m.fate + (m.quarantine ? ` (${m.quarantine.type})` : '')
    count.set(k, (count.get(k) ?? 0) + 1)
  }
  return [...count].map(([k, n]) => `${n} ${k}`).join(', ') || 'none found'
}

/** Prints one demo event for a person watching. */
function show(e: DemoEvent): void {
  switch (e.type) {
    case 'sandbox':
      say(`Embedded sandbox at ${e.url} with ${e.tenants.join(', ')}; temporary store.`)
      break
    case 'scenario':
      head(`${e.vendor} on ${e.tenant}`)
      break
    case 'device-code':
      say(`Device code ${paint('bold', e.prompt.userCode)} for ${e.prompt.verificationUri}`)
      say(`Approving as ${e.upn} on ${e.url}/devicelogin ...`)
      break
    case 'signed-in':
      say(`Signed in as ${e.actor} (tenant ${e.tenantId}); tokens in memory only.`)
      break
    case 'discovered': {
      const s = e.snapshot
      head('discover')
      say(
        `${licenceName(s.licence)}; MX ${s.mx.route === 'gateway' ? `at gateway ${s.mx.gateway}` : 'at Microsoft 365'}; read in ${e.ms} ms (${e.calls} calls)`,
      )
      for (const l of surfaceCounts(s)) say(`  ${l}`)
      if (e.coManagers.length) say(`Co-managers: ${e.coManagers.join(', ')}`)
      break
    }
    case 'planned':
      head('plan')
      say(formatPlan(e.plan))
      break
    case 'simulated': {
      head('simulate (evaluator): before -> after the plan')
      const t = e.simulation.totals
      const fmt = (x: Record<string, number>) =>
        Object.entries(x)
          .filter(([, n]) => n)
          .map(([k, n]) => `${n} ${k}`)
          .join(', ')
      say(`  before: ${fmt(t.before)}`)
      if (t.after) say(`  after:  ${fmt(t.after)}`)
      break
    }
    case 'delivery':
      head(`test messages ${e.when} apply (message trace and quarantine)`)
      say(`  sent ${e.report.sent}; fates: ${fates(e.report)}`)
      for (const m of e.report.messages.slice(0, 4))
        say(`  ${m.recipient}: ${m.fate} (${m.status}) — ${m.reason}`)
      break
    case 'step':
      if (e.event.type === 'start') break
      say(stepLine(e.event.result))
      break
    case 'phase':
      head(e.name)
      break
    case 'applied':
      say(
        `  run ${e.result.runId}: ${e.result.status} in ${e.result.ms} ms (${e.result.calls} calls)`,
      )
      break
    case 'checked':
      head('check')
      say(
        e.result.green
          ? paint('green', `  green: ${plural(e.result.checked, 'change')} in effect`)
          : paint(
              'red',
              `  ${plural(e.result.findings.length, 'finding')}: ${e.result.findings.map((f) => f.problem).join('; ')}`,
            ),
      )
      break
    case 'rollback-step':
      say(stepLine(e.step))
      break
    case 'rolled-back':
      say(
        `  ${e.result.status}: ${plural(e.result.steps.length, 'change')} undone in ${e.result.ms} ms`,
      )
      break
    case 'compared':
      say(
        e.equal
          ? paint(
              'green',
              `${e.tenant} is equal to its original state (canonical JSON of every surface).`,
            )
          : paint(
              'red',
              `${e.tenant} differs from its original state: ${e.differences.join(', ')}`,
            ),
      )
      break
  }
}

/** Seconds, to one decimal. */
const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`

/** Runs the whole job on an embedded sandbox, undone at the end. */
export async function run(opts: DemoOptions): Promise<void> {
  // Since the process started: node, the CLI and the modules this command loads.
  const startup = performance.now()
  // The CLI runs the embedded sandbox (an entry point may start it; app only talks to its
  // URLs). Its device-code poll interval is 50 ms (Entra's is 5 s, and msal honours whatever the
  // service says, so a real tenant is polled as Microsoft asks), and at a sub-second interval the
  // sandbox holds a pending poll until the approval lands (sandbox/identity/routes.ts): the
  // sign-in completes when the code is approved, with no fixed wait.
  const t0 = performance.now()
  const sb = await startSandbox({
    port: 0,
    pollIntervalSeconds: 0.05,
    ...(opts.faults ? { faults: opts.faults } : {}),
  })
  const sandboxStart = performance.now() - t0
  let sandboxStop = 0
  const r = await runDemo(
    {
      url: sb.url,
      caPem: sb.caPem,
      tenants: sb.world.tenants.map((t) => t.snapshot.tenant.name),
      approve: (userCode, upn) => approveDeviceCode(sb, userCode, upn),
    },
    (e) => (opts.json ? jsonLine(e) : show(e)),
  ).finally(async () => {
    const t1 = performance.now()
    await sb.close()
    sandboxStop = performance.now() - t1
  })
  const phases = [
    { name: 'start-up and imports', ms: Math.round(startup) },
    { name: 'sandbox start', ms: Math.round(sandboxStart) },
    ...r.phases,
    { name: 'sandbox stop', ms: Math.round(sandboxStop) },
  ]
  const wallMs = Math.round(performance.now())
  const accounted = phases.reduce((n, p) => n + p.ms, 0)
  const other = { name: 'other', ms: Math.max(0, wallMs - accounted) }
  if (r.failures.length || !r.equal) process.exitCode = 3
  if (opts.json) {
    // JSON lines only on stdout: the outcome is the last line, as an event like the others.
    jsonLine({ type: 'timing', wallMs, phases: [...phases, other] })
    jsonLine({ type: 'done', equal: r.equal, failures: r.failures, ms: r.ms })
    return
  }
  say()
  say(`Wall time ${secs(wallMs)} since the process started; where it went:`)
  for (const p of [...phases, other]) say(`  ${p.name.padEnd(22)} ${String(p.ms).padStart(6)} ms`)
  say()
  if (r.failures.length)
    say(paint('red', `Not everything went as it should: ${r.failures.join('; ')}.`))
  if (r.equal && !r.failures.length)
    say(paint('green', `Done in ${secs(r.ms)}: every tenant is equal to the original.`))
  else if (!r.equal)
    say(paint('red', `Done in ${secs(r.ms)}, but a tenant is not equal to the original.`))
}
