/** Get/Set-HostedConnectionFilterPolicy: the IP Allow and Block Lists (reference §3.2). */
import { coManagerChangedAt } from './co-manager.js'
import { CONNECTION_FILTER } from './limits.js'
import { notFound } from './errors.js'
import { matches, present } from './objects.js'
import { applyMvp, P } from './params.js'
import type { CmdletDef, Ctx } from './types.js'
import { checkCount, checkIps } from './validate.js'

function policy(ctx: Ctx, identity: string | undefined) {
  const cf = ctx.snapshot.state.connectionFilter
  // There is only one connection filter policy; it answers to its name (Default).
  if (identity !== undefined && !matches(cf, identity)) throw notFound(identity)
  return cf
}

function checkList(param: string, list: readonly string[]): void {
  checkIps(param, list, {
    ipv6: false,
    widestPrefix: CONNECTION_FILTER.widestPrefix,
    maxRangeAddresses: CONNECTION_FILTER.maxRangeAddresses,
  })
  checkCount(param, list, CONNECTION_FILTER.maxEntries)
}

/** The connection filter cmdlets. */
export const CONNECTION_FILTER_CMDLETS: CmdletDef[] = [
  {
    name: 'Get-HostedConnectionFilterPolicy',
    write: false,
    scope: 'security',
    params: [P.identity(false)],
    run(ctx, p) {
      const cf = policy(ctx, p.str('Identity'))
      // A co-manager's revert moves WhenChanged (co-manager.ts); otherwise the shape's own.
      const changed = coManagerChangedAt(ctx.tenant)
      return [
        present(cf, cf.Name, { IsDefault: true, ...(changed ? { WhenChanged: changed } : {}) }),
      ]
    },
  },
  {
    name: 'Set-HostedConnectionFilterPolicy',
    write: true,
    scope: 'security',
    params: [P.identity(), P.mvp('IPAllowList'), P.mvp('IPBlockList'), P.bool('EnableSafeList')],
    run(ctx, p) {
      const cf = policy(ctx, p.req('Identity'))
      for (const f of ['IPAllowList', 'IPBlockList'] as const) {
        if (!p.has(f)) continue
        const next = applyMvp(cf[f], p.mvp(f))
        checkList(f, next)
        cf[f] = next
      }
      if (p.has('EnableSafeList')) cf.EnableSafeList = p.bool('EnableSafeList') ?? false
    },
  },
]
