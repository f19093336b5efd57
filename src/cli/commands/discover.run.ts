/** `passage discover`: the implementation, loaded when the command runs (see ./discover.ts). */
import type { Command } from 'commander'
import { mxCertainty } from '../../app/mx-words.js'
import { plainRoles } from '../../app/role-words.js'
import { discover } from '../../app/discover.js'
import { writeTextAtomic } from '../../app/files.js'
import { licenceName } from '../../core/model/licence.js'
import { progress, sessionFor, withStore } from '../connection.js'
import { paint, printJson } from '../output.js'
import { surfaceCounts } from '../surface-counts.js'
import type { DiscoverOptions } from './discover.js'

/** Reads the connected tenant into a snapshot and shows what it holds. */
export async function run(opts: DiscoverOptions, cmd: Command): Promise<void> {
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
          : `Licence: planned as ${licenceName(s.licence)}, from which Defender cmdlets answer (Microsoft Graph ${d.graphSignedIn ? 'refused' : 'not asked'})`,
      )
      if (d.roles) console.log(`Signed-in roles: ${plainRoles(d.roles.roles).join(', ') || 'none'}`)
      const groups = s.directory.groups
      if (groups.length > 0)
        console.log(
          `Groups that policies are scoped by (members read from ${d.groupsSource === 'graph' ? 'Microsoft Graph' : d.groupsSource === 'given' ? 'the file given' : 'Exchange'}): ${groups
            .map(
              (g) =>
                `${g.address} (${g.members.length} ${g.members.length === 1 ? 'member' : 'members'})`,
            )
            .join(', ')}`,
        )
      // What discovery could not learn, or learnt only indirectly, in plain sight
      // (ms-rule: client.graph-client).
      for (const line of d.degraded) console.log(paint('yellow', `warning: ${line}`))
      const mx = mxCertainty(d.mxSource, d.mxLookup)
      console.log(
        `MX: ${s.mx.route === 'gateway' ? `gateway ${s.mx.gateway}` : 'Microsoft 365'} (${mx.words})`,
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
}
