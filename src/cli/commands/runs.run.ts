/** `passage runs`: the implementation, loaded when the command runs (see ./runs.ts). */
import type { Command } from 'commander'
import { withStore } from '../connection.js'
import { printJson } from '../output.js'
import { table } from '../table.js'
import type { RunsOptions } from './runs.js'

/** Lists the runs recorded in the store. */
export async function run(opts: RunsOptions, cmd: Command): Promise<void> {
  await withStore(cmd, async (store) => {
    let tenantId: string | undefined
    if (opts.tenant) {
      const t = opts.tenant.toLowerCase()
      tenantId = (await store.listTenants()).find((x) => x.id === t || x.name === t)?.id ?? t
    }
    const runs = await store.listRuns(tenantId)
    const names = new Map((await store.listTenants()).map((t) => [t.id, t.name]))
    if (opts.json) {
      printJson(runs)
      return
    }
    if (!runs.length) {
      console.log('No runs yet.')
      return
    }
    console.log(
      table(
        ['run', 'tenant', 'kind', 'status', 'started', 'by', 'plan'],
        runs.map((r) => [
          String(r.id),
          names.get(r.tenantId) ?? r.tenantId,
          r.kind,
          r.status + (r.errorCode ? ` (${r.errorCode})` : ''),
          r.startedAt.replace('T', ' ').slice(0, 19),
          r.actor,
          r.planHash?.slice(0, 12) ?? '',
        ]),
      ),
    )
  })
}
