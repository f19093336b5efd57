import type { Command } from 'commander'
import { discover } from '../../app/discover.js'
import { writeTextAtomic } from '../../app/files.js'
import { licenceName } from '../../core/model/licence.js'
import type { TenantSnapshot } from '../../core/model/snapshot.js'
import { progress, sessionFor, withStore } from '../connection.js'
import { paint, printJson } from '../output.js'

interface DiscoverOptions {
  tenant?: string
  out?: string
  json?: boolean
}

/** What the default anti-malware policy does with common attachment types, in words. */
function malwareNote(s: TenantSnapshot): string {
  const d = s.state.malware.policies.find((p) => p.IsDefault)
  if (!d) return ''
  const filter = d.EnableFileFilter
    ? `file filter ${d.FileTypeAction === 'Quarantine' ? 'quarantines' : 'rejects'} ${d.FileTypes.length} types`
    : 'file filter off'
  return `; default: ${filter}, malware to ${d.QuarantineTag}`
}

/** One line per surface: how many objects it holds. */
export function surfaceCounts(s: TenantSnapshot): string[] {
  const st = s.state
  return [
    `mail flow rules          ${st.transportRules.length}`,
    `anti-spam policies       ${st.antiSpam.policies.length} (${st.antiSpam.rules.length} rules)`,
    `anti-phishing policies   ${st.antiPhish.policies.length} (${st.antiPhish.rules.length} rules)`,
    `Safe Links policies      ${st.safeLinks ? st.safeLinks.policies.length : 'n/a (no Defender)'}`,
    `Safe Attachments         ${st.safeAttachments ? st.safeAttachments.policies.length : 'n/a (no Defender)'}`,
    `anti-malware policies    ${st.malware.policies.length} (${st.malware.rules.length} rules)${malwareNote(s)}`,
    `allow/block entries      ${st.tabl.items.length} (+${st.tabl.spoofItems.length} spoof)`,
    `IP allow list            ${st.connectionFilter.IPAllowList.length}`,
    `quarantine policies      ${st.quarantinePolicies.length}`,
    `inbound connectors       ${st.inboundConnectors.length}`,
    `preset policy rules      ${s.presets.length}`,
  ]
}

/** `passage discover`: read the connected tenant into a snapshot. */
export function registerDiscoverCommand(program: Command): void {
  program
    .command('discover')
    .description(
      'read the connected tenant: licence, roles, MX routing, every surface, co-managers',
    )
    .option('--tenant <name|guid>', 'a tenant connected before (default: the last one)')
    .option('--out <file>', 'write the snapshot JSON to a file')
    .option('--json', 'print the result as JSON')
    .action(async (opts: DiscoverOptions, cmd: Command) => {
      await withStore(cmd, async (store) => {
        const session = await sessionFor(store, opts.tenant)
        try {
          progress('Reading the tenant...')
          const d = await discover(session, store)
          if (opts.out) writeTextAtomic(opts.out, `${JSON.stringify(d.snapshot, null, 2)}\n`)
          if (opts.json) {
            printJson(d)
            return
          }
          const s = d.snapshot
          console.log(paint('bold', `${s.tenant.displayName || s.tenant.name} (${s.tenant.name})`))
          console.log(
            d.licenceSource === 'graph'
              ? `Licence: ${licenceName(s.licence)}`
              : `Licence: unknown (Graph refused); planned as ${licenceName(s.licence)} from the Defender cmdlets`,
          )
          if (d.roles) console.log(`Signed-in roles: ${d.roles.roles.join(', ') || 'none'}`)
          // What Graph would not say, in plain sight (ms-rule: client.graph-client).
          for (const line of d.degraded) console.log(paint('yellow', `warning: ${line}`))
          console.log(
            `MX: ${s.mx.route === 'gateway' ? `gateway ${s.mx.gateway}` : 'Microsoft 365'} (from ${d.mxSource})`,
          )
          console.log('', ...surfaceCounts(s).map((l) => `\n  ${l}`))
          if (d.coManagers.length) {
            console.log(paint('bold', '\nOther tools managing these objects'))
            for (const c of d.coManagers)
              console.log(`  ${c.tool}: ${c.objects.join('; ')}\n    may revert: ${c.mayRevert}`)
          }
          console.log(`\nRead in ${d.ms} ms with ${d.calls} calls.`)
          if (opts.out) console.log(`Snapshot written to ${opts.out}`)
        } finally {
          session.close()
        }
      })
    })
}
