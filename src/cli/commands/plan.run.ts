/** `passage plan`: the implementation, loaded when the command runs (see ./plan.ts). */
import type { Command } from 'commander'
import { writeTextAtomic } from '../../app/files.js'
import { loadPlanFile } from '../../app/plan-file.js'
import { signedPlanText, signPlan } from '../../app/plan-signing.js'
import { planForSnapshot, planFromSnapshot } from '../../app/plan-use-case.js'
import { noChangesWords } from '../../app/plan-verdict.js'
import { PassageError } from '../../core/errors/index.js'
import type { Plan } from '../../core/planner/types.js'
import { parseParams } from '../../app/vendor-choice.js'
import { renderPlanScript } from '../../core/powershell/render.js'
import { formatPlan } from '../format-plan.js'
import { printJson } from '../output.js'
import type { PlanOptions } from './plan.js'

// The store and sign-in (kysely, the database drivers, msal: several hundred modules) load only
// for what needs them: --tenant, --out and --resign. Planning from a snapshot file does not.
const connection = () => import('../connection.js')

/** `passage plan --resign <file>`: review a plan made elsewhere and sign it here. */
async function resign(file: string, opts: PlanOptions, cmd: Command): Promise<void> {
  const { plan } = loadPlanFile(file)
  const { confirmOrYes, progress, withStore } = await connection()
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

/** Plans the safest changes that let a vendor through (or, with --resign, signs a plan file). */
export async function run(
  vendor: string | undefined,
  opts: PlanOptions,
  cmd: Command,
): Promise<void> {
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
    ...(opts.presetException?.length ? { presetExceptions: opts.presetException } : {}),
    now: opts.now ?? new Date().toISOString(),
  }
  if (!opts.tenantSnapshot && !opts.tenant)
    throw new PassageError(
      'PASSAGE_E_INPUT',
      'Give --tenant-snapshot <file>, or --tenant <name> to plan against a connected tenant.',
    )
  const p = opts.tenantSnapshot
    ? planFromSnapshot({ ...req, snapshotPath: opts.tenantSnapshot })
    : await planForTenant(opts.tenant, req, cmd)
  if (opts.out) {
    const { withStore } = await connection()
    const signature = await withStore(cmd, (store) => signPlan(store, p))
    writeTextAtomic(opts.out, signedPlanText(p, signature))
  }
  const script = opts.powershell ? renderPlanScript(p) : ''
  if (opts.powershell && opts.powershell !== '-') writeTextAtomic(opts.powershell, script)
  if (opts.json) printJson(p)
  else if (opts.powershell === '-') process.stdout.write(script)
  else {
    console.log(formatPlan(p, noChangesWords(p)))
    if (opts.out) console.log(`plan written to ${opts.out}`)
    if (opts.powershell) console.log(`PowerShell written to ${opts.powershell}`)
  }
}

/** Plans against a connected tenant as it is now, discovered fresh. */
async function planForTenant(
  tenant: string | undefined,
  req: Parameters<typeof planForSnapshot>[1],
  cmd: Command,
): Promise<Plan> {
  const [{ progress, sessionFor, withStore }, { discover }] = await Promise.all([
    connection(),
    import('../../app/discover.js'),
  ])
  return withStore(cmd, async (store) => {
    const session = await sessionFor(store, tenant)
    try {
      progress('Reading the tenant...')
      return planForSnapshot((await discover(session, store)).snapshot, req)
    } finally {
      session.close()
    }
  })
}
