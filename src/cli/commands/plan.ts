import { Option, type Command } from 'commander'
import { writeTextAtomic } from '../../app/files.js'
import { loadPlanFile } from '../../app/plan-file.js'
import { signedPlanText, signPlan } from '../../app/plan-signing.js'
import { discover } from '../../app/discover.js'
import { planForSnapshot, planFromSnapshot } from '../../app/plan-use-case.js'
import { PassageError } from '../../core/errors/index.js'
import { confirmOrYes, progress, sessionFor, withStore } from '../connection.js'
import { parseParams } from '../../app/vendor-choice.js'
import type { Plan } from '../../core/planner/types.js'
import { renderPlanScript } from '../../core/powershell/render.js'
import { MECHANISMS } from '../../core/mechanisms/index.js'
import { protectionDef } from '../../core/protections/definitions.js'
import { licenceName } from '../../core/model/licence.js'
import { paint, printJson } from '../output.js'
import { table } from '../table.js'

interface PlanOptions {
  tenantSnapshot?: string
  tenant?: string
  protect?: string
  mechanism: string
  param: string[]
  vendorFile?: string
  out?: string
  powershell?: string
  json?: boolean
  now?: string
  resign?: string
  yes?: boolean
}

/** `passage plan --resign <file>`: review a plan made elsewhere and sign it here. */
async function resign(file: string, opts: PlanOptions, cmd: Command): Promise<void> {
  const { plan } = loadPlanFile(file)
  if (!opts.json) process.stderr.write(`${formatPlan(plan)}\n\n`)
  if (
    !(await confirmOrYes(
      `Sign this plan for ${plan.tenant.name} with this installation's key?`,
      opts.yes,
    ))
  ) {
    progress('Not signed.')
    process.exitCode = 2
    return
  }
  const signature = await withStore(cmd, (store) => signPlan(store, plan))
  writeTextAtomic(file, signedPlanText(plan, signature))
  if (opts.json) printJson({ file, hash: plan.hash, signature })
  else console.log(`${file} signed by this installation (plan hash ${plan.hash}).`)
}

const collect = (v: string, prev: string[]) => [...prev, v]

/** The human view of a plan: what it covers, each change with its risk and why, limits, scanners. */
export function formatPlan(p: Plan): string {
  const out: string[] = []
  out.push(paint('bold', `Plan for ${p.vendor.name} in ${p.tenant.name}`))
  out.push(`${licenceName(p.tenant.licence)}; MX at ${p.tenant.mx}; mode ${p.mode}`, '')
  if (p.protections.length)
    out.push(
      table(
        ['protection', 'mechanism', 'risk', 'why'],
        p.protections.map((x) => [
          protectionDef(x.protection).title,
          MECHANISMS[x.mechanism].title,
          x.risk,
          x.why + (x.vendorRecipe ? ` (vendor recipe: ${x.vendorRecipe})` : ''),
        ]),
        44,
      ),
      '',
    )
  for (const s of p.skipped)
    out.push(
      `${paint('yellow', 'not possible here')}: ${protectionDef(s.protection).title} — ${s.reason}`,
    )
  if (p.skipped.length) out.push('')
  if (!p.changes.length)
    out.push(paint('green', 'No changes: the tenant already satisfies this plan.'))
  else {
    out.push(paint('bold', `${p.changes.length} change${p.changes.length > 1 ? 's' : ''}`))
    out.push(
      table(
        ['id', 'change', 'risk', 'why'],
        p.changes.map((c) => [c.id, c.summary, c.risk.level, c.risk.reason]),
        52,
      ),
    )
    const limits = p.changes.flatMap((c) =>
      c.limits
        .filter((l) => l.after >= l.max * 0.8 || l.limit.includes('per organisation'))
        .map((l) => `${c.id}: ${l.limit} ${l.before} -> ${l.after} of ${l.max}`),
    )
    if (limits.length)
      out.push('', paint('bold', 'Microsoft limits'), ...limits.map((l) => `  ${l}`))
    const checks = p.changes.flatMap((c) =>
      c.baselines.map((b) => `${c.id}: ${b.scanner} ${b.check} — ${b.title}`),
    )
    if (checks.length)
      out.push(
        '',
        paint('bold', 'Baseline checks this plan will trip'),
        ...checks.map((l) => `  ${l}`),
      )
  }
  if (p.notices.length) out.push('', paint('bold', 'Notes'), ...p.notices.map((n) => `  - ${n}`))
  out.push('', `plan hash ${p.hash}`)
  return out.join('\n')
}

/** `passage plan <vendor> --tenant-snapshot <file> ...`. */
export function registerPlanCommand(program: Command): void {
  program
    .command('plan')
    .description(
      'plan the safest changes that let a vendor through, with their risks and the equivalent PowerShell',
    )
    .argument(
      '[vendor]',
      "vendor id (see passage vendors), or 'custom' with --param or --vendor-file",
    )
    .option(
      '--tenant-snapshot <file>',
      'tenant snapshot JSON (see examples/), or - for standard input',
    )
    .option(
      '--tenant <name|guid>',
      'plan against a connected tenant as it is now (discovered fresh) instead of a snapshot file',
    )
    .option(
      '--protect <list>',
      'comma-separated protections to adjust (default: what the vendor recommends)',
    )
    .option(
      '--mechanism <mode>',
      'recommended (least risky that works) or recipe (the vendor’s own)',
      'recommended',
    )
    .option('--param <key=value>', 'a vendor parameter (repeatable)', collect, [])
    .option('--vendor-file <file>', 'a vendor profile (YAML or JSON) for a custom service')
    .option('--out <file>', 'write the plan JSON to a file')
    .option(
      '--powershell <file>',
      'write the equivalent PowerShell script to a file, or - for standard output',
    )
    .option('--json', 'print the plan as JSON')
    .option(
      '--resign <file>',
      'review a plan file made on another machine (or edited) and sign it with this installation’s key, so that apply accepts it here',
    )
    .option('--yes', 'with --resign: sign without asking')
    .addOption(new Option('--now <iso>', 'plan as of this time (reproducible plans)').hideHelp())
    .addHelpText(
      'after',
      `
--out writes the plan signed with a key this installation keeps in its store: passage apply
refuses a plan file that was edited or made elsewhere. To pass a plan between machines, plan where
you apply (passage plan --tenant ...), or review it there and run: passage plan --resign <file>`,
    )
    .action(async (vendor: string | undefined, opts: PlanOptions, cmd: Command) => {
      if (opts.resign) return resign(opts.resign, opts, cmd)
      if (!vendor)
        throw new PassageError(
          'PASSAGE_E_INPUT',
          'Name the vendor to plan for (passage vendors lists them), or --resign <file>.',
        )
      const req = {
        vendor,
        ...(opts.vendorFile ? { vendorFile: opts.vendorFile } : {}),
        params: parseParams(opts.param),
        ...(opts.protect ? { protections: opts.protect.split(',').filter(Boolean) } : {}),
        mode: opts.mechanism,
        now: opts.now ?? new Date().toISOString(),
      }
      if (!opts.tenantSnapshot && !opts.tenant)
        throw new PassageError(
          'PASSAGE_E_INPUT',
          'Give --tenant-snapshot <file>, or --tenant <name> to plan against a connected tenant.',
        )
      const p = opts.tenantSnapshot
        ? planFromSnapshot({ ...req, snapshotPath: opts.tenantSnapshot })
        : await withStore(cmd, async (store) => {
            const session = await sessionFor(store, opts.tenant)
            try {
              progress('Reading the tenant...')
              return planForSnapshot((await discover(session, store)).snapshot, req)
            } finally {
              session.close()
            }
          })
      if (opts.out) {
        const signature = await withStore(cmd, (store) => signPlan(store, p))
        writeTextAtomic(opts.out, signedPlanText(p, signature))
      }
      const script = opts.powershell ? renderPlanScript(p) : ''
      if (opts.powershell && opts.powershell !== '-') writeTextAtomic(opts.powershell, script)
      if (opts.json) printJson(p)
      else if (opts.powershell === '-') process.stdout.write(script)
      else {
        console.log(formatPlan(p))
        if (opts.out) console.log(`plan written to ${opts.out}`)
        if (opts.powershell) console.log(`PowerShell written to ${opts.powershell}`)
      }
    })
}
